//! A minimal WebDriver client for Debian's chromedriver and headless Chromium.

use super::http;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver with one browser session; both end when this is dropped.
pub(crate) struct Browser {
    driver: Child,
    port: u16,
    session: String,
    profile: PathBuf,
}

impl Browser {
    /// Starts `chromedriver` and a headless `chromium` with a fresh profile in `scratch`.
    ///
    /// Chromium's own background traffic (updates, sync, safe browsing) is switched off, and
    /// every host name but 127.0.0.1 resolves to nothing: a page that tries to reach the
    /// network gets a failed request, which the test sees as a console error.
    pub(crate) fn start(chromium: &Path, chromedriver: &Path, scratch: &Path) -> Browser {
        let port = free_port();
        let profile = scratch.join(format!("chromium-profile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("create the browser profile folder");
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            profile: profile.clone(),
        };
        let ready = Instant::now();
        while http::request(port, "GET", "/status", None).is_err() {
            assert!(
                ready.elapsed() < Duration::from_secs(20),
                "chromedriver did not answer on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,900".to_owned(),
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    // `goto` returns once the document is parsed; the tests wait for what they
                    // need. (Waiting for every subresource let one slow request of a loaded
                    // machine hold a navigation past the client's patience.)
                    "pageLoadStrategy": "eager",
                    "goog:chromeOptions": { "binary": chromium, "args": args },
                    "goog:loggingPrefs": { "browser": "ALL" }
                }
            }
        });
        let created = browser.call("POST", "/session", Some(capabilities));
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {created}"))
            .to_owned();
        browser
    }

    /// Sends a command and returns its `value`; panics with chromedriver's message on error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let (status, text) = http::request(self.port, method, path, body.as_deref())
            .unwrap_or_else(|e| panic!("chromedriver {method} {path}: {e}"));
        let reply: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("chromedriver {method} {path}: {e}: {text}"));
        assert!(
            status == 200,
            "chromedriver {method} {path} failed ({status}): {reply}"
        );
        reply.get("value").cloned().unwrap_or(Value::Null)
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub(crate) fn goto(&self, url: &str) {
        self.call(
            "POST",
            &self.session_path("/url"),
            Some(json!({ "url": url })),
        );
    }

    pub(crate) fn title(&self) -> String {
        self.call("GET", &self.session_path("/title"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub(crate) fn run(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            "POST",
            &self.session_path("/execute/sync"),
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The first element matching `css`, as a reference to pass to [`run`](Self::run) or
    /// [`click`](Self::click); panics when there is none.
    pub(crate) fn find(&self, css: &str) -> Value {
        let found = self.call(
            "POST",
            &self.session_path("/element"),
            Some(json!({ "using": "css selector", "value": css })),
        );
        assert!(
            found.get(ELEMENT).is_some(),
            "no element matches `{css}`: {found}"
        );
        found
    }

    /// Clicks an element found by [`find`](Self::find), as a user would (the element must be
    /// visible and not covered).
    pub(crate) fn click(&self, element: &Value) {
        let id = element[ELEMENT].as_str().unwrap_or_default();
        self.call(
            "POST",
            &self.session_path(&format!("/element/{id}/click")),
            Some(json!({})),
        );
    }

    /// Browser console entries since the last call (chromedriver's log endpoint).
    pub(crate) fn console(&self) -> Vec<Value> {
        match self.call(
            "POST",
            &self.session_path("/se/log"),
            Some(json!({ "type": "browser" })),
        ) {
            Value::Array(entries) => entries,
            other => panic!("unexpected console log reply: {other}"),
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http::request(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}
