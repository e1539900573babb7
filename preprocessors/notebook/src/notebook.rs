//! The runtime of a compiled book: values that blocks publish, and the protocol that carries
//! them back to the `compute` preprocessor.
//!
//! The preprocessor generates one program for the whole book. Each chapter becomes a function;
//! [`run`] calls them in order, each under `catch_unwind`, and writes one JSON line per event to
//! the results file whose path is the program's first argument. Keeping results out of stdout
//! means a block may `println!` freely without corrupting the protocol.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A value published by a block, as the checker sees it.
///
/// Vectors and matrices become nested [`Value::List`]s so that `scores[0]` and `m[1][2]` index
/// them the same way whatever their ndarray type was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Value {
    /// An integer of any primitive width, exact (`u64::MAX`, `i128::MIN` included).
    Int(Integer),
    /// A float; NaN and the infinities travel as the strings `"NaN"`, `"inf"` and `"-inf"`,
    /// since JSON has no number for them.
    Float(#[serde(with = "float_repr")] f64),
    /// A boolean, checked against `vrai`/`faux` or `true`/`false`.
    Bool(bool),
    /// A string, checked as written.
    Str(String),
    /// A vector, a matrix (a list of rows) or a tuple, indexed as `name[i]`.
    List(Vec<Value>),
    /// A drawing or an image, shown with `{{#figure NAME}}`; it cannot be checked.
    Figure(crate::figure::Figure),
}

/// Conversion of a Rust value into a published [`Value`].
pub trait Publish {
    /// The value as the book's checks and `{{#value}}` see it.
    fn to_value(&self) -> Value;

    /// How many numbers, strings or figures the value holds, counted before it is converted,
    /// so that an oversized value is refused before it takes memory.
    fn count(&self) -> usize {
        1
    }
}

/// An integer as exact as the widest primitive: a sign and a `u128` magnitude, so that every
/// value of `i128` and of `u128` is held without rounding. It travels as a decimal string:
/// JSON readers commonly turn large numbers into floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Integer {
    negative: bool,
    magnitude: u128,
}

impl Integer {
    /// The integer with this sign and magnitude (zero is never negative).
    pub fn new(negative: bool, magnitude: u128) -> Integer {
        Integer {
            negative: negative && magnitude != 0,
            magnitude,
        }
    }

    /// Whether the integer is below zero.
    pub fn is_negative(self) -> bool {
        self.negative
    }

    /// Its absolute value.
    pub fn magnitude(self) -> u128 {
        self.magnitude
    }

    /// The value as an `i128`, when it fits.
    pub fn to_i128(self) -> Option<i128> {
        let m = i128::try_from(self.magnitude).ok();
        match (self.negative, m) {
            (false, m) => m,
            (true, Some(m)) => Some(-m),
            (true, None) => (self.magnitude == i128::MIN.unsigned_abs()).then_some(i128::MIN),
        }
    }

    /// The nearest float, for tolerances and plots.
    pub fn to_f64(self) -> f64 {
        let m = self.magnitude as f64;
        if self.negative {
            -m
        } else {
            m
        }
    }
}

macro_rules! integer_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Integer {
            fn from(n: $t) -> Integer {
                Integer {
                    negative: n < 0,
                    magnitude: (n as i128).unsigned_abs(),
                }
            }
        }
    )*};
}
integer_from!(i8, i16, i32, i64, i128, isize);

macro_rules! integer_from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Integer {
            fn from(n: $t) -> Integer {
                Integer {
                    negative: false,
                    magnitude: n as u128,
                }
            }
        }
    )*};
}
integer_from_unsigned!(u8, u16, u32, u64, u128, usize);

impl fmt::Display for Integer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        write!(f, "{}", self.magnitude)
    }
}

impl std::str::FromStr for Integer {
    type Err = String;

    fn from_str(text: &str) -> Result<Integer, String> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let magnitude: u128 = digits
            .parse()
            .map_err(|_| format!("`{text}` is not an integer"))?;
        Ok(Integer::new(negative, magnitude))
    }
}

