//! Plots and images: the Mel spectrogram of Figure 1 (a PNG heat map in an SVG frame with
//! axes), line plots and grouped bar charts (drawn with `plotters`' SVG backend), and the
//! course's three plots: entropy against temperature (Q4), attention weights (Q7), MixMatch
//! sharpening (Q13).
//!
//! Axes and text use `currentColor` (they follow the reader's light or dark theme and print),
//! data use the [`PALETTE`]; labels are in French with a decimal
//! comma. Output is deterministic: same data, same bytes.

use crate::attention::{dot_attention, scaled_dot_attention};
use crate::audio::{hz_to_mel, MelConfig};
use crate::figure::{base64, Figure};
use crate::mixmatch::{average, sharpen};
use crate::probability::{entropy, softmax};
use crate::svg::{fr, Anchor, Svg, PALETTE};
use crate::temperature::{power_temperature, softmax_temperature};
use ndarray::{Array1, Array2, ArrayView1};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The viridis colour map (perceptually uniform, readable in grey and by colour-blind readers)
/// sampled at 9 of its 256 entries (indices 0, 32, …, 224, 255) and linearly interpolated in
/// between. Source: matplotlib's `_cm_listed.py`, `_viridis_data` (van der Walt & Smith,
/// CC0), entries copied as printed there.
const VIRIDIS: [(f64, [f64; 3]); 9] = [
    (0.0 / 255.0, [0.267004, 0.004874, 0.329415]),
    (32.0 / 255.0, [0.278826, 0.175490, 0.483397]),
    (64.0 / 255.0, [0.229739, 0.322361, 0.545706]),
    (96.0 / 255.0, [0.172719, 0.448791, 0.557885]),
    (128.0 / 255.0, [0.127568, 0.566949, 0.550556]),
    (160.0 / 255.0, [0.157851, 0.683765, 0.501686]),
    (192.0 / 255.0, [0.369214, 0.788888, 0.382914]),
    (224.0 / 255.0, [0.678489, 0.863742, 0.189503]),
    (1.0, [0.993248, 0.906157, 0.143936]),
];

/// The viridis colour of `v` in `[0, 1]` (clamped), as 8-bit RGB: dark purple at 0, yellow
/// at 1.
///
/// ```
/// use coursebook_calc::plot::viridis;
/// assert_eq!(viridis(0.0), [68, 1, 84]);
/// assert_eq!(viridis(1.0), [253, 231, 37]);
/// ```
pub fn viridis(v: f64) -> [u8; 3] {
    let v = if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
    let i = VIRIDIS
        .windows(2)
        .position(|w| v <= w[1].0)
        .unwrap_or(VIRIDIS.len() - 2);
    let ((a, ca), (b, cb)) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let u = (v - a) / (b - a);
    let mut rgb = [0u8; 3];
    for c in 0..3 {
        rgb[c] = ((ca[c] + u * (cb[c] - ca[c])) * 255.0).round() as u8;
    }
    rgb
}

/// A matrix as a PNG heat map (8-bit RGB, viridis from the minimum to the maximum): one
/// `scale × scale` block of pixels per entry (nearest neighbour), **row 0 at the bottom** (so
/// that low frequencies are at the bottom of a spectrogram) and column 0 on the left. The
/// image is `ncols·scale` wide and `nrows·scale` high. A constant matrix is drawn in the
/// colour of 0.
///
/// # Panics
/// If `scale` is 0 or the matrix is empty.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let png = heatmap_png(&array![[0.0, 1.0], [2.0, 3.0]], 3);
/// assert_eq!(&png[1..4], b"PNG");
/// ```
pub fn heatmap_png(matrix: &Array2<f64>, scale: usize) -> Vec<u8> {
    assert!(scale > 0, "heatmap_png: scale must be at least 1");
    let (rows, cols) = matrix.dim();
    assert!(rows > 0 && cols > 0, "heatmap_png: empty matrix");
    let min = matrix.iter().copied().fold(f64::INFINITY, f64::min);
    let max = matrix.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if max > min { max - min } else { 1.0 };
    let (w, h) = (cols * scale, rows * scale);
    let mut pixels = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        let r = rows - 1 - y / scale;
        for x in 0..w {
            pixels.extend_from_slice(&viridis((matrix[[r, x / scale]] - min) / span));
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w as u32, h as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder
            .write_header()
            .expect("heatmap_png: writing to memory cannot fail");
        writer
            .write_image_data(&pixels)
            .expect("heatmap_png: the buffer has the announced size");
    }
    out
}

