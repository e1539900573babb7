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
    /// Print no progress and no summary, only warnings and errors.
    #[arg(short, long, global = true)]
    quiet: bool,
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
        /// Treat every warning as an error: a formula KaTeX refuses fails the build even in a
        /// book written for mdbook-katex (which only warns by default), and so does a lint.
        #[arg(long)]
        deny_warnings: bool,
        /// Do not print the editions' PDFs (HTML only).
        #[arg(long)]
        no_pdf: bool,
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
        /// How to print errors and warnings: `human`, as rustc does, or `json`, one
        /// rustc-shaped JSON diagnostic a line on stdout, for editors.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
        /// Rewrite each written value that does not hold to the computed value, in the form
        /// written (decimals, separators, `%`, list punctuation), and print each change.
        #[arg(long)]
        fix: bool,
        /// Make every number written in an answer or a note that no `{{#check}}` or
        /// `{{#value}}` covers an error at its line (mark one that is not a result `{{#n …}}`).
        #[arg(long)]
        deny_unchecked: bool,
    },
    /// Empty the book's cache (`target/coursebook/`, or `$COURSEBOOK_CACHE_DIR`), once no build
    /// uses it.
    Clean {
        #[arg(default_value = ".")]
        dir: PathBuf,
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
        /// The stage, named as its book.toml table.
        #[arg(value_enum)]
        stage: coursebook::stages::Stage,
        /// `supports RENDERER`, as mdBook asks before running a preprocessor.
        #[arg(trailing_var_arg = true)]
        args: Vec<String>,
    },
}

/// The shape of diagnostics (see `common::emit`).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A step a line, as Cargo prints them, on a terminal only; the protocol's stdout is mdBook's.
    let steps = !cli.quiet
        && !matches!(cli.command, Command::Preprocess { .. })
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    coursebook::logging::init(steps);
    // Under the steps, how long the current one has taken; `serve` rebuilds in a second.
    let status =
        (steps && !matches!(cli.command, Command::Serve { .. })).then(common::progress::status);
    // Under GitHub Actions each diagnostic is also a workflow annotation on its line.
    common::emit::set_github_annotations(
        std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
    );
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
        Command::Build {
            dir,
            dest_dir,
            deny_warnings,
            no_pdf,
        } => {
            let paper = if no_pdf {
                coursebook::Paper::Skip
            } else {
                coursebook::Paper::Print
            };
            let options = coursebook::BuildOptions {
                deny_warnings,
                paper,
            };
            coursebook::build_with(&dir, dest_dir.as_deref(), options).map(|built| {
                common::progress::idle();
                if !cli.quiet {
                    eprintln!(
                        "{} {}",
                        coursebook::logging::verb("Finished"),
                        built.summary()
                    );
                }
            })
        }
        Command::Check {
            dir,
            json,
            junit,
            message_format,
            fix,
            deny_unchecked,
        } => {
            if message_format == MessageFormat::Json {
                common::emit::set_format(common::emit::Format::Json);
            }
            let options = coursebook::CheckOptions {
                json: json.as_deref(),
                junit: junit.as_deref(),
                fix,
                deny_unchecked,
            };
            coursebook::check_command(&dir, options)
        }
        Command::Clean { dir } => coursebook::clean(&dir).map(|freed| {
            if !cli.quiet {
                eprintln!(
                    "{} {} KiB of cache",
                    coursebook::logging::verb("Removed"),
                    freed / 1024
                );
            }
        }),
        Command::Serve {
            dir,
            port,
            hostname,
            dest_dir,
        } => coursebook::serve::serve(&dir, dest_dir.as_deref(), &hostname, port),
        Command::Preprocess { stage, args } => match coursebook::protocol::run(stage, &args) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
    };
    drop(status);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            coursebook::report_error(&err);
            ExitCode::FAILURE
        }
    }
}
