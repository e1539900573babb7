//! The options of the math stage, read from `[preprocessor.<name>]` in book.toml.
//!
//! The keys are those of mdbook-katex 0.10 (`macros`, `output`, `leqno`, `fleqn`,
//! `throw-on-error`, `error-color`, `min-rule-thickness`, `max-size`, `max-expand`, `trust`,
//! plus its preprocessor-level keys), so a book written for mdbook-katex builds unchanged.
//! Unknown keys are reported as warnings, never as errors: book.toml may carry keys of another
//! version of mdbook-katex, and refusing them would break a drop-in.

use common::Diagnostic;
use serde_json::{Map, Value};
use std::fmt;
use std::path::{Path, PathBuf};

/// Keys mdBook itself reads in any `[preprocessor.NAME]` table.
const MDBOOK_KEYS: &[&str] = &["command", "before", "after", "renderers", "optional"];

/// Keys of mdbook-katex that change nothing here: its CSS handling (we always ship the CSS
/// offline), and its `$`-only delimiters (we find math with pulldown-cmark, which knows `$`
/// and `$$` only). They are accepted silently when they hold the default meaning.
const MDBOOK_KATEX_NOOP_KEYS: &[&str] = &["no-css", "static-css", "include-src", "pre-render"];

/// KaTeX's own default expansion limit; `max-expand` may lower or raise it (up to
/// [`MAX_EXPAND_BOUND`]) but never remove it, so that a recursive macro cannot hang the build.
pub const DEFAULT_MAX_EXPAND: i32 = 1000;

/// The most `max-expand` may be: ten times KaTeX's default. Each expansion costs KaTeX some
/// work, so a recursive macro (`\def\a{\a}\a`) fails in a fraction of a second at this
/// bound, where `2147483647` would keep the build busy for hours.
pub const MAX_EXPAND_BOUND: i32 = 10_000;

/// What KaTeX writes: glyphs for the eye, MathML for screen readers, or both (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Html,
    Mathml,
    HtmlAndMathml,
}

impl Output {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "html" => Some(Self::Html),
            "mathml" => Some(Self::Mathml),
            "htmlAndMathml" => Some(Self::HtmlAndMathml),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Mathml => "mathml",
            Self::HtmlAndMathml => "htmlAndMathml",
        }
    }

    fn to_katex(self) -> katex::OutputType {
        match self {
            Self::Html => katex::OutputType::Html,
            Self::Mathml => katex::OutputType::Mathml,
            Self::HtmlAndMathml => katex::OutputType::HtmlAndMathml,
        }
    }
}

/// The options that decide how formulas are rendered and how errors are treated.
#[derive(Debug, Clone, PartialEq)]
pub struct MathOptions {
    pub output: Output,
    pub leqno: bool,
    pub fleqn: bool,
    /// `true` (the default): an invalid formula fails the build. `false`: it is shown in
    /// `error_color` and reported as a warning.
    pub throw_on_error: bool,
    pub error_color: String,
    pub min_rule_thickness: Option<f64>,
    pub max_size: Option<f64>,
    pub max_expand: i32,
    /// `\href`, `\includegraphics`, `\htmlClass`...: off unless the book asks for it.
    pub trust: bool,
    /// `(\name, definition)` pairs, sorted by name so the cache key does not depend on the
    /// order of a hash map.
    pub macros: Vec<(String, String)>,
    /// The macros file, relative to the book root, when one is configured.
    pub macros_file: Option<PathBuf>,
}

impl Default for MathOptions {
    fn default() -> Self {
        Self {
            output: Output::HtmlAndMathml,
            leqno: false,
            fleqn: false,
            throw_on_error: true,
            error_color: "#cc0000".to_owned(),
            min_rule_thickness: None,
            max_size: None,
            max_expand: DEFAULT_MAX_EXPAND,
            trust: false,
            macros: Vec::new(),
            macros_file: None,
        }
    }
}

/// A configuration problem that stops the build: a wrong type, a missing macros file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError(pub Box<Diagnostic>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ConfigError {}

