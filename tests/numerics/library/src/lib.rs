//! The library of the numerical methods test book: root finding on top of the `roots` crate.

use coursebook_notebook::figure::Figure;
use roots::{find_root_brent, find_roots_quadratic, SimpleConvergency};

/// The real roots of `a x² + b x + c`, in increasing order.
pub fn quadratic_roots(a: f64, b: f64, c: f64) -> Vec<f64> {
    let mut found = find_roots_quadratic(a, b, c).as_ref().to_vec();
    found.sort_by(f64::total_cmp);
    found
}

/// A root of `f` in `[lo, hi]`, where `f` changes sign, by Brent's method.
///
/// # Panics
/// When `f` has the same sign at both ends.
pub fn brent_root(f: impl FnMut(f64) -> f64, lo: f64, hi: f64) -> f64 {
    let mut convergency = SimpleConvergency {
        eps: 1e-12,
        max_iter: 100,
    };
    find_root_brent(lo, hi, f, &mut convergency).expect("f changes sign on [lo, hi]")
}

/// The parabola `a x² + b x + c` on `[from, to]`, its roots marked, as an SVG figure.
pub fn parabola_figure(a: f64, b: f64, c: f64, from: f64, to: f64) -> Figure {
    let (w, h) = (300.0, 200.0);
    let f = |x: f64| a * x * x + b * x + c;
    let ys: Vec<f64> = (0..=60).map(|i| f(from + (to - from) * i as f64 / 60.0)).collect();
    let (lo, hi) = ys
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), &y| (lo.min(y), hi.max(y)));
    let px = |x: f64| (x - from) / (to - from) * w;
    let py = |y: f64| h - (y - lo) / (hi - lo) * h;
    let points: Vec<String> = ys
        .iter()
        .enumerate()
        .map(|(i, y)| format!("{:.1},{:.1}", w * i as f64 / 60.0, py(*y)))
        .collect();
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}"><line x1="0" y1="{axis:.1}" x2="{w}" y2="{axis:.1}" stroke="currentColor" stroke-opacity="0.4"/><polyline points="{}" fill="none" stroke="currentColor" stroke-width="2"/>"#,
        points.join(" "),
        axis = py(0.0)
    );
    for root in quadratic_roots(a, b, c) {
        svg.push_str(&format!(
            r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="currentColor"/>"#,
            px(root),
            py(0.0)
        ));
    }
    svg.push_str("</svg>");
    Figure::svg(svg, "A parabola crossing the horizontal axis at its two roots")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_finds_the_square_root_of_two() {
        assert!((brent_root(|x| x * x - 2.0, 0.0, 2.0) - 2f64.sqrt()).abs() < 1e-9);
    }
}
