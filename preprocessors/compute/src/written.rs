//! Written answers: the literal text a reader sees, parsed into what it claims.
//!
//! The precision of a written number is the number of digits written: "0.46" claims two
//! decimals, "82" none. A French decimal comma is the same number as a point ("0,46"), a
//! trailing `%` divides by a hundred ("46 %" is 0.46 at two decimals), and the minus sign may be
//! the typographic U+2212. Lists are written in brackets; when their numbers use decimal commas
//! their items are separated by semicolons (`[0,46; 0,17]`).
//!
//! Which of `,` and `.` separates decimals depends on the book's language ([`Locale`]): in a
//! French book `30,000` is thirty at three decimals, in an English book it is thirty thousand.
//! Spaces (plain, no-break, narrow no-break, thin) separate thousands in both. A number that
//! mixes the two separators against the book's usage is refused rather than guessed.

use coursebook_notebook::notebook::{Integer, Value};
use std::fmt;

/// What a written answer claims.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// A number written with `decimals` digits after the separator: it stands for the integer
    /// `mantissa × 10^-decimals` exactly, which lets the checker compare without float noise.
    Number {
        /// The digits as one integer, sign included (`0,46` → 46).
        mantissa: Integer,
        /// How many were written after the separator (`0,46` → 2).
        decimals: u32,
    },
    /// `vrai`/`faux` or `true`/`false`.
    Bool(bool),
    /// A quoted string.
    Str(String),
    /// `[a; b; c]`: one written answer an item.
    List(Vec<Written>),
}

/// How a book writes its numbers, from its `book.language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// `,` (or `.`) before the decimals; spaces between groups of thousands.
    #[default]
    French,
    /// `.` before the decimals; `,` or spaces between groups of thousands. A lone `,` that
    /// cannot separate thousands (`0,46`) is still read as a decimal comma: it has no other
    /// reading.
    English,
}

impl Locale {
    /// English for languages that start with `en`, French otherwise (the book's language).
    pub fn of_language(language: &str) -> Locale {
        if language.to_ascii_lowercase().starts_with("en") {
            Locale::English
        } else {
            Locale::French
        }
    }
}

/// Why a written value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Written {
    /// Reads a written answer.
    ///
    /// ```
    /// use coursebook_compute::written::Written;
    /// let n = |m: i32, d| Written::Number { mantissa: m.into(), decimals: d };
    /// assert_eq!(Written::parse("0,46").unwrap(), n(46, 2));
    /// assert_eq!(Written::parse("46 %").unwrap(), n(46, 2));
    /// assert_eq!(Written::parse("\"many-to-one\"").unwrap(), Written::Str("many-to-one".into()));
    /// ```
    pub fn parse(text: &str) -> Result<Written, ParseError> {
        Written::parse_in(text, Locale::French)
    }

    /// Reads a written answer with the number conventions of `locale`.
    ///
    /// ```
    /// use coursebook_compute::written::{Locale, Written};
    /// let n = |m: i32, d| Written::Number { mantissa: m.into(), decimals: d };
    /// assert_eq!(Written::parse_in("30,000", Locale::English).unwrap(), n(30000, 0));
    /// assert_eq!(Written::parse_in("30,000", Locale::French).unwrap(), n(30000, 3));
    /// assert_eq!(Written::parse_in("30\u{202f}000", Locale::French).unwrap(), n(30000, 0));
    /// assert!(Written::parse_in("1.234,5", Locale::English).is_err());
    /// ```
    pub fn parse_in(text: &str, locale: Locale) -> Result<Written, ParseError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ParseError("no written value after `=`".into()));
        }
        if let Some(inner) = text.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| ParseError(format!("the list `{text}` does not end with `]`")))?;
            return parse_list(inner, locale);
        }
        if let Some(inner) = quoted(text) {
            return Ok(Written::Str(inner.to_owned()));
        }
        match text {
            "true" | "vrai" | "oui" => return Ok(Written::Bool(true)),
            "false" | "faux" | "non" => return Ok(Written::Bool(false)),
            _ => {}
        }
        if looks_numeric(text) {
            return parse_number(text, locale);
        }
        Ok(Written::Str(text.to_owned()))
    }

    /// The number as a float, for tolerances and messages.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Written::Number { mantissa, decimals } => {
                Some(mantissa.to_f64() / 10f64.powi(*decimals as i32))
            }
            _ => None,
        }
    }

    /// The number as the checker read it, with a point and no grouping (`30000`, `-0.25`), for
    /// messages that show how a written value was understood.
    pub fn reading(&self) -> Option<String> {
        let Written::Number { mantissa, decimals } = *self else {
            return None;
        };
        let digits = format!(
            "{:0>width$}",
            mantissa.magnitude(),
            width = decimals as usize + 1
        );
        let (int, frac) = digits.split_at(digits.len() - decimals as usize);
        let sign = if mantissa.is_negative() { "-" } else { "" };
        Some(if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        })
    }

    /// What kind of value this is, for type-mismatch messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Written::Number { decimals: 0, .. } => "an integer",
            Written::Number { .. } => "a decimal number",
            Written::Bool(_) => "a boolean",
            Written::Str(_) => "a string",
            Written::List(_) => "a list",
        }
    }
}

