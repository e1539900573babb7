//! Written answers: the literal text a reader sees, parsed into what it claims.
//!
//! The precision of a written number is the number of digits written: "0.46" claims two
//! decimals, "82" none. A French decimal comma is the same number as a point ("0,46"), a
//! trailing `%` divides by a hundred ("46 %" is 0.46 at two decimals), and the minus sign may be
//! the typographic U+2212. Lists are written in brackets; when their numbers use decimal commas
//! their items are separated by semicolons (`[0,46; 0,17]`).

use std::fmt;

/// What a written answer claims.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// A number written with `decimals` digits after the separator: it stands for the integer
    /// `mantissa × 10^-decimals` exactly, which lets the checker compare without float noise.
    Number {
        mantissa: i128,
        decimals: u32,
    },
    Bool(bool),
    Str(String),
    List(Vec<Written>),
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
    /// assert_eq!(Written::parse("0,46").unwrap(), Written::Number { mantissa: 46, decimals: 2 });
    /// assert_eq!(Written::parse("46 %").unwrap(), Written::Number { mantissa: 46, decimals: 2 });
    /// assert_eq!(Written::parse("\"many-to-one\"").unwrap(), Written::Str("many-to-one".into()));
    /// ```
    pub fn parse(text: &str) -> Result<Written, ParseError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ParseError("no written value after `=`".into()));
        }
        if let Some(inner) = text.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| ParseError(format!("the list `{text}` does not end with `]`")))?;
            return parse_list(inner);
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
            return parse_number(text);
        }
        Ok(Written::Str(text.to_owned()))
    }

    /// The number as a float, for tolerances and messages.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Written::Number { mantissa, decimals } => {
                Some(*mantissa as f64 / 10f64.powi(*decimals as i32))
            }
            _ => None,
        }
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

fn parse_list(inner: &str) -> Result<Written, ParseError> {
    if inner.trim().is_empty() {
        return Ok(Written::List(Vec::new()));
    }
    let separator = if inner.contains(';') { ';' } else { ',' };
    split_top_level(inner, separator)
        .into_iter()
        .map(Written::parse)
        .collect::<Result<_, _>>()
        .map(Written::List)
}

/// Splits at `separator` outside nested brackets and quotes, so `[[1, 2], [3, 4]]` has two items.
fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut in_quotes, mut start) = (0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '[' if !in_quotes => depth += 1,
            ']' if !in_quotes => depth -= 1,
            c if c == separator && depth == 0 && !in_quotes => {
                items.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

fn parse_number(text: &str) -> Result<Written, ParseError> {
    let invalid = || ParseError(format!("`{text}` is not a number this checker can read"));
    let mut body: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}' | ' '))
        .collect();
    let percent = body.ends_with('%');
    if percent {
        body.pop();
    }
    let negative = body.starts_with(['-', '−']);
    let body = body.trim_start_matches(['-', '+', '−']);
    let (int_part, frac_part) = match body.find(['.', ',']) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits_only(int_part)
        || !digits_only(frac_part)
        || (int_part.is_empty() && frac_part.is_empty())
    {
        return Err(invalid());
    }
    let mut decimals = u32::try_from(frac_part.len()).map_err(|_| invalid())?;
    let digits = format!("{int_part}{frac_part}");
    let mut mantissa: i128 = digits.parse().map_err(|_| invalid())?;
    if percent {
        decimals += 2;
    }
    if decimals > 30 {
        return Err(ParseError(format!(
            "`{text}` has more decimals than a float holds"
        )));
    }
    if negative {
        mantissa = -mantissa;
    }
    Ok(Written::Number { mantissa, decimals })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(mantissa: i128, decimals: u32) -> Written {
        Written::Number { mantissa, decimals }
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
    fn malformed_numbers_are_errors_not_strings() {
        assert!(Written::parse("0.4.6").is_err());
        assert!(Written::parse("12abc").is_err());
        assert!(Written::parse("[1, 2").is_err());
        assert!(Written::parse("").is_err());
    }
}
