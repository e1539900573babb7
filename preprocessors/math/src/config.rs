//! The options of the math stage, read from `[preprocessor.<name>]` in book.toml.
//!
//! The keys are those of mdbook-katex 0.10 (`macros`, `output`, `leqno`, `fleqn`,
//! `throw-on-error`, `error-color`, `min-rule-thickness`, `max-size`, `max-expand`, `trust`,
//! plus its preprocessor-level keys), so a book written for mdbook-katex builds unchanged.
//! Unknown keys are reported as warnings, never as errors: book.toml may carry keys of another
//! version of mdbook-katex, and refusing them would break a drop-in.

use common::{config, Diagnostic};
use serde::Deserialize;
use std::path::{Path, PathBuf};

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
    /// KaTeX's HTML alone.
    Html,
    /// MathML alone.
    Mathml,
    /// Both: HTML for the eye, MathML for screen readers.
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
    /// What KaTeX writes (`output`).
    pub output: Output,
    /// Equation numbers on the left (`leqno`).
    pub leqno: bool,
    /// Display formulas flush left (`fleqn`).
    pub fleqn: bool,
    /// `true` (the default): an invalid formula fails the build. `false`: it is shown in
    /// `error_color` and reported as a warning.
    pub throw_on_error: bool,
    /// The colour of a formula shown as its source after an error (`error-color`).
    pub error_color: String,
    /// KaTeX's `minRuleThickness`, in em.
    pub min_rule_thickness: Option<f64>,
    /// KaTeX's `maxSize`, in em; `None` for no limit.
    pub max_size: Option<f64>,
    /// KaTeX's `maxExpand`: the most macro expansions in one formula.
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

pub use common::config::Error as ConfigError;

impl MathOptions {
    /// Reads the stage's table of book.toml and the macros file it names, relative to
    /// `book_root`.
    ///
    /// Returns the options and the warnings (unknown keys, unusable macro lines).
    pub fn from_table(
        table: &config::Table<'_>,
        book_root: &Path,
    ) -> Result<(Self, Vec<Diagnostic>), ConfigError> {
        let read = table.read::<Table>()?;
        let (written, mut warnings) = (read.options, read.unknown);
        let wrong = |key: &str, expected: &str| {
            table.error_at(Some(key), format!("`{key}` must be {expected}"))
        };
        let mut options = Self::default();
        if let Some(output) = &written.output {
            options.output = Output::parse(output)
                .ok_or_else(|| wrong("output", "\"html\", \"mathml\" or \"htmlAndMathml\""))?;
        }
        options.leqno = written.leqno.unwrap_or(options.leqno);
        options.fleqn = written.fleqn.unwrap_or(options.fleqn);
        options.throw_on_error = written.throw_on_error.unwrap_or(options.throw_on_error);
        options.trust = written.trust.unwrap_or(options.trust);
        if let Some(color) = written.error_color {
            // The colour goes into a style attribute: keep it to CSS colour syntax.
            if !color
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "#(),.% ".contains(c))
            {
                return Err(wrong("error-color", "a CSS colour such as \"#cc0000\""));
            }
            options.error_color = color;
        }
        options.min_rule_thickness = written.min_rule_thickness;
        // mdbook-katex writes `inf` for "no limit"; TOML has `inf` too.
        options.max_size = written.max_size.filter(|size| size.is_finite());
        if let Some(n) = written.max_expand {
            if n < 0 {
                return Err(wrong("max-expand", "a non-negative integer"));
            }
            if n > i64::from(MAX_EXPAND_BOUND) {
                warnings.push(table.warning_at(
                    Some("max-expand"),
                    format!(
                        "`max-expand = {n}` is above the bound of {MAX_EXPAND_BOUND}: \
                         KaTeX stops a formula after {MAX_EXPAND_BOUND} macro expansions"
                    ),
                ));
            }
            options.max_expand =
                i32::try_from(n.min(i64::from(MAX_EXPAND_BOUND))).unwrap_or(MAX_EXPAND_BOUND);
        }
        for (key, delimiter, expected) in [
            ("block-delimiter", &written.block_delimiter, "$$"),
            ("inline-delimiter", &written.inline_delimiter, "$"),
        ] {
            if delimiter.as_ref().is_some_and(|d| !d.is(expected)) {
                warnings.push(table.warning_at(
                    Some(key),
                    format!(
                        "`{key}` other than `$`/`$$` is not supported: math is found with \
                         pulldown-cmark's `$` and `$$`"
                    ),
                ));
            }
        }
        if let Some(file) = written.macros.map(PathBuf::from) {
            let text = std::fs::read_to_string(book_root.join(&file)).map_err(|err| {
                ConfigError(Box::new(
                    Diagnostic::error(format!("cannot read the macros file: {err}"))
                        .in_file(&file.display().to_string())
                        .note(format!(
                            "named by `macros` in [{}] of book.toml",
                            table.name()
                        )),
                ))
            })?;
            let (macros, bad) = parse_macros(&text, &file.display().to_string());
            options.macros = macros;
            options.macros_file = Some(file);
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

/// The table as the author writes it: the keys of mdbook-katex 0.10.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Table {
    /// `"html"`, `"mathml"` or `"htmlAndMathml"`.
    pub output: Option<String>,
    /// Equation numbers on the left.
    pub leqno: Option<bool>,
    /// Display formulas flush left.
    pub fleqn: Option<bool>,
    /// Whether an invalid formula fails the build.
    pub throw_on_error: Option<bool>,
    /// `\href`, `\includegraphics`... allowed.
    pub trust: Option<bool>,
    /// The colour of a formula KaTeX cannot render.
    pub error_color: Option<String>,
    /// KaTeX's `minRuleThickness`.
    pub min_rule_thickness: Option<f64>,
    /// KaTeX's `maxSize`; `inf` for none.
    pub max_size: Option<f64>,
    /// KaTeX's `maxExpand`, bounded by [`MAX_EXPAND_BOUND`].
    pub max_expand: Option<i64>,
    /// The macros file, relative to the book root.
    pub macros: Option<String>,
    /// mdbook-katex's display delimiters: only `$$` is supported.
    pub block_delimiter: Option<Delimiter>,
    /// mdbook-katex's inline delimiters: only `$` is supported.
    pub inline_delimiter: Option<Delimiter>,
    /// mdbook-katex's CSS keys and its `include-src`, `pre-render`: accepted, no effect here
    /// (the CSS always ships offline).
    pub no_css: Option<toml::Value>,
    /// See [`Table::no_css`].
    pub static_css: Option<toml::Value>,
    /// See [`Table::no_css`].
    pub include_src: Option<toml::Value>,
    /// See [`Table::no_css`].
    pub pre_render: Option<toml::Value>,
}

/// mdbook-katex's `{ left = "$", right = "$" }`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Delimiter {
    /// The opening delimiter.
    pub left: Option<String>,
    /// The closing delimiter.
    pub right: Option<String>,
}