impl Serialize for Integer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Integer, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Floats in JSON: finite ones as numbers, the others as strings that name them.
mod float_repr {
    use serde::{de, Deserializer, Serializer};
    use std::fmt;

    pub(super) fn serialize<S: Serializer>(x: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        match *x {
            x if x.is_finite() => serializer.serialize_f64(x),
            x if x.is_nan() => serializer.serialize_str("NaN"),
            x if x > 0.0 => serializer.serialize_str("inf"),
            _ => serializer.serialize_str("-inf"),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }

    struct FloatVisitor;

    impl de::Visitor<'_> for FloatVisitor {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, or \"NaN\", \"inf\", \"-inf\"")
        }
        fn visit_f64<E: de::Error>(self, x: f64) -> Result<f64, E> {
            Ok(x)
        }
        fn visit_i64<E: de::Error>(self, x: i64) -> Result<f64, E> {
            Ok(x as f64)
        }
        fn visit_u64<E: de::Error>(self, x: u64) -> Result<f64, E> {
            Ok(x as f64)
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<f64, E> {
            match text {
                "NaN" => Ok(f64::NAN),
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                other => Err(E::custom(format!("`{other}` is not a float"))),
            }
        }
    }
}

macro_rules! publish_int {
    ($($t:ty),*) => {$(
        impl Publish for $t {
            fn to_value(&self) -> Value {
                Value::Int(Integer::from(*self))
            }
        }
    )*};
}
publish_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl Publish for f64 {
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}
impl Publish for f32 {
    /// The `f64` nearest to the shortest decimal that reads back as this `f32`: an `f32` 0.1
    /// is published as 0.1, not as the 0.100000001490116… that widening it gives.
    fn to_value(&self) -> Value {
        let shortest = self.to_string();
        Value::Float(shortest.parse().unwrap_or(f64::from(*self)))
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
    fn count(&self) -> usize {
        (**self).count()
    }
}
impl<T: Publish> Publish for [T] {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(Publish::to_value).collect())
    }
    fn count(&self) -> usize {
        self.iter().map(Publish::count).sum()
    }
}
impl<T: Publish, const N: usize> Publish for [T; N] {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
    fn count(&self) -> usize {
        self.as_slice().count()
    }
}
impl<T: Publish> Publish for Vec<T> {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
    fn count(&self) -> usize {
        self.as_slice().count()
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
    fn count(&self) -> usize {
        self.0.count() + self.1.count()
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
    fn count(&self) -> usize {
        self.iter().map(Publish::count).sum()
    }
}

/// One line of the results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    /// Chapter `chapter` (its index among the book's computing chapters) started.
    Start {
        /// The chapter's index.
        chapter: usize,
    },
    /// Block `block` of the current chapter started: locates a panic raised inside the course
    /// library, a time-out or a flood of output.
    Block {
        /// The chapter's index.
        chapter: usize,
        /// The block's index in its chapter.
        block: usize,
    },
    /// Block `block` ran to its last line. A block that started and never left returned early
    /// (a `return` or a closed function), and the blocks after it did not run.
    Left {
        /// The chapter's index.
        chapter: usize,
        /// The block's index in its chapter.
        block: usize,
    },
    /// A block published `name` at `line` of its chapter's file in the generated program.
    Publish {
        /// The chapter's index; `usize::MAX` for a value published on a thread that a block
        /// started, which runs outside its chapter.
        chapter: usize,
        /// The name the checks use.
        name: String,
        /// The line of `publish!` in the generated program.
        line: u32,
        /// The file of `publish!` in the generated program, given only when `chapter` is not
        /// known: it names the chapter whose code published the value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
        /// What was published.
        value: Value,
    },
    /// A block read the data file `path` (relative to the book root, or absolute) through
    /// [`read_data`]: the cached results hold only while the file is unchanged.
    Input {
        /// The chapter's index.
        chapter: usize,
        /// The file, as the block named it.
        path: String,
    },
    /// The chapter panicked at `line` of `file` (a chapter's file of the generated program, or
    /// a library file).
    Panic {
        /// The chapter's index.
        chapter: usize,
        /// The source file the panic names.
        file: String,
        /// Its line in that file.
        line: u32,
        /// The panic's message.
        message: String,
    },
    /// The chapter's function returned an error through `?`.
    Error {
        /// The chapter's index.
        chapter: usize,
        /// The error's message.
        message: String,
    },
    /// The chapter finished.
    End {
        /// The chapter's index.
        chapter: usize,
    },
}

/// The result type of a chapter's function, so that blocks may use `?`.
pub type ChapterResult = Result<(), Box<dyn std::error::Error>>;

/// A chapter of the generated program.
pub type ChapterFn = fn() -> ChapterResult;

/// Most numbers (and strings, and figures) a book may publish in all: far above what a page
/// shows, far below what fills the memory of the build (10⁷ floats took 3 GB).
pub const MAX_PUBLISHED_ITEMS: usize = 1_000_000;

/// Most bytes the published values of a book may take in the results file.
pub const MAX_PUBLISHED_BYTES: usize = 64 << 20;

thread_local! {
    static CURRENT: RefCell<Option<usize>> = const { RefCell::new(None) };
}

static SINK: Mutex<Option<BufWriter<File>>> = Mutex::new(None);
static PANIC_AT: Mutex<Option<(String, u32, String)>> = Mutex::new(None);
/// The folder of each chapter, relative to the working directory, for [`read_data`].
static CHAPTER_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static PUBLISHED_ITEMS: AtomicUsize = AtomicUsize::new(0);
static PUBLISHED_BYTES: AtomicUsize = AtomicUsize::new(0);

fn current_chapter() -> usize {
    CURRENT.with(|c| *c.borrow()).unwrap_or(usize::MAX)
}

fn emit(event: &Event) {
    let line = serde_json::to_vec(event).expect("events serialize");
    write_line(&line);
}

fn write_line(line: &[u8]) {
    let mut sink = SINK.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(out) = sink.as_mut() {
        // A failed write shows up as missing events, which the preprocessor reports.
        let _ = out.write_all(line);
        let _ = out.write_all(b"\n");
        let _ = out.flush();
    }
}

/// Adds `amount` to a running total and panics, at the caller's `publish!`, past `limit`.
#[track_caller]
fn take_budget(total: &AtomicUsize, amount: usize, limit: usize, name: &str, what: &str) {
    let now = total
        .fetch_add(amount, Ordering::Relaxed)
        .saturating_add(amount);
    if now > limit {
        panic!(
            "publishing `{name}` brings the book's published values to {now} {what}, \
             above the limit of {limit}: publish a summary (a few items, a mean) instead"
        );
    }
}

/// Publishes `value` under `name`; called by [`publish!`](crate::publish).
#[doc(hidden)]
#[track_caller]
pub fn publish_value<T: Publish + ?Sized>(name: &str, file: &str, line: u32, value: &T) {
    take_budget(
        &PUBLISHED_ITEMS,
        value.count(),
        MAX_PUBLISHED_ITEMS,
        name,
        "items",
    );
    let chapter = current_chapter();
    let event = Event::Publish {
        chapter,
        name: name.to_owned(),
        line,
        file: (chapter == usize::MAX).then(|| file.to_owned()),
        value: value.to_value(),
    };
    let bytes = serde_json::to_vec(&event).expect("events serialize");
    take_budget(
        &PUBLISHED_BYTES,
        bytes.len(),
        MAX_PUBLISHED_BYTES,
        name,
        "bytes",
    );
    write_line(&bytes);
}

/// Marks the start of block `block` of the running chapter; the generated program calls it.
#[doc(hidden)]
pub fn enter_block(block: usize) {
    let chapter = current_chapter();
    emit(&Event::Block { chapter, block });
}

/// Marks the end of block `block`; the generated program calls it after the block's last line.
#[doc(hidden)]
pub fn leave_block(block: usize) {
    let chapter = current_chapter();
    emit(&Event::Left { chapter, block });
}

/// Reads a data file, `path` being relative to the chapter's folder (`donnees.txt` beside
/// `src/q7.md` is `src/donnees.txt`), and records it: the cached results of the book are reused
/// only while every file read this way is unchanged. A file read otherwise (`std::fs`) is
/// invisible to the cache, which would then keep showing values computed from its old content.
///
/// ```no_run
/// # fn block() -> Result<(), Box<dyn std::error::Error>> {
/// use coursebook_notebook::notebook::read_data;
/// let count: i64 = read_data("donnees.txt")?.trim().parse()?;
/// # Ok(()) }
/// ```
pub fn read_data(path: impl AsRef<Path>) -> std::io::Result<String> {
    let chapter = current_chapter();
    let dir = CHAPTER_DIRS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(chapter)
        .cloned()
        .unwrap_or_default();
    let full = dir.join(path);
    emit(&Event::Input {
        chapter,
        path: full.to_string_lossy().into_owned(),
    });
    std::fs::read_to_string(&full)
}

/// Runs the chapters of a compiled book. The first argument names the results file where
/// events are written; the next ones give each chapter's folder, for [`read_data`].
///
/// A panicking chapter is reported and the next one still runs, so that one build lists every
/// failure of the book rather than the first.
pub fn run(chapters: &[ChapterFn]) {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: <compiled book> RESULTS-FILE [CHAPTER-DIR…]");
        std::process::exit(2);
    };
    *CHAPTER_DIRS.lock().unwrap_or_else(|e| e.into_inner()) = args.map(PathBuf::from).collect();
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
        $crate::notebook::publish_value(stringify!($name), file!(), line!(), &$value);
        $($crate::publish!($($rest)*);)?
    };
    ($name:ident $(, $($rest:tt)*)?) => {
        $crate::notebook::publish_value(stringify!($name), file!(), line!(), &$name);
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
        let v = vec![
            Value::Int(82.into()),
            Value::Int(u64::MAX.into()),
            Value::Int(i128::MIN.into()),
            Value::Int(u128::MAX.into()),
            Value::Float(f64::NAN),
            Value::Float(f64::NEG_INFINITY),
            Value::Float(0.1),
            Value::Str("<b>".into()),
            Value::Bool(true),
        ];
        let event = Event::Publish {
            chapter: 0,
            name: "v".into(),
            line: 1,
            file: None,
            value: Value::List(v.clone()),
        };
        let json = serde_json::to_string(&event).unwrap();
        let Event::Publish { value, .. } = serde_json::from_str::<Event>(&json).unwrap() else {
            panic!("not a publish event: {json}");
        };
        // NaN is not equal to itself: compare the texts.
        assert_eq!(format!("{value:?}"), format!("{:?}", Value::List(v)));
    }

    #[test]
    fn integers_keep_every_digit() {
        assert_eq!(u64::MAX.to_value(), Value::Int(u64::MAX.into()));
        assert_eq!(Integer::from(u128::MAX).to_string(), u128::MAX.to_string());
        assert_eq!(Integer::from(i128::MIN).to_i128(), Some(i128::MIN));
        assert_eq!(Integer::from(u128::MAX).to_i128(), None);
        let big = (1i64 << 53) + 1;
        assert_ne!(big.to_value(), ((1i64 << 53) as f64).to_value());
        assert_eq!("-0".parse::<Integer>().unwrap(), Integer::from(0));
    }

    #[test]
    fn an_f32_is_published_as_the_decimal_it_shows() {
        assert_eq!(0.1f32.to_value(), Value::Float(0.1));
        assert!(matches!(f32::NAN.to_value(), Value::Float(x) if x.is_nan()));
        assert_eq!(f32::INFINITY.to_value(), Value::Float(f64::INFINITY));
    }

    #[test]
    fn counts_are_taken_before_conversion() {
        assert_eq!(vec![vec![1.0, 2.0], vec![3.0]].count(), 3);
        assert_eq!(ndarray::Array2::<f64>::zeros((3, 4)).count(), 12);
    }
}
