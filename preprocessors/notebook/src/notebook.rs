//! The runtime of a compiled book: values that blocks publish, and the protocol that carries
//! them back to the `compute` preprocessor.
//!
//! The preprocessor generates one program for the whole book. Each chapter becomes a function;
//! [`run`] calls them in order, each under `catch_unwind`, and writes one JSON line per event to
//! the results file whose path is the program's first argument. Keeping results out of stdout
//! means a block may `println!` freely without corrupting the protocol.

use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// A value published by a block, as the checker sees it.
///
/// Vectors and matrices become nested [`Value::List`]s so that `scores[0]` and `m[1][2]` index
/// them the same way whatever their ndarray type was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    List(Vec<Value>),
    /// A drawing or an image, shown with `{{#figure NAME}}`; it cannot be checked.
    Figure(crate::figure::Figure),
}

/// Conversion of a Rust value into a published [`Value`].
pub trait Publish {
    fn to_value(&self) -> Value;
}

macro_rules! publish_int {
    ($($t:ty),*) => {$(
        impl Publish for $t {
            fn to_value(&self) -> Value {
                // Counts in a course book fit in i64; saturate rather than wrap if one does not.
                Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
publish_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Publish for f64 {
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}
impl Publish for f32 {
    fn to_value(&self) -> Value {
        Value::Float(f64::from(*self))
    }
}
impl Publish for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}
impl Publish for str {
    fn to_value(&self) -> Value {
        Value::Str(self.to_owned())
    }
}
impl Publish for String {
    fn to_value(&self) -> Value {
        Value::Str(self.clone())
    }
}
impl Publish for char {
    fn to_value(&self) -> Value {
        Value::Str(self.to_string())
    }
}
impl Publish for crate::figure::Figure {
    fn to_value(&self) -> Value {
        Value::Figure(self.clone())
    }
}
impl<T: Publish + ?Sized> Publish for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: Publish> Publish for [T] {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(Publish::to_value).collect())
    }
}
impl<T: Publish, const N: usize> Publish for [T; N] {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}
impl<T: Publish> Publish for Vec<T> {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}
impl<A, B> Publish for (A, B)
where
    A: Publish,
    B: Publish,
{
    fn to_value(&self) -> Value {
        Value::List(vec![self.0.to_value(), self.1.to_value()])
    }
}
impl<T, S, D> Publish for ndarray::ArrayBase<S, D>
where
    T: Publish,
    S: ndarray::Data<Elem = T>,
    D: ndarray::Dimension,
{
    fn to_value(&self) -> Value {
        fn nest<T: Publish>(view: ndarray::ArrayViewD<'_, T>) -> Value {
            if view.ndim() == 0 {
                return view
                    .first()
                    .map_or(Value::List(Vec::new()), Publish::to_value);
            }
            Value::List(view.outer_iter().map(|sub| nest(sub.into_dyn())).collect())
        }
        nest(self.view().into_dyn())
    }
}

/// One line of the results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    /// Chapter `chapter` (its index among the book's computing chapters) started.
    Start { chapter: usize },
    /// Block `block` of the current chapter started: locates a panic raised inside the course
    /// library, a time-out or a flood of output.
    Block { chapter: usize, block: usize },
    /// A block published `name` at `line` of the generated program.
    Publish {
        chapter: usize,
        name: String,
        line: u32,
        value: Value,
    },
    /// The chapter panicked at `line` of `file` (the generated program, or a library file).
    Panic {
        chapter: usize,
        file: String,
        line: u32,
        message: String,
    },
    /// The chapter's function returned an error through `?`.
    Error { chapter: usize, message: String },
    /// The chapter finished.
    End { chapter: usize },
}

/// The result type of a chapter's function, so that blocks may use `?`.
pub type ChapterResult = Result<(), Box<dyn std::error::Error>>;

/// A chapter of the generated program.
pub type ChapterFn = fn() -> ChapterResult;

thread_local! {
    static CURRENT: RefCell<Option<usize>> = const { RefCell::new(None) };
}

static SINK: Mutex<Option<BufWriter<File>>> = Mutex::new(None);
static PANIC_AT: Mutex<Option<(String, u32, String)>> = Mutex::new(None);

fn emit(event: &Event) {
    let mut sink = SINK.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(out) = sink.as_mut() {
        // A failed write shows up as missing events, which the preprocessor reports.
        let _ = serde_json::to_writer(&mut *out, event);
        let _ = out.write_all(b"\n");
        let _ = out.flush();
    }
}

/// Publishes `value` under `name`; called by [`publish!`](crate::publish).
#[doc(hidden)]
pub fn publish_value<T: Publish + ?Sized>(name: &str, line: u32, value: &T) {
    let chapter = CURRENT.with(|c| *c.borrow()).unwrap_or(usize::MAX);
    emit(&Event::Publish {
        chapter,
        name: name.to_owned(),
        line,
        value: value.to_value(),
    });
}

/// Marks the start of block `block` of the running chapter; the generated program calls it.
#[doc(hidden)]
pub fn enter_block(block: usize) {
    let chapter = CURRENT.with(|c| *c.borrow()).unwrap_or(usize::MAX);
    emit(&Event::Block { chapter, block });
}

/// Runs the chapters of a compiled book, writing events to the file named by the first argument.
///
/// A panicking chapter is reported and the next one still runs, so that one build lists every
/// failure of the book rather than the first.
pub fn run(chapters: &[ChapterFn]) {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: <compiled book> RESULTS-FILE");
        std::process::exit(2);
    };
    let file = match File::create(&path) {
        Ok(file) => file,
        Err(err) => {
            eprintln!("cannot create {}: {err}", path.to_string_lossy());
            std::process::exit(2);
        }
    };
    *SINK.lock().unwrap_or_else(|e| e.into_inner()) = Some(BufWriter::new(file));
    panic::set_hook(Box::new(|info| {
        let (file, line) = info
            .location()
            .map_or((String::new(), 0), |l| (l.file().to_owned(), l.line()));
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "panic with a non-string payload".to_owned()
        };
        *PANIC_AT.lock().unwrap_or_else(|e| e.into_inner()) = Some((file, line, message));
    }));
    for (chapter, body) in chapters.iter().enumerate() {
        CURRENT.with(|c| *c.borrow_mut() = Some(chapter));
        emit(&Event::Start { chapter });
        match panic::catch_unwind(AssertUnwindSafe(body)) {
            Ok(Ok(())) => {}
            Ok(Err(err)) => emit(&Event::Error {
                chapter,
                message: err.to_string(),
            }),
            Err(_) => {
                let (file, line, message) = PANIC_AT
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .unwrap_or((String::new(), 0, "panic".to_owned()));
                emit(&Event::Panic {
                    chapter,
                    file,
                    line,
                    message,
                });
            }
        }
        emit(&Event::End { chapter });
    }
}