impl Delimiter {
    /// Whether both sides are `expected` or left out.
    fn is(&self, expected: &str) -> bool {
        [&self.left, &self.right]
            .into_iter()
            .all(|side| side.as_deref().is_none_or(|s| s == expected))
    }
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
    use mdbook_preprocessor::config::Config;

    /// Reads `[preprocessor.katex]` from `toml`, the macros file relative to `root`.
    fn read(toml: &str, root: &str) -> Result<(MathOptions, Vec<Diagnostic>), ConfigError> {
        let config: Config = toml.parse().expect("valid TOML");
        MathOptions::from_table(&config::Table::new(&config, toml, "katex"), Path::new(root))
    }

    #[test]
    fn defaults_are_strict_bounded_and_untrusted() {
        let (o, w) = read("[book]\n", ".").unwrap();
        assert!(o.throw_on_error && !o.trust);
        assert_eq!(o.max_expand, DEFAULT_MAX_EXPAND);
        assert_eq!(o.output, Output::HtmlAndMathml);
        assert!(w.is_empty());
    }

    #[test]
    fn mdbook_katex_keys_are_read_and_unknown_keys_warn() {
        let toml = "[preprocessor.katex]\noutput = \"html\"\nleqno = true\nfleqn = true\n\
            throw-on-error = false\nerror-color = \"#ff0000\"\nmin-rule-thickness = 0.05\n\
            max-size = 10.0\nmax-expand = 50\ntrust = true\nafter = [\"links\"]\n\
            renderers = [\"html\"]\nno-css = false\nfrobnicate = 1\n";
        let (o, w) = read(toml, ".").unwrap();
        assert_eq!(o.output, Output::Html);
        assert!(o.leqno && o.fleqn && !o.throw_on_error && o.trust);
        assert_eq!((o.max_expand, o.max_size), (50, Some(10.0)));
        assert_eq!(o.error_color, "#ff0000");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("frobnicate"));
        assert!(w[0].to_string().contains("book.toml:14:1"), "{}", w[0]);
    }

    #[test]
    fn max_expand_is_clamped_to_its_bound_with_a_warning() {
        let (o, w) = read("[preprocessor.katex]\nmax-expand = 2147483647\n", ".").unwrap();
        assert_eq!(o.max_expand, MAX_EXPAND_BOUND);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(!w[0].is_error());
        assert!(
            w[0].message
                .contains("`max-expand = 2147483647` is above the bound of 10000"),
            "{w:?}"
        );
        let (o, w) = read("[preprocessor.katex]\nmax-expand = 10000\n", ".").unwrap();
        assert_eq!((o.max_expand, w.len()), (MAX_EXPAND_BOUND, 0));
    }

    #[test]
    fn a_wrong_type_is_an_error_naming_the_key() {
        let err = read("[preprocessor.katex]\ntrust = \"yes\"\n", ".").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`trust` in [preprocessor.katex]"), "{text}");
        assert!(text.contains("expected a boolean"), "{text}");
        assert!(text.contains("book.toml:2:1"), "{text}");
        let err = read("[preprocessor.katex]\noutput = \"svg\"\n", ".").unwrap_err();
        assert!(
            err.to_string().contains("`output` must be \"html\""),
            "{err}"
        );
    }

    #[test]
    fn a_missing_macros_file_is_an_error() {
        let toml = "[preprocessor.katex]\nmacros = \"nope/macros.txt\"\n";
        let err = read(toml, "/nonexistent").unwrap_err();
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
