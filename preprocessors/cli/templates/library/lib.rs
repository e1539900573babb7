//! The library of this book: the functions its computations call.
//!
//! Every public item here is in scope in the book's ```` ```rust,compute ```` blocks, after
//! the runtime's prelude (`publish!`, `Figure`, `array!`, `Array1`, …). Write the course's
//! formulas once here, test them with `cargo test`, and call them from every chapter.

use coursebook_notebook::figure::Figure;
use coursebook_notebook::ndarray::Array1;

/// The mean of `values`.
///
/// ```
/// use coursebook_notebook::ndarray::array;
/// assert_eq!(course::mean(&array![12.0, 15.0, 9.0, 17.0]), 13.25);
/// ```
pub fn mean(values: &Array1<f64>) -> f64 {
    values.sum() / values.len() as f64
}

/// The standard deviation of `values`, as a population (divided by n).
pub fn standard_deviation(values: &Array1<f64>) -> f64 {
    let m = mean(values);
    (values.mapv(|v| (v - m).powi(2)).sum() / values.len() as f64).sqrt()
}

/// A bar chart of `values` as an SVG figure; `alt` describes it for readers who cannot see
/// it. Strokes and text use `currentColor`, so the chart follows the reader's theme.
pub fn bar_chart(values: &Array1<f64>, alt: &str) -> Figure {
    let (width, height, bar) = (320.0, 160.0, 40.0);
    let top = values.iter().cloned().fold(f64::MIN, f64::max).max(1e-9);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h}" width="{width}" height="{h}">"#,
        h = height + 20.0
    );
    for (i, v) in values.iter().enumerate() {
        let x = 20.0 + i as f64 * (bar + 20.0);
        let h = v / top * height;
        svg.push_str(&format!(
            r#"<rect x="{x}" y="{y}" width="{bar}" height="{h}" fill="currentColor" fill-opacity="0.5"/><text x="{tx}" y="{ty}" font-size="12" text-anchor="middle" fill="currentColor">{v}</text>"#,
            y = height - h,
            tx = x + bar / 2.0,
            ty = height + 15.0
        ));
    }
    svg.push_str("</svg>");
    Figure::svg(svg, alt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use coursebook_notebook::ndarray::array;

    #[test]
    fn the_spread_of_equal_marks_is_zero() {
        assert_eq!(standard_deviation(&array![10.0, 10.0, 10.0]), 0.0);
    }
}
