//! Rendering formulas with KaTeX, in parallel when it pays.
//!
//! The katex crate keeps one QuickJS engine per thread (a `thread_local`), which costs about
//! 33 ms to start, while a formula costs about 1.1 ms. So the misses of a build are spread over
//! up to `available_parallelism()` scoped threads, each starting its own engine, but only as many
//! threads as there are [`MIN_FORMULAS_PER_THREAD`] formulas to share: a handful of misses is
//! rendered on the calling thread, whose engine then stays warm for the next build of `serve`.

use crate::config::MathOptions;
use std::thread;

/// Below this many formulas per thread, starting another engine costs more than it saves.
pub const MIN_FORMULAS_PER_THREAD: usize = 64;

/// One formula to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Job {
    pub tex: String,
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
    if threads == 1 {
        return render_chunk(jobs.iter(), options);
    }
    // Interleaved shares (job i goes to thread i % threads) balance long and short chapters.
    let mut results: Vec<Option<Result<String, RenderError>>> = vec![None; jobs.len()];
    thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || render_chunk(jobs.iter().skip(t).step_by(threads), options))
            })
            .collect();
        for (t, handle) in handles.into_iter().enumerate() {
            // A panicked thread leaves its slots empty; they become errors below.
            let rendered = handle.join().unwrap_or_default();
            for (k, result) in rendered.into_iter().enumerate() {
                if let Some(slot) = results.get_mut(t + k * threads) {
                    *slot = Some(result);
                }
            }
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| Err("the KaTeX thread stopped before this formula".to_owned()))
        })
        .collect()
}

fn render_chunk<'a>(
    jobs: impl Iterator<Item = &'a Job>,
    options: &MathOptions,
) -> Vec<Result<String, RenderError>> {
    let inline = options.katex_opts(false);
    let display = options.katex_opts(true);
    jobs.map(|job| {
        let opts = if job.display { &display } else { &inline };
        opts.as_ref()
            .map_err(Clone::clone)
            .and_then(|opts| katex::render_with_opts(&job.tex, opts).map_err(|e| clean_message(&e)))
    })
    .collect()
}

/// KaTeX's error text without the crate's wrapper and without U+0332 (combining low line),
/// which KaTeX uses to underline the faulty part and which garbles a terminal.
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