fn quoted(text: &str) -> Option<&str> {
    ['"', '«', '“']
        .iter()
        .zip(['"', '»', '”'])
        .find_map(|(open, close)| text.strip_prefix(*open)?.strip_suffix(close))
        .map(str::trim)
}

fn looks_numeric(text: &str) -> bool {
    let body = text.trim_start_matches(['-', '+', '−']);
    body.starts_with(|c: char| c.is_ascii_digit())
        || (body.starts_with(['.', ',']) && body[1..].starts_with(|c: char| c.is_ascii_digit()))
}

fn parse_list(inner: &str, locale: Locale) -> Result<Written, ParseError> {
    if inner.trim().is_empty() {
        return Ok(Written::List(Vec::new()));
    }
    let separator = if inner.contains(';') { ';' } else { ',' };
    split_top_level(inner, separator)
        .into_iter()
        .map(|item| Written::parse_in(item, locale))
        .collect::<Result<_, _>>()
        .map(Written::List)
}

/// Splits at `separator` outside nested brackets and quotes, so `[[1, 2], [3, 4]]` has two items.
fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    item_ranges(text, separator)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

/// The byte ranges of the items of a list's inside (`0,46; 0,17`), untrimmed, split where
/// [`Written::parse_in`] splits them: at `;` when there is one, else at `,`, outside nested
/// brackets and quotes.
pub fn list_item_ranges(inner: &str) -> Vec<std::ops::Range<usize>> {
    let separator = if inner.contains(';') { ';' } else { ',' };
    item_ranges(inner, separator)
}

