//! `coursebook preprocess STAGE`: one stage as a command preprocessor of the official `mdbook`
//! CLI, speaking its protocol (`supports RENDERER`, then the book as JSON on stdin and stdout).

use crate::stages::Stage;
use anyhow::{bail, Context, Result};
use coursebook_compute::ComputePreprocessor;
use exam::ExamPreprocessor;
use math::MathPreprocessor;
use mdbook_preprocessor::Preprocessor;
use std::process::ExitCode;
use typography::TypographyPreprocessor;

/// Runs stage `stage` with the protocol's `args`.
pub fn run(stage: Stage, args: &[String]) -> Result<ExitCode> {
    let preprocessor: Box<dyn Preprocessor> = match stage {
        Stage::Compute => Box::new(ComputePreprocessor::new()),
        Stage::Exam => Box::new(ExamPreprocessor::new()),
        Stage::Typography => Box::new(TypographyPreprocessor),
        Stage::Math | Stage::Katex => Box::new(MathPreprocessor::new(stage.name())),
    };
    match args {
        [] => {}
        [supports, renderer] if supports == "supports" => {
            let yes = preprocessor.supports_renderer(renderer)?;
            return Ok(if yes {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        _ => bail!("usage: coursebook preprocess STAGE [supports RENDERER]"),
    }
    let (ctx, book) = mdbook_preprocessor::parse_input(std::io::stdin().lock())
        .context("cannot read the book that mdbook sends on stdin")?;
    if !ctx.mdbook_version.starts_with("0.5.") {
        eprintln!(
            "warning: this preprocessor is written for mdbook 0.5, and is called by mdbook {}",
            ctx.mdbook_version
        );
    }
    // As `coursebook build` does: the cache is not emptied (`clean`) or pruned while this
    // stage reads it and writes to it.
    let cache = common::cache::cache_root(&ctx.root);
    let _lock = common::housekeeping::CacheLock::shared(&cache)
        .with_context(|| format!("cannot lock the cache {}", cache.display()))?;
    let book = preprocessor.run(&ctx, book)?;
    serde_json::to_writer(std::io::stdout().lock(), &book)
        .context("cannot write the book to stdout")?;
    Ok(ExitCode::SUCCESS)
}
