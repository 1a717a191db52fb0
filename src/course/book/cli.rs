//! The book's subcommands: `netrepl mdbook [supports RENDERER]` (mdBook's
//! preprocessor protocol) and `netrepl book build|serve`. They read their
//! own arguments, as `netrepl lessons check` does, so the REPL's options
//! stay as they are.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mdbook_preprocessor::{MDBOOK_VERSION, Preprocessor};

use super::preprocess::NetreplPreprocessor;
use super::seal::LabUse;
use super::{BuildOptions, LessonSource, SealOptions};

const BOOK_USAGE: &str = "usage: netrepl book build [--lessons DIR] [-o OUT] [--lab|--no-lab] [--unsealed] [BOOK_DIR]\n       netrepl book serve [--lessons DIR] [-o OUT] [--lab|--no-lab] [--unsealed] [--port PORT] [BOOK_DIR]\n\nBOOK_DIR is the book's sources (default: those built into netrepl); DIR the lessons (default: those BOOK_DIR's book.toml names, or the built-in course); OUT where the HTML goes (default: BOOK_DIR/../target/book, or ./netrepl-book).\nBlocks run sealed: a fresh data directory each and, as root, a namespace with only loopback and the host name netrepl-book. needs=lab blocks run in the lab when it is up; --lab brings it up for the build if it is down (as root), --no-lab never uses it; --unsealed runs them on this machine as it is.";

/// Where the built-in book goes when no `-o` is given.
const BUILT_IN_DEST: &str = "netrepl-book";

/// The netrepl program itself, which runs the book's examples.
fn this_program() -> Result<PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("cannot find its own program: {e}"))
}

/// `netrepl mdbook supports RENDERER` answers by exit status; `netrepl
/// mdbook` reads `[context, book]` JSON on stdin and writes the book JSON
/// on stdout. Diagnostics go to stderr only, since stdout is the protocol.
pub fn mdbook_command(args: &[String]) -> ExitCode {
    let preprocessor = match this_program() {
        Ok(netrepl) => NetreplPreprocessor::new(netrepl),
        Err(e) => {
            eprintln!("netrepl: {e}");
            return ExitCode::from(2);
        }
    };
    match args.first().map(String::as_str) {
        Some("supports") => {
            let renderer = args.get(1).map(String::as_str).unwrap_or_default();
            match preprocessor.supports_renderer(renderer) {
                Ok(true) => ExitCode::SUCCESS,
                _ => ExitCode::from(1),
            }
        }
        None => {
            let mut input = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut input) {
                eprintln!("netrepl mdbook: cannot read the book from stdin: {e}");
                return ExitCode::from(1);
            }
            let (ctx, book) = match mdbook_preprocessor::parse_input(input.as_slice()) {
                Ok(parsed) => parsed,
                Err(e) => {
                    eprintln!("netrepl mdbook: {e:#}");
                    return ExitCode::from(1);
                }
            };
            if major_minor(&ctx.mdbook_version) != major_minor(MDBOOK_VERSION) {
                eprintln!(
                    "netrepl mdbook: warning: built for mdbook {MDBOOK_VERSION}, called by mdbook {}",
                    ctx.mdbook_version
                );
            }
            let result = preprocessor.run(&ctx, book);
            // mdBook would throw the book away on a failure, so the book's
            // problems are reported here and the book is still handed back.
            for problem in preprocessor.take_problems() {
                eprintln!("netrepl mdbook: {problem}");
            }
            match result {
                Ok(book) => {
                    let mut stdout = std::io::stdout().lock();
                    match serde_json::to_writer(&mut stdout, &book) {
                        Ok(()) => {
                            let _ = stdout.flush();
                            ExitCode::SUCCESS
                        }
                        Err(e) => {
                            eprintln!("netrepl mdbook: cannot write the book: {e}");
                            ExitCode::from(1)
                        }
                    }
                }
                Err(e) => {
                    eprintln!("netrepl mdbook: {e:#}");
                    ExitCode::from(1)
                }
            }
        }
        Some(_) => {
            eprintln!("usage: netrepl mdbook [supports RENDERER] (mdBook runs this itself)");
            ExitCode::from(2)
        }
    }
}

fn major_minor(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// What `netrepl book ...` was asked.
struct BookArgs {
    serve: bool,
    book_dir: Option<PathBuf>,
    lessons: Option<PathBuf>,
    dest: Option<PathBuf>,
    port: u16,
    seal: SealOptions,
}

fn parse_book_args(args: &[String]) -> Result<BookArgs, String> {
    let serve = match args.first().map(String::as_str) {
        Some("build") => false,
        Some("serve") => true,
        _ => return Err(BOOK_USAGE.into()),
    };
    let mut parsed = BookArgs {
        serve,
        book_dir: None,
        lessons: None,
        dest: None,
        port: 3000,
        seal: SealOptions::default(),
    };
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-o" | "--dest" | "-d" => {
                parsed.dest = Some(rest.next().ok_or(BOOK_USAGE)?.into());
            }
            "--lessons" => parsed.lessons = Some(rest.next().ok_or(BOOK_USAGE)?.into()),
            "--unsealed" => parsed.seal.unsealed = true,
            "--lab" => parsed.seal.lab = LabUse::Build,
            "--no-lab" => parsed.seal.lab = LabUse::Never,
            "--port" | "-p" if serve => {
                let port = rest.next().ok_or(BOOK_USAGE)?;
                parsed.port = port
                    .parse()
                    .map_err(|_| format!("--port takes a number, not {port}"))?;
            }
            other if other.starts_with('-') || parsed.book_dir.is_some() => {
                return Err(BOOK_USAGE.into());
            }
            dir => parsed.book_dir = Some(dir.into()),
        }
    }
    Ok(parsed)
}

/// `netrepl book build|serve`. A build writes the book even when its sources
/// have problems, prints each as `file:line: message`, and then exits 1.
pub fn book_command(args: &[String]) -> ExitCode {
    let parsed = match parse_book_args(args) {
        Ok(parsed) => parsed,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let netrepl = match this_program() {
        Ok(netrepl) => netrepl,
        Err(e) => {
            eprintln!("netrepl: {e}");
            return ExitCode::from(2);
        }
    };
    let dest = parsed
        .dest
        .clone()
        .unwrap_or_else(|| match &parsed.book_dir {
            Some(dir) => dir.join("..").join("target").join("book"),
            None => PathBuf::from(BUILT_IN_DEST),
        });
    let options = BuildOptions {
        book_dir: parsed.book_dir.clone(),
        lessons: parsed.lessons.clone().map(LessonSource::Dir),
        dest,
        netrepl,
        seal: parsed.seal,
    };
    if parsed.serve {
        return match super::serve::serve(&options, parsed.port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("netrepl book serve: {e}");
                ExitCode::from(1)
            }
        };
    }
    let started = std::time::Instant::now();
    match super::build_book(&options) {
        Ok(built) => {
            for problem in &built.problems {
                eprintln!("{problem}");
            }
            eprintln!(
                "The book is in {} ({:.1} s); open {}",
                built.dest.display(),
                started.elapsed().as_secs_f64(),
                Path::new(&built.dest).join("index.html").display()
            );
            if built.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "netrepl book build: {} problem(s), listed above; the book was written all the same",
                    built.problems.len()
                );
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("netrepl book build: {e}");
            ExitCode::from(1)
        }
    }
}
