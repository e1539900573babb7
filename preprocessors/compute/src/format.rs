//! Showing computed values to the reader, and the one rounding rule that checks share with it.

use coursebook_notebook::notebook::Value;

/// The rounding rule of the checker and of `{{#value … digits=N}}`, in words for messages.
pub const ROUNDING: &str = "half away from zero";

/// How the page writes the numbers the tool computes.
///
/// [`Style::French`] follows French typography: thousands grouped by a narrow no-break space
/// (U+202F) once the integer part has five digits or more (« 30 000 », but « 2024 » and
/// « 1234 », as French typesetters leave four-digit numbers whole so that years read as
/// years), the minus sign U+2212, a narrow no-break space before the `;` between list items,
/// and `vrai`/`faux`. Every form it writes is read back by the checker (`Written::parse_in`),
/// so a value copied from the page into a check holds. [`Style::Plain`] writes what Rust
/// writes, with the given decimal separator: English books and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Rust's digits and `-`, with this decimal separator; `true`/`false`.
    Plain(char),
    /// French typography, with this decimal separator (`,` unless the book asks for `.`).
    French(char),
}

impl Style {
    /// The style of a book's pages: French typography when the book is French.
    pub fn of_book(french: bool, decimal: char) -> Style {
        if french {
            Style::French(decimal)
        } else {
            Style::Plain(decimal)
        }
    }

    fn decimal(self) -> char {
        match self {
            Style::Plain(d) | Style::French(d) => d,
        }
    }

    fn list_separator(self) -> &'static str {
        match self {
            Style::Plain(',') => "; ",
            Style::Plain(_) => ", ",
            Style::French(',') => "\u{202f}; ",
            Style::French(_) => ", ",
        }
    }
}

/// The narrow no-break space that groups thousands in a French book.
pub const NARROW_NBSP: char = '\u{202f}';
/// The typographic minus sign of a French book.
pub const MINUS: char = '\u{2212}';

/// Formats `value` for the page: numbers with the style's decimal separator, `digits` fixed
/// decimals when given, else the shortest form that is exact to 10 decimals (so that
/// `0.1 + 0.2` shows as `0.3`, not `0.30000000000000004`). Lists are bracketed; their items are
/// separated by `;` when the decimal separator is a comma, so that `[0,46; 0,17]` reads back.
///
/// ```
/// use coursebook_notebook::notebook::Value;
/// use coursebook_compute::format::{format_value, Style};
/// let v = Value::List(vec![Value::Float(-0.2), Value::Float(0.8)]);
/// assert_eq!(format_value(&v, Style::Plain('.'), None), "[-0.2, 0.8]");
/// assert_eq!(format_value(&v, Style::Plain(','), None), "[-0,2; 0,8]");
/// assert_eq!(format_value(&v, Style::French(','), None), "[\u{2212}0,2\u{202f}; 0,8]");
/// assert_eq!(format_value(&Value::Int(30000.into()), Style::French(','), None), "30\u{202f}000");
/// assert_eq!(format_value(&Value::Float(0.46396), Style::French(','), Some(2)), "0,46");
/// ```
pub fn format_value(value: &Value, style: Style, digits: Option<usize>) -> String {
    match value {
        Value::Int(n) => typeset(&n.to_string(), style),
        Value::Float(x) => typeset(&format_float(*x, style.decimal(), digits), style),
        Value::Bool(b) => match (style, b) {
            (Style::French(_), true) => "vrai".into(),
            (Style::French(_), false) => "faux".into(),
            (Style::Plain(_), b) => b.to_string(),
        },
        Value::Str(s) => s.clone(),
        Value::Figure(f) => format!("[figure: {}]", f.alt),
        Value::List(items) => {
            let items: Vec<_> = items
                .iter()
                .map(|v| format_value(v, style, digits))
                .collect();
            format!("[{}]", items.join(style.list_separator()))
        }
    }
}