/// A matrix as a PNG figure (see [`heatmap_png`]), without axes.
pub fn heatmap_figure(matrix: &Array2<f64>, scale: usize, alt: &str) -> Figure {
    Figure::png(&heatmap_png(matrix, scale), alt)
}

/// Figure 1: a log-Mel spectrogram (from [`mel_spectrogram`](crate::audio::mel_spectrogram),
/// shape `(bands, frames)`, dB) as an image with axes: time in seconds on x (frame centres),
/// frequency on y with low frequencies at the bottom (ticks in hertz placed on the Mel scale),
/// a dB colour bar, and the matrix's shape in the axis titles. The image itself is a PNG
/// ([`heatmap_png`], 2× nearest neighbour, drawn pixelated) inside an SVG whose axes and text
/// use `currentColor`.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let c = MelConfig::exam();
/// let s = mel_spectrogram(&exam_chirp(&c, 200), &c);
/// let fig = spectrogram_figure(&s, &c);
/// assert!(fig.data.contains("200 trames") && fig.data.contains("100 bandes de Mel"));
/// assert!(fig.size() < 300 * 1024);
/// ```
pub fn spectrogram_figure(db: &Array2<f64>, config: &MelConfig) -> Figure {
    let (bands, frames) = db.dim();
    let scale = 2;
    let png = heatmap_png(db, scale);
    let (img_w, img_h) = ((frames * scale) as f64, (bands * scale) as f64);
    let (left, top) = (70.0, 16.0);
    let mut svg = Svg::new(left + img_w + 110.0, top + img_h + 64.0);
    svg.raw(&format!(
        "<image x=\"{left}\" y=\"{top}\" width=\"{img_w}\" height=\"{img_h}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{}\"/>",
        base64(&png)
    ));
    let bottom = top + img_h;
    svg.rect(left, top, img_w, img_h, None, false);
    // Time axis: frame t is centred at t·hop + n_fft/2 samples.
    let centre = |t: f64| (t * config.hop as f64 + config.n_fft as f64 / 2.0) / config.sample_rate;
    let (t0, t1) = (centre(0.0), centre(frames as f64 - 1.0));
    let x_of = |s: f64| left + ((s - t0) / (t1 - t0) * (frames as f64 - 1.0) + 0.5) * scale as f64;
    let mut s = 0.0;
    while s <= t1 + 1e-9 {
        if s >= t0 - 1e-9 {
            svg.line(x_of(s), bottom, x_of(s), bottom + 5.0, false);
            svg.text(x_of(s), bottom + 14.0, &fr(s, 1), 11.0, Anchor::Middle);
        }
        s += 0.5;
    }
    svg.text(
        left + img_w / 2.0,
        bottom + 38.0,
        &format!("temps (s) : {frames} trames"),
        13.0,
        Anchor::Middle,
    );
    // Frequency axis: band m's centre sits at mel_lo + (m + 1)·Δ; place Hz ticks on it.
    let (m_lo, m_hi) = (hz_to_mel(config.f_min), hz_to_mel(config.f_max));
    let delta = (m_hi - m_lo) / (bands as f64 + 1.0);
    let y_of = |hz: f64| {
        let band = (hz_to_mel(hz) - m_lo) / delta - 1.0;
        bottom - (band + 0.5) * scale as f64
    };
    for hz in [250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0] {
        let y = y_of(hz);
        if y >= top - 0.5 && y <= bottom + 0.5 {
            svg.line(left - 5.0, y, left, y, false);
            svg.text(left - 8.0, y, &format!("{hz}"), 11.0, Anchor::End);
        }
    }
    svg.raw(&format!(
        "<text transform=\"translate(14 {}) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\" dominant-baseline=\"central\" fill=\"currentColor\">fréquence (Hz) : {bands} bandes de Mel</text>",
        top + img_h / 2.0
    ));
    // Colour bar.
    let min = db.iter().copied().fold(f64::INFINITY, f64::min);
    let max = db.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (bar_x, steps) = (left + img_w + 18.0, 40);
    let step_h = img_h / steps as f64;
    for i in 0..steps {
        let [r, g, b] = viridis((i as f64 + 0.5) / steps as f64);
        svg.raw(&format!(
            "<rect x=\"{bar_x}\" y=\"{:.1}\" width=\"14\" height=\"{:.1}\" fill=\"#{r:02X}{g:02X}{b:02X}\"/>",
            bottom - (i + 1) as f64 * step_h,
            step_h + 0.3
        ));
    }
    svg.rect(bar_x, top, 14.0, img_h, None, false);
    svg.text(
        bar_x + 20.0,
        top + 4.0,
        &format!("{} dB", fr(max, 0)),
        11.0,
        Anchor::Start,
    );
    svg.text(
        bar_x + 20.0,
        bottom - 4.0,
        &format!("{} dB", fr(min, 0)),
        11.0,
        Anchor::Start,
    );
    svg.finish(&format!(
        "Spectrogramme de Mel d’un signal synthétique (glissando de 200 à 2000 Hz avec harmoniques) : {frames} trames en largeur (le temps), {bands} bandes de Mel en hauteur (les fréquences, graves en bas), intensité en décibels."
    ))
}

