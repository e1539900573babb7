//! mdBook's interface in the book's language, in the HTML itself.
//!
//! mdBook's page template and scripts only have English strings (« Print this book »,
//! « Search this book ... », « Change theme », « Page not found »). For a French book the build
//! generates a theme: mdBook's default theme files with the book's own theme files laid over
//! them, and the template and `book.js` with their strings in French. Readers without
//! JavaScript, screen readers and search engines get French from the first byte. What only
//! exists at run time (the search results' header, in `searcher.js`, which a theme cannot
//! replace) is translated in the output once mdBook wrote it.
//!
//! A book whose theme has its own `index.hbs` keeps it: its author chose its words.

use anyhow::{Context, Result};
use mdbook_driver::config::Config;
use mdbook_html::theme::Theme;
use std::fs;
use std::path::{Path, PathBuf};

/// English strings of mdBook 0.5.4's `index.hbs` and their French, as whole attribute values
/// or element texts (with their delimiters, so that nothing else can match).
const TEMPLATE: &[(&str, &str)] = &[
    (
        "\"Toggle Table of Contents\"",
        "\"Afficher ou masquer la table des matières\"",
    ),
    ("\"Table of contents\"", "\"Table des matières\""),
    ("\"Change theme\"", "\"Changer de thème\""),
    ("\"Themes\"", "\"Thèmes\""),
    (
        "\"Toggle Searchbar\"",
        "\"Afficher ou masquer la recherche\"",
    ),
    ("\"Search (`/`)\"", "\"Rechercher (`/`)\""),
    ("\"Print this book\"", "\"Imprimer ce livre\""),
    ("\"Git repository\"", "\"Dépôt Git\""),
    ("\"Suggest an edit\"", "\"Proposer une modification\""),
    ("\"Previous chapter\"", "\"Chapitre précédent\""),
    ("\"Next chapter\"", "\"Chapitre suivant\""),
    ("\"Page navigation\"", "\"Navigation entre les pages\""),
    ("\"Search this book ...\"", "\"Rechercher dans ce livre…\""),
    (">Keyboard shortcuts<", ">Raccourcis clavier<"),
    (">Auto<", ">Automatique<"),
    (">Light<", ">Clair<"),
    (">Coal<", ">Charbon<"),
    (">Navy<", ">Marine<"),
    ("<p>Press ", "<p>Appuyez sur "),
    ("</kbd> or <kbd>", "</kbd> ou <kbd>"),
    (
        " to navigate between chapters<",
        " pour changer de chapitre<",
    ),
    (" to search in the book<", " pour chercher dans le livre<"),
    (" to show this help<", " pour afficher cette aide<"),
    (" to hide this help<", " pour masquer cette aide<"),
];

/// Strings that mdBook's `book.js` puts into pages.
const BOOK_JS: &[(&str, &str)] = &[
    ("'Show hidden lines'", "'Afficher les lignes masquées'"),
    ("\"Show hidden lines\"", "\"Afficher les lignes masquées\""),
    ("'Hide lines'", "'Masquer les lignes'"),
    ("'Copy to clipboard'", "'Copier dans le presse-papiers'"),
    ("'Copied!'", "'Copié\u{202F}!'"),
    ("'Run this code'", "'Exécuter ce code'"),
    ("'Undo changes'", "'Annuler les modifications'"),
    ("'No output'", "'Aucune sortie'"),
];

/// The search results' header, built by `searcher.js`.
const SEARCHER_JS: &[(&str, &str)] = &[
    (
        "' search result for \\'' + searchterm + '\\':'",
        "' résultat pour «\u{A0}' + searchterm + '\u{A0}»\u{A0}:'",
    ),
    (
        "'No search results for \\'' + searchterm + '\\'.'",
        "'Aucun résultat pour «\u{A0}' + searchterm + '\u{A0}».'",
    ),
    (
        "' search results for \\'' + searchterm + '\\':'",
        "' résultats pour «\u{A0}' + searchterm + '\u{A0}»\u{A0}:'",
    ),
];

/// mdBook's own 404 page (used when the book has no `src/404.md`), title and text.
const NOT_FOUND: &[(&str, &str)] = &[
    ("<title>Page not found", "<title>Page introuvable"),
    (">Document not found (404)<", ">Page introuvable (404)<"),
    (
        ">This URL is invalid, sorry. Please use the navigation bar or search to continue.<",
        ">Cette adresse ne mène à aucune page du livre. Le menu et la recherche mènent à \
         toutes les autres.<",
    ),
];