/// Publishes values for the book's `{{#check}}` and `{{#value}}` directives.
///
/// `publish!(scores)` publishes the variable `scores` under its own name;
/// `publish!(total = 72 + 10)` publishes an expression under a name; several may be given,
/// separated by commas.
#[macro_export]
macro_rules! publish {
    () => {};
    ($name:ident = $value:expr $(, $($rest:tt)*)?) => {
        $crate::notebook::publish_value(stringify!($name), line!(), &$value);
        $($crate::publish!($($rest)*);)?
    };
    ($name:ident $(, $($rest:tt)*)?) => {
        $crate::notebook::publish_value(stringify!($name), line!(), &$name);
        $($crate::publish!($($rest)*);)?
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matrices_nest_by_rows() {
        let m = array![[0.0, 1.0], [1.0, 0.5]];
        assert_eq!(
            m.to_value(),
            Value::List(vec![
                Value::List(vec![Value::Float(0.0), Value::Float(1.0)]),
                Value::List(vec![Value::Float(1.0), Value::Float(0.5)]),
            ])
        );
    }

    #[test]
    fn values_round_trip_through_json() {
        let v = vec![Value::Int(82), Value::Str("<b>".into()), Value::Bool(true)];
        let json = serde_json::to_string(&Value::List(v.clone())).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&json).unwrap(),
            Value::List(v)
        );
    }
}
