//! Written answers and check arguments on arbitrary text, compared with arbitrary values:
//! no panic, and a number always holds against its own value.
#![no_main]

use coursebook_notebook::notebook::Value;
use coursebook_compute::claim::{Claim, Show, Tolerance};
use coursebook_compute::compare::compare;
use coursebook_compute::written::Written;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (f64, i64, &str)| {
    let (x, n, text) = input;
    let _ = Claim::parse(text);
    let _ = Show::parse(text);
    let Ok(written) = Written::parse(text) else {
        return;
    };
    let values = [
        Value::Float(x),
        Value::Int(n.into()),
        Value::List(vec![Value::Float(x), Value::Int(n.into())]),
        Value::Str(text.to_owned()),
    ];
    for value in &values {
        for tolerance in [
            Tolerance::Digits,
            Tolerance::Absolute(x),
            Tolerance::Relative(x),
        ] {
            let _ = compare(&written, tolerance, value);
        }
    }
    if let Written::Number { mantissa, decimals } = written {
        if mantissa.magnitude() < 1 << 50 && decimals <= 15 {
            let exact = mantissa.to_f64() / 10f64.powi(decimals as i32);
            assert!(
                compare(&written, Tolerance::Digits, &Value::Float(exact)).is_ok(),
                "{text:?} does not hold against {exact}"
            );
        }
    }
});
