//! Figures that blocks publish: SVG drawings and PNG images, shown by `{{#figure NAME}}`.
//!
//! A figure travels with the other published values (and is cached with them), so it must be
//! small and deterministic: the compute stage refuses one above
//! [`MAX_FIGURE_BYTES`] and the same code always gives the same bytes.

use serde::{Deserialize, Serialize};

/// The most a figure may weigh once embedded in a page.
pub const MAX_FIGURE_BYTES: usize = 300 * 1024;

/// How a figure is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureFormat {
    /// SVG markup, inlined in the page so that `currentColor` follows the reader's theme.
    Svg,
    /// A PNG image, for dense pictures such as spectrograms; embedded as a data URL.
    Png,
}

/// A published figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// SVG or PNG.
    pub format: FigureFormat,
    /// The SVG markup, or the PNG bytes in base64.
    pub data: String,
    /// A text alternative for readers who cannot see the figure.
    pub alt: String,
}

impl Figure {
    /// A figure from SVG markup. Use `currentColor` for strokes and text so that the figure
    /// stays readable in dark themes.
    pub fn svg(markup: impl Into<String>, alt: impl Into<String>) -> Figure {
        Figure {
            format: FigureFormat::Svg,
            data: markup.into(),
            alt: alt.into(),
        }
    }

    /// A figure from the bytes of a PNG file.
    pub fn png(bytes: &[u8], alt: impl Into<String>) -> Figure {
        Figure {
            format: FigureFormat::Png,
            data: base64(bytes),
            alt: alt.into(),
        }
    }

    /// The size of the figure once in the page.
    pub fn size(&self) -> usize {
        self.data.len()
    }
}

/// Standard base64 with padding (RFC 4648), for data URLs (`Figure::png`, and a library's
/// `<image href="data:image/png;base64,…">` inside an SVG figure).
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
