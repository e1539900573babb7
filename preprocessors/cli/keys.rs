//! Keys of the stages' book.toml tables that no stage reads. A typo (`timout = 20`) would
//! otherwise be ignored in silence while the author believes it applies: each one is a warning
//! at its book.toml line, with the key it was probably meant to be ([`common::config`]). The
//! front end reports them once a build, where each stage runs once an edition. (The math stage
//! checks its own table, whose keys are mdbook-katex's.)

use crate::stages::Stage;
use common::config::Table;
use common::Diagnostic;
use mdbook_driver::config::Config;
use serde::de::DeserializeOwned;
use std::path::Path;

/// The warnings for the unknown keys of the book at `root`.
pub fn unknown(root: &Path, config: &Config) -> Vec<Diagnostic> {
    // book.toml is read once, for the lines of all three tables.
    let compute = Table::of_book(config, root, Stage::Compute.name());
    let mut warnings = unknown_in::<coursebook_compute::config::Table>(&compute);
    let exam = compute.of_stage(Stage::Exam.name());
    warnings.extend(unknown_in::<exam::config::Table>(&exam));
    let typography = compute.of_stage(Stage::Typography.name());
    warnings.extend(unknown_in::<typography::Table>(&typography));
    warnings
}

/// The unknown keys of a stage's `table`, read as `T`. A table that cannot be read at all is
/// the stage's to report when it runs.
fn unknown_in<T: DeserializeOwned + Default>(table: &Table<'_>) -> Vec<Diagnostic> {
    table
        .read::<T>()
        .map(|read| read.unknown)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_table_warns_of_its_unknown_keys_and_none_of_mdbooks() {
        let dir = std::env::temp_dir().join(format!("cb-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let toml = "[book]\ntitle = \"T\"\n\n[preprocessor.compute]\nafter = [\"links\"]\ntimout = 20\n\n[preprocessor.exam]\ntotal = 20\ncours = \"IA\"\n\n[preprocessor.typography]\nenabled = false\n";
        std::fs::write(dir.join("book.toml"), toml).unwrap();
        let config: Config = toml.parse().unwrap();
        let warnings: Vec<String> = unknown(&dir, &config)
            .iter()
            .map(|w| w.to_string())
            .collect();
        std::fs::remove_dir_all(dir).unwrap();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        let expected = [
            ["`timout`", "book.toml:6:1", "did you mean `timeout`?"],
            ["`cours`", "book.toml:10:1", "did you mean `course`?"],
            ["`enabled`", "book.toml:13:1", "did you mean `enable`?"],
        ];
        for (warning, parts) in warnings.iter().zip(expected) {
            for part in parts {
                assert!(warning.contains(part), "{part} not in {warning}");
            }
        }
    }
}
