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

/// Standard base64 with padding (RFC 4648), for data URLs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
