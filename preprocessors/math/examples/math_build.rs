//! Builds a book with mdBook 0.5.4 in-process, the math stage standing in for the
//! `[preprocessor.katex]` (or `[preprocessor.math]`) table: what `coursebook build` does for
//! the math part, usable before the CLI exists and by `tests/bench/math.sh`.
//!
//! ```text
//! cargo run --release -p coursebook-math --example math_build -- BOOK_DIR
//! ```

use coursebook_math::{install_assets, MathPreprocessor};
use mdbook_driver::MDBook;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    let mut md = match MDBook::load(&dir) {
        Ok(md) => md,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let name = if md.config.contains_key("preprocessor.katex") {
        "katex"
    } else {
        "math"
    };
    md.with_preprocessor(MathPreprocessor::new(name));
    if let Err(err) = md.build() {
        eprintln!("error: {err:#}");
        return ExitCode::FAILURE;
    }
    if let Err(err) = install_assets(&md.build_dir_for("html")) {
        eprintln!("error: cannot install the KaTeX assets: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