/// Whether the interface is translated: a French book (`book.language` starting with `fr`).
pub fn applies(config: &Config) -> bool {
    common::page::is_french(config)
}

/// For a French book whose theme has no `index.hbs`: writes the French theme into `dir` (only
/// the files whose bytes change) and points the book's HTML output at it.
pub fn prepare(root: &Path, config: &mut Config, dir: &Path) -> Result<()> {
    let html = config.html_config().unwrap_or_default();
    let own_theme = html.theme_dir(root);
    if !applies(config) || own_theme.join("index.hbs").is_file() {
        return Ok(());
    }
    // A folder of its own, so that two builds at once do not write into the same one.
    let staging = dir.with_file_name(common::cache::temp_name("interface-fr"));
    let _ = fs::remove_dir_all(&staging);
    write_default_theme(&staging)?;
    if own_theme.is_dir() {
        lay_over(&own_theme, &staging)?;
    }
    translate_file(&staging.join("index.hbs"), TEMPLATE)?;
    translate_file(&staging.join("book.js"), BOOK_JS)?;
    sync(&staging, dir)?;
    let _ = fs::remove_dir_all(&staging);
    config.set("output.html.theme", dir)?;
    Ok(())
}

/// After mdBook wrote a French book's HTML into `html`: what its scripts write at run time
/// (`searcher.js`) and mdBook's 404 page, in French.
pub fn finish(config: &Config, html: &Path) -> Result<()> {
    if !applies(config) {
        return Ok(());
    }
    for entry in fs::read_dir(html).with_context(|| format!("cannot read {}", html.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("searcher") && name.ends_with(".js") {
            translate_file(&path, SEARCHER_JS)?;
        }
    }
    let not_found = html.join("404.html");
    if not_found.is_file() {
        translate_file(&not_found, NOT_FOUND)?;
    }
    Ok(())
}

/// mdBook's default theme files, as `mdbook init --theme` writes them.
fn write_default_theme(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir.join("css"))?;
    fs::create_dir_all(dir.join("fonts"))?;
    let mut html = mdbook_driver::config::HtmlConfig::default();
    html.theme = Some(dir.to_path_buf());
    Theme::copy_theme(&html, dir).context("cannot write mdBook's default theme")
}

/// Copies every file of `from` over `to`, keeping the folders.
fn lay_over(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Replaces each English string of `pairs` in the file by its French.
fn translate_file(path: &Path, pairs: &[(&str, &str)]) -> Result<()> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let translated = translate(&text, pairs);
    if translated != text {
        fs::write(path, translated).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn translate(text: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(text.to_owned(), |t, (en, fr)| t.replace(en, fr))
}

/// Makes `dir` hold exactly the files of `staging`, rewriting only those whose bytes differ, so
/// that a watcher of the theme sees no change when nothing changed; each file is replaced whole,
/// for a build that reads the theme meanwhile.
fn sync(staging: &Path, dir: &Path) -> Result<()> {
    let mut wanted: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(staging) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(staging)?.to_path_buf();
        let target = dir.join(&relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else {
            let bytes = fs::read(entry.path())?;
            if fs::read(&target).ok().as_deref() != Some(&bytes[..]) {
                common::cache::write_atomically(&target, &bytes)?;
            }
        }
        wanted.push(relative);
    }
    for entry in walkdir::WalkDir::new(dir).contents_first(true) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(dir)?;
        if !relative.as_os_str().is_empty() && !wanted.iter().any(|w| w == relative) {
            if entry.file_type().is_dir() {
                let _ = fs::remove_dir(entry.path());
            } else {
                fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_english_string_of_the_template_is_found() {
        let dir = std::env::temp_dir().join(format!("cb-interface-{}", std::process::id()));
        write_default_theme(&dir).unwrap();
        let template = fs::read_to_string(dir.join("index.hbs")).unwrap();
        let book_js = fs::read_to_string(dir.join("book.js")).unwrap();
        for (en, _) in TEMPLATE {
            assert!(template.contains(en), "mdBook's template lost {en}");
        }
        for (en, _) in BOOK_JS {
            assert!(book_js.contains(en), "mdBook's book.js lost {en}");
        }
        fs::remove_dir_all(dir).unwrap();
    }
}
