//! KaTeX's stylesheet and fonts, shipped with the book so that no page needs the network.
//!
//! The files are those of the npm package `katex@0.16.4` (`dist/katex.min.css`,
//! `dist/fonts/*.woff2`), vendored in this crate's `katex/` folder with KaTeX's LICENSE and
//! embedded in the binary, so the tool works on any book, including books without a `theme/`
//! folder.
//!
//! How pages load them:
//!
//! - `coursebook build`: after the HTML renderer, [`crate::pages`] writes the files to
//!   `<html output>/katex/` and links them from the pages that show a formula.
//! - the official `mdbook` CLI (JSON protocol), where nothing runs after the renderer: the
//!   stage writes [`standalone_css`], KaTeX's stylesheet with its fonts inlined and this
//!   stage's rules, wherever book.toml's `output.html.additional-css` names a file
//!   [`STANDALONE_CSS`] (`theme/coursebook-katex.css`, as `coursebook init` writes it).
//!   mdBook then copies it to the output and links it from every page, and it needs nothing
//!   beside it (`additional-css` copies a stylesheet, not the fonts it names).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::cache::write_atomically;
use std::fs;
use std::io;
use std::path::Path;

/// KaTeX's stylesheet, byte for byte as published on npm.
pub const KATEX_CSS: &str = include_str!("../katex/katex.min.css");

/// This stage's own rules (glyphs drawn from `data-c`, see [`crate::markup`]).
pub const COURSEBOOK_CSS: &str = include_str!("../katex/coursebook-math.css");

/// KaTeX's MIT license, shipped next to its files.
pub const KATEX_LICENSE: &str = include_str!("../katex/LICENSE");

/// The folder, under the HTML output, that holds the assets.
pub const ASSET_DIR: &str = "katex";