impl MathOptions {
    /// Reads the table `[preprocessor.<name>]` (given as JSON, as mdBook's `Config::get`
    /// returns it) and the macros file it names, relative to `book_root`.
    ///
    /// Returns the options and the warnings (unknown keys, unusable macro lines).
    pub fn from_table(
        name: &str,
        table: Option<&Map<String, Value>>,
        book_root: &Path,
    ) -> Result<(Self, Vec<Diagnostic>), ConfigError> {
        let mut options = Self::default();
        let mut warnings = Vec::new();
        let Some(table) = table else {
            return Ok((options, warnings));
        };
        let where_ = format!("book.toml [preprocessor.{name}]");
        let wrong = |key: &str, expected: &str| {
            ConfigError(Box::new(
                Diagnostic::error(format!("`{key}` must be {expected}"))
                    .in_file("book.toml")
                    .note(format!("in {where_}")),
            ))
        };
        for (key, value) in table {
            match key.as_str() {
                "output" => {
                    options.output = value
                        .as_str()
                        .and_then(Output::parse)
                        .ok_or_else(|| wrong(key, "\"html\", \"mathml\" or \"htmlAndMathml\""))?;
                }
                "leqno" => {
                    options.leqno = value.as_bool().ok_or_else(|| wrong(key, "a boolean"))?
                }
                "fleqn" => {
                    options.fleqn = value.as_bool().ok_or_else(|| wrong(key, "a boolean"))?
                }
                "throw-on-error" => {
                    options.throw_on_error =
                        value.as_bool().ok_or_else(|| wrong(key, "a boolean"))?
                }
                "trust" => {
                    options.trust = value.as_bool().ok_or_else(|| wrong(key, "a boolean"))?
                }
                "error-color" => {
                    let color = value.as_str().ok_or_else(|| wrong(key, "a string"))?;
                    // The colour goes into a style attribute: keep it to CSS colour syntax.
                    if !color
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "#(),.% ".contains(c))
                    {
                        return Err(wrong(key, "a CSS colour such as \"#cc0000\""));
                    }
                    options.error_color = color.to_owned();
                }
                "min-rule-thickness" => {
                    options.min_rule_thickness =
                        Some(value.as_f64().ok_or_else(|| wrong(key, "a number"))?)
                }
                "max-size" => {
                    let size = value.as_f64().ok_or_else(|| wrong(key, "a number"))?;
                    // mdbook-katex writes `inf` for "no limit"; TOML has `inf` too.
                    options.max_size = size.is_finite().then_some(size);
                }
                "max-expand" => {
                    let n = value
                        .as_i64()
                        .filter(|n| *n >= 0)
                        .ok_or_else(|| wrong(key, "a non-negative integer"))?;
                    if n > i64::from(MAX_EXPAND_BOUND) {
                        warnings.push(
                            Diagnostic::warning(format!(
                                "`max-expand = {n}` is above the bound of {MAX_EXPAND_BOUND}: \
                                 KaTeX stops a formula after {MAX_EXPAND_BOUND} macro expansions"
                            ))
                            .in_file("book.toml")
                            .note(format!("in {where_}")),
                        );
                    }
                    options.max_expand = i32::try_from(n.min(i64::from(MAX_EXPAND_BOUND)))
                        .unwrap_or(MAX_EXPAND_BOUND);
                }
                "macros" => {
                    let file = value.as_str().ok_or_else(|| wrong(key, "a file path"))?;
                    options.macros_file = Some(PathBuf::from(file));
                }
                "block-delimiter" | "inline-delimiter" => {
                    if !is_default_delimiter(key, value) {
                        warnings.push(
                            Diagnostic::warning(format!(
                                "`{key}` other than `$`/`$$` is not supported: math is found \
                                 with pulldown-cmark's `$` and `$$`"
                            ))
                            .in_file("book.toml")
                            .note(format!("in {where_}")),
                        );
                    }
                }
                k if MDBOOK_KEYS.contains(&k) || MDBOOK_KATEX_NOOP_KEYS.contains(&k) => {}
                other => warnings.push(
                    Diagnostic::warning(format!("unknown option `{other}` is ignored"))
                        .in_file("book.toml")
                        .note(format!("in {where_}")),
                ),
            }
        }
        if let Some(file) = &options.macros_file {
            let path = book_root.join(file);
            let text = std::fs::read_to_string(&path).map_err(|err| {
                ConfigError(Box::new(
                    Diagnostic::error(format!("cannot read the macros file: {err}"))
                        .in_file(&file.display().to_string())
                        .note(format!("named by `macros` in {where_}")),
                ))
            })?;
            let (macros, bad) = parse_macros(&text, &file.display().to_string());
            options.macros = macros;
            warnings.extend(bad);
        }
        Ok((options, warnings))
    }

    /// Everything that changes KaTeX's output, as text for the cache key. `throw-on-error`
    /// and `error-color` are not in it: errors are never cached.
    pub fn fingerprint(&self) -> String {
        let mut s = format!(
            "output={};leqno={};fleqn={};mrt={:?};max-size={:?};max-expand={};trust={}",
            self.output.as_str(),
            self.leqno,
            self.fleqn,
            self.min_rule_thickness,
            self.max_size,
            self.max_expand,
            self.trust
        );
        for (name, definition) in &self.macros {
            s.push_str(&format!(";{}={}:{}", name.len(), name, definition));
        }
        s
    }

    /// KaTeX's options for one formula. Errors always throw: the stage decides what a
    /// failure becomes (a build error, or a red formula and a warning).
    pub fn katex_opts(&self, display: bool) -> Result<katex::Opts, String> {
        let mut opts = katex::Opts::builder()
            .display_mode(display)
            .output_type(self.output.to_katex())
            .leqno(self.leqno)
            .fleqn(self.fleqn)
            .throw_on_error(true)
            .trust(self.trust)
            .max_expand(Some(self.max_expand))
            .build()
            .map_err(|e| e.to_string())?;
        if let Some(t) = self.min_rule_thickness {
            opts.set_min_rule_thickness(t);
        }
        opts.set_max_size(self.max_size);
        for (name, definition) in &self.macros {
            opts.add_macro(name.clone(), definition.clone());
        }
        Ok(opts)
    }
}

