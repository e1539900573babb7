//! Options of the `[preprocessor.compute]` table of book.toml.

use crate::written::Locale;
use common::Edition;
use mdbook_preprocessor::PreprocessorContext;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The stage's options.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Longest a book's computations may run, all chapters together (`timeout`, in seconds;
    /// 10 by default).
    pub timeout: Duration,
    /// Longest rustc may take to compile the book's computations (`compile-timeout`, in
    /// seconds; 120 by default): a `const` evaluated at compile time can keep it busy forever.
    pub compile_timeout: Duration,
    /// Decimal separator of values shown with `{{#value}}` (`decimal`; `,` for French books).
    pub decimal: char,
    /// Whether reader-facing words are French (`book.language` starts with `fr`).
    pub french: bool,
    /// The book's library (`library`, a path to a Cargo package relative to the book root),
    /// as the absolute path of its folder. `None`: the blocks see the runtime alone.
    pub library: Option<PathBuf>,
    /// How written answers write numbers (`book.language`: `,` separates thousands in English).
    pub locale: Locale,
    /// The book's root folder: the computations run there, and read data files from there.
    pub root: PathBuf,
    /// The edition being built (`[preprocessor.exam] edition`): the sujet's pages show no
    /// computation, no proof and no computed answer.
    pub edition: Edition,
}

/// The keys of `[preprocessor.compute]` that the stage reads.
pub const KEYS: &[&str] = &["timeout", "compile-timeout", "decimal", "library"];

impl Options {
    /// Reads the options; a value of the wrong type is an error rather than a silent default.
    pub fn from_context(ctx: &PreprocessorContext, name: &str) -> Result<Options, String> {
        let key = |k: &str| format!("preprocessor.{name}.{k}");
        let french = common::page::is_french(&ctx.config);
        let seconds = |name: &str, default: f64| match ctx.config.get::<f64>(&key(name)) {
            Ok(None) => Ok(default),
            Ok(Some(t)) if t.is_finite() && t > 0.0 && t < 86_400.0 => Ok(t),
            Ok(Some(t)) => Err(format!(
                "book.toml: `{}` must be a positive number of seconds, not {t}",
                key(name)
            )),
            Err(e) => Err(format!("book.toml: `{}`: {e}", key(name))),
        };
        let timeout = seconds("timeout", 10.0)?;
        let compile_timeout = seconds("compile-timeout", 120.0)?;
        let decimal = match ctx.config.get::<String>(&key("decimal")) {
            Ok(None) => {
                if french {
                    ','
                } else {
                    '.'
                }
            }
            Ok(Some(s)) if s == "," || s == "." => s.chars().next().unwrap_or('.'),
            Ok(Some(s)) => {
                return Err(format!(
                    "book.toml: `{}` is \".\" or \",\", not {s:?}",
                    key("decimal")
                ))
            }
            Err(e) => return Err(format!("book.toml: `{}`: {e}", key("decimal"))),
        };
        let language = ctx.config.book.language.as_deref().unwrap_or("en");
        Ok(Options {
            timeout: Duration::from_secs_f64(timeout),
            compile_timeout: Duration::from_secs_f64(compile_timeout),
            decimal,
            french,
            library: library(ctx, &key("library"))?,
            locale: Locale::of_language(language),
            root: ctx.root.clone(),
            edition: Edition::of_config(&ctx.config)?,
        })
    }
}

/// Reads `library` and checks that it names a Cargo package, so that a typo is reported
/// against book.toml rather than by Cargo.
fn library(ctx: &PreprocessorContext, key: &str) -> Result<Option<PathBuf>, String> {
    let path = match ctx.config.get::<String>(key) {
        Ok(None) => return Ok(None),
        Ok(Some(path)) => path,
        Err(e) => return Err(format!("book.toml: `{key}`: {e}")),
    };
    let package = |base: &Path| {
        let dir = base.join(&path);
        match dir.file_name() {
            Some(name) if name == "Cargo.toml" => dir.parent().map(PathBuf::from).unwrap_or(dir),
            _ => dir,
        }
    };
    let beside_book = package(&ctx.root);
    if beside_book.join("Cargo.toml").is_file() {
        return Ok(Some(beside_book));
    }
    // A book copied away from its library (its book.toml and src/ alone, as a test or a
    // benchmark does) still finds it from the folder the tool runs in, with a warning.
    let elsewhere = std::env::current_dir()
        .ok()
        .map(|cwd| package(&cwd))
        .filter(|dir| Path::new(&path).is_relative() && dir.join("Cargo.toml").is_file());
    if let Some(dir) = elsewhere {
        common::emit::emit(
            &common::Diagnostic::warning(format!(
                "`{key}` = {path:?} is not beside the book; using {}",
                dir.display()
            ))
            .in_file("book.toml"),
        );
        return Ok(Some(dir));
    }
    Err(format!(
        "book.toml: `{key}` = {path:?} names no Cargo package: there is no {}",
        beside_book.join("Cargo.toml").display()
    ))
}
