//! Deciding whether a written answer agrees with a computed value.

use crate::claim::Tolerance;
use crate::format::{format_value, printable, round_decimal, Style, ROUNDING};
use crate::written::Written;
use coursebook_notebook::notebook::{Integer, Value};

/// Why a written answer does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// A sentence such as "0.4640 rounds to 0.46 at 2 decimals, not 0.47".
    pub reason: String,
}

/// The rule applied to a written answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Rounds to the integer written.
    Integer,
    /// Rounds to the number written at this many decimals.
    Decimals(u32),
    /// Within this distance of the written value (`± 0,05`).
    Absolute(f64),
    /// Within this fraction of the written value (`± 5%`).
    Relative(f64),
    /// Same length, each item by its own rule.
    List,
    /// The same string, to the letter.
    SameText,
    /// The same boolean.
    SameBoolean,
}

impl Rule {
    /// The rule for `written` under `tolerance`.
    pub fn of(written: &Written, tolerance: Tolerance) -> Rule {
        match (written, tolerance) {
            (_, Tolerance::Absolute(t)) => Rule::Absolute(t),
            (_, Tolerance::Relative(t)) => Rule::Relative(t),
            (Written::Number { decimals: 0, .. }, _) => Rule::Integer,
            (Written::Number { decimals, .. }, _) => Rule::Decimals(*decimals),
            (Written::List(_), _) => Rule::List,
            (Written::Str(_), _) => Rule::SameText,
            (Written::Bool(_), _) => Rule::SameBoolean,
        }
    }

    /// The rule in words, in English (diagnostics) or French (`fr` books' pages, where the
    /// reader sees it in a tooltip: grammatical French, « 1 décimale », « 2 décimales »).
    pub fn describe(self, french: bool) -> String {
        match (self, french) {
            (Rule::Integer, false) => "rounds to the integer written".into(),
            (Rule::Integer, true) => "arrondi à l’entier écrit".into(),
            (Rule::Decimals(d), false) => format!("rounds to the value written at {d} decimal(s)"),
            (Rule::Decimals(1), true) => "arrondi à 1 décimale".into(),
            (Rule::Decimals(d), true) => format!("arrondi à {d} décimales"),
            (Rule::Absolute(t), false) => format!("within ± {t}"),
            (Rule::Absolute(t), true) => format!("à ± {} près", t.to_string().replace('.', ",")),
            (Rule::Relative(t), false) => format!("within ± {}%", t * 100.0),
            (Rule::Relative(t), true) => {
                format!("à ± {} % près", (t * 100.0).to_string().replace('.', ","))
            }
            (Rule::List, false) => "same length, each item by its own digits".into(),
            (Rule::List, true) => "même longueur, chaque élément à sa précision".into(),
            (Rule::SameText, false) => "same text".into(),
            (Rule::SameText, true) => "texte identique".into(),
            (Rule::SameBoolean, false) => "same boolean".into(),
            (Rule::SameBoolean, true) => "vrai ou faux, comme écrit".into(),
        }
    }
}

/// Compares `written` with `computed` under `tolerance`.
///
/// ```
/// use coursebook_compute::{claim::Tolerance, compare::compare, written::Written};
/// use coursebook_notebook::notebook::Value;
/// let w = Written::parse("0.46").unwrap();
/// assert!(compare(&w, Tolerance::Digits, &Value::Float(0.4640)).is_ok());
/// assert!(compare(&w, Tolerance::Digits, &Value::Float(0.4650001)).is_err());
/// ```
pub fn compare(written: &Written, tolerance: Tolerance, computed: &Value) -> Result<(), Mismatch> {
    match (written, computed) {
        (Written::Number { .. }, Value::Int(n)) => compare_integer(written, tolerance, *n),
        (Written::Number { .. }, Value::Float(x)) => compare_number(written, tolerance, *x),
        (Written::Bool(w), Value::Bool(c)) if w == c => Ok(()),
        (Written::Str(w), Value::Str(c)) if w.trim() == c.trim() => Ok(()),
        (Written::Bool(_), Value::Bool(_)) | (Written::Str(_), Value::Str(_)) => Err(Mismatch {
            reason: format!(
                "the computation gives {}",
                printable(&format_value(computed, Style::Plain('.'), None))
            ),
        }),
        (Written::List(items), Value::List(values)) => compare_lists(items, tolerance, values),
        _ => Err(Mismatch {
            reason: format!(
                "type mismatch: {} is written, the computation gives {}",
                written.kind(),
                kind(computed)
            ),
        }),
    }
}