/// The colour that `plotters` writes for axes and text, replaced by `currentColor` after
/// drawing (plotters only knows RGB colours).
const FOREGROUND: RGBColor = RGBColor(1, 2, 3);
const FOREGROUND_HEX: &str = "#010203";

fn palette(i: usize) -> RGBColor {
    let hex = PALETTE[i % PALETTE.len()];
    let byte = |k: usize| u8::from_str_radix(&hex[k..k + 2], 16).expect("palette is hex");
    RGBColor(byte(1), byte(3), byte(5))
}

/// Makes plotters' SVG theme-proof and responsive: `currentColor` for the foreground, and a
/// root that scales down to the page width.
fn finish_plot(svg: String, alt: &str) -> Figure {
    let svg = svg.replace(FOREGROUND_HEX, "currentColor").replacen(
        "<svg ",
        "<svg style=\"max-width:100%;height:auto\" font-family=\"sans-serif\" ",
        1,
    );
    Figure::svg(svg, alt)
}

/// Decimals for tick labels of an axis spanning `span`.
fn tick_decimals(span: f64) -> usize {
    if span >= 5.0 {
        0
    } else if span >= 0.5 {
        1
    } else {
        2
    }
}

fn padded_range(values: impl Iterator<Item = f64>, include_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    (
        if include_zero && lo >= 0.0 {
            lo
        } else {
            lo - pad
        },
        hi + pad,
    )
}

/// One curve of a [`line_plot`]: its legend label and its points `(x, y)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub label: String,
    /// Its points `(x, y)`, drawn in order.
    pub points: Vec<(f64, f64)>,
}

