//! Options of the `[preprocessor.exam]` table of book.toml.

use crate::edition::Edition;
use crate::header::Metadata;
use crate::syntax::Points;
use crate::words::Words;
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::PreprocessorContext;

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

/// The keys of `[preprocessor.exam]` that the tool reads (`editions` by the front end).
pub const KEYS: &[&str] = &[
    "total",
    "edition",
    "editions",
    "course",
    "duration",
    "instructions",
    "title",
];

impl Options {
    /// Reads the options; a value of the wrong type is an error rather than a silent default.
    pub fn from_context(ctx: &PreprocessorContext, name: &str) -> Result<Options, String> {
        let key = |k: &str| format!("preprocessor.{name}.{k}");
        let total = match ctx.config.get::<serde_json::Value>(&key("total")) {
            Ok(None) => None,
            Ok(Some(value)) => Some(total(&value).ok_or_else(|| {
                format!(
                    "book.toml: `{}` is a number of points such as 20 or 20.5, not {value}",
                    key("total")
                )
            })?),
            Err(e) => return Err(format!("book.toml: `{}`: {e}", key("total"))),
        };
        let edition = Edition::of_config(&ctx.config)?;
        let text = |k: &str| -> Result<Option<String>, String> {
            ctx.config
                .get::<String>(&key(k))
                .map_err(|e| format!("book.toml: `{}` is a string: {e}", key(k)))
        };
        let instructions = match ctx.config.get::<serde_json::Value>(&key("instructions")) {
            Ok(None) => Vec::new(),
            Ok(Some(serde_json::Value::String(s))) => vec![s],
            Ok(Some(serde_json::Value::Array(items))) => items
                .into_iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    format!("book.toml: `{}` is a list of strings", key("instructions"))
                })?,
            Ok(Some(other)) => {
                return Err(format!(
                    "book.toml: `{}` is a list of strings, not {other}",
                    key("instructions")
                ))
            }
            Err(e) => return Err(format!("book.toml: `{}`: {e}", key("instructions"))),
        };
        Ok(Options {
            total,
            edition,
            words: Words::of_config(&ctx.config),
            metadata: Metadata {
                course: text("course")?,
                duration: text("duration")?,
                instructions,
            },
        })
    }
}

/// The book's title for the edition `name`, from `[preprocessor.exam.title]` in book.toml
/// (`sujet = "IA et Multimédia — Examen"`); `None` when the table does not name it, and the
/// book keeps `book.title`.
pub fn edition_title(config: &Config, name: &str) -> Result<Option<String>, String> {
    let key = format!("preprocessor.exam.title.{name}");
    config
        .get::<String>(&key)
        .map_err(|e| format!("book.toml: `{key}` is the edition's title, a string: {e}"))
}

fn total(value: &serde_json::Value) -> Option<Points> {
    match value {
        serde_json::Value::Number(n) => n.as_f64().and_then(Points::from_f64),
        serde_json::Value::String(s) => Points::parse(s.trim()).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(toml: &str) -> Result<Options, String> {
        let config: Config = toml.parse().expect("valid TOML");
        let ctx = PreprocessorContext::new("/book".into(), config, "html".into());
        Options::from_context(&ctx, "exam")
    }

    #[test]
    fn exam_metadata_and_titles_are_read_and_checked() {
        let toml = "[book]\ntitle = \"T\"\n[preprocessor.exam]\ntotal = 20\ncourse = \"IA\"\nduration = \"1 h 30\"\ninstructions = [\"A.\", \"B !\"]\n[preprocessor.exam.title]\nsujet = \"T — Examen\"\n";
        let o = options(toml).expect("valid options");
        assert_eq!(o.metadata.course.as_deref(), Some("IA"));
        assert_eq!(o.metadata.duration.as_deref(), Some("1 h 30"));
        assert_eq!(o.metadata.instructions, ["A.", "B !"]);
        let config: Config = toml.parse().unwrap();
        assert_eq!(
            edition_title(&config, "sujet").unwrap().as_deref(),
            Some("T — Examen")
        );
        assert_eq!(edition_title(&config, "corrige").unwrap(), None);

        let err = options("[preprocessor.exam]\ninstructions = 3\n").expect_err("not a list");
        assert!(
            err.contains("`preprocessor.exam.instructions` is a list of strings"),
            "{err}"
        );
        let err = options("[preprocessor.exam]\ninstructions = [1]\n").expect_err("not strings");
        assert!(err.contains("a list of strings"), "{err}");
        let bad: Config = "[preprocessor.exam.title]\nsujet = 1\n".parse().unwrap();
        let err = edition_title(&bad, "sujet").expect_err("not a string");
        assert!(err.contains("`preprocessor.exam.title.sujet`"), "{err}");
    }

    #[test]
    fn totals_from_numbers_and_strings() {
        assert_eq!(total(&serde_json::json!(20)), Some(Points(20_000)));
        assert_eq!(total(&serde_json::json!(20.5)), Some(Points(20_500)));
        assert_eq!(total(&serde_json::json!("20,5")), Some(Points(20_500)));
        assert_eq!(total(&serde_json::json!(-1)), None);
        assert_eq!(total(&serde_json::json!(true)), None);
    }
}