fn item_ranges(text: &str, separator: char) -> Vec<std::ops::Range<usize>> {
    let mut items = Vec::new();
    let (mut depth, mut in_quotes, mut start) = (0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '[' if !in_quotes => depth += 1,
            ']' if !in_quotes => depth -= 1,
            c if c == separator && depth == 0 && !in_quotes => {
                items.push(start..i);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    items.push(start..text.len());
    items
}

/// The spaces that may separate groups of thousands.
const GROUP_SPACES: [char; 4] = [' ', '\u{a0}', '\u{202f}', '\u{2009}'];

fn parse_number(text: &str, locale: Locale) -> Result<Written, ParseError> {
    let invalid = || ParseError(format!("`{text}` is not a number this checker can read"));
    let mut body = text.trim();
    let percent = body.ends_with('%');
    if percent {
        body = body[..body.len() - 1].trim_end_matches(GROUP_SPACES);
    }
    let negative = body.starts_with(['-', '−']);
    let body = body.trim_start_matches(['-', '+', '−']);
    let (int_part, frac_part) = split_decimals(body, locale, text)?;
    let int_part = ungroup(int_part, locale).ok_or_else(|| {
        ParseError(format!(
            "`{text}`: thousands are grouped by three, as in `30 000`{}",
            if locale == Locale::English {
                " or `30,000`"
            } else {
                ""
            }
        ))
    })?;
    let frac_part: String = frac_part
        .chars()
        .filter(|c| !GROUP_SPACES.contains(c))
        .collect();
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits_only(&int_part)
        || !digits_only(&frac_part)
        || (int_part.is_empty() && frac_part.is_empty())
    {
        return Err(invalid());
    }
    let mut decimals = u32::try_from(frac_part.len()).map_err(|_| invalid())?;
    let digits = format!("{int_part}{frac_part}");
    let magnitude: u128 = digits.parse().map_err(|_| {
        ParseError(format!(
            "`{text}` has more digits than this checker compares (those of a u128)"
        ))
    })?;
    let mantissa = Integer::new(negative, magnitude);
    if percent {
        decimals += 2;
    }
    if decimals > 30 {
        return Err(ParseError(format!(
            "`{text}` has more decimals than a float holds"
        )));
    }
    Ok(Written::Number { mantissa, decimals })
}

/// Splits a number's body at its decimal separator, as `locale` reads it. Refuses a body that
/// uses both `,` and `.` against the locale's usage, or several decimal separators.
fn split_decimals<'a>(
    body: &'a str,
    locale: Locale,
    text: &str,
) -> Result<(&'a str, &'a str), ParseError> {
    let ambiguous = |usage: &str| {
        ParseError(format!(
            "`{text}` is ambiguous: {usage}; write it the book's way or change `book.language`"
        ))
    };
    let at = |c: char| body.find(c);
    match locale {
        Locale::French => {
            if at(',').is_some() && at('.').is_some() {
                return Err(ambiguous(
                    "in a French book `,` is the decimal separator and spaces separate thousands",
                ));
            }
            Ok(match at(',').or(at('.')) {
                Some(i) => (&body[..i], &body[i + 1..]),
                None => (body, ""),
            })
        }
        Locale::English => {
            let (int, frac) = match at('.') {
                Some(i) => (&body[..i], &body[i + 1..]),
                None => (body, ""),
            };
            if frac.contains(',') {
                return Err(ambiguous(
                    "in an English book `.` is the decimal separator and `,` separates thousands",
                ));
            }
            let comma_groups = ungroup(int, Locale::English).is_some();
            match int.find(',') {
                // `0,46`: a lone comma that cannot separate thousands is a decimal comma.
                Some(i) if !comma_groups && at('.').is_none() && int.matches(',').count() == 1 => {
                    Ok((&int[..i], &int[i + 1..]))
                }
                Some(_) if !comma_groups => Err(ambiguous(
                    "in an English book `,` separates thousands, in groups of three",
                )),
                _ => Ok((int, frac)),
            }
        }
    }
}

/// The digits of an integer part with its thousands separators removed, or `None` when the
/// groups are not of three digits (`1 00`, `12,34`) or start with a zero. English also groups
/// with `,`.
fn ungroup(int_part: &str, locale: Locale) -> Option<String> {
    let is_separator =
        |c: char| GROUP_SPACES.contains(&c) || (locale == Locale::English && c == ',');
    if !int_part.contains(is_separator) {
        return Some(int_part.to_owned());
    }
    let groups: Vec<&str> = int_part.split(is_separator).collect();
    // `0,460` is no grouping: thousands never start with a zero.
    let well_formed = !groups[0].starts_with('0')
        && groups.iter().enumerate().all(|(i, g)| {
            let size_ok = if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            };
            size_ok && g.chars().all(|c| c.is_ascii_digit())
        });
    well_formed.then(|| groups.concat())
}

