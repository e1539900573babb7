//! Options of the `[preprocessor.compute]` table of book.toml.

use crate::written::Locale;
use common::{config, Edition};
use mdbook_preprocessor::PreprocessorContext;
use serde::Deserialize;
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

/// The `[preprocessor.compute]` table as the author writes it; [`Options`] is what it means.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Table {
    /// `timeout`, in seconds.
    pub timeout: Option<f64>,
    /// `compile-timeout`, in seconds.
    pub compile_timeout: Option<f64>,
    /// `decimal`: `"."` or `","`.
    pub decimal: Option<String>,
    /// `library`: the path of the book's library package.
    pub library: Option<String>,
}

impl Options {
    /// Reads the options; a value of the wrong type or out of range is an error at its
    /// book.toml line rather than a silent default.
    pub fn from_context(ctx: &PreprocessorContext, name: &str) -> Result<Options, config::Error> {
        let table = config::Table::of_book(&ctx.config, &ctx.root, name);
        let written: Table = table.read()?.options;
        let seconds = |key: &str, value: Option<f64>, default: f64| match value {
            None => Ok(default),
            Some(t) if t.is_finite() && t > 0.0 && t < 86_400.0 => Ok(t),
            Some(t) => Err(table.error_at(
                Some(key),
                format!("`{key}` must be a positive number of seconds, not {t}"),
            )),
        };
        let timeout = seconds("timeout", written.timeout, 10.0)?;
        let compile_timeout = seconds("compile-timeout", written.compile_timeout, 120.0)?;
        let french = common::page::is_french(&ctx.config);
        let decimal = match written.decimal.as_deref() {
            None if french => ',',
            None | Some(".") => '.',
            Some(",") => ',',
            Some(other) => {
                return Err(table.error_at(
                    Some("decimal"),
                    format!("`decimal` is \".\" or \",\", not {other:?}"),
                ))
            }
        };
        let library = match written.library {
            None => None,
            Some(path) => Some(
                library(&ctx.root, &path)
                    .map_err(|message| table.error_at(Some("library"), message))?,
            ),
        };
        let language = ctx.config.book.language.as_deref().unwrap_or("en");
        Ok(Options {
            timeout: Duration::from_secs_f64(timeout),
            compile_timeout: Duration::from_secs_f64(compile_timeout),
            decimal,
            french,
            library,
            locale: Locale::of_language(language),
            root: ctx.root.clone(),
            edition: Edition::of_table(&table.of_stage("exam"))?,
        })
    }
}

/// Reads `library` and checks that it names a Cargo package, so that a typo is reported
/// against book.toml rather than by Cargo.
fn library(root: &Path, path: &str) -> Result<PathBuf, String> {
    let package = |base: &Path| {
        let dir = base.join(path);
        match dir.file_name() {
            Some(name) if name == "Cargo.toml" => dir.parent().map(PathBuf::from).unwrap_or(dir),
            _ => dir,
        }
    };
    let beside_book = package(root);
    if beside_book.join("Cargo.toml").is_file() {
        return Ok(beside_book);
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
                "`library` = {path:?} is not beside the book; using {}",
                dir.display()
            ))
            .in_file("book.toml"),
        );
        return Ok(dir);
    }
    Err(format!(
        "`library` = {path:?} names no Cargo package: there is no {}",
        beside_book.join("Cargo.toml").display()
    ))
}
