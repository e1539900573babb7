//! Running the compiled book, and the compiler, under a time limit: a cap on what a program
//! prints, its events read back, and nothing left running afterwards.
//!
//! A program runs in a process group of its own, with its output going to files rather than
//! pipes. When it exits, is stopped or times out, the whole group is killed: a child it spawned
//! (`sleep 150` holding the inherited stdout) can neither outlive the build nor keep it waiting
//! for a pipe to close.

use coursebook_notebook::notebook::Event;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
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
    /// What the program reported, in order.
    pub events: Vec<Event>,
    /// Lines of the results file that could not be read, with their 1-based number.
    pub unreadable: Vec<(usize, String)>,
    /// How the program ended.
    pub ending: Ending,
    /// The start of what the program printed, for context in diagnostics.
    pub output_head: String,
}

/// Most a program may print (stdout and stderr together) before it is stopped: enough for any
/// debugging `println!`, small enough that a runaway loop cannot fill the disk or the memory.
pub const OUTPUT_LIMIT: usize = 1 << 20;

/// How a bounded command ended.
#[derive(Debug)]
pub enum Outcome {
    /// It ended on its own, with this status.
    Exited(ExitStatus),
    /// It was still running at the time limit, and was killed.
    TimedOut,
    /// It printed more than the limit (this many bytes), and was killed.
    TooMuchOutput(usize),
}

/// A command that ran under [`bounded`]: how it ended, and the files holding its output.
#[derive(Debug)]
pub struct Bounded {
    /// How it ended.
    pub outcome: Outcome,
    /// Bytes written to stdout and stderr together.
    pub printed: usize,
}

/// Runs `command` for at most `timeout`, its stdout and stderr going to `stdout` and `stderr`,
/// stopping it once they hold more than `output_limit` bytes. Its whole process group is killed
/// on return, whatever happened.
pub fn bounded(
    mut command: Command,
    stdout: &Path,
    stderr: &Path,
    timeout: Duration,
    output_limit: usize,
) -> Result<Bounded, String> {
    let create = |path: &Path| {
        File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
    };
    command
        .stdin(Stdio::null())
        .stdout(create(stdout)?)
        .stderr(create(stderr)?);
    own_process_group(&mut command);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let started = Instant::now();
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    let result = loop {
        let printed = size(stdout) + size(stderr);
        if printed > output_limit {
            break Ok(Outcome::TooMuchOutput(printed));
        }
        match child.try_wait() {
            Ok(Some(status)) => break Ok(Outcome::Exited(status)),
            Ok(None) if started.elapsed() > timeout => break Ok(Outcome::TimedOut),
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(format!("cannot wait for {command:?}: {e}")),
        }
    };
    kill_group(&mut child);
    result.map(|outcome| Bounded {
        outcome,
        printed: size(stdout) + size(stderr),
    })
}

#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_: &mut Command) {}

/// Kills the child's process group (its own, see [`own_process_group`]), then reaps the child.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals that process group; it touches no memory.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs `exe` for at most `timeout` in `dir`, with the chapters' folders `chapter_dirs`
/// (relative to `dir`) as arguments, writing its events to `results`.
pub fn run(
    exe: &Path,
    dir: &Path,
    chapter_dirs: &[String],
    results: &Path,
    timeout: Duration,
) -> Result<Run, String> {
    let mut command = Command::new(exe);
    command.arg(results).args(chapter_dirs).current_dir(dir);
    let stdout = results.with_extension("stdout");
    let stderr = results.with_extension("stderr");
    let bounded = bounded(command, &stdout, &stderr, timeout, OUTPUT_LIMIT)
        .map_err(|e| format!("cannot run the compiled book: {e}"))?;
    let ending = match bounded.outcome {
        Outcome::Exited(status) if status.success() => Ending::Finished,
        Outcome::Exited(status) => Ending::Crashed(status.to_string()),
        Outcome::TimedOut => Ending::TimedOut(timeout),
        Outcome::TooMuchOutput(printed) => Ending::TooMuchOutput(printed),
    };
    let mut head = head_of(&stdout, 4096);
    head.extend(head_of(&stderr, 4096 - head.len()));
    let (events, unreadable) = read_events(results);
    Ok(Run {
        events,
        unreadable,
        ending,
        output_head: String::from_utf8_lossy(&head).into_owned(),
    })
}

/// The first `max` bytes of a file, or nothing when it cannot be read.
fn head_of(path: &Path, max: usize) -> Vec<u8> {
    let mut head = Vec::new();
    if let Ok(file) = File::open(path) {
        let _ = file.take(max as u64).read_to_end(&mut head);
    }
    head
}

/// Reads the events file. A line that does not decode is returned with its number, to be
/// reported, and the lines after it are still read; only a last line without its newline (the
/// program was killed mid-write) is dropped silently.
pub fn read_events(path: &Path) -> (Vec<Event>, Vec<(usize, String)>) {
    let text = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let complete = text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    let mut events = Vec::new();
    let mut unreadable = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match serde_json::from_str(line) {
            Ok(event) => events.push(event),
            Err(_) if i + 1 == lines.len() && !complete => {}
            Err(e) => unreadable.push((i + 1, e.to_string())),
        }
    }
    (events, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undecodable_line_is_reported_and_the_next_ones_are_kept() {
        let dir = std::env::temp_dir().join(format!("cb-events-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("events.jsonl");
        std::fs::write(
            &path,
            "{\"event\":\"start\",\"chapter\":0}\n{\"event\":\"publish\",\"value\":null}\n{\"event\":\"end\",\"chapter\":0}\n{\"event\":\"st",
        )
        .unwrap();
        let (events, unreadable) = read_events(&path);
        assert_eq!(
            events,
            vec![Event::Start { chapter: 0 }, Event::End { chapter: 0 }]
        );
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
        assert_eq!(unreadable[0].0, 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_child_holding_the_output_does_not_keep_the_caller_waiting() {
        let dir = std::env::temp_dir().join(format!("cb-orphan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 30 & echo started"]);
        let started = Instant::now();
        let run = bounded(
            command,
            &dir.join("out"),
            &dir.join("err"),
            Duration::from_secs(20),
            OUTPUT_LIMIT,
        )
        .unwrap();
        assert!(matches!(run.outcome, Outcome::Exited(s) if s.success()));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("out")).unwrap(),
            "started\n"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_command_past_its_time_is_stopped() {
        let dir = std::env::temp_dir().join(format!("cb-slow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new("sleep");
        command.arg("30");
        let started = Instant::now();
        let run = bounded(
            command,
            &dir.join("out"),
            &dir.join("err"),
            Duration::from_millis(300),
            OUTPUT_LIMIT,
        )
        .unwrap();
        assert!(
            matches!(run.outcome, Outcome::TimedOut),
            "{:?}",
            run.outcome
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
