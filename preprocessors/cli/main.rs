//! `coursebook`: builds, checks and serves a course book whose answers are proven right.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc for the whole process, C code included (its `override` feature replaces `malloc`):
/// KaTeX runs in QuickJS, whose objects are small, short-lived C allocations, and renders
/// about 17% faster on it than on glibc's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "coursebook", version, about = "Build, check and serve a course book whose answers are proven right", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new book in DIR: a chapter with checked answers, a formula and a figure, and
    /// the book's library crate; it builds at once.
    Init {
        /// The new book's folder (must not exist, or be empty).
        dir: PathBuf,
        /// Add an exam: a question with points, answer and barème; the corrigé and the sujet.
        #[arg(long)]
        exam: bool,
        /// The language of the book.
        #[arg(long, value_enum, default_value = "en")]
        language: coursebook::init::Language,
    },
    /// Build the book (every edition) into its build folder, `book/` by default.
    Build {
        /// The book's root folder, where book.toml is.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output folder, instead of book.toml's `build.build-dir`.
        #[arg(short = 'd', long)]
        dest_dir: Option<PathBuf>,
    },
    /// Run the computations and check every written answer, without rendering HTML.
    Check {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write a JSON report of every check to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write a JUnit XML report (one test case per check) to this file.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
    /// Build the book, serve it on localhost, rebuild on change and reload the page.
    Serve {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(short = 'p', long, default_value_t = 3000)]
        port: u16,
        #[arg(short = 'n', long, default_value = "127.0.0.1")]
        hostname: String,
        #[arg(short = 'd', long)]
        dest_dir: Option<PathBuf>,
    },
    /// Run one stage as an mdBook preprocessor (for the `mdbook` CLI: `command` in book.toml).
    Preprocess {
        /// The stage: compute, exam, math (or katex).
        stage: String,
        /// `supports RENDERER`, as mdBook asks before running a preprocessor.
        #[arg(trailing_var_arg = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    coursebook::logging::init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init {
            dir,
            exam,
            language,
        } => coursebook::init::init(&dir, coursebook::init::InitOptions { exam, language }).map(
            |_| {
                println!(
                    "Created the book {0}. Build it with `coursebook build {0}`.",
                    dir.display()
                )
            },
        ),
        Command::Build { dir, dest_dir } => {
            coursebook::build(&dir, dest_dir.as_deref()).map(|_| ())
        }
        Command::Check { dir, json, junit } => {
            coursebook::check_command(&dir, json.as_deref(), junit.as_deref())
        }
        Command::Serve {
            dir,
            port,
            hostname,
            dest_dir,
        } => coursebook::serve::serve(&dir, dest_dir.as_deref(), &hostname, port),
        Command::Preprocess { stage, args } => match coursebook::protocol::run(&stage, &args) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}", coursebook::render_error(&err));
            ExitCode::FAILURE
        }
    }
}
