//! Keys of the stages' book.toml tables that no stage reads. A typo (`timout = 20`) would
//! otherwise be ignored in silence while the author believes it applies: each one is a warning
//! at its book.toml line, with the key it was probably meant to be. (The math stage checks
//! its own table, whose keys are mdbook-katex's.)

use crate::stages::Stage;
use common::Diagnostic;
use mdbook_driver::config::Config;
use std::path::Path;

/// The keys mdBook itself reads in every `[preprocessor.NAME]` table.
const MDBOOK: &[&str] = &["command", "after", "before", "renderers", "optional"];

/// The keys each stage reads, beside mdBook's.
fn known(stage: Stage) -> &'static [&'static str] {
    match stage {
        Stage::Compute => coursebook_compute::config::KEYS,
        Stage::Exam => exam::config::KEYS,
        Stage::Typography => typography::KEYS,
        Stage::Math | Stage::Katex => &[],
    }
}

/// The warnings for the unknown keys of the book at `root`.
pub fn unknown(root: &Path, config: &Config) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(root.join("book.toml")).unwrap_or_default();
    let mut warnings = Vec::new();
    for stage in [Stage::Compute, Stage::Exam, Stage::Typography] {
        let table = format!("preprocessor.{}", stage.name());
        let Ok(Some(keys)) = config.get::<serde_json::Map<String, serde_json::Value>>(&table)
        else {
            continue;
        };
        let known = known(stage);
        for key in keys.keys() {
            if known.contains(&key.as_str()) || MDBOOK.contains(&key.as_str()) {
                continue;
            }
            let mut d = Diagnostic::warning(format!("unknown key `{key}` in [{table}] is ignored"));
            d = match line_of(&text, &table, key) {
                Some(line) => d.at_line("book.toml", Some(&text), line),
                None => d.in_file("book.toml"),
            };
            if let Some(near) = nearest(key, known) {
                d = d.note(format!("did you mean `{near}`?"));
            }
            warnings.push(d.note(format!("the keys of [{table}] are: {}", known.join(", "))));
        }
    }
    warnings
}

/// The 1-based line of `key = …` in the `[table]` section of `text`.
fn line_of(text: &str, table: &str, key: &str) -> Option<usize> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line.trim_matches(|c| c == '[' || c == ']').trim() == table;
        } else if inside
            && line
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return Some(i + 1);
        }
    }
    None
}

/// The known key within two edits of `key`, if one is.
fn nearest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
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

    #[test]
    fn a_misspelt_key_is_warned_at_its_line_with_the_key_it_meant() {
        let dir = std::env::temp_dir().join(format!("cb-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let toml = "[book]\ntitle = \"T\"\n\n[preprocessor.compute]\nafter = [\"links\"]\ntimout = 20\n\n[preprocessor.exam]\ntotal = 20\n";
        std::fs::write(dir.join("book.toml"), toml).unwrap();
        let config: Config = toml.parse().unwrap();
        let warnings = unknown(&dir, &config);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let text = warnings[0].to_string();
        assert!(
            text.contains("unknown key `timout` in [preprocessor.compute]"),
            "{text}"
        );
        assert!(text.contains("--> book.toml:6:1"), "{text}");
        assert!(text.contains("did you mean `timeout`?"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
