//! A build's progress, one line a step, as Cargo prints them (`   Compiling 33 blocks …`).
//!
//! Stages report a step as a `tracing` event at INFO level under the target [`TARGET`], with
//! the step's verb in a `verb` field, and print nothing themselves: the front end decides
//! whether to show the steps (on a terminal, without `-q`). Under the official `mdbook` CLI they
//! go where mdBook's own INFO lines go.

/// The `tracing` target of progress events.
pub const TARGET: &str = "coursebook::progress";

/// Reports that a step starts: `verb` is a capitalised participle as Cargo writes them
/// (`Compiling`, `Rendering`), `what` the rest of the line.
///
/// ```
/// coursebook_common::progress::step("Rendering", format_args!("{} formulas", 71));
/// ```
pub fn step(verb: &str, what: impl std::fmt::Display) {
    tracing::info!(target: TARGET, verb, "{what}");
}
