//! Options of the `[preprocessor.exam]` table of book.toml.

use crate::edition::Edition;
use crate::header::Metadata;
use crate::syntax::Points;
use crate::words::Words;
use common::config;
use mdbook_preprocessor::PreprocessorContext;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The stage's options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// The exam's declared total (`total`), that the points must add up to. Required as soon
    /// as the book has questions: a total stated once, apart from the questions, is what
    /// catches a mistyped `points=`.
    pub total: Option<Points>,
    /// Which edition to build (`edition = "corrige" | "sujet"`, corrigé by default).
    pub edition: Edition,
    /// The language of reader-facing words (`book.language`).
    pub words: Words,
    /// What `{{#exam-header}}` shows: `course`, `duration`, `instructions`.
    pub metadata: Metadata,
}

/// The `[preprocessor.exam]` table as the author writes it; [`Options`] is what it means.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Table {
    /// `total`: a number of points, `20` or `"20,5"`.
    pub total: Option<toml::Value>,
    /// `edition`: `"corrige"` or `"sujet"` (the front end sets it for each edition it builds).
    pub edition: Option<String>,
    /// `editions`: the editions the front end builds.
    pub editions: Option<Vec<String>>,
    /// `course`, shown by `{{#exam-header}}`.
    pub course: Option<String>,
    /// `duration`, shown by `{{#exam-header}}`.
    pub duration: Option<String>,
    /// `instructions`: one string or a list of them.
    pub instructions: Option<toml::Value>,
    /// `[preprocessor.exam.title]`: a title for each edition.
    pub title: Option<BTreeMap<String, String>>,
}

impl Options {
    /// Reads the options; a value of the wrong type is an error at its book.toml line rather
    /// than a silent default.
    pub fn from_context(ctx: &PreprocessorContext, name: &str) -> Result<Options, config::Error> {
        let table = config::Table::of_book(&ctx.config, &ctx.root, name);
        let written: Table = table.read()?.options;
        let total = match &written.total {
            None => None,
            Some(value) => Some(total(value).ok_or_else(|| {
                table.error_at(
                    Some("total"),
                    format!("`total` is a number of points such as 20 or 20.5, not {value}"),
                )
            })?),
        };
        let edition = Edition::of_table(&table)?;
        let instructions = match &written.instructions {
            None => Vec::new(),
            Some(value) => instructions(value).ok_or_else(|| {
                table.error_at(
                    Some("instructions"),
                    format!("`instructions` is a list of strings, not {value}"),
                )
            })?,
        };
        Ok(Options {
            total,
            edition,
            words: Words::of_config(&ctx.config),
            metadata: Metadata {
                course: written.course,
                duration: written.duration,
                instructions,
            },
        })
    }
}

/// `instructions = "…"` or `instructions = ["…", "…"]`.
fn instructions(value: &toml::Value) -> Option<Vec<String>> {
    match value {
        toml::Value::String(s) => Some(vec![s.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}

/// The editions the front end builds, from the `[preprocessor.exam]` table: those `editions`
/// names, the corrigé and the sujet when it names none. A name that is no edition, or an
/// edition named twice (both would be written into one folder), is an error at its book.toml
/// line.
pub fn editions(exam: &config::Table<'_>) -> Result<Vec<Edition>, config::Error> {
    let written: Table = exam.read()?.options;
    let Some(names) = written.editions else {
        return Ok(Edition::ALL.to_vec());
    };
    let mut editions = Vec::new();
    for name in &names {
        let edition = Edition::parse(name).ok_or_else(|| {
            exam.error_at(
                Some("editions"),
                format!(
                    "`editions` names {name:?}, which is no edition: the editions are \
                     \"corrige\" and \"sujet\""
                ),
            )
        })?;
        if editions.contains(&edition) {
            return Err(exam.error_at(
                Some("editions"),
                format!("`editions` names the {} edition twice", edition.name()),
            ));
        }
        editions.push(edition);
    }
    Ok(editions)
}

/// The book's title for `edition`, from `[preprocessor.exam.title]` in book.toml
/// (`sujet = "IA et Multimédia — Examen"`); `None` when the table does not name it, and the
/// book keeps `book.title`.
pub fn edition_title(
    exam: &config::Table<'_>,
    edition: Edition,
) -> Result<Option<String>, config::Error> {
    let written: Table = exam.read()?.options;
    Ok(written
        .title
        .and_then(|mut titles| titles.remove(edition.name())))
}

fn total(value: &toml::Value) -> Option<Points> {
    match value {
        toml::Value::Integer(n) => Points::from_f64(*n as f64),
        toml::Value::Float(n) => Points::from_f64(*n),
        toml::Value::String(s) => Points::parse(s.trim()).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_preprocessor::config::Config;

    fn options(toml: &str) -> Result<Options, String> {
        let config: Config = toml.parse().expect("valid TOML");
        let ctx = PreprocessorContext::new("/book".into(), config, "html".into());
        Options::from_context(&ctx, "exam").map_err(|d| d.to_string())
    }

    #[test]
    fn exam_metadata_and_titles_are_read_and_checked() {
        let toml = "[book]\ntitle = \"T\"\n[preprocessor.exam]\ntotal = 20\ncourse = \"IA\"\nduration = \"1 h 30\"\ninstructions = [\"A.\", \"B !\"]\n[preprocessor.exam.title]\nsujet = \"T — Examen\"\n";
        let o = options(toml).expect("valid options");
        assert_eq!(o.metadata.course.as_deref(), Some("IA"));
        assert_eq!(o.metadata.duration.as_deref(), Some("1 h 30"));
        assert_eq!(o.metadata.instructions, ["A.", "B !"]);
        let config: Config = toml.parse().unwrap();
        let exam = config::Table::new(&config, toml, "exam");
        assert_eq!(
            edition_title(&exam, Edition::Sujet).unwrap().as_deref(),
            Some("T — Examen")
        );
        assert_eq!(edition_title(&exam, Edition::Corrige).unwrap(), None);

        let err = options("[preprocessor.exam]\ninstructions = 3\n").expect_err("not a list");
        assert!(err.contains("`instructions` is a list of strings"), "{err}");
        let err = options("[preprocessor.exam]\ninstructions = [1]\n").expect_err("not strings");
        assert!(err.contains("a list of strings"), "{err}");
        let err = options("[preprocessor.exam]\ncourse = 3\n").expect_err("not a string");
        assert!(err.contains("`course` in [preprocessor.exam]"), "{err}");
        let toml = "[preprocessor.exam.title]\nsujet = 1\n";
        let bad: Config = toml.parse().unwrap();
        let err = edition_title(&config::Table::new(&bad, toml, "exam"), Edition::Sujet)
            .expect_err("not a string")
            .to_string();
        assert!(err.contains("`title.sujet`"), "{err}");
        assert!(err.contains("book.toml:1:1"), "{err}");
    }

    #[test]
    fn totals_from_numbers_and_strings() {
        assert_eq!(total(&toml::Value::Integer(20)), Some(Points(20_000)));
        assert_eq!(total(&toml::Value::Float(20.5)), Some(Points(20_500)));
        assert_eq!(total(&"20,5".into()), Some(Points(20_500)));
        assert_eq!(total(&toml::Value::Integer(-1)), None);
        assert_eq!(total(&toml::Value::Boolean(true)), None);
    }
}
