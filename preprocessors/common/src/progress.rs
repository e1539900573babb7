//! A build's progress, one line a step, as Cargo prints them (`   Compiling 33 blocks …`), and
//! on a terminal a status line under them that says how long the current step has taken.
//!
//! Stages report a step as a `tracing` event at INFO level under the target [`TARGET`], with
//! the step's verb in a `verb` field, and print nothing themselves: the front end decides
//! whether to show the steps (on a terminal, without `-q`). Under the official `mdbook` CLI they
//! go where mdBook's own INFO lines go.
//!
//! A cold build spends a minute in one step (rustc compiling the book's library, KaTeX
//! rendering thousands of formulas): without a sign of life it looks stalled. When the front
//! end turns the status line on ([`status`]), a step that lasts more than a second shows
//! `⠹ Compiling 33 blocks · 12 s` under the step lines, redrawn four times a second. Every
//! line the tool writes to stderr while it is on goes through [`eprint`], which erases the
//! status line first, so that no line is lost or garbled.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The `tracing` target of progress events.
pub const TARGET: &str = "coursebook::progress";

/// Reports that a step starts: `verb` is a capitalised participle as Cargo writes them
/// (`Compiling`, `Rendering`), `what` the rest of the line.
///
/// ```
/// coursebook_common::progress::step("Rendering", format_args!("{} formulas", 71));
/// ```
pub fn step(verb: &str, what: impl std::fmt::Display) {
    let what = what.to_string();
    if ON.load(Ordering::Relaxed) {
        state().step = Some((format!("{verb} {what}"), Instant::now()));
    }
    tracing::info!(target: TARGET, verb, "{what}");
}

/// Writes `text` to stderr, after erasing the status line if one is drawn: how the tool writes
/// to stderr while a build runs.
pub fn eprint(text: &str) {
    let mut status = state();
    let mut err = std::io::stderr().lock();
    status.erase(&mut err);
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Ends the current step: the status line is erased and stays so until the next step, for
/// what the tool prints once the stages are done (a summary, a report).
pub fn idle() {
    let mut status = state();
    status.erase(&mut std::io::stderr().lock());
    status.step = None;
}

/// Turns the status line on until the guard is dropped, which erases it. Only for a terminal:
/// the line is redrawn with a carriage return.
pub fn status() -> Status {
    ON.store(true, Ordering::Relaxed);
    // Detached: see `Drop`.
    let _ = std::thread::Builder::new().name("status".into()).spawn(|| {
        let mut frame = 0;
        while ON.load(Ordering::Relaxed) {
            std::thread::sleep(TICK);
            frame += 1;
            state().draw(&mut std::io::stderr().lock(), frame);
        }
    });
    Status { _private: () }
}

/// The status line is on while this lives.
#[derive(Debug)]
pub struct Status {
    _private: (),
}

impl Drop for Status {
    /// Erases the line and forgets the step; the ticker ends at its next tick. It is not
    /// waited for (a quarter of a second before the process may exit): with no step left, it
    /// draws nothing more.
    fn drop(&mut self) {
        ON.store(false, Ordering::Relaxed);
        idle();
    }
}

/// How often the status line is redrawn.
const TICK: Duration = Duration::from_millis(250);

/// A step shows on the status line once it has lasted this long.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// The most characters of a step the status line shows: it must fit one terminal row, or
/// erasing it would leave its first rows behind.
const WIDTH: usize = 60;

static ON: AtomicBool = AtomicBool::new(false);

static STATE: Mutex<Line> = Mutex::new(Line {
    step: None,
    drawn: false,
});

fn state() -> MutexGuard<'static, Line> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The status line: the current step, and whether it is on the screen.
#[derive(Debug)]
struct Line {
    step: Option<(String, Instant)>,
    drawn: bool,
}

impl Line {
    fn erase(&mut self, out: &mut impl Write) {
        if self.drawn {
            let _ = out.write_all(b"\r\x1b[K");
            self.drawn = false;
        }
    }

    fn draw(&mut self, out: &mut impl Write, frame: usize) {
        let Some((step, since)) = &self.step else {
            return;
        };
        let elapsed = since.elapsed();
        if elapsed < QUIET_FOR {
            return;
        }
        let text = render(step, elapsed, frame);
        let _ = write!(out, "\r\x1b[K{text}");
        let _ = out.flush();
        self.drawn = true;
    }
}

/// The status line's text: a spinner, the step cut to [`WIDTH`] characters, the seconds.
fn render(step: &str, elapsed: Duration, frame: usize) -> String {
    const SPINNER: [char; 8] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧'];
    let mut shown: String = step.chars().take(WIDTH).collect();
    if step.chars().count() > WIDTH {
        shown.push('…');
    }
    format!(
        "{:>12} {shown} · {} s",
        SPINNER[frame % SPINNER.len()],
        elapsed.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_step_is_shown_after_a_second_and_erased_before_the_next_line() {
        let mut line = Line {
            step: Some(("Compiling 33 blocks".into(), Instant::now())),
            drawn: false,
        };
        let mut out = Vec::new();
        line.draw(&mut out, 0);
        assert!(out.is_empty(), "a step of less than a second is not shown");
        line.step = Some((
            "Compiling 33 blocks".into(),
            Instant::now() - Duration::from_secs(12),
        ));
        line.draw(&mut out, 2);
        let drawn = String::from_utf8(out.clone()).unwrap();
        assert_eq!(
            drawn,
            format!("\r\x1b[K{:>12} Compiling 33 blocks · 12 s", '⠹')
        );
        out.clear();
        line.erase(&mut out);
        assert_eq!(out, b"\r\x1b[K");
        out.clear();
        line.erase(&mut out);
        assert!(out.is_empty(), "erased once");
    }

    #[test]
    fn a_long_step_is_cut_to_one_row() {
        let text = render(&"x".repeat(200), Duration::from_secs(3), 0);
        assert_eq!(
            text.chars().count(),
            12 + 1 + WIDTH + 1 + " · 3 s".chars().count()
        );
    }
}
