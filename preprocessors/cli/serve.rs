//! `coursebook serve`: build, serve on localhost, rebuild when a source changes, and reload
//! the pages that are open.
//!
//! Changes are found by polling the book's files twice a second: no platform watcher to go
//! wrong on network or container file systems, and a book has few files. The output folder,
//! `target/` folders (caches, the library's build) and hidden folders are not watched, so
//! writing the output, a cache or the runtime never triggers a rebuild.

use anyhow::Result;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The path pages poll to learn that a new build is there.
const VERSION_PATH: &str = "/__coursebook/version";

/// Injected before `</body>`: reloads the page when the build version changes.
const RELOAD_SCRIPT: &str = "<script>(function(){var v=null;function poll(){fetch('/__coursebook/version',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t}).catch(function(){}).finally(function(){setTimeout(poll,1000)})}poll()})();</script>";

pub fn serve(dir: &Path, dest: Option<&Path>, hostname: &str, port: u16) -> Result<()> {
    let root = std::path::absolute(dir)?;
    let config = crate::stages::load_config(&root)?;
    let dest = match dest {
        Some(d) => std::path::absolute(d)?,
        None => root.join(&config.build.build_dir),
    };
    let version = Arc::new(AtomicU64::new(0));
    rebuild(&root, &dest, &version);
    let server = tiny_http::Server::http((hostname, port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {hostname}:{port}: {e}"))?;
    eprintln!(
        "Serving {} on http://{hostname}:{port}/ (Ctrl-C to stop)",
        dest.display()
    );
    {
        let (root, dest, version) = (root.clone(), dest.clone(), version.clone());
        std::thread::spawn(move || watch(&root, &dest, &version));
    }
    for request in server.incoming_requests() {
        let response = respond(&dest, request.url(), version.load(Ordering::SeqCst));
        let _ = request.respond(response);
    }
    Ok(())
}

fn rebuild(root: &Path, dest: &Path, version: &AtomicU64) {
    match crate::build(root, Some(dest)) {
        Ok(built) => {
            version.fetch_add(1, Ordering::SeqCst);
            eprintln!("Built {} ({})", dest.display(), built.report.summary());
        }
        Err(e) => eprintln!(
            "{}\nThe previous build is still served.",
            crate::render_error(&e)
        ),
    }
}

fn watch(root: &Path, dest: &Path, version: &AtomicU64) {
    let mut last = fingerprint(root, dest);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = fingerprint(root, dest);
        if now != last {
            last = now;
            eprintln!("Change detected, rebuilding…");
            rebuild(root, dest, version);
        }
    }
}

/// Paths, sizes and modification times of the files a build reads.
fn fingerprint(root: &Path, dest: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let path = e.path();
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            // Any `target/`: the book's caches, and the build output of its library's crate.
            let build_output = e.depth() > 0 && e.file_type().is_dir() && e.file_name() == "target";
            !(hidden || path.starts_with(dest) || build_output)
        })
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().ok();
            (
                e.path().to_path_buf(),
                meta.as_ref().map_or(0, |m| m.len()),
                meta.and_then(|m| m.modified().ok()),
            )
        })
        .collect()
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn respond(dest: &Path, url: &str, version: u64) -> Response {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == VERSION_PATH {
        return with_type(
            tiny_http::Response::from_string(version.to_string()),
            "text/plain",
        );
    }
    match resolve(dest, path).and_then(|file| std::fs::read(&file).ok().map(|b| (file, b))) {
        Some((file, bytes)) => {
            let kind = content_type(&file);
            let bytes = if kind.starts_with("text/html") {
                inject_reload(bytes)
            } else {
                bytes
            };
            with_type(tiny_http::Response::from_data(bytes), kind)
        }
        None => with_type(
            tiny_http::Response::from_string("404 Not Found"),
            "text/plain",
        )
        .with_status_code(404),
    }
}

/// The file for a URL path, refusing anything that would leave the output folder.
fn resolve(dest: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut file = dest.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn inject_reload(bytes: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&bytes);
    match text.rfind("</body>") {
        Some(i) => format!("{}{RELOAD_SCRIPT}{}", &text[..i], &text[i..]).into_bytes(),
        None => bytes,
    }
}

fn with_type(response: Response, kind: &str) -> Response {
    match tiny_http::Header::from_bytes("Content-Type", kind) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

/// The `Content-Type` of a file of the output, by its extension.
pub fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_cannot_leave_the_output_folder() {
        let dest = std::env::temp_dir();
        assert_eq!(resolve(&dest, "/../etc/passwd"), None);
        assert_eq!(resolve(&dest, "/%2e%2e/etc/passwd"), None);
    }

    #[test]
    fn pages_get_the_reload_script() {
        let html = inject_reload(b"<html><body>x</body></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains(VERSION_PATH));
        assert!(html.ends_with("</script></body></html>"));
    }
}