/// A line plot of several curves, 640 × 360, with ticks, axis titles and a legend, drawn with
/// `plotters`' SVG backend; the legend sits at the middle right. Curve `i` takes [`PALETTE`] colour `i`. Axis ranges fit the data
/// (the y axis includes 0).
///
/// ```
/// use coursebook_calc::plot::{line_plot, Series};
/// let s = Series { label: "carré".into(), points: (0..=10).map(|i| (i as f64, (i * i) as f64)).collect() };
/// let fig = line_plot(&[s], "x", "x²", "Une parabole.");
/// assert!(fig.data.contains("currentColor") && fig.data.contains("carré"));
/// ```
pub fn line_plot(series: &[Series], x_label: &str, y_label: &str, alt: &str) -> Figure {
    let all = || series.iter().flat_map(|s| s.points.iter().copied());
    let (x0, x1) = padded_range(all().map(|p| p.0), false);
    let (x0, x1) = {
        let (lo, hi) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.0), b.max(p.0))
        });
        if lo.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (x0, x1)
        }
    };
    let (y0, y1) = padded_range(all().map(|p| p.1), true);
    let (dx, dy) = (tick_decimals(x1 - x0), tick_decimals(y1 - y0));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 360)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(58)
            .build_cartesian_2d(x0..x1, y0..y1)
            .expect("line_plot: drawing to a string");
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(FOREGROUND)
            .label_style(("sans-serif", 14).into_font().color(&FOREGROUND))
            .axis_desc_style(("sans-serif", 15).into_font().color(&FOREGROUND))
            .x_desc(x_label)
            .y_desc(y_label)
            .x_label_formatter(&|v| fr(*v, dx))
            .y_label_formatter(&|v| fr(*v, dy))
            .draw()
            .expect("line_plot: drawing to a string");
        for (i, s) in series.iter().enumerate() {
            let colour = palette(i);
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    colour.stroke_width(3),
                ))
                .expect("line_plot: drawing to a string")
                .label(s.label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], colour.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::MiddleRight)
            .border_style(FOREGROUND)
            .background_style(TRANSPARENT)
            .label_font(("sans-serif", 14).into_font().color(&FOREGROUND))
            .draw()
            .expect("line_plot: drawing to a string");
        root.present().expect("line_plot: drawing to a string");
    }
    finish_plot(svg, alt)
}

/// A grouped bar chart, 640 × 360: one group of bars per category (x axis), one bar per
/// series inside each group (series `g` in [`PALETTE`] colour `g`), each bar labelled with its
/// value (see [`bar_label`]). `groups` are `(legend label, one value per category)`.
///
/// # Panics
/// If a group does not have one value per category.
///
/// ```
/// use coursebook_calc::plot::grouped_bars;
/// let fig = grouped_bars(
///     &["a".to_string(), "b".to_string()],
///     &[("avant".to_string(), vec![0.25, 0.75]), ("après".to_string(), vec![0.1, 0.9])],
///     "probabilité",
///     "Deux distributions.",
/// );
/// assert!(fig.data.contains("0,75") && fig.data.contains("0,90"));
/// ```
pub fn grouped_bars(
    categories: &[String],
    groups: &[(String, Vec<f64>)],
    y_label: &str,
    alt: &str,
) -> Figure {
    for (label, values) in groups {
        assert_eq!(
            values.len(),
            categories.len(),
            "grouped_bars: group `{label}` has {} values for {} categories",
            values.len(),
            categories.len()
        );
    }
    let n = categories.len();
    let (_, y1) = padded_range(groups.iter().flat_map(|g| g.1.iter().copied()), true);
    let y1 = y1 * 1.12; // room for the value labels and the legend
    let dy = tick_decimals(y1);
    let width = 0.8 / groups.len().max(1) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 360)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(58)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..y1)
            .expect("grouped_bars: drawing to a string");
        let category = |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                categories[i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(FOREGROUND)
            .label_style(("sans-serif", 14).into_font().color(&FOREGROUND))
            .axis_desc_style(("sans-serif", 15).into_font().color(&FOREGROUND))
            .y_desc(y_label)
            .x_labels(n)
            .x_label_formatter(&category)
            .y_label_formatter(&|v| fr(*v, dy))
            .draw()
            .expect("grouped_bars: drawing to a string");
        let value_font = ("sans-serif", 12)
            .into_font()
            .color(&FOREGROUND)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        for (g, (label, values)) in groups.iter().enumerate() {
            let colour = palette(g);
            let left = |i: usize| i as f64 - 0.4 + g as f64 * width;
            chart
                .draw_series(values.iter().enumerate().map(|(i, &v)| {
                    Rectangle::new(
                        [(left(i) + width * 0.06, 0.0), (left(i) + width * 0.94, v)],
                        colour.filled(),
                    )
                }))
                .expect("grouped_bars: drawing to a string")
                .label(label.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())
                });
            chart
                .draw_series(values.iter().enumerate().map(|(i, &v)| {
                    Text::new(bar_label(v), (left(i) + width / 2.0, v), value_font.clone())
                }))
                .expect("grouped_bars: drawing to a string");
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .border_style(FOREGROUND)
            .background_style(TRANSPARENT)
            .label_font(("sans-serif", 14).into_font().color(&FOREGROUND))
            .draw()
            .expect("grouped_bars: drawing to a string");
        root.present().expect("grouped_bars: drawing to a string");
    }
    finish_plot(svg, alt)
}