/// How a number is written apart from its value: sign, decimal separator, thousands grouping,
/// number of decimals and `%`. `check --fix` writes a new value in the author's form, so that a
/// corrected answer reads as the one it replaces (`0,46` becomes `0,52`, not `0.5213`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberForm {
    /// `−` (U+2212) when the author wrote it, else `-`; `+` is kept on positive values.
    minus: char,
    plus: bool,
    decimal: char,
    /// The character between groups of thousands, when the author grouped them.
    group: Option<char>,
    /// Decimals written after the separator (those of `12,5 %` are 1).
    fraction: u32,
    /// What stood between the digits and `%` (`" %"`, `"\u{a0}%"`), when written as a percentage.
    percent: Option<String>,
}

impl NumberForm {
    /// The form of `text`, a written number as [`Written::parse_in`] reads it; `None` for
    /// anything else.
    ///
    /// ```
    /// use coursebook_notebook::notebook::Value;
    /// use coursebook_compute::written::{Locale, NumberForm};
    /// let form = NumberForm::of("−0,46", Locale::French).unwrap();
    /// assert_eq!(form.render(&Value::Float(-0.5213)).unwrap(), "−0,52");
    /// let form = NumberForm::of("12\u{a0}300", Locale::French).unwrap();
    /// assert_eq!(form.render(&Value::Int(45_678.into())).unwrap(), "45\u{a0}678");
    /// let form = NumberForm::of("46 %", Locale::French).unwrap();
    /// assert_eq!(form.render(&Value::Float(0.518)).unwrap(), "52 %");
    /// ```
    pub fn of(text: &str, locale: Locale) -> Option<NumberForm> {
        let text = text.trim();
        let Ok(Written::Number { decimals, .. }) = Written::parse_in(text, locale) else {
            return None;
        };
        let (body, percent) = match text.strip_suffix('%') {
            Some(rest) => {
                let digits = rest.trim_end_matches(GROUP_SPACES);
                (digits, Some(rest[digits.len()..].to_owned()))
            }
            None => (text, None),
        };
        let minus = if body.starts_with('−') { '−' } else { '-' };
        let plus = body.starts_with('+');
        let body = body.trim_start_matches(['-', '+', '−']);
        let (int, _) = split_decimals(body, locale, text).ok()?;
        let fraction = decimals - if percent.is_some() { 2 } else { 0 };
        let decimal = if fraction > 0 {
            body[int.len()..].chars().next()?
        } else if locale == Locale::English {
            '.'
        } else {
            ','
        };
        let group = int.chars().find(|c| GROUP_SPACES.contains(c) || *c == ',');
        Some(NumberForm {
            minus,
            plus,
            decimal,
            group,
            fraction,
            percent,
        })
    }

    /// `value` written in this form, rounded half away from zero to the decimals written;
    /// `Err` says why it cannot be (not a number, not finite).
    pub fn render(&self, value: &Value) -> Result<String, String> {
        let scale = self.fraction + if self.percent.is_some() { 2 } else { 0 };
        let (negative, digits) = match value {
            Value::Float(x) if x.is_finite() => {
                let rounded = crate::format::round_decimal(*x, scale as usize);
                let negative = rounded.starts_with('-');
                (negative, rounded.replace(['-', '.'], ""))
            }
            Value::Float(x) => return Err(format!("the computation gives {x}")),
            Value::Int(n) => (
                n.is_negative(),
                format!("{}{}", n.magnitude(), "0".repeat(scale as usize)),
            ),
            _ => return Err("the computation is not a number".into()),
        };
        let digits = format!("{digits:0>width$}", width = self.fraction as usize + 1);
        let (int, frac) = digits.split_at(digits.len() - self.fraction as usize);
        let int = match int.trim_start_matches('0') {
            "" => "0",
            trimmed => trimmed,
        };
        let mut out = String::new();
        let zero = !digits.bytes().any(|d| d != b'0');
        if negative && !zero {
            out.push(self.minus);
        } else if self.plus {
            out.push('+');
        }
        out.push_str(&self.grouped(int));
        if !frac.is_empty() {
            out.push(self.decimal);
            out.push_str(frac);
        }
        if let Some(space) = &self.percent {
            out.push_str(space);
            out.push('%');
        }
        Ok(out)
    }

