//! Reading a stage's `[preprocessor.NAME]` table of book.toml into a typed struct.
//!
//! Every stage reads its table the same way, so that the author gets the same kind of message
//! from each: a value of the wrong type is an error at its book.toml line, naming the key; a key
//! that no stage reads is a warning at its line, with the key it was probably meant to be. A
//! stage describes its table once, as a `#[derive(Deserialize)]` struct; the keys it knows are
//! read from that struct, so the list of known keys cannot drift from what the stage reads.
//!
//! ```
//! use coursebook_common::config::Table;
//! use serde::Deserialize;
//!
//! #[derive(Debug, Default, Deserialize)]
//! #[serde(default, rename_all = "kebab-case")]
//! struct Compute {
//!     timeout: Option<f64>,
//! }
//!
//! let toml = "[preprocessor.compute]\ntimeout = \"ten\"\n";
//! let config: mdbook_preprocessor::config::Config = toml.parse().unwrap();
//! let table = Table::new(&config, toml, "compute");
//! let err = table.read::<Compute>().unwrap_err().to_string();
//! assert!(err.contains("`timeout`"), "{err}");
//! assert!(err.contains("book.toml:2:1"), "{err}");
//! ```

use crate::Diagnostic;
use mdbook_preprocessor::config::Config;
use serde::de::{self, DeserializeOwned, Visitor};
use std::path::Path;

/// The keys mdBook itself reads in every `[preprocessor.NAME]` table.
const MDBOOK_KEYS: &[&str] = &["command", "before", "after", "renderers", "optional"];

/// A configuration problem that stops the build, located in book.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct Error(pub Box<Diagnostic>);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl From<Error> for crate::Diagnostics {
    fn from(error: Error) -> Self {
        crate::Diagnostics(vec![*error.0])
    }
}

/// One stage's table of a book's configuration, with the text of book.toml to point into.
#[derive(Debug)]
pub struct Table<'a> {
    config: &'a Config,
    /// The text of book.toml, to find a key's line; empty when there is none to read.
    text: String,
    /// `preprocessor.NAME`.
    name: String,
}

/// What [`Table::read`] found besides the options.
#[derive(Debug)]
pub struct Read<T> {
    /// The options, with the defaults of `T` for the keys the table does not set.
    pub options: T,
    /// One warning for each key of the table that `T` does not read.
    pub unknown: Vec<Diagnostic>,
}

impl<'a> Table<'a> {
    /// The table `[preprocessor.<stage>]` of `config`, whose book.toml text is `text`.
    pub fn new(config: &'a Config, text: impl Into<String>, stage: &str) -> Self {
        Table {
            config,
            text: text.into(),
            name: format!("preprocessor.{stage}"),
        }
    }

    /// The table of the book at `root`, reading `root/book.toml` for the lines.
    pub fn of_book(config: &'a Config, root: &Path, stage: &str) -> Self {
        let text = std::fs::read_to_string(root.join("book.toml")).unwrap_or_default();
        Self::new(config, text, stage)
    }

    /// The table of another stage of the same book, without reading book.toml again.
    pub fn of_stage(&self, stage: &str) -> Table<'a> {
        Self::new(self.config, self.text.clone(), stage)
    }

    /// `preprocessor.NAME`, as book.toml spells the table.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Reads the table into `T`: an error at the line of the first key whose value `T` cannot
    /// take, or the options and a warning for each key `T` does not read. A book without the
    /// table gets `T::default()`.
    pub fn read<T: DeserializeOwned + Default>(&self) -> Result<Read<T>, Error> {
        let value = match self.config.get::<toml::Value>(&self.name) {
            Ok(Some(value)) => value,
            Ok(None) => {
                return Ok(Read {
                    options: T::default(),
                    unknown: Vec::new(),
                })
            }
            Err(e) => return Err(self.error_at(None, format!("`[{}]` {e:#}", self.name))),
        };
        let mut ignored = Vec::new();
        let mut record = |path: serde_ignored::Path<'_>| ignored.push(path.to_string());
        let deserializer = serde_ignored::Deserializer::new(value, &mut record);
        let options = serde_path_to_error::deserialize::<_, T>(deserializer).map_err(|e| {
            let key = e.path().to_string();
            // toml adds the key on a line of its own; the diagnostic names it already.
            let inner = e.inner().to_string();
            let reason = inner.lines().next().unwrap_or_default();
            let message = format!("`{key}` in [{}]: {reason}", self.name);
            self.error_at(Some(&key), message)
        })?;
        let known = fields::<T>();
        let unknown = ignored
            .iter()
            .filter(|key| !MDBOOK_KEYS.contains(&key.as_str()))
            .map(|key| self.unknown_key(key, known))
            .collect();
        Ok(Read { options, unknown })
    }

    /// An error about `key` of this table (the whole table when `None`), at its book.toml line
    /// when it has one.
    pub fn error_at(&self, key: Option<&str>, message: impl Into<String>) -> Error {
        Error(Box::new(self.located(Diagnostic::error(message), key)))
    }

    /// A warning about `key` of this table, at its book.toml line when it has one.
    pub fn warning_at(&self, key: Option<&str>, message: impl Into<String>) -> Diagnostic {
        self.located(Diagnostic::warning(message), key)
    }

    fn unknown_key(&self, key: &str, known: &[&str]) -> Diagnostic {
        let mut d = self.located(
            Diagnostic::warning(format!("unknown key `{key}` in [{}] is ignored", self.name)),
            Some(key),
        );
        if let Some(near) = nearest(key, known) {
            d = d.note(format!("did you mean `{near}`?"));
        }
        d.note(format!(
            "the keys of [{}] are: {}",
            self.name,
            known.join(", ")
        ))
    }

    fn located(&self, d: Diagnostic, key: Option<&str>) -> Diagnostic {
        let top = key.map(|k| k.split('.').next().unwrap_or(k));
        match line_of(&self.text, &self.name, top) {
            Some(line) => d.at_line("book.toml", Some(&self.text), line),
            None => d.in_file("book.toml"),
        }
    }
}