/// Q4: the entropy (nats) of the predicted distribution against the temperature `T`, under
/// both conventions, for the logits `logits`: the exam's exponent `p_i ∝ p_i^T` with `p =
/// softmax(z)` ([`power_temperature`]: entropy falls as `T` grows) and the usual division
/// `softmax(z / T)` ([`softmax_temperature`]: entropy rises). The curves cross at `T = 1`; the
/// maximum `ln n` (uniform distribution) is drawn for reference.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let ts: Vec<f64> = (1..=30).map(|i| i as f64 / 10.0).collect();
/// let fig = entropy_temperature_plot(&array![2.0, 1.0, 0.5, 0.0], &ts);
/// assert!(fig.data.contains("température T"));
/// ```
pub fn entropy_temperature_plot(logits: &Array1<f64>, temperatures: &[f64]) -> Figure {
    let p = softmax(logits);
    let exponent: Vec<(f64, f64)> = temperatures
        .iter()
        .map(|&t| (t, entropy(&power_temperature(&p, t))))
        .collect();
    let division: Vec<(f64, f64)> = temperatures
        .iter()
        .map(|&t| (t, entropy(&softmax_temperature(logits, t))))
        .collect();
    let max = (logits.len() as f64).ln();
    let (lo, hi) = temperatures
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
            (a.min(t), b.max(t))
        });
    let series = [
        Series {
            label: "sujet : p^T (T exposant)".into(),
            points: exponent,
        },
        Series {
            label: "usuel : softmax(z / T)".into(),
            points: division,
        },
        Series {
            label: format!("maximum ln {} = {}", logits.len(), fr(max, 2)),
            points: vec![(lo, max), (hi, max)],
        },
    ];
    line_plot(
        &series,
        "température T",
        "entropie (nats)",
        &format!(
            "Entropie de la distribution prédite en fonction de la température T de {} à {} : avec la convention du sujet (p puissance T) elle diminue quand T augmente ; avec la convention usuelle softmax(z / T) elle augmente ; les deux coïncident en T = 1 ; le maximum est ln {} ≈ {}.",
            fr(lo, 1),
            fr(hi, 1),
            logits.len(),
            fr(max, 2)
        ),
    )
}

/// Q7: the attention weights of `query` over each row of `keys`, unscaled
/// ([`dot_attention`], `softmax(K q)`) and scaled ([`scaled_dot_attention`], `softmax(K q /
/// √d_k)`), as grouped bars, one group per key ("token 1", "token 2"…).
///
/// ```
/// use coursebook_calc::prelude::*;
/// let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let fig = attention_scores_plot(&keys, &array![-0.2, 0.8]);
/// for v in ["0,46", "0,17", "0,37", "0,42", "0,21"] {
///     assert!(fig.data.contains(v));
/// }
/// ```
pub fn attention_scores_plot(keys: &Array2<f64>, query: &Array1<f64>) -> Figure {
    let plain = dot_attention(keys, query);
    let scaled = scaled_dot_attention(keys, query);
    let categories: Vec<String> = (1..=keys.nrows())
        .map(|i| format!("{} {i}", crate::terms::TOKEN))
        .collect();
    let d = query.len();
    let describe = |w: &Array1<f64>| w.iter().map(|&v| fr(v, 2)).collect::<Vec<_>>().join(" ; ");
    grouped_bars(
        &categories,
        &[
            ("softmax(K·q)".to_string(), plain.to_vec()),
            (format!("softmax(K·q / √{d})"), scaled.to_vec()),
        ],
        "poids d’attention",
        &format!(
            "Poids d’attention de la requête sur chaque {} : sans mise à l’échelle {} ; divisés par √{d} avant le softmax {}.",
            crate::terms::TOKEN,
            describe(&plain),
            describe(&scaled)
        ),
    )
}

