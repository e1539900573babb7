//! Showing computed values to the reader, and the one rounding rule that checks share with it.

use coursebook_notebook::notebook::Value;

/// The rounding rule of the checker and of `{{#value … digits=N}}`, in words for messages.
pub const ROUNDING: &str = "half away from zero";

/// Formats `value` for the page: numbers with the book's decimal separator, `digits` fixed
/// decimals when given, else the shortest form that is exact to 10 decimals (so that
/// `0.1 + 0.2` shows as `0.3`, not `0.30000000000000004`). Lists are bracketed; their items are
/// separated by `; ` when the decimal separator is a comma, so that `[0,46; 0,17]` reads back.
///
/// ```
/// use coursebook_notebook::notebook::Value;
/// use coursebook_compute::format::format_value;
/// let v = Value::List(vec![Value::Float(-0.2), Value::Float(0.8)]);
/// assert_eq!(format_value(&v, '.', None), "[-0.2, 0.8]");
/// assert_eq!(format_value(&v, ',', None), "[-0,2; 0,8]");
/// assert_eq!(format_value(&Value::Float(0.46396), ',', Some(2)), "0,46");
/// ```
pub fn format_value(value: &Value, decimal: char, digits: Option<usize>) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Float(x) => format_float(*x, decimal, digits),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => s.clone(),
        Value::Figure(f) => format!("[figure: {}]", f.alt),
        Value::List(items) => {
            let separator = if decimal == ',' { "; " } else { ", " };
            let items: Vec<_> = items
                .iter()
                .map(|v| format_value(v, decimal, digits))
                .collect();
            format!("[{}]", items.join(separator))
        }
    }
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
        assert_eq!(format_value(&Value::Float(0.1 + 0.2), '.', None), "0.3");
        assert_eq!(format_value(&Value::Float(-1e-12), '.', None), "0");
        assert_eq!(format_value(&Value::Float(2.0), '.', None), "2");
        assert_eq!(format_value(&Value::Float(0.125), '.', Some(3)), "0.125");
    }

    #[test]
    fn fixed_decimals_round_half_away_from_zero_without_a_negative_zero() {
        assert_eq!(format_value(&Value::Float(-0.001), ',', Some(2)), "0,00");
        assert_eq!(format_value(&Value::Float(0.125), ',', Some(2)), "0,13");
        assert_eq!(format_value(&Value::Float(-0.125), '.', Some(2)), "-0.13");
        assert_eq!(format_value(&Value::Float(2.675), '.', Some(2)), "2.68");
        assert_eq!(format_value(&Value::Float(0.5), '.', Some(0)), "1");
        assert_eq!(format_value(&Value::Float(-0.4), '.', Some(0)), "0");
        assert_eq!(format_value(&Value::Float(1e-7), '.', None), "0.0000001");
        assert_eq!(
            format_value(&Value::Float(1e21), '.', None),
            "1000000000000000000000"
        );
        assert_eq!(format_value(&Value::Float(f64::NAN), '.', None), "NaN");
        assert_eq!(
            format_value(&Value::Float(f64::NEG_INFINITY), '.', Some(2)),
            "-inf"
        );
    }

    #[test]
    fn every_integer_digit_is_shown() {
        assert_eq!(
            format_value(&Value::Int(u64::MAX.into()), ',', None),
            "18446744073709551615"
        );
        assert_eq!(
            format_value(&Value::Int(i128::MIN.into()), ',', Some(2)),
            i128::MIN.to_string()
        );
    }

    #[test]
    fn control_characters_are_written_out() {
        assert_eq!(printable("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(printable("élève"), "élève");
    }
}