/// The 1-based line of `key = …` in the `[table]` section of `text`, or of the section's
/// header when `key` is `None` or written as a sub-table (`[table.key]`).
pub fn line_of(text: &str, table: &str, key: Option<&str>) -> Option<usize> {
    let mut inside = false;
    let mut header = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            let name = line.trim_matches(|c| c == '[' || c == ']').trim();
            inside = name == table;
            if inside && header.is_none() {
                header = Some(i + 1);
            }
            if key.is_some_and(|k| name == format!("{table}.{k}")) {
                return Some(i + 1);
            }
        } else if let (true, Some(key)) = (inside, key) {
            let rest = line.strip_prefix(key).map(str::trim_start);
            if rest.is_some_and(|r| r.starts_with('=') || r.starts_with('.')) {
                return Some(i + 1);
            }
        }
    }
    header
}

/// The field names of the struct `T` deserializes into, as serde's derive declares them: the
/// keys a stage reads.
fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut names));
    names
}

/// A deserializer that only records the fields a struct asks for, then stops.
struct FieldNames<'n>(&'n mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The known key within two edits of `key`, if one is.
fn nearest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default, rename_all = "kebab-case")]
    struct Options {
        timeout: Option<f64>,
        compile_timeout: Option<f64>,
        title: Option<Titles>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Titles {
        sujet: Option<String>,
    }

    fn table(toml: &str) -> Result<Read<Options>, Error> {
        let config: Config = toml.parse().expect("valid TOML");
        Table::new(&config, toml, "compute").read()
    }

    #[test]
    fn a_misspelt_key_is_warned_at_its_line_with_the_key_it_meant() {
        let toml = "[book]\ntitle = \"T\"\n\n[preprocessor.compute]\nafter = [\"links\"]\ntimout = 20\ncompile-timeout = 3\n";
        let read = table(toml).unwrap();
        assert_eq!(read.options.compile_timeout, Some(3.0));
        assert_eq!(read.unknown.len(), 1, "{:?}", read.unknown);
        let text = read.unknown[0].to_string();
        assert!(
            text.contains("unknown key `timout` in [preprocessor.compute]"),
            "{text}"
        );
        assert!(text.contains("--> book.toml:6:1"), "{text}");
        assert!(text.contains("did you mean `timeout`?"), "{text}");
        assert!(text.contains("timeout, compile-timeout, title"), "{text}");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_at_its_line() {
        let toml =
            "[preprocessor.compute]\ntimeout = 2\n\n[preprocessor.compute.title]\nsujet = 3\n";
        let text = table(toml).unwrap_err().to_string();
        assert!(text.contains("`title.sujet`"), "{text}");
        assert!(text.contains("--> book.toml:4:1"), "{text}");
    }

    #[test]
    fn a_book_without_the_table_gets_the_defaults() {
        let read = table("[book]\ntitle = \"T\"\n").unwrap();
        assert_eq!(read.options, Options::default());
        assert!(read.unknown.is_empty());
    }

    #[test]
    fn a_key_set_by_the_environment_has_no_line_but_names_book_toml() {
        let config: Config = "[preprocessor.compute]\ntimeout = \"x\"\n".parse().unwrap();
        let d = Table::new(&config, "", "compute")
            .read::<Options>()
            .unwrap_err();
        assert!(d.to_string().contains("book.toml"), "{d}");
        assert!(
            !d.to_string().contains("book.toml:"),
            "no line to give: {d}"
        );
    }
}