fn is_default_delimiter(key: &str, value: &Value) -> bool {
    let expected = if key == "block-delimiter" { "$$" } else { "$" };
    let side = |k: &str| value.get(k).and_then(Value::as_str);
    side("left").is_none_or(|s| s == expected) && side("right").is_none_or(|s| s == expected)
}

/// Parses an mdbook-katex macros file: one `\name:definition` a line. Blank lines and lines
/// starting with `#` or `%` are comments. Returns the macros sorted by name, and a warning
/// for each line that is neither.
pub fn parse_macros(text: &str, path: &str) -> (Vec<(String, String)>, Vec<Diagnostic>) {
    let mut macros = std::collections::BTreeMap::new();
    let mut warnings = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') || content.starts_with('%') {
            continue;
        }
        let parsed = content
            .strip_prefix('\\')
            .and_then(|rest| rest.split_once(':'))
            .filter(|(name, _)| !name.is_empty() && !name.contains(char::is_whitespace));
        match parsed {
            Some((name, definition)) => {
                macros.insert(format!("\\{name}"), definition.trim().to_owned());
            }
            None => {
                warnings.push(
                    Diagnostic::warning("this line of the macros file is not `\\name:definition`")
                        .at(path, text, start..start + line.trim_end().len()),
                )
            }
        }
    }
    (macros.into_iter().collect(), warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn defaults_are_strict_bounded_and_untrusted() {
        let (o, w) = MathOptions::from_table("math", None, Path::new(".")).unwrap();
        assert!(o.throw_on_error && !o.trust);
        assert_eq!(o.max_expand, DEFAULT_MAX_EXPAND);
        assert_eq!(o.output, Output::HtmlAndMathml);
        assert!(w.is_empty());
    }

    #[test]
    fn mdbook_katex_keys_are_read_and_unknown_keys_warn() {
        let t = table(json!({
            "output": "html", "leqno": true, "fleqn": true, "throw-on-error": false,
            "error-color": "#ff0000", "min-rule-thickness": 0.05, "max-size": 10.0,
            "max-expand": 50, "trust": true, "after": ["links"], "renderers": ["html"],
            "no-css": false, "frobnicate": 1
        }));
        let (o, w) = MathOptions::from_table("katex", Some(&t), Path::new(".")).unwrap();
        assert_eq!(o.output, Output::Html);
        assert!(o.leqno && o.fleqn && !o.throw_on_error && o.trust);
        assert_eq!((o.max_expand, o.max_size), (50, Some(10.0)));
        assert_eq!(o.error_color, "#ff0000");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("frobnicate"));
    }

    #[test]
    fn max_expand_is_clamped_to_its_bound_with_a_warning() {
        let t = table(json!({ "max-expand": 2147483647_i64 }));
        let (o, w) = MathOptions::from_table("math", Some(&t), Path::new(".")).unwrap();
        assert_eq!(o.max_expand, MAX_EXPAND_BOUND);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(!w[0].is_error());
        assert!(
            w[0].message
                .contains("`max-expand = 2147483647` is above the bound of 10000"),
            "{w:?}"
        );
        let t = table(json!({ "max-expand": MAX_EXPAND_BOUND }));
        let (o, w) = MathOptions::from_table("math", Some(&t), Path::new(".")).unwrap();
        assert_eq!((o.max_expand, w.len()), (MAX_EXPAND_BOUND, 0));
    }

    #[test]
    fn a_wrong_type_is_an_error_naming_the_key() {
        let t = table(json!({ "trust": "yes" }));
        let err = MathOptions::from_table("katex", Some(&t), Path::new(".")).unwrap_err();
        assert!(
            err.to_string().contains("`trust` must be a boolean"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_macros_file_is_an_error() {
        let t = table(json!({ "macros": "nope/macros.txt" }));
        let err =
            MathOptions::from_table("katex", Some(&t), Path::new("/nonexistent")).unwrap_err();
        assert!(err.to_string().contains("nope/macros.txt"), "{err}");
    }

    #[test]
    fn macros_file_format_of_mdbook_katex() {
        let text = "# Title\n\n\\RR:{\\mathbb{R}}\n\\f:{f_{#1}}\nnot a macro\n";
        let (m, w) = parse_macros(text, "macros.txt");
        assert_eq!(
            m,
            vec![
                ("\\RR".to_owned(), "{\\mathbb{R}}".to_owned()),
                ("\\f".to_owned(), "{f_{#1}}".to_owned())
            ]
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 5);
    }

    #[test]
    fn fingerprint_changes_with_macros_and_options() {
        let a = MathOptions::default();
        let mut b = a.clone();
        b.macros.push(("\\x".into(), "y".into()));
        let mut c = a.clone();
        c.trust = true;
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
        let mut d = a.clone();
        d.throw_on_error = false;
        assert_eq!(a.fingerprint(), d.fingerprint());
    }
}
