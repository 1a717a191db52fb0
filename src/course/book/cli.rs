//! The book's subcommands: `netrepl mdbook [supports RENDERER]` (mdBook's
//! preprocessor protocol) and `netrepl book build|serve`. They read their
//! own arguments, as `netrepl lessons check` does, so the REPL's options
//! stay as they are.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mdbook_preprocessor::{MDBOOK_VERSION, Preprocessor};

use super::preprocess::NetreplPreprocessor;

const BOOK_USAGE: &str = "usage: netrepl book build [--dest DIR] [BOOK_DIR]\n       netrepl book serve [--dest DIR] [--port PORT] [BOOK_DIR]\n\nBOOK_DIR is the book (default: book); DIR is where the HTML goes (default: BOOK_DIR/../target/book).";

/// The netrepl program itself, which runs the book's examples.
fn this_program() -> Result<PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("cannot find its own program: {e}"))
}

/// `netrepl mdbook supports RENDERER` answers by exit status; `netrepl
/// mdbook` reads `[context, book]` JSON on stdin and writes the book JSON
/// on stdout. Diagnostics go to stderr only, since stdout is the protocol.
pub fn mdbook_command(args: &[String]) -> ExitCode {
    let preprocessor = match this_program() {
        Ok(netrepl) => NetreplPreprocessor { netrepl },
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
            match preprocessor.run(&ctx, book) {
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
    book_dir: PathBuf,
    dest: Option<PathBuf>,
    port: u16,
}

fn parse_book_args(args: &[String]) -> Result<BookArgs, String> {
    let serve = match args.first().map(String::as_str) {
        Some("build") => false,
        Some("serve") => true,
        _ => return Err(BOOK_USAGE.into()),
    };
    let mut parsed = BookArgs {
        serve,
        book_dir: PathBuf::from("book"),
        dest: None,
        port: 3000,
    };
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--dest" | "-d" => {
                parsed.dest = Some(rest.next().ok_or(BOOK_USAGE)?.into());
            }
            "--port" | "-p" if serve => {
                let port = rest.next().ok_or(BOOK_USAGE)?;
                parsed.port = port
                    .parse()
                    .map_err(|_| format!("--port takes a number, not {port}"))?;
            }
            other if other.starts_with('-') => return Err(BOOK_USAGE.into()),
            dir => parsed.book_dir = dir.into(),
        }
    }
    Ok(parsed)
}

/// `netrepl book build|serve`.
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
        .unwrap_or_else(|| parsed.book_dir.join("..").join("target").join("book"));
    if parsed.serve {
        return match super::serve::serve(&parsed.book_dir, &dest, &netrepl, parsed.port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("netrepl book serve: {e}");
                ExitCode::from(1)
            }
        };
    }
    let started = std::time::Instant::now();
    match super::build(&parsed.book_dir, &dest, &netrepl) {
        Ok(dest) => {
            eprintln!(
                "The book is in {} ({:.1} s); open {}",
                dest.display(),
                started.elapsed().as_secs_f64(),
                Path::new(&dest).join("index.html").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("netrepl book build: {e}");
            ExitCode::from(1)
        }
    }
}
