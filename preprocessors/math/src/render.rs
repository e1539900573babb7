//! Rendering formulas with KaTeX, in parallel when it pays.
//!
//! The katex crate keeps one QuickJS engine per thread (a `thread_local`), which costs 20 to
//! 40 ms to start, while a formula costs from 0.1 ms (`x`) to 40 ms (a large `array`), 0.7 ms
//! on average. So the misses of a build are shared by the calling thread and up to
//! `available_parallelism() - 1` scoped threads, each starting its own engine, but only as many
//! threads as there are [`MIN_FORMULAS_PER_THREAD`] formulas to share: a handful of misses is
//! rendered on the calling thread alone, whose engine then stays warm for the next build of
//! `serve`.
//!
//! The threads take formulas from one queue, longest TeX first: the few large formulas (a
//! tenth of the halo2 book's formulas are half of its rendering time) start early, and the
//! small ones fill the gaps, so that the threads finish together.

use crate::config::MathOptions;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Below this many formulas per thread, starting another engine costs more than it saves.
pub const MIN_FORMULAS_PER_THREAD: usize = 64;

/// One formula to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Job {
    /// The formula's TeX, without its `$` delimiters.
    pub tex: String,
    /// Whether it is display math (`$$…$$`).
    pub display: bool,
}

/// KaTeX's message for a formula it refused, without its underline characters.
pub type RenderError = String;

/// Renders every job; the result at index `i` is that of `jobs[i]`.
pub fn render_all(jobs: &[Job], options: &MathOptions) -> Vec<Result<String, RenderError>> {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores
        .min(jobs.len().div_ceil(MIN_FORMULAS_PER_THREAD))
        .max(1);
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].tex.len()));
    let queue = Queue {
        order,
        next: AtomicUsize::new(0),
    };
    let mut results: Vec<Option<Result<String, RenderError>>> = vec![None; jobs.len()];
    let mut place = |rendered: Vec<(usize, Result<String, RenderError>)>| {
        for (i, result) in rendered {
            results[i] = Some(result);
        }
    };
    thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|_| scope.spawn(|| render_from(&queue, jobs, options)))
            .collect();
        place(render_from(&queue, jobs, options));
        for helper in helpers {
            // A panicked thread leaves its formulas out; they become errors below.
            place(helper.join().unwrap_or_default());
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| Err("the KaTeX thread stopped before this formula".to_owned()))
        })
        .collect()
}

/// The jobs in the order threads take them, and the position of the next one to take.
struct Queue {
    order: Vec<usize>,
    next: AtomicUsize,
}

/// Renders jobs taken from `queue` until it is empty; returns them with their indices.
fn render_from(
    queue: &Queue,
    jobs: &[Job],
    options: &MathOptions,
) -> Vec<(usize, Result<String, RenderError>)> {
    let inline = options.katex_opts(false);
    let display = options.katex_opts(true);
    let mut rendered = Vec::new();
    while let Some(&i) = queue.order.get(queue.next.fetch_add(1, Ordering::Relaxed)) {
        let job = &jobs[i];
        let opts = if job.display { &display } else { &inline };
        let result = opts.as_ref().map_err(Clone::clone).and_then(|opts| {
            katex::render_with_opts(&job.tex, opts).map_err(|e| clean_message(&e))
        });
        rendered.push((i, result));
    }
    rendered
}

/// KaTeX's error text without the crate's wrapper and without U+0332 (combining low line),
/// which KaTeX uses to underline the faulty part and which garbles a terminal.
///
/// The katex crate hands a thrown JavaScript value over only as text: quick-js formats the
/// exception with `Debug` (`String("ParseError: …")`, quotes and backslashes escaped), and no
/// typed form exists. This function is the one adapter; a unit test renders real errors
/// through it, so that an upgrade of either crate that changes the text fails here.
pub fn clean_message(error: &katex::Error) -> String {
    let text = match error {
        katex::Error::JsExecError(msg) | katex::Error::JsValueError(msg) => msg.clone(),
        other => other.to_string(),
    };
    // The crate formats the thrown JS value with `Debug`: `String("ParseError: ...")`.
    let text = match text
        .strip_prefix("String(\"")
        .and_then(|t| t.strip_suffix("\")"))
    {
        Some(inner) => unescape_debug(inner),
        None => text,
    };
    let text: String = text.chars().filter(|&c| c != '\u{0332}').collect();
    text.strip_prefix("ParseError: ")
        .unwrap_or(&text)
        .trim()
        .to_owned()
}

/// Undoes Rust's `Debug` escaping of a string (`\\`, `\"`, `\n`, `\u{332}`...).
fn unescape_debug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn katex_errors_read_as_katex_wrote_them() {
        let message = |tex: &str| {
            let opts = katex::Opts::builder().throw_on_error(true).build().unwrap();
            clean_message(&katex::render_with_opts(tex, &opts).unwrap_err())
        };
        let undefined = message(r"x + \nope");
        assert!(
            undefined.starts_with(r"KaTeX parse error: Undefined control sequence: \nope"),
            "{undefined}"
        );
        assert!(!undefined.contains('\u{0332}') && !undefined.contains("String("));
        let quoted = message(r#"\text{"a"} \frac{1}"#);
        // The formula is quoted back with its quotes and backslash, unescaped.
        assert!(quoted.contains(r#"{"a"} \frac{1}"#), "{quoted}");
    }

    #[test]
    fn renders_in_order_across_threads() {
        let jobs: Vec<Job> = (0..(MIN_FORMULAS_PER_THREAD * 2 + 3))
            .map(|i| Job {
                tex: format!("x_{{{i}}}"),
                display: i % 2 == 0,
            })
            .collect();
        let out = render_all(&jobs, &MathOptions::default());
        assert_eq!(out.len(), jobs.len());
        for (i, r) in out.iter().enumerate() {
            let html = r.as_ref().unwrap();
            assert!(
                html.contains(&format!(">x_{{{i}}}</annotation>")),
                "{i}: {html}"
            );
            assert_eq!(html.contains("katex-display"), i % 2 == 0);
        }
    }

    #[test]
    fn errors_carry_katex_message_without_underlines() {
        let out = render_all(
            &[Job {
                tex: "\\frac{a}{b} + \\nope".into(),
                display: false,
            }],
            &MathOptions::default(),
        );
        let err = out[0].as_ref().unwrap_err();
        assert!(err.contains("Undefined control sequence: \\nope"), "{err}");
        assert!(!err.contains('\u{0332}'), "{err}");
        assert_eq!(
            err,
            "KaTeX parse error: Undefined control sequence: \\nope at position 15: \\frac{a}{b} + \\nope"
        );
    }

    #[test]
    fn max_expand_is_bounded() {
        let mut o = MathOptions::default();
        o.macros.push(("\\loop".into(), "\\loop".into()));
        let out = render_all(
            &[Job {
                tex: "\\loop".into(),
                display: false,
            }],
            &o,
        );
        let err = out[0].as_ref().unwrap_err();
        assert!(err.contains("Too many expansions"), "{err}");
    }
}
