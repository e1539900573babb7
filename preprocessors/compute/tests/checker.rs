//! The checker cannot be fooled: a value written with the digits of the computed one holds,
//! and the same value off by one unit in its last digit fails, whatever the value, the number
//! of decimals (0 to 6) and the decimal separator; for single numbers, lists and integers.

use coursebook_compute::claim::Tolerance;
use coursebook_compute::compare::compare;
use coursebook_compute::written::Written;
use coursebook_notebook::notebook::Value;
use proptest::prelude::*;

/// `mantissa × 10^-decimals` written with `separator`, as an author would.
fn write(mantissa: i128, decimals: u32, separator: char) -> String {
    let scale = 10i128.pow(decimals);
    let (int, frac) = (mantissa.abs() / scale, mantissa.abs() % scale);
    let sign = if mantissa < 0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!(
            "{sign}{int}{separator}{frac:0width$}",
            width = decimals as usize
        )
    }
}

/// The digits of `x` rounded at `decimals`, unless `x` is within a hair of a tie, where which
/// way it rounds is a matter of convention rather than of correctness.
fn rounded(x: f64, decimals: u32) -> Option<i128> {
    let scaled = x * 10f64.powi(decimals as i32);
    let frac = scaled - scaled.floor();
    ((frac - 0.5).abs() > 1e-6).then(|| scaled.round() as i128)
}

fn holds(written: &str, computed: &Value) -> bool {
    let written = Written::parse(written).expect("a written number parses");
    compare(&written, Tolerance::Digits, computed).is_ok()
}

fn separator() -> impl Strategy<Value = char> {
    prop_oneof![Just('.'), Just(',')]
}

/// Computed values over many magnitudes.
fn computed() -> impl Strategy<Value = f64> {
    prop_oneof![-1.0..1.0f64, -1000.0..1000.0f64, -1e6..1e6f64, 0.0..1e-3f64]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn exact_digits_hold_and_one_unit_off_fails(
        x in computed(),
        decimals in 0u32..=6,
        sep in separator(),
    ) {
        let Some(m) = rounded(x, decimals) else { return Ok(()) };
        let computed = Value::Float(x);
        let exact = write(m, decimals, sep);
        prop_assert!(holds(&exact, &computed), "{exact} should hold for {x}");
        for off in [m - 1, m + 1] {
            let wrong = write(off, decimals, sep);
            prop_assert!(!holds(&wrong, &computed), "{wrong} should fail for {x}");
        }
    }

    #[test]
    fn what_rust_prints_holds(x in computed(), decimals in 0usize..=6, sep in separator()) {
        prop_assume!(rounded(x, decimals as u32).is_some());
        let printed = format!("{x:.decimals$}").replace('.', &sep.to_string());
        prop_assert!(holds(&printed, &Value::Float(x)), "{printed} should hold for {x}");
    }

    #[test]
    fn lists_hold_only_when_every_item_does(
        xs in prop::collection::vec(-100.0..100.0f64, 1..6),
        decimals in 0u32..=6,
        sep in separator(),
        which in any::<prop::sample::Index>(),
        up in any::<bool>(),
    ) {
        // `[0,5]` is two integers, not one decimal: see `a_one_item_list_with_a_decimal_comma...`.
        if xs.len() == 1 && sep == ',' && decimals > 0 {
            return Ok(());
        }
        let Some(ms) = xs.iter().map(|&x| rounded(x, decimals)).collect::<Option<Vec<_>>>()
        else { return Ok(()) };
        let computed = Value::List(xs.iter().map(|&x| Value::Float(x)).collect());
        let items = if sep == ',' { "; " } else { ", " };
        let list = |ms: &[i128]| {
            let written: Vec<String> = ms.iter().map(|&m| write(m, decimals, sep)).collect();
            format!("[{}]", written.join(items))
        };
        prop_assert!(holds(&list(&ms), &computed), "{} for {xs:?}", list(&ms));
        let mut wrong = ms.clone();
        wrong[which.index(ms.len())] += if up { 1 } else { -1 };
        prop_assert!(!holds(&list(&wrong), &computed), "{} for {xs:?}", list(&wrong));
    }

    #[test]
    fn integers_hold_exactly(n in -1_000_000_000i64..1_000_000_000) {
        prop_assert!(holds(&n.to_string(), &Value::Int(n.into())));
        prop_assert!(!holds(&(n + 1).to_string(), &Value::Int(n.into())));
        prop_assert!(!holds(&(n - 1).to_string(), &Value::Int(n.into())));
    }
}

/// Without a `;`, commas separate the items: `[0,5]` is the two integers 0 and 5. Written
/// against a one-item list it is refused (never silently accepted), and `[0.5]` is the way
/// to write it.
#[test]
fn a_one_item_list_with_a_decimal_comma_is_read_as_two_integers_and_refused() {
    let one = Value::List(vec![Value::Float(0.5)]);
    assert!(!holds("[0,5]", &one));
    assert!(holds("[0.5]", &one));
    let two = Value::List(vec![Value::Int(0.into()), Value::Int(5.into())]);
    assert!(holds("[0,5]", &two));
}