/// The woff2 fonts, by file name.
pub const FONTS: &[(&str, &[u8])] = &[
    (
        "KaTeX_AMS-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_AMS-Regular.woff2"),
    ),
    (
        "KaTeX_Caligraphic-Bold.woff2",
        include_bytes!("../katex/fonts/KaTeX_Caligraphic-Bold.woff2"),
    ),
    (
        "KaTeX_Caligraphic-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Caligraphic-Regular.woff2"),
    ),
    (
        "KaTeX_Fraktur-Bold.woff2",
        include_bytes!("../katex/fonts/KaTeX_Fraktur-Bold.woff2"),
    ),
    (
        "KaTeX_Fraktur-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Fraktur-Regular.woff2"),
    ),
    (
        "KaTeX_Main-Bold.woff2",
        include_bytes!("../katex/fonts/KaTeX_Main-Bold.woff2"),
    ),
    (
        "KaTeX_Main-BoldItalic.woff2",
        include_bytes!("../katex/fonts/KaTeX_Main-BoldItalic.woff2"),
    ),
    (
        "KaTeX_Main-Italic.woff2",
        include_bytes!("../katex/fonts/KaTeX_Main-Italic.woff2"),
    ),
    (
        "KaTeX_Main-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Main-Regular.woff2"),
    ),
    (
        "KaTeX_Math-BoldItalic.woff2",
        include_bytes!("../katex/fonts/KaTeX_Math-BoldItalic.woff2"),
    ),
    (
        "KaTeX_Math-Italic.woff2",
        include_bytes!("../katex/fonts/KaTeX_Math-Italic.woff2"),
    ),
    (
        "KaTeX_SansSerif-Bold.woff2",
        include_bytes!("../katex/fonts/KaTeX_SansSerif-Bold.woff2"),
    ),
    (
        "KaTeX_SansSerif-Italic.woff2",
        include_bytes!("../katex/fonts/KaTeX_SansSerif-Italic.woff2"),
    ),
    (
        "KaTeX_SansSerif-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_SansSerif-Regular.woff2"),
    ),
    (
        "KaTeX_Script-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Script-Regular.woff2"),
    ),
    (
        "KaTeX_Size1-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Size1-Regular.woff2"),
    ),
    (
        "KaTeX_Size2-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Size2-Regular.woff2"),
    ),
    (
        "KaTeX_Size3-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Size3-Regular.woff2"),
    ),
    (
        "KaTeX_Size4-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Size4-Regular.woff2"),
    ),
    (
        "KaTeX_Typewriter-Regular.woff2",
        include_bytes!("../katex/fonts/KaTeX_Typewriter-Regular.woff2"),
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

/// The file name of the self-contained stylesheet for the official `mdbook` CLI.
pub const STANDALONE_CSS: &str = "coursebook-katex.css";

/// KaTeX's stylesheet with each font's sources reduced to its woff2 file inlined as a data
/// URL, followed by this stage's rules: one file that needs nothing beside it.
pub fn standalone_css() -> String {
    let mut css = String::with_capacity(KATEX_CSS.len() + 400 * 1024);
    let mut rest = KATEX_CSS;
    while let Some(at) = rest.find("src:url(fonts/") {
        css.push_str(&rest[..at]);
        let list = &rest[at..];
        // The sources end where the @font-face rule's next declaration or end starts.
        let end = list.find([';', '}']).unwrap_or(list.len());
        let woff2 = css_woff2_fonts(&list[..end].replacen("src:", "", 1))
            .first()
            .and_then(|name| FONTS.iter().find(|(n, _)| n == name));
        match woff2 {
            Some((_, bytes)) => css.push_str(&format!(
                "src:url(data:font/woff2;base64,{}) format(\"woff2\")",
                STANDARD.encode(bytes)
            )),
            None => css.push_str(&list[..end]),
        }
        rest = &list[end..];
    }
    css.push_str(rest);
    css.push('\n');
    css.push_str(COURSEBOOK_CSS);
    css
}

/// Writes [`standalone_css`] to each of `entries` (book.toml's `additional-css`, relative to
/// `root`) whose file name is [`STANDALONE_CSS`]; returns how many it wrote. Unchanged files
/// are left alone.
pub fn write_standalone_css(root: &Path, entries: &[String]) -> io::Result<usize> {
    let targets: Vec<&String> = entries
        .iter()
        .filter(|e| {
            Path::new(e)
                .file_name()
                .is_some_and(|n| n == STANDALONE_CSS)
        })
        .collect();
    if targets.is_empty() {
        return Ok(0);
    }
    let css = standalone_css();
    for entry in &targets {
        let path = root.join(entry);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        write_if_changed(&path, css.as_bytes())?;
    }
    Ok(targets.len())
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
    fn the_standalone_stylesheet_carries_every_font_and_names_no_file() {
        let css = standalone_css();
        assert_eq!(css.matches("data:font/woff2;base64,").count(), FONTS.len());
        assert!(!css.contains("url(fonts/"), "a font is still named by file");
        assert!(css.contains(".katex-version:after{content:\"0.16.4\"}"));
        assert!(css.ends_with(COURSEBOOK_CSS));
        let main = FONTS
            .iter()
            .find(|(n, _)| *n == "KaTeX_Main-Regular.woff2")
            .unwrap();
        assert!(css.contains(&STANDARD.encode(main.1)));
    }

    #[test]
    fn the_standalone_stylesheet_is_written_only_where_additional_css_names_it() {
        let root = std::env::temp_dir().join(format!("standalone-css-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let entries = vec![
            "theme/custom.css".to_owned(),
            "theme/coursebook-katex.css".to_owned(),
        ];
        assert_eq!(write_standalone_css(&root, &entries).unwrap(), 1);
        assert!(root.join("theme/coursebook-katex.css").is_file());
        assert!(!root.join("theme/custom.css").exists());
        assert_eq!(write_standalone_css(&root, &entries[..1]).unwrap(), 0);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_stylesheet_needs_no_network() {
        assert!(!KATEX_CSS.contains("http://") && !KATEX_CSS.contains("https://"));
    }
}
