//! `coursebook serve`: build, serve on localhost, rebuild when a source changes, and reload
//! the pages that are open. When a rebuild fails, the open pages show its diagnostics over the
//! last good page, where the author is looking, until a build succeeds again.
//!
//! Changes are found by polling the book's files twice a second: no platform watcher to go
//! wrong on network or container file systems, and a book has few files. The output folder,
//! `target/` folders (caches, the library's build) and hidden folders are not watched, so
//! writing the output, a cache or the runtime never triggers a rebuild.

use anyhow::Result;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// The path pages poll to learn that a new build is there, or that a rebuild failed.
const STATUS_PATH: &str = "/__coursebook/status";

/// Injected before `</body>`: polls the build status; reloads the page when a new build is
/// there, and shows a failed rebuild's diagnostics in an overlay (as text, never as markup).
const RELOAD_SCRIPT: &str = "<script>(function(){var v=null;\
function show(e){var o=document.getElementById('cb-build-error');\
if(!e){if(o){o.remove()}return}\
if(!o){o=document.createElement('pre');o.id='cb-build-error';o.setAttribute('role','alert');\
o.style.cssText='position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:10000;margin:0;padding:1em 1.5em;background:#300;color:#fee;border-top:4px solid #e44;font:13px/1.45 monospace;white-space:pre-wrap';\
document.body.appendChild(o)}o.textContent=e}\
function poll(){fetch('/__coursebook/status',{cache:'no-store'}).then(function(r){return r.json()})\
.then(function(s){if(v!==null&&s.version!==v&&!s.error){location.reload();return}show(s.error);v=s.version})\
.catch(function(){}).finally(function(){setTimeout(poll,500)})}poll()})();</script>";

/// What the open pages learn from [`STATUS_PATH`].
#[derive(Debug, Default)]
struct Status {
    /// Bumped by each successful build.
    version: u64,
    /// The diagnostics of the last build, when it failed.
    error: Option<String>,
}

type Shared = Arc<Mutex<Status>>;

fn lock(status: &Shared) -> std::sync::MutexGuard<'_, Status> {
    status.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `coursebook serve`: builds the book at `dir` into `dest`, serves it on `hostname:port`,
/// rebuilds when a source changes and reloads the reader's page; a failed rebuild shows its
/// diagnostics over the last good page. Runs until the process is stopped.
pub fn serve(dir: &Path, dest: Option<&Path>, hostname: &str, port: u16) -> Result<()> {
    let root = std::path::absolute(dir)?;
    let config = crate::stages::load_config(&root)?;
    let dest = crate::guard::destination(&root, &config, dest)?;
    let status = Shared::default();
    rebuild(&root, &dest, &status);
    let listener = std::net::TcpListener::bind((hostname, port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {hostname}:{port}: {e}"))?;
    eprintln!(
        "Serving {} on http://{hostname}:{port}/ (Ctrl-C to stop)",
        dest.display()
    );
    {
        let (root, dest, status) = (root.clone(), dest.clone(), status.clone());
        std::thread::spawn(move || watch(&root, &dest, &status));
    }
    // A thread a connection, one request a connection (`Connection: close`): a browser that
    // keeps connections open, or reads one response slowly, never holds back the others.
    // (tiny_http, used before, left a browser's sixth connection unaccepted while five idle
    // keep-alive ones held its workers: the page never finished loading.)
    for stream in listener.incoming().flatten() {
        let (dest, status) = (dest.clone(), status.clone());
        std::thread::spawn(move || {
            let _ = answer(stream, &dest, &status);
        });
    }
    Ok(())
}

fn rebuild(root: &Path, dest: &Path, status: &Shared) {
    let options = crate::BuildOptions {
        paper: crate::Paper::Skip,
        ..Default::default()
    };
    match crate::build_with(root, Some(dest), options) {
        Ok(built) => {
            let mut status = lock(status);
            status.version += 1;
            status.error = None;
            drop(status);
            eprintln!("Built {} ({})", dest.display(), built.report.summary());
            // The open pages reload now; the previous output goes while they do.
            drop(built);
        }
        Err(e) => {
            let text = crate::render_error(&e);
            eprintln!("{text}\nThe previous build is still served.");
            lock(status).error = Some(without_escapes(&text));
        }
    }
}

/// `text` without terminal escape sequences, for a page.
fn without_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn watch(root: &Path, dest: &Path, status: &Shared) {
    let mut last = fingerprint(root, dest);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = fingerprint(root, dest);
        if now != last {
            last = now;
            eprintln!("Change detected, rebuilding…");
            rebuild(root, dest, status);
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

/// Reads one request from `stream` and writes its response.
fn answer(mut stream: TcpStream, dest: &Path, status: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The headers say nothing this server needs.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    let url = request_line.split_whitespace().nth(1).unwrap_or("/");
    let response = respond(dest, url, status);
    write!(
        stream,
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        response.status,
        response.kind,
        response.body.len()
    )?;
    stream.write_all(&response.body)?;
    stream.flush()
}

/// What one request gets.
struct Response {
    status: &'static str,
    kind: &'static str,
    body: Vec<u8>,
}

fn respond(dest: &Path, url: &str, status: &Shared) -> Response {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == STATUS_PATH {
        let json = {
            let status = lock(status);
            serde_json::json!({ "version": status.version, "error": status.error })
        };
        return Response {
            status: "200 OK",
            kind: "application/json",
            body: json.to_string().into_bytes(),
        };
    }
    match resolve(dest, path).and_then(|file| std::fs::read(&file).ok().map(|b| (file, b))) {
        Some((file, bytes)) => {
            let kind = content_type(&file);
            let bytes = if kind.starts_with("text/html") {
                inject_reload(bytes)
            } else {
                bytes
            };
            Response {
                status: "200 OK",
                kind,
                body: bytes,
            }
        }
        None => Response {
            status: "404 Not Found",
            kind: "text/plain; charset=utf-8",
            body: b"404 Not Found".to_vec(),
        },
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
        assert!(html.contains(STATUS_PATH));
        assert!(html.ends_with("</script></body></html>"));
    }
}
