//! What the tool prints while it works, through `tracing`: mdBook logs there (without a
//! subscriber its warnings, a missing include or an optional renderer not installed, would
//! vanish), and the stages report their steps there ([`common::progress`]).
//!
//! Lines look like Cargo's: `warning: …` for mdBook's warnings, and one line a step with its
//! verb right-aligned (`   Compiling 33 blocks of 6 chapters`) when progress is on.

use common::progress;
use std::fmt;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

/// Prints mdBook's warnings and errors on stderr, and the build's steps when `progress` is on.
/// `RUST_LOG` replaces the filter (`RUST_LOG=info` shows mdBook's own progress too).
pub fn init(progress: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        let steps = if progress {
            ",coursebook::progress=info"
        } else {
            ""
        };
        EnvFilter::new(format!("warn{steps}"))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| Line(Vec::new()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .event_format(Lines)
        .try_init();
}

/// One event's text, written to stderr when it is complete, through
/// [`common::progress::eprint`], which erases the status line first.
struct Line(Vec<u8>);

impl std::io::Write for Line {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        progress::eprint(&String::from_utf8_lossy(&self.0));
    }
}

/// The event formatter: a step as Cargo prints one, anything else as `level: message`.
struct Lines;

impl<S, N> FormatEvent<S, N> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let ansi = writer.has_ansi_escapes();
        let (label, colour) = if event.metadata().target() == progress::TARGET {
            (format!("{:>12}", fields.verb), "1;32")
        } else {
            match *event.metadata().level() {
                Level::ERROR => ("error:".to_owned(), "1;31"),
                Level::WARN => ("warning:".to_owned(), "1;33"),
                Level::INFO => ("info:".to_owned(), "1"),
                _ => ("debug:".to_owned(), "2"),
            }
        };
        if ansi {
            write!(writer, "\x1b[{colour}m{label}\x1b[0m")?;
        } else {
            write!(writer, "{label}")?;
        }
        writeln!(writer, " {}{}", fields.message, fields.rest)
    }
}

/// The fields of one event: its message, a step's verb, and any other field as `name=value`.
#[derive(Default)]
struct Fields {
    message: String,
    verb: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "verb" => self.verb = value.to_owned(),
            "message" => self.message = value.to_owned(),
            name => self.rest.push_str(&format!(" {name}={value}")),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            name => self.rest.push_str(&format!(" {name}={value:?}")),
        }
    }
}

/// `verb` right-aligned and coloured as the step lines print it, for lines printed directly.
pub fn verb(verb: &str) -> String {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        format!("\x1b[1;32m{verb:>12}\x1b[0m")
    } else {
        format!("{verb:>12}")
    }
}
