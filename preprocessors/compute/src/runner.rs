//! Running the compiled book: a time limit, a cap on what it prints, and its events read back.

use coursebook_notebook::notebook::Event;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a run of the program ended, besides the events it wrote.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// It exited by itself (panics inside chapters are events, not endings).
    Finished,
    /// It was stopped after the time limit.
    TimedOut(Duration),
    /// It printed more than the limit and was stopped.
    TooMuchOutput(usize),
    /// It died on its own without finishing (abort, stack overflow, `process::exit`).
    Crashed(String),
}

/// The outcome of one run.
#[derive(Debug, Clone)]
pub struct Run {
    pub events: Vec<Event>,
    pub ending: Ending,
    /// The start of what the program printed, for context in diagnostics.
    pub output_head: String,
}

/// Most a program may print (stdout and stderr together) before it is stopped: enough for any
/// debugging `println!`, small enough that a runaway loop cannot fill the disk or the memory.
pub const OUTPUT_LIMIT: usize = 1 << 20;

/// Runs `exe`, writing its events to `results`, for at most `timeout`.
pub fn run(exe: &Path, results: &Path, timeout: Duration) -> Result<Run, String> {
    let mut child = Command::new(exe)
        .arg(results)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the compiled book: {e}"))?;
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|mut stream| {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        })
    })
    .collect();
    drop(tx);

    let started = Instant::now();
    let mut printed = 0usize;
    let mut head = Vec::new();
    let ending = loop {
        while let Ok(chunk) = rx.try_recv() {
            printed += chunk.len();
            if head.len() < 4096 {
                head.extend_from_slice(&chunk[..chunk.len().min(4096 - head.len())]);
            }
        }
        if printed > OUTPUT_LIMIT {
            let _ = child.kill();
            break Ending::TooMuchOutput(printed);
        }
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break Ending::Finished,
            Ok(Some(status)) => break Ending::Crashed(status.to_string()),
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                break Ending::TimedOut(timeout);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => break Ending::Crashed(e.to_string()),
        }
    };
    let _ = child.wait();
    for reader in readers {
        let _ = reader.join();
    }
    while let Ok(chunk) = rx.try_recv() {
        if head.len() < 4096 {
            head.extend_from_slice(&chunk[..chunk.len().min(4096 - head.len())]);
        }
    }
    let events = read_events(results);
    Ok(Run {
        events,
        ending,
        output_head: String::from_utf8_lossy(&head).into_owned(),
    })
}

/// Reads the events file; a truncated last line (the program was killed mid-write) is dropped.
pub fn read_events(path: &Path) -> Vec<Event> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map_while(|line| serde_json::from_str(line).ok())
        .collect()
}