/// The label of a bar: two decimals, or three when the value has exactly three (0,275 stays
/// 0,275 instead of rounding to 0,28, so that a figure shows the digits the text uses).
///
/// ```
/// use coursebook_calc::plot::bar_label;
/// assert_eq!(bar_label(0.275), "0,275");
/// assert_eq!(bar_label(0.55), "0,55");
/// assert_eq!(bar_label(0.25 / 0.38), "0,66");
/// ```
pub fn bar_label(v: f64) -> String {
    let exact_at = |decimals: i32| {
        let scaled = v * 10f64.powi(decimals);
        (scaled - scaled.round()).abs() < 1e-9
    };
    if !exact_at(2) && exact_at(3) {
        fr(v, 3)
    } else {
        fr(v, 2)
    }
}

/// Q13: MixMatch's label guessing as bars, one group per class: the model's `predictions` on
/// the K augmentations, their [`average`], and the average sharpened at temperature `t`
/// ([`sharpen`]); the legend gives each distribution's entropy (nats), which sharpening lowers.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let preds = [array![0.5, 0.3, 0.2], array![0.3, 0.5, 0.2]];
/// let fig = sharpening_plot(&preds, MIXMATCH_T);
/// assert!(fig.data.contains("affûtée (T = 0,5)"));
/// ```
pub fn sharpening_plot(predictions: &[Array1<f64>], t: f64) -> Figure {
    let avg = average(predictions);
    let sharp = sharpen(&avg, t);
    let categories: Vec<String> = (1..=avg.len()).map(|i| format!("classe {i}")).collect();
    let h = |p: &Array1<f64>| fr(entropy(p), 2);
    let mut groups: Vec<(String, Vec<f64>)> = predictions
        .iter()
        .enumerate()
        .map(|(k, p)| (format!("augmentation {} (H = {})", k + 1, h(p)), p.to_vec()))
        .collect();
    groups.push((format!("moyenne (H = {})", h(&avg)), avg.to_vec()));
    groups.push((
        format!("affûtée (T = {}) (H = {})", fr(t, 1), h(&sharp)),
        sharp.to_vec(),
    ));
    grouped_bars(
        &categories,
        &groups,
        "probabilité",
        &format!(
            "Prédictions sur {} augmentations, leur moyenne (entropie {}) et la moyenne affûtée à T = {} (entropie {}), qui sert de pseudo-étiquette.",
            predictions.len(),
            h(&avg),
            fr(t, 1),
            h(&sharp)
        ),
    )
}

/// Images (rows of `side × side` intensities in `[0, 1]`) tiled as a grey PNG with an alpha
/// channel: `grid` is one row of tiles per slice, each tile `side` pixels, a transparent
/// one-pixel gap between tiles so that the page shows through in either theme. Intensities
/// outside `[0, 1]` (a reconstruction may overshoot) are clamped.
fn tiles_png(grid: &[Vec<ArrayView1<f32>>], side: usize) -> Vec<u8> {
    let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    let (w, h) = (cols * (side + 1) - 1, grid.len() * (side + 1) - 1);
    let mut pixels = vec![0u8; w * h * 2];
    for (r, row) in grid.iter().enumerate() {
        for (c, image) in row.iter().enumerate() {
            for (k, &v) in image.iter().enumerate() {
                let (y, x) = (r * (side + 1) + k / side, c * (side + 1) + k % side);
                let at = 2 * (y * w + x);
                pixels[at] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
                pixels[at + 1] = 255;
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w as u32, h as u32);
        encoder.set_color(png::ColorType::GrayscaleAlpha);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder
            .write_header()
            .expect("tiles_png: writing to memory cannot fail");
        writer
            .write_image_data(&pixels)
            .expect("tiles_png: the buffer has the announced size");
    }
    out
}

/// The rows of `images`, as views.
fn rows(images: &Array2<f32>) -> Vec<ArrayView1<'_, f32>> {
    images.rows().into_iter().collect()
}

