//! A4 PDFs of each edition, printed by headless Chromium from the edition's own print page
//! (`print.html`), so that KaTeX's math and the SVG figures stay vector and look as on screen.
//! The theme's print stylesheet sets the A4 page, the page numbers and the breaks.
//!
//! Chromium is looked for as `$COURSEBOOK_CHROMIUM`, then `chromium`, `chromium-browser`,
//! `google-chrome` and `google-chrome-stable` on `PATH`. Without it the PDFs are skipped with
//! one line saying how to get them; a Chromium that fails is an error. A PDF is written to a
//! temporary name and renamed when complete, so no half-written PDF is ever left.

use crate::stages::Edition;
use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The names Chromium goes by on `PATH`.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long one PDF may take before Chromium is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The one line printed when Chromium is not found.
pub const SKIPPED: &str = "PDFs skipped: Chromium was not found (install it, e.g. `apt-get install chromium`, or set COURSEBOOK_CHROMIUM to its path)";

/// Prints `out/NAME/print.html` of each edition into `out/NAME.pdf` with `chromium` (see
/// [`find_chromium`]); returns the editions printed. Without Chromium, says so in one line and
/// prints nothing.
pub fn print_editions(
    out: &Path,
    editions: &[Edition],
    chromium: Option<&Path>,
) -> Result<Vec<Edition>> {
    let pages: Vec<(Edition, PathBuf)> = editions
        .iter()
        .map(|e| (*e, out.join(e.name()).join("print.html")))
        .filter(|(_, html)| html.is_file())
        .collect();
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let Some(chromium) = chromium else {
        common::progress::eprint(&format!("{SKIPPED}\n"));
        return Ok(Vec::new());
    };
    let mut printed = Vec::new();
    for (edition, html) in pages {
        let pdf = out.join(file_name(&edition));
        print(chromium, &html, &pdf, &std::env::temp_dir())?;
        printed.push(edition);
    }
    Ok(printed)
}

/// The name of an edition's PDF, beside its folder.
pub fn file_name(edition: &Edition) -> String {
    format!("{}.pdf", edition.name())
}

/// Finds Chromium from the environment of this process.
pub fn find_chromium() -> Option<PathBuf> {
    find_in(
        std::env::var_os("COURSEBOOK_CHROMIUM"),
        std::env::var_os("PATH"),
    )
}

/// Finds Chromium: `explicit` when given (it must exist), else the first of [`NAMES`] in
/// the folders of `path`.
fn find_in(explicit: Option<OsString>, path: Option<OsString>) -> Option<PathBuf> {
    if let Some(explicit) = explicit.filter(|e| !e.is_empty()) {
        let explicit = PathBuf::from(explicit);
        return explicit.is_file().then_some(explicit);
    }
    let path = path?;
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Prints `html` into `pdf` with `chromium`, using `scratch` for Chromium's profile.
pub fn print(chromium: &Path, html: &Path, pdf: &Path, scratch: &Path) -> Result<()> {
    let tmp = pdf.with_file_name(common::cache::temp_name(
        &pdf.file_name().unwrap_or_default().to_string_lossy(),
    ));
    let profile = scratch.join(common::cache::temp_name("chromium-profile"));
    let result = run(chromium, html, &tmp, &profile);
    let _ = std::fs::remove_dir_all(&profile);
    if let Err(e) = result.and_then(|()| complete(&tmp)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("Chromium could not print {}", pdf.display())));
    }
    std::fs::rename(&tmp, pdf).with_context(|| format!("cannot write {}", pdf.display()))
}

/// Runs Chromium once, stopped after [`TIMEOUT`].
fn run(chromium: &Path, html: &Path, out: &Path, profile: &Path) -> Result<()> {
    let url = format!("file://{}", html.display());
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", chromium.display()))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if status.success() {
                return Ok(());
            }
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                use std::io::Read;
                let _ = pipe.read_to_string(&mut stderr);
            }
            let last: Vec<&str> = stderr.lines().rev().take(3).collect();
            bail!(
                "{} exited with {status}: {}",
                chromium.display(),
                last.into_iter().rev().collect::<Vec<_>>().join(" | ")
            );
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} ran longer than {} s",
                chromium.display(),
                TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PDF that Chromium finished: it starts with `%PDF-` and ends with `%%EOF`.
fn complete(pdf: &Path) -> Result<()> {
    let bytes = std::fs::read(pdf).with_context(|| format!("no PDF at {}", pdf.display()))?;
    let tail = &bytes[bytes.len().saturating_sub(32)..];
    let ends = tail.windows(5).any(|w| w == b"%%EOF");
    if !bytes.starts_with(b"%PDF-") || !ends {
        bail!("{} is not a complete PDF", pdf.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("coursebook-pdf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn chromium_is_found_on_the_path_or_where_the_variable_says() {
        let dir = scratch("find");
        assert_eq!(find_in(None, Some(dir.clone().into_os_string())), None);
        std::fs::write(dir.join("chromium-browser"), "").unwrap();
        assert_eq!(
            find_in(None, Some(dir.clone().into_os_string())),
            Some(dir.join("chromium-browser"))
        );
        let missing = dir.join("nowhere");
        assert_eq!(
            find_in(
                Some(missing.into_os_string()),
                Some(dir.clone().into_os_string())
            ),
            None,
            "a COURSEBOOK_CHROMIUM that does not exist is not replaced by another"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_failing_chromium_leaves_no_pdf() {
        let dir = scratch("fail");
        // A "Chromium" that writes half a PDF, then fails.
        let fake = dir.join("chromium");
        std::fs::write(
            &fake,
            "#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) printf '%%PDF-1.4 half' > \"${a#--print-to-pdf=}\";; esac; done\necho 'no display' >&2\nexit 3\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let pdf = dir.join("sujet.pdf");
        let err = print(&fake, &dir.join("print.html"), &pdf, &dir).expect_err("it fails");
        let text = format!("{err:#}");
        assert!(
            text.contains("exited with") && text.contains("no display"),
            "{text}"
        );
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("pdf"))
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}");

        // One that exits well but writes an incomplete file is refused too.
        std::fs::write(
            &fake,
            "#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) printf '%%PDF-1.4 half' > \"${a#--print-to-pdf=}\";; esac; done\n",
        )
        .unwrap();
        let err = print(&fake, &dir.join("print.html"), &pdf, &dir).expect_err("incomplete");
        assert!(format!("{err:#}").contains("not a complete PDF"), "{err:#}");
        assert!(!pdf.exists());
        let _ = std::fs::remove_dir_all(dir);
    }
}