/// A plain number (`-30000,5`) in the style's typography: unchanged in [`Style::Plain`]; in
/// [`Style::French`], U+2212 for the sign and the integer part grouped by three from five
/// digits on. `NaN` and `inf` pass through, with the sign changed.
fn typeset(number: &str, style: Style) -> String {
    if let Style::Plain(_) = style {
        return number.to_owned();
    }
    let (sign, magnitude) = match number.strip_prefix('-') {
        Some(rest) => (Some(MINUS), rest),
        None => (None, number),
    };
    let split = magnitude
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(magnitude.len());
    let (int, rest) = magnitude.split_at(split);
    let mut out: String = sign.into_iter().collect();
    if int.len() >= 5 {
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(NARROW_NBSP);
            }
            out.push(c);
        }
    } else {
        out.push_str(int);
    }
    out.push_str(rest);
    out
}

fn format_float(x: f64, decimal: char, digits: Option<usize>) -> String {
    let text = match digits {
        Some(d) => round_decimal(x, d),
        None if x.is_finite() => {
            let rounded = round_decimal(x, 10);
            match rounded.split_once('.') {
                Some((int, frac)) if frac.trim_end_matches('0').is_empty() => int.to_owned(),
                Some(_) => rounded.trim_end_matches('0').to_owned(),
                None => rounded,
            }
        }
        None => round_decimal(x, 0),
    };
    if decimal == '.' {
        text
    } else {
        text.replace('.', &decimal.to_string())
    }
}

