//! The runtime of a book's computations: what every book's program links against, whatever
//! its course.
//!
//! The compute stage generates one program from the ```` ```rust,compute ```` blocks of a book.
//! The program starts with `use coursebook_notebook::prelude::*;` (then the book's own library,
//! if book.toml names one), and its `main` calls [`notebook::run`], which writes the
//! [`notebook::Event`]s the stage reads back. A book's library depends on this crate too, so
//! that its functions can return a [`Figure`](figure::Figure) or implement
//! [`Publish`](notebook::Publish).
//!
//! ```
//! use coursebook_notebook::prelude::*;
//! let v = array![1.0, 2.0].to_value();
//! assert_eq!(v, Value::List(vec![Value::Float(1.0), Value::Float(2.0)]));
//! ```

pub mod embedded;
pub mod figure;
pub mod notebook;

pub use ndarray;

/// What every block sees before the book's library: `publish!`, [`Value`](notebook::Value),
/// [`Figure`](figure::Figure), [`read_data`](notebook::read_data) and ndarray's essentials
/// (`ndarray` itself too, for the rest).
pub mod prelude {
    pub use crate::figure::Figure;
    pub use crate::notebook::{read_data, Publish, Value};
    pub use crate::publish;
    pub use ndarray::{self, array, s, Array1, Array2, ArrayView1, ArrayView2, Axis};
}
