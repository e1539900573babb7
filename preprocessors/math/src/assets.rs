//! KaTeX's stylesheet and fonts, shipped with the book so that no page needs the network.
//!
//! The files are those of the npm package `katex@0.16.4` (`dist/katex.min.css`,
//! `dist/fonts/*.woff2`), vendored in `theme/katex/` with KaTeX's LICENSE and embedded in the
//! binary, so the tool works on any book, including books without a `theme/` folder.
//!
//! How pages load them: after the HTML renderer, [`crate::pages`] writes the files to
//! `<html output>/katex/` and links them from the pages that show a formula.
//!
//! When the official `mdbook` CLI runs the stage instead (JSON protocol), nothing runs after the
//! renderer: copy `theme/katex/` into the book's `src/katex/` (mdBook copies non-Markdown files
//! of `src/`, fonts included, to the output) and link `katex/katex.min.css` and
//! `katex/coursebook-math.css` from a `theme/head.hbs` with `{{ path_to_root }}` before them
//! (`additional-css` would copy the stylesheets without their fonts).

use std::fs;
use std::io;
use std::path::Path;

/// KaTeX's stylesheet, byte for byte as published on npm.
pub const KATEX_CSS: &str = include_str!("../../../theme/katex/katex.min.css");

/// This stage's own rules (glyphs drawn from `data-c`, see [`crate::markup`]).
pub const COURSEBOOK_CSS: &str = include_str!("../../../theme/katex/coursebook-math.css");

/// KaTeX's MIT license, shipped next to its files.
pub const KATEX_LICENSE: &str = include_str!("../../../theme/katex/LICENSE");

/// The folder, under the HTML output, that holds the assets.
pub const ASSET_DIR: &str = "katex";

/// The woff2 fonts, by file name.
pub const FONTS: &[(&str, &[u8])] = &[
    (
        "KaTeX_AMS-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_AMS-Regular.woff2"),
    ),
    (
        "KaTeX_Caligraphic-Bold.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Caligraphic-Bold.woff2"),
    ),
    (
        "KaTeX_Caligraphic-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Caligraphic-Regular.woff2"),
    ),
    (
        "KaTeX_Fraktur-Bold.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Fraktur-Bold.woff2"),
    ),
    (
        "KaTeX_Fraktur-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Fraktur-Regular.woff2"),
    ),
    (
        "KaTeX_Main-Bold.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Main-Bold.woff2"),
    ),
    (
        "KaTeX_Main-BoldItalic.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Main-BoldItalic.woff2"),
    ),
    (
        "KaTeX_Main-Italic.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Main-Italic.woff2"),
    ),
    (
        "KaTeX_Main-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Main-Regular.woff2"),
    ),
    (
        "KaTeX_Math-BoldItalic.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Math-BoldItalic.woff2"),
    ),
    (
        "KaTeX_Math-Italic.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Math-Italic.woff2"),
    ),
    (
        "KaTeX_SansSerif-Bold.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_SansSerif-Bold.woff2"),
    ),
    (
        "KaTeX_SansSerif-Italic.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_SansSerif-Italic.woff2"),
    ),
    (
        "KaTeX_SansSerif-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_SansSerif-Regular.woff2"),
    ),
    (
        "KaTeX_Script-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Script-Regular.woff2"),
    ),
    (
        "KaTeX_Size1-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Size1-Regular.woff2"),
    ),
    (
        "KaTeX_Size2-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Size2-Regular.woff2"),
    ),
    (
        "KaTeX_Size3-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Size3-Regular.woff2"),
    ),
    (
        "KaTeX_Size4-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Size4-Regular.woff2"),
    ),
    (
        "KaTeX_Typewriter-Regular.woff2",
        include_bytes!("../../../theme/katex/fonts/KaTeX_Typewriter-Regular.woff2"),
    ),
];

/// Writes the assets into `dir` (`katex.min.css`, `coursebook-math.css`, `LICENSE`,
/// `fonts/*.woff2`), leaving files that already hold the same bytes untouched.
pub fn write_assets(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir.join("fonts"))?;
    write_if_changed(&dir.join("katex.min.css"), KATEX_CSS.as_bytes())?;
    write_if_changed(&dir.join("coursebook-math.css"), COURSEBOOK_CSS.as_bytes())?;
    write_if_changed(&dir.join("LICENSE"), KATEX_LICENSE.as_bytes())?;
    for (name, bytes) in FONTS {
        write_if_changed(&dir.join("fonts").join(name), bytes)?;
    }
    Ok(())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    write_atomically(path, bytes)
}

/// Writes through a temporary file and a rename, so that `serve` never sends half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "asset".into(), |n| n.to_string_lossy());
    let tmp = path.with_file_name(common::cache::temp_name(&name));
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
}

/// The version KaTeX's stylesheet declares (`.katex-version::after { content: "0.16.4" }`).
pub fn css_version(css: &str) -> Option<&str> {
    let after = css.split("version:after{content:\"").nth(1)?;
    after.split('"').next()
}

/// The woff2 files the stylesheet refers to (`url(fonts/KaTeX_Main-Regular.woff2)`).
pub fn css_woff2_fonts(css: &str) -> Vec<&str> {
    css.split("url(fonts/")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .filter(|name| name.ends_with(".woff2"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_css_is_the_version_the_katex_crate_renders() {
        assert_eq!(css_version(KATEX_CSS), Some(katex::KATEX_VERSION.trim()));
    }

    #[test]
    fn every_woff2_font_of_the_css_is_embedded() {
        let referenced = css_woff2_fonts(KATEX_CSS);
        assert_eq!(referenced.len(), FONTS.len());
        for name in referenced {
            let font = FONTS.iter().find(|(n, _)| *n == name);
            let (_, bytes) = font.unwrap_or_else(|| panic!("{name} is not embedded"));
            assert!(bytes.starts_with(b"wOF2"), "{name} is not a woff2 file");
        }
    }

    #[test]
    fn the_stylesheet_needs_no_network() {
        assert!(!KATEX_CSS.contains("http://") && !KATEX_CSS.contains("https://"));
    }
}