fn compare_lists(
    items: &[Written],
    tolerance: Tolerance,
    values: &[Value],
) -> Result<(), Mismatch> {
    if items.len() != values.len() {
        return Err(Mismatch {
            reason: format!(
                "{} items are written, the computation gives {} \
                 (with decimal commas, separate items with `;`)",
                items.len(),
                values.len()
            ),
        });
    }
    for (i, (item, value)) in items.iter().zip(values).enumerate() {
        compare(item, tolerance, value).map_err(|m| Mismatch {
            reason: format!("item {i}: {}", m.reason),
        })?;
    }
    Ok(())
}

/// An integer is compared exactly with the written number: `9007199254740993` is not
/// `9007199254740992`, whatever a float would say. An explicit tolerance compares as floats.
fn compare_integer(
    written: &Written,
    tolerance: Tolerance,
    computed: Integer,
) -> Result<(), Mismatch> {
    if tolerance != Tolerance::Digits {
        return compare_number(written, tolerance, computed.to_f64());
    }
    let Written::Number { mantissa, decimals } = *written else {
        unreachable!("called on numbers only");
    };
    // `82.0` claims 82 at one decimal: the written value times 10^decimals is the mantissa.
    let scale = 10u128.pow(decimals);
    let holds = mantissa.magnitude() % scale == 0
        && Integer::new(mantissa.is_negative(), mantissa.magnitude() / scale) == computed;
    if holds {
        return Ok(());
    }
    Err(Mismatch {
        reason: format!(
            "the computation gives {computed}, not the {} written",
            written.reading().unwrap_or_default()
        ),
    })
}

fn compare_number(written: &Written, tolerance: Tolerance, computed: f64) -> Result<(), Mismatch> {
    let Written::Number { decimals, .. } = *written else {
        unreachable!("called on numbers only");
    };
    let value = written.as_f64().unwrap_or(f64::NAN);
    let reading = written.reading().unwrap_or_default();
    if !computed.is_finite() {
        return Err(Mismatch {
            reason: format!("the computation gives {computed}, not a finite number"),
        });
    }
    let rounded = round_decimal(computed, decimals as usize);
    let holds = match tolerance {
        // Both sides as decimal text: the rounding is the one `{{#value}}` shows.
        Tolerance::Digits => rounded == reading,
        Tolerance::Absolute(t) => (computed - value).abs() <= t * (1.0 + 1e-12),
        Tolerance::Relative(t) => (computed - value).abs() <= t * value.abs() * (1.0 + 1e-12),
    };
    if holds {
        return Ok(());
    }
    let reason = match tolerance {
        Tolerance::Digits => format!(
            "{computed} rounds to {rounded}, not to the {reading} written (rounded {ROUNDING})"
        ),
        _ => format!(
            "{computed} is {} away from {reading}",
            format_value(
                &Value::Float((computed - value).abs()),
                Style::Plain('.'),
                None,
            )
        ),
    };
    Err(Mismatch { reason })
}

