//! The tiny SVG builder the course's figures share ([`Svg`]), with the palette and the
//! number format they print with.
//!
//! Theme-proof drawing: strokes and text use `currentColor` (the page's text colour, so they
//! follow light and dark themes and print), boxes are filled with translucent colours of
//! [`PALETTE`] that read on both light and dark backgrounds. No `id`s (several figures share a
//! page), no scripts, numbers printed with a fixed number of decimals (French comma): the same
//! data always give the same bytes.

use crate::figure::Figure;
use ndarray::Array1;
use std::fmt::Write as _;

/// Colours that read on light and dark backgrounds: the colour-blind-safe palette of Okabe &
/// Ito ("Color Universal Design", 2008) without its black and its dark blue: orange, sky blue,
/// bluish green, reddish purple, vermillion, yellow.
pub const PALETTE: [&str; 6] = [
    "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00", "#F0E442",
];

/// A number with `decimals` decimals and a French decimal comma: `fr(0.456, 2) == "0,46"`.
/// Negative zero prints as zero.
///
/// ```
/// use coursebook_calc::svg::fr;
/// assert_eq!(fr(0.456, 2), "0,46");
/// assert_eq!(fr(-0.0001, 1), "0,0");
/// assert_eq!(fr(12.0, 0), "12");
/// ```
pub fn fr(value: f64, decimals: usize) -> String {
    let s = format!("{value:.decimals$}");
    let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    };
    s.replace('.', ",")
}