/// `x` rounded to `decimals` places, half away from zero, with a point: the rounding is done
/// on the shortest decimal that reads back as `x`, the number the reader is shown, so that
/// 0.125 rounds to 0.13 and `0.1 + 0.2` (0.30000000000000004) to 0.3000000000000000 at 16
/// places. A result that rounds to zero carries no sign. NaN and the infinities are named.
///
/// ```
/// use coursebook_compute::format::round_decimal;
/// assert_eq!(round_decimal(0.125, 2), "0.13");
/// assert_eq!(round_decimal(-0.001, 2), "0.00");
/// assert_eq!(round_decimal(9.996, 2), "10.00");
/// ```
pub fn round_decimal(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    // Display writes the shortest round-trip decimal, never with an exponent.
    let shortest = x.abs().to_string();
    let (int, frac) = shortest.split_once('.').unwrap_or((&shortest, ""));
    let mut digits: Vec<u8> = int.bytes().collect();
    digits.extend(frac.bytes().chain(std::iter::repeat(b'0')).take(decimals));
    if frac.as_bytes().get(decimals).is_some_and(|&d| d >= b'5') {
        increment(&mut digits);
    }
    let split = digits.len() - decimals;
    let (int, frac) = digits.split_at(split);
    let int = std::str::from_utf8(int).expect("ASCII digits");
    let int = match int.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    let zero = digits.iter().all(|&d| d == b'0');
    let sign = if x < 0.0 && !zero { "-" } else { "" };
    let frac = std::str::from_utf8(frac).expect("ASCII digits");
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// Adds one unit in the last place to a string of decimal digits, carrying to the left.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

/// `text` with its control characters (escape sequences, bells, line breaks) written as
/// `\u{1b}`, so that a computed string cannot drive the terminal or break a one-line message.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_noise_is_hidden_and_negative_zero_is_zero() {
        assert_eq!(
            format_value(&Value::Float(0.1 + 0.2), Style::Plain('.'), None),
            "0.3"
        );
        assert_eq!(
            format_value(&Value::Float(-1e-12), Style::Plain('.'), None),
            "0"
        );
        assert_eq!(
            format_value(&Value::Float(2.0), Style::Plain('.'), None),
            "2"
        );
        assert_eq!(
            format_value(&Value::Float(0.125), Style::Plain('.'), Some(3)),
            "0.125"
        );
    }

    #[test]
    fn fixed_decimals_round_half_away_from_zero_without_a_negative_zero() {
        assert_eq!(
            format_value(&Value::Float(-0.001), Style::Plain(','), Some(2)),
            "0,00"
        );
        assert_eq!(
            format_value(&Value::Float(0.125), Style::Plain(','), Some(2)),
            "0,13"
        );
        assert_eq!(
            format_value(&Value::Float(-0.125), Style::Plain('.'), Some(2)),
            "-0.13"
        );
        assert_eq!(
            format_value(&Value::Float(2.675), Style::Plain('.'), Some(2)),
            "2.68"
        );
        assert_eq!(
            format_value(&Value::Float(0.5), Style::Plain('.'), Some(0)),
            "1"
        );
        assert_eq!(
            format_value(&Value::Float(-0.4), Style::Plain('.'), Some(0)),
            "0"
        );
        assert_eq!(
            format_value(&Value::Float(1e-7), Style::Plain('.'), None),
            "0.0000001"
        );
        assert_eq!(
            format_value(&Value::Float(1e21), Style::Plain('.'), None),
            "1000000000000000000000"
        );
        assert_eq!(
            format_value(&Value::Float(f64::NAN), Style::Plain('.'), None),
            "NaN"
        );
        assert_eq!(
            format_value(&Value::Float(f64::NEG_INFINITY), Style::Plain('.'), Some(2)),
            "-inf"
        );
    }

    #[test]
    fn every_integer_digit_is_shown() {
        assert_eq!(
            format_value(&Value::Int(u64::MAX.into()), Style::Plain(','), None),
            "18446744073709551615"
        );
        assert_eq!(
            format_value(&Value::Int(i128::MIN.into()), Style::Plain(','), Some(2)),
            i128::MIN.to_string()
        );
    }

    #[test]
    fn french_numbers_group_thousands_from_five_digits_with_a_true_minus() {
        let fr = Style::French(',');
        let int = |n: i64| format_value(&Value::Int(n.into()), fr, None);
        assert_eq!(int(2024), "2024");
        assert_eq!(int(30000), "30\u{202f}000");
        assert_eq!(int(-1234567), "\u{2212}1\u{202f}234\u{202f}567");
        assert_eq!(
            format_value(&Value::Float(-12345.678), fr, Some(2)),
            "\u{2212}12\u{202f}345,68"
        );
        assert_eq!(format_value(&Value::Float(-0.001), fr, Some(2)), "0,00");
        assert_eq!(format_value(&Value::Bool(false), fr, None), "faux");
        let list = Value::List(vec![Value::Float(0.46), Value::Float(-0.17)]);
        assert_eq!(
            format_value(&list, fr, None),
            "[0,46\u{202f}; \u{2212}0,17]"
        );
        // English books are unchanged.
        assert_eq!(
            format_value(&Value::Int(30000.into()), Style::Plain('.'), None),
            "30000"
        );
        assert_eq!(
            format_value(&Value::Bool(false), Style::Plain('.'), None),
            "false"
        );
    }

    #[test]
    fn what_a_french_page_shows_reads_back_as_a_check_that_holds() {
        use crate::claim::Tolerance;
        use crate::compare::compare;
        use crate::written::{Locale, Written};
        let values = [
            Value::Int(30000.into()),
            Value::Int((-123456789).into()),
            Value::Float(-0.2),
            Value::Float(12345.5),
            Value::Bool(true),
            Value::List(vec![Value::Float(0.46), Value::Float(-10000.25)]),
        ];
        for value in values {
            let shown = format_value(&value, Style::French(','), None);
            let written = Written::parse_in(&shown, Locale::French)
                .unwrap_or_else(|e| panic!("{shown:?} does not read back: {e}"));
            assert!(
                compare(&written, Tolerance::Digits, &value).is_ok(),
                "{shown:?} does not hold for {value:?}"
            );
        }
    }

    #[test]
    fn control_characters_are_written_out() {
        assert_eq!(printable("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(printable("élève"), "élève");
    }
}