/// "an integer", "a list of 3 items"...: the kind of a computed value, for messages.
pub fn kind(value: &Value) -> String {
    match value {
        Value::Int(_) => "an integer".into(),
        Value::Float(_) => "a decimal number".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Str(_) => "a string".into(),
        Value::List(items) => format!("a list of {} items", items.len()),
        Value::Figure(_) => "a figure".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(written: &str, computed: Value) -> Result<(), Mismatch> {
        compare(
            &Written::parse(written).unwrap(),
            Tolerance::Digits,
            &computed,
        )
    }

    #[test]
    fn precision_follows_the_digits_written() {
        let p = Value::Float(0.46396);
        assert!(check("0.46", p.clone()).is_ok());
        assert!(check("0,46", p.clone()).is_ok());
        assert!(check("0.464", p.clone()).is_ok());
        assert!(check("0.5", p.clone()).is_ok());
        assert!(check("0.47", p.clone()).is_err());
        assert!(check("0.45", p.clone()).is_err());
        assert!(check("0.4640", p.clone()).is_ok());
        assert!(check("0.4641", p).is_err());
        assert!(check("82", Value::Int(82.into())).is_ok());
        assert!(check("83", Value::Int(82.into())).is_err());
        assert!(check("46 %", Value::Float(0.46396)).is_ok());
    }

    #[test]
    fn mismatch_says_what_the_computation_rounds_to() {
        let m = check("0.47", Value::Float(0.46396)).unwrap_err();
        assert!(m.reason.contains("rounds to 0.46"), "{}", m.reason);
    }

    #[test]
    fn explicit_tolerances() {
        let w = Written::parse("1.1").unwrap();
        assert!(compare(&w, Tolerance::Absolute(0.05), &Value::Float(1.14)).is_ok());
        assert!(compare(&w, Tolerance::Absolute(0.05), &Value::Float(1.16)).is_err());
        assert!(compare(&w, Tolerance::Relative(0.1), &Value::Float(1.2)).is_ok());
        assert!(compare(&w, Tolerance::Relative(0.01), &Value::Float(1.2)).is_err());
    }

    #[test]
    fn lists_strings_booleans_and_types() {
        let scores = Value::List(vec![
            Value::Float(0.4640),
            Value::Float(0.1707),
            Value::Float(0.3653),
        ]);
        assert!(check("[0.46, 0.17, 0.37]", scores.clone()).is_ok());
        assert!(check("[0,46; 0,17; 0,37]", scores.clone()).is_ok());
        assert!(check("[0.46, 0.17, 0.36]", scores.clone()).is_err());
        assert!(check("[0,46, 0,17, 0,37]", scores.clone()).is_err());
        assert!(check("0.46", scores)
            .unwrap_err()
            .reason
            .contains("type mismatch"));
        assert!(check("many-to-one", Value::Str("many-to-one".into())).is_ok());
        assert!(check("many-to-many", Value::Str("many-to-one".into())).is_err());
        assert!(check("vrai", Value::Bool(true)).is_ok());
        assert!(check("faux", Value::Bool(true)).is_err());
        assert!(check("1", Value::Bool(true)).is_err());
        assert!(check("1", Value::Float(f64::NAN)).is_err());
    }

    #[test]
    fn integers_are_compared_exactly_at_any_width() {
        let big = Value::Int(((1i64 << 53) + 1).into());
        assert!(check("9007199254740992", big.clone()).is_err());
        assert!(check("9007199254740993", big.clone()).is_ok());
        assert!(check("9007199254740993.0", big).is_ok());
        let max = Value::Int(u64::MAX.into());
        assert!(check("18446744073709551615", max.clone()).is_ok());
        assert!(check("9223372036854775807", max).is_err());
        let min = Value::Int(i128::MIN.into());
        assert!(check("-170141183460469231731687303715884105728", min).is_ok());
        let top = Value::Int(u128::MAX.into());
        assert!(check("340282366920938463463374607431768211455", top.clone()).is_ok());
        assert!(check("340282366920938463463374607431768211454", top).is_err());
        assert!(check("82.5", Value::Int(82.into())).is_err());
    }

    #[test]
    fn rounding_is_half_away_from_zero_on_the_shortest_decimal_and_says_so() {
        assert!(check("0.3000000000000000", Value::Float(0.1 + 0.2)).is_ok());
        assert!(check("0.13", Value::Float(0.125)).is_ok());
        let m = check("0.12", Value::Float(0.125)).unwrap_err();
        assert_eq!(
            m.reason,
            "0.125 rounds to 0.13, not to the 0.12 written (rounded half away from zero)"
        );
        assert!(check("-0.00", Value::Float(-0.001)).is_ok());
        assert!(check("0.00", Value::Float(-0.001)).is_ok());
        assert!(check("2.68", Value::Float(2.675)).is_ok());
    }

    #[test]
    fn non_finite_values_are_not_numbers() {
        let m = check("0", Value::Float(f64::NAN)).unwrap_err();
        assert!(
            m.reason.contains("NaN, not a finite number"),
            "{}",
            m.reason
        );
        assert!(check("0", Value::Float(f64::INFINITY)).is_err());
    }

    #[test]
    fn computed_strings_cannot_drive_the_terminal() {
        let m = check("\"x\"", Value::Str("\u{1b}[2J".into())).unwrap_err();
        assert!(!m.reason.contains('\u{1b}'), "{}", m.reason);
    }
}