    /// The integer digits with the author's thousands separator, when there was one.
    fn grouped(&self, int: &str) -> String {
        let Some(group) = self.group else {
            return int.to_owned();
        };
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                out.push(group);
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(mantissa: i128, decimals: u32) -> Written {
        Written::Number {
            mantissa: mantissa.into(),
            decimals,
        }
    }

    #[test]
    fn digits_written_set_the_precision() {
        assert_eq!(Written::parse("82").unwrap(), num(82, 0));
        assert_eq!(Written::parse("0.46").unwrap(), num(46, 2));
        assert_eq!(Written::parse("0.460").unwrap(), num(460, 3));
        assert_eq!(Written::parse("-0.2").unwrap(), num(-2, 1));
        assert_eq!(Written::parse("−0,2").unwrap(), num(-2, 1));
        assert_eq!(Written::parse("1 000").unwrap(), num(1000, 0));
        assert_eq!(Written::parse("12,5 %").unwrap(), num(125, 3));
    }

    #[test]
    fn lists_split_on_semicolons_when_decimals_use_commas() {
        assert_eq!(
            Written::parse("[0,46; 0,17; 0,37]").unwrap(),
            Written::List(vec![num(46, 2), num(17, 2), num(37, 2)])
        );
        assert_eq!(
            Written::parse("[[0, 1], [1, 0]]").unwrap(),
            Written::List(vec![
                Written::List(vec![num(0, 0), num(1, 0)]),
                Written::List(vec![num(1, 0), num(0, 0)]),
            ])
        );
    }

    #[test]
    fn words_are_strings_and_booleans() {
        assert_eq!(Written::parse("vrai").unwrap(), Written::Bool(true));
        assert_eq!(
            Written::parse("many-to-one").unwrap(),
            Written::Str("many-to-one".into())
        );
        assert_eq!(
            Written::parse("« sigmoïde »").unwrap(),
            Written::Str("sigmoïde".into())
        );
        assert_eq!(Written::parse("\"82\"").unwrap(), Written::Str("82".into()));
    }

    #[test]
    fn commas_are_read_by_the_language_of_the_book() {
        let en = |t: &str| Written::parse_in(t, Locale::English);
        let fr = |t: &str| Written::parse_in(t, Locale::French);
        assert_eq!(en("30,000").unwrap(), num(30000, 0));
        assert_eq!(en("1,234,567.25").unwrap(), num(123456725, 2));
        assert_eq!(en("0,46").unwrap(), num(46, 2));
        assert_eq!(en("0,460").unwrap(), num(460, 3));
        assert_eq!(en("−1,000").unwrap(), num(-1000, 0));
        assert!(en("1.234,5").is_err());
        assert!(en("12,34.5").is_err());
        assert!(en("1,2,3").is_err());
        assert_eq!(fr("30,000").unwrap(), num(30000, 3));
        assert_eq!(fr("30\u{202f}000").unwrap(), num(30000, 0));
        assert_eq!(fr("1\u{a0}234,5").unwrap(), num(12345, 1));
        assert_eq!(fr("−0,25").unwrap(), num(-25, 2));
        assert!(fr("1,234.5").is_err());
        assert!(fr("3 0").is_err());
        assert_eq!(
            en("[30,000; 2]").unwrap(),
            Written::List(vec![num(30000, 0), num(2, 0)])
        );
    }

    #[test]
    fn readings_show_what_was_understood() {
        assert_eq!(num(30000, 0).reading().unwrap(), "30000");
        assert_eq!(num(-25, 2).reading().unwrap(), "-0.25");
        assert_eq!(num(5, 3).reading().unwrap(), "0.005");
    }

    #[test]
    fn malformed_numbers_are_errors_not_strings() {
        assert!(Written::parse("0.4.6").is_err());
        assert!(Written::parse("12abc").is_err());
        assert!(Written::parse("[1, 2").is_err());
        assert!(Written::parse("").is_err());
    }
}
