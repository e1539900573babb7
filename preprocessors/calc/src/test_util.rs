//! Float comparison helpers for the unit tests (an `approx`-style substitute).

use ndarray::{ArrayBase, Data, Ix1};

/// Asserts `|a - b| <= tol`.
#[track_caller]
pub(crate) fn assert_close(a: f64, b: f64, tol: f64) {
    assert!(
        (a - b).abs() <= tol,
        "{a} and {b} differ by more than {tol}"
    );
}

/// Asserts equal lengths and `|a_i - b_i| <= tol` for every `i`.
#[track_caller]
pub(crate) fn assert_all_close<S1, S2>(a: &ArrayBase<S1, Ix1>, b: &ArrayBase<S2, Ix1>, tol: f64)
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
{
    assert_eq!(a.len(), b.len(), "lengths differ: {a} vs {b}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= tol,
            "{a} and {b} differ by more than {tol}"
        );
    }
}