/// Figures 3 to 5: images and their reconstructions by an autoencoder, as in the exam. Two
/// panels, the training set on the left and the test set on the right; in each, the images
/// given (one per row) on top and their reconstructions below, one column per image. Images
/// are square rows of intensities in `[0, 1]` (white ink on black); each set's
/// reconstructions come in the same order as its originals. The pictures are PNGs (one per
/// panel, pixels enlarged without smoothing) in an SVG frame whose labels use
/// `currentColor`. `alt` describes the figure for readers who cannot see it.
///
/// # Panics
/// If an original and its reconstructions differ in shape, or the images are not square.
///
/// ```
/// use coursebook_calc::plot::reconstruction_figure;
/// use ndarray::Array2;
/// let a = Array2::from_elem((10, 16), 0.5f32);
/// let fig = reconstruction_figure((&a, &a), (&a, &a), "deux panneaux");
/// assert!(fig.data.contains("entraînement") && fig.data.contains("reconstructions"));
/// ```
pub fn reconstruction_figure(
    train: (&Array2<f32>, &Array2<f32>),
    test: (&Array2<f32>, &Array2<f32>),
    alt: &str,
) -> Figure {
    let side = (train.0.ncols() as f64).sqrt().round() as usize;
    assert_eq!(
        side * side,
        train.0.ncols(),
        "reconstruction_figure: images must be square"
    );
    for (original, rebuilt) in [train, test] {
        assert_eq!(
            original.dim(),
            rebuilt.dim(),
            "reconstruction_figure: shapes differ"
        );
    }
    let columns = train.0.nrows().max(test.0.nrows());
    let zoom = 3.0;
    let panel_w = (columns * (side + 1) - 1) as f64 * zoom;
    let panel_h = (2 * (side + 1) - 1) as f64 * zoom;
    let (left, top, gap) = (118.0, 30.0, 28.0);
    let mut svg = Svg::new(left + 2.0 * panel_w + gap + 8.0, top + panel_h + 8.0);
    for (i, ((original, rebuilt), title)) in [(train, "entraînement"), (test, "test")]
        .into_iter()
        .enumerate()
    {
        let x = left + i as f64 * (panel_w + gap);
        let png = tiles_png(&[rows(original), rows(rebuilt)], side);
        svg.raw(&format!(
            "<image x=\"{x}\" y=\"{top}\" width=\"{panel_w}\" height=\"{panel_h}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{}\"/>",
            base64(&png)
        ));
        svg.bold(x + panel_w / 2.0, top / 2.0, title, 14.0, Anchor::Middle);
    }
    let row_h = (side + 1) as f64 * zoom;
    svg.text(
        left - 10.0,
        top + row_h / 2.0,
        "originales",
        13.0,
        Anchor::End,
    );
    svg.text(
        left - 10.0,
        top + row_h * 1.5,
        "reconstructions",
        13.0,
        Anchor::End,
    );
    svg.finish(alt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{exam_chirp, mel_spectrogram};
    use ndarray::array;

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a valid PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("known size")];
        let info = reader.next_frame(&mut buf).expect("one frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn heatmap_decodes_with_row_zero_at_the_bottom() {
        let m = array![[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]];
        let (w, h, px) = decode(&heatmap_png(&m, 2));
        assert_eq!((w, h), (6, 4));
        // Top-left pixel is row 1 (the maximum, yellow), bottom-left row 0 (purple).
        assert_eq!(&px[0..3], &viridis(1.0));
        let last_row = (h as usize - 1) * w as usize * 3;
        assert_eq!(&px[last_row..last_row + 3], &viridis(0.0));
    }

    #[test]
    fn spectrogram_png_and_figure() {
        let c = MelConfig::exam();
        let s = mel_spectrogram(&exam_chirp(&c, 200), &c);
        let png = heatmap_png(&s, 2);
        let (w, h, _) = decode(&png);
        assert_eq!((w, h), (400, 200));
        let fig = spectrogram_figure(&s, &c);
        assert!(fig.size() < 300 * 1024, "{} bytes", fig.size());
        assert_eq!(fig, spectrogram_figure(&s, &c));
        assert_eq!(
            png,
            heatmap_png(&mel_spectrogram(&exam_chirp(&c, 200), &c), 2)
        );
        // Ticks 1000 Hz and 0,5 s are drawn.
        assert!(fig.data.contains(">1000<") && fig.data.contains(">0,5<"));
    }

    #[test]
    fn reconstruction_tiles_put_originals_above_and_leave_gaps_transparent() {
        // Two 2 × 2 images: the first all ink, the second all background.
        let originals = array![[1.0f32, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]];
        let rebuilt = originals.mapv(|v| 1.0 - v);
        let png = tiles_png(&[rows(&originals), rows(&rebuilt)], 2);
        let (w, h, px) = decode(&png);
        assert_eq!((w, h), (5, 5));
        let at = |x: usize, y: usize| (px[2 * (y * 5 + x)], px[2 * (y * 5 + x) + 1]);
        assert_eq!(at(0, 0), (255, 255)); // original 1: ink, opaque
        assert_eq!(at(3, 0), (0, 255)); // original 2: background, opaque
        assert_eq!(at(0, 3), (0, 255)); // its reconstruction, below
        assert_eq!(at(2, 0).1, 0); // the gap between columns is transparent
        assert_eq!(at(0, 2).1, 0); // and between rows
        let fig = reconstruction_figure((&originals, &rebuilt), (&originals, &rebuilt), "alt");
        assert_eq!(fig.data.matches("<image").count(), 2);
    }

    #[test]
    fn viridis_is_monotone_in_lightness() {
        let lum = |v: f64| {
            let [r, g, b] = viridis(v);
            0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64
        };
        let mut prev = lum(0.0);
        for i in 1..=50 {
            let l = lum(i as f64 / 50.0);
            assert!(l > prev, "at {}", i);
            prev = l;
        }
    }

    #[test]
    fn plots_are_theme_proof_and_deterministic() {
        let ts: Vec<f64> = (1..=30).map(|i| i as f64 / 10.0).collect();
        let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
        let preds = [array![0.5, 0.3, 0.2], array![0.3, 0.5, 0.2]];
        let make = || {
            vec![
                entropy_temperature_plot(&array![2.0, 1.0, 0.5, 0.0], &ts),
                attention_scores_plot(&keys, &array![-0.2, 0.8]),
                sharpening_plot(&preds, 0.5),
            ]
        };
        let (a, b) = (make(), make());
        assert_eq!(a, b);
        for f in &a {
            assert!(f.data.contains("currentColor"));
            assert!(!f.data.contains(FOREGROUND_HEX));
            assert!(!f.data.contains("<script"));
            assert!(f.size() < 60 * 1024, "{} bytes", f.size());
            assert!(f.data.starts_with("<svg style=\"max-width:100%"));
        }
        // The values of Q7, scaled and not, are printed on the bars.
        for v in ["0,46", "0,17", "0,37", "0,42", "0,21"] {
            assert!(
                a[1].data.contains(&format!(">\n{v}\n<")) || a[1].data.contains(&format!(">{v}<")),
                "{v}"
            );
        }
        // Sharpening lowers the entropy: (0.4, 0.4, 0.2) → (4, 4, 1)/9, 1,05 → 0,96 nats.
        assert!(a[2].data.contains("moyenne (H = 1,05)"));
        assert!(a[2].data.contains("affûtée (T = 0,5) (H = 0,96)"));
    }

    #[test]
    fn entropy_curves_cross_at_one() {
        let z = array![2.0, 1.0, 0.5, 0.0];
        let p = softmax(&z);
        assert!(
            (entropy(&power_temperature(&p, 1.0)) - entropy(&softmax_temperature(&z, 1.0))).abs()
                < 1e-12
        );
        let fig = entropy_temperature_plot(&z, &[0.5, 1.0, 2.0]);
        assert!(fig.data.contains("maximum ln 4 = 1,39"));
    }
}