/// A coordinate with at most one decimal, for compact, stable markup.
fn n(x: f64) -> String {
    let s = format!("{:.1}", x);
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Text escaped for SVG content and attributes.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal anchoring of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The text starts at the point.
    Start,
    /// The text is centred on the point.
    Middle,
    /// The text ends at the point.
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// A minimal SVG builder: boxes, lines, arrows and text in user units (pixels at 100 %), all
/// drawn with `currentColor`. The figure scales down to the page width (`max-width: 100%`).
///
/// ```
/// use coursebook_calc::svg::Svg;
/// let mut svg = Svg::new(200.0, 80.0);
/// svg.boxed(10.0, 10.0, 80.0, 40.0, "LSTM", Some(1));
/// svg.arrow(90.0, 30.0, 150.0, 30.0);
/// let fig = svg.finish("a box and an arrow");
/// assert!(fig.data.starts_with("<svg") && fig.data.contains(">LSTM</text>"));
/// assert!(!fig.data.contains(" id="));
/// ```
#[derive(Debug, Clone)]
pub struct Svg {
    width: f64,
    height: f64,
    body: String,
}

impl Svg {
    /// An empty drawing of `width × height` user units.
    pub fn new(width: f64, height: f64) -> Self {
        Svg {
            width,
            height,
            body: String::new(),
        }
    }

    /// A rectangle with rounded corners, outlined in `currentColor` (dashed if `dashed`),
    /// filled with palette colour `fill` (translucent) or not filled.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: Option<usize>, dashed: bool) {
        let fill = match fill {
            Some(i) => format!(
                "fill=\"{}\" fill-opacity=\"0.22\"",
                PALETTE[i % PALETTE.len()]
            ),
            None => "fill=\"none\"".into(),
        };
        let dash = if dashed {
            " stroke-dasharray=\"5 4\""
        } else {
            ""
        };
        let _ = writeln!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" {fill} stroke=\"currentColor\" stroke-width=\"1.2\"{dash}/>",
            n(x),
            n(y),
            n(w),
            n(h)
        );
    }

    /// A filled square cell without rounding (for matrices): palette colour `fill` when
    /// `on`, outline only otherwise. `class` marks the cell for tests and styling.
    pub fn cell(&mut self, x: f64, y: f64, size: f64, on: bool, fill: usize) {
        let style = if on {
            format!(
                "class=\"cb-cell-on\" fill=\"{}\" fill-opacity=\"0.85\"",
                PALETTE[fill % PALETTE.len()]
            )
        } else {
            "class=\"cb-cell-off\" fill=\"none\"".into()
        };
        let _ = writeln!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {style} stroke=\"currentColor\" stroke-width=\"0.6\"/>",
            n(x),
            n(y),
            n(size),
            n(size)
        );
    }

    /// A text of font size `size` at `(x, y)` (`y` is the middle of the line). Lines split on
    /// `\n` are stacked, centred vertically on `y`.
    pub fn text(&mut self, x: f64, y: f64, text: &str, size: f64, anchor: Anchor) {
        self.styled_text(x, y, text, size, anchor, "");
    }

    /// Like [`text`](Self::text), in bold.
    pub fn bold(&mut self, x: f64, y: f64, text: &str, size: f64, anchor: Anchor) {
        self.styled_text(x, y, text, size, anchor, " font-weight=\"bold\"");
    }

    fn styled_text(&mut self, x: f64, y: f64, text: &str, size: f64, anchor: Anchor, extra: &str) {
        let lines: Vec<&str> = text.split('\n').collect();
        let line_height = size * 1.2;
        let top = y - line_height * (lines.len() as f64 - 1.0) / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let _ = writeln!(
                self.body,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" dominant-baseline=\"central\" fill=\"currentColor\"{extra}>{}</text>",
                n(x),
                n(top + line_height * i as f64),
                n(size),
                anchor.as_str(),
                escape(line)
            );
        }
    }

    /// A box with a centred (possibly multi-line) label.
    pub fn boxed(&mut self, x: f64, y: f64, w: f64, h: f64, label: &str, fill: Option<usize>) {
        self.rect(x, y, w, h, fill, false);
        self.text(x + w / 2.0, y + h / 2.0, label, 13.0, Anchor::Middle);
    }

    /// A straight line, dashed if `dashed`.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, dashed: bool) {
        let dash = if dashed {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\" stroke-width=\"1.2\"{dash}/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    /// A line ending in an arrowhead at `(x2, y2)`. The head is a small triangle drawn
    /// in place (no `<marker>`, which needs an `id`).
    pub fn arrow(&mut self, x1: f64, y1: f64, x2: f64, y2: f64) {
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        let (ux, uy) = (dx / len, dy / len);
        let (head, half) = (8.0, 3.5);
        let (bx, by) = (x2 - ux * head, y2 - uy * head);
        self.line(x1, y1, bx, by, false);
        let _ = writeln!(
            self.body,
            "<polygon points=\"{},{} {},{} {},{}\" fill=\"currentColor\"/>",
            n(x2),
            n(y2),
            n(bx - uy * half),
            n(by + ux * half),
            n(bx + uy * half),
            n(by - ux * half)
        );
    }

    /// A polyline through `points` ending in an arrowhead (orthogonal routing).
    pub fn path_arrow(&mut self, points: &[(f64, f64)]) {
        for w in points.windows(2).take(points.len().saturating_sub(2)) {
            self.line(w[0].0, w[0].1, w[1].0, w[1].1, false);
        }
        if let [.., a, b] = points {
            self.arrow(a.0, a.1, b.0, b.1);
        }
    }

    /// Small vertical bars of a probability distribution in the box `(x, y, w, h)`, bars of
    /// palette colour `fill`, heights proportional to the probabilities (1 = full height).
    pub fn distribution(&mut self, x: f64, y: f64, w: f64, h: f64, p: &Array1<f64>, fill: usize) {
        let k = p.len().max(1) as f64;
        let slot = w / k;
        for (i, &v) in p.iter().enumerate() {
            let bh = (v.clamp(0.0, 1.0)) * h;
            let _ = writeln!(
                self.body,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                n(x + slot * i as f64 + slot * 0.15),
                n(y + h - bh),
                n(slot * 0.7),
                n(bh),
                PALETTE[fill % PALETTE.len()]
            );
        }
        self.line(x, y + h, x + w, y + h, false);
    }

    /// Raw SVG markup appended as is (the caller keeps it script-free and `id`-free).
    pub fn raw(&mut self, markup: &str) {
        self.body.push_str(markup);
        if !markup.ends_with('\n') {
            self.body.push('\n');
        }
    }

    /// The finished figure: the root `<svg>` with a `viewBox` (it scales to the page width),
    /// sans-serif text, and `alt` as its text alternative.
    pub fn finish(self, alt: &str) -> Figure {
        let markup = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" style=\"max-width:100%;height:auto\" font-family=\"sans-serif\">\n{}</svg>\n",
            self.body,
            w = n(self.width),
            h = n(self.height),
        );
        Figure::svg(markup, alt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_french() {
        assert_eq!(fr(0.5, 1), "0,5");
        assert_eq!(fr(-1.25, 1), "-1,2");
        assert_eq!(n(-0.01), "0");
        assert_eq!(n(3.0), "3");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
