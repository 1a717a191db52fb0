//! The `netrepl` binary: reads the command line, picks a mode, hands over.

use std::ffi::OsString;
use std::io::{IsTerminal, stdin, stdout};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use netrepl::commands::output::Style;
use netrepl::repl;
use netrepl::session::{Format, Session};

/// An interactive REPL for learning networking: Python's socket functions,
/// answered by the real operating system.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Run one line and exit (status 1 if it fails)
    #[arg(short = 'c', value_name = "LINE", allow_hyphen_values = true)]
    command: Option<String>,

    /// Output format: pretty (for people), python (CPython's repr) or json
    #[arg(long, value_name = "NAME", default_value = "pretty", value_parser = Format::NAMES)]
    format: String,

    /// No colour (also when NO_COLOR is set or output is not a terminal)
    #[arg(long)]
    no_color: bool,

    /// Run inside the teaching lab's scanner namespace, building the lab if
    /// needed (needs root; see `help lab`)
    #[arg(long)]
    lab: bool,

    /// Start the tutorial at this lesson (a number or an id)
    #[arg(long, value_name = "ID")]
    lesson: Option<String>,

    /// Teach from this directory of lessons instead of the built-in course
    #[arg(long, value_name = "DIR")]
    lessons: Option<PathBuf>,

    /// A script to run, one line at a time (`netrepl lessons check [DIR]`
    /// validates a lesson directory instead; `netrepl book build|serve`
    /// builds the book; `netrepl progress [export]` shows or exports your
    /// progress; `netrepl class report FILE|DIR...` rolls up a class's exports)
    script: Option<PathBuf>,
}

fn main() -> ExitCode {
    // Practice servers need a descriptor per client; a failure leaves the usual limit.
    let _ = netrepl::net::ffi::raise_open_file_limit();
    // The course answers the tutorial commands and help's "Lesson:" line.
    netrepl::course::lessons::tutor::install();
    let args: Vec<OsString> = std::env::args_os().collect();
    let subcommand = args.get(1).and_then(|a| a.to_str());
    if subcommand == Some("serve-dns") {
        return serve_dns_command(&args[2..]);
    }
    if subcommand == Some("serve-practice") {
        return serve_practice_command(&args[2..]);
    }
    if subcommand == Some("serve-silent") {
        return serve_silent_command(&args[2..]);
    }
    if let Some(name @ ("lessons" | "book" | "mdbook" | "progress" | "class")) = subcommand {
        let Some(rest) = args[2..]
            .iter()
            .map(|a| a.to_str().map(str::to_string))
            .collect::<Option<Vec<String>>>()
        else {
            eprintln!("netrepl {name}: arguments must be UTF-8 text");
            return ExitCode::from(2);
        };
        return match name {
            "lessons" => lessons_command(&rest),
            "book" => book_command(&rest),
            "progress" => netrepl::course::class::cli::progress_command(&rest),
            "class" => netrepl::course::class::cli::class_command(&rest),
            _ => mdbook_command(&rest),
        };
    }
    // From here on this is a REPL, a script or one line: Ctrl-C interrupts
    // what runs, and never ends the session.
    netrepl::net::live::catch_interrupts();
    let cli = Cli::parse();
    if cli.lab
        && let Some(status) = netrepl::net::lab::enter_from_command_line()
    {
        return ExitCode::from(status);
    }
    let format = Format::parse(&cli.format).unwrap_or(Format::Pretty);
    let colour = !cli.no_color && std::env::var_os("NO_COLOR").is_none() && stdout().is_terminal();
    let style = Style { colour };
    netrepl::commands::context::set_colour(colour);
    let mut session = Session::new(format);
    if let Some(dir) = &cli.lessons {
        netrepl::course::lessons::tutor::use_lesson_dir(dir.clone());
    }
    let start_lesson = cli
        .lesson
        .as_ref()
        .map(|id| format!("lesson {}", netrepl::python::value::str_repr(id)));
    let interactive = cli.command.is_none() && cli.script.is_none() && stdin().is_terminal();
    if let Some(line) = start_lesson.as_deref().filter(|_| !interactive)
        && repl::run_and_show(&mut session, line, style) != (repl::Flow::Continue { ok: true })
    {
        return ExitCode::from(2);
    }
    let status = if let Some(line) = &cli.command {
        match repl::run_and_show(&mut session, line, style) {
            repl::Flow::Continue { ok: false } => 1,
            _ => 0,
        }
    } else if let Some(path) = &cli.script {
        match std::fs::File::open(path) {
            Ok(file) => repl::run_lines(&mut session, std::io::BufReader::new(file), style),
            Err(e) => {
                eprintln!("netrepl: cannot open {}: {e}", path.display());
                2
            }
        }
    } else if stdin().is_terminal() {
        repl::run_interactive(&mut session, style, start_lesson.as_deref())
    } else {
        repl::run_lines(&mut session, stdin().lock(), style)
    };
    // Sockets close with the process anyway; the Unix socket files would not.
    netrepl::net::sockets::close_all();
    netrepl::net::sockets::servers::stop_all();
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

/// `netrepl book build|serve`: the book, built in-process (see `netrepl::course::book`).
#[cfg(feature = "book")]
fn book_command(args: &[String]) -> ExitCode {
    netrepl::course::book::cli::book_command(args)
}

/// `netrepl mdbook [supports RENDERER]`: mdBook's preprocessor protocol.
#[cfg(feature = "book")]
fn mdbook_command(args: &[String]) -> ExitCode {
    netrepl::course::book::cli::mdbook_command(args)
}

#[cfg(not(feature = "book"))]
fn book_command(_: &[String]) -> ExitCode {
    eprintln!("netrepl: this build has no book; build with `--features book`");
    ExitCode::from(2)
}

#[cfg(not(feature = "book"))]
fn mdbook_command(args: &[String]) -> ExitCode {
    book_command(args)
}

/// `netrepl serve-silent [--servfail] --listen ADDR...` (hidden; `lab dns
/// off` runs it): holds UDP ports open without answering, so queries time
/// out; with `--servfail` (`lab dns servfail`) it answers every query, UDP
/// and TCP, with SERVFAIL instead.
fn serve_silent_command(args: &[OsString]) -> ExitCode {
    let words: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let (servfail, rest) = match words.split_first() {
        Some((&"--servfail", rest)) => (true, rest),
        _ => (false, words.as_slice()),
    };
    let addresses: Option<Vec<std::net::SocketAddr>> = rest
        .chunks(2)
        .map(|pair| match pair {
            ["--listen", address] => address.parse().ok(),
            _ => None,
        })
        .collect();
    let Some(addresses) = addresses.filter(|a| !a.is_empty() && words.len() == args.len()) else {
        eprintln!(
            "usage: netrepl serve-silent [--servfail] --listen ADDR:PORT [--listen ADDR:PORT...]"
        );
        return ExitCode::from(2);
    };
    let served = if servfail {
        netrepl::net::lab::servfail::serve_servfail(&addresses)
    } else {
        netrepl::net::lab::silence::hold_silent(&addresses)
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netrepl serve-silent: {error}");
            ExitCode::from(1)
        }
    }
}

/// `netrepl serve-practice echo|http|chat|time --listen ADDR` (hidden; the lab
/// runs its services so): one practice server in the foreground until SIGTERM.
fn serve_practice_command(args: &[OsString]) -> ExitCode {
    use netrepl::net::sockets::servers::{ServerKind, serve_until_signalled};
    const USAGE: &str = "usage: netrepl serve-practice echo|chat|time|http --listen ADDR:PORT";
    let words: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let parsed = match words.as_slice() {
        [kind, "--listen", address] => ServerKind::parse(kind).zip(address.parse().ok()),
        _ => None,
    };
    let Some((kind, address)) = parsed else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match serve_until_signalled(kind, address) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netrepl serve-practice: {}", error.python_line());
            ExitCode::from(1)
        }
    }
}

const SERVE_DNS_USAGE: &str =
    "usage: netrepl serve-dns --zones DIR --listen ADDR [--listen ADDR...]";

/// `netrepl serve-dns --zones DIR --listen ADDR...`: the lab's DNS server
/// (hidden; the lab starts it in its namespace). Prints one line once it
/// listens, then serves until SIGTERM or SIGINT.
fn serve_dns_command(args: &[OsString]) -> ExitCode {
    use netrepl::net::dns_server;
    let mut zones = None;
    let mut listen = Vec::new();
    let mut words = args.iter().map(|a| a.to_str());
    while let Some(word) = words.next() {
        match (word, words.next().flatten()) {
            (Some("--zones"), Some(dir)) => zones = Some(PathBuf::from(dir)),
            (Some("--listen"), Some(address)) => match address.parse() {
                Ok(address) => listen.push(address),
                Err(_) => {
                    eprintln!(
                        "netrepl serve-dns: {address} is not an address:port\n{SERVE_DNS_USAGE}"
                    );
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("{SERVE_DNS_USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(zones) = zones.filter(|_| !listen.is_empty()) else {
        eprintln!("{SERVE_DNS_USAGE}");
        return ExitCode::from(2);
    };
    // Caught before the line is printed: whoever reads it may signal at once.
    let mut signals = match signal_hook::iterator::Signals::new([libc::SIGTERM, libc::SIGINT]) {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("netrepl serve-dns: cannot catch signals: {e}");
            return ExitCode::from(1);
        }
    };
    let server = match dns_server::start(&zones, &listen) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("netrepl serve-dns: {e}");
            return ExitCode::from(1);
        }
    };
    // Whoever started it may have closed its end already: no panic on EPIPE.
    let mut out = stdout().lock();
    let _ = std::io::Write::write_all(&mut out, format!("{}\n", server.describe()).as_bytes());
    let _ = std::io::Write::flush(&mut out);
    drop(out);
    let _ = signals.forever().next();
    server.stop();
    ExitCode::SUCCESS
}

const LESSONS_USAGE: &str = "usage: netrepl lessons check [--lab] [--time-limit SECONDS] [DIR]\n       netrepl lessons grade [--lessons DIR] LESSON EXERCISE -- LINE...";

/// `netrepl lessons check [--lab] [--time-limit SECONDS] [DIR]`: validates a
/// lesson directory (the built-in course without DIR) and exits 1 if anything
/// is wrong. Blocks run under limits (see `course::lessons::check`); the lab
/// is used only with `--lab`, which brings it up if needed (as root) and takes
/// down what it brought up. `netrepl lessons grade`: see `grade_command`.
fn lessons_command(args: &[String]) -> ExitCode {
    use netrepl::course::lessons::check;
    use netrepl::net::lab::{self, Lab};
    const USAGE: &str = LESSONS_USAGE;
    if args.first().map(String::as_str) == Some("grade") {
        return grade_command(&args[1..]);
    }
    let (Some("check"), rest) = (
        args.first().map(String::as_str),
        args.get(1..).unwrap_or_default(),
    ) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let mut limits = check::Limits::default();
    let mut want_lab = false;
    let mut dir = None;
    let mut words = rest.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--lab" => want_lab = true,
            "--time-limit" => {
                match words
                    .next()
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
                {
                    Some(seconds) => limits.block_seconds = seconds,
                    None => {
                        eprintln!("netrepl: --time-limit takes a number of seconds\n{USAGE}");
                        return ExitCode::from(2);
                    }
                }
            }
            other if other.starts_with("--") || dir.is_some() => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
            other => dir = Some(PathBuf::from(other)),
        }
    }
    let Ok(me) = std::env::current_exe() else {
        eprintln!("netrepl: cannot find its own program to run the lesson blocks");
        return ExitCode::from(2);
    };
    let mut built_lab = false;
    let lab = if want_lab {
        let up = Lab::from_env().map_err(|e| e.to_string()).and_then(|lab| {
            if lab.status().is_none() {
                lab::check_can_build().map_err(|e| e.to_string())?;
                lab.up_default().map_err(|e| e.to_string())?;
                built_lab = true;
            }
            Ok(lab)
        });
        match up {
            Ok(lab) => Some(lab),
            Err(e) => {
                eprintln!(
                    "netrepl: the lab could not be brought up ({e}); needs=lab blocks are skipped"
                );
                None
            }
        }
    } else {
        None
    };
    let report = check::check_with(dir.as_deref(), &me, lab.as_ref(), &limits);
    if built_lab && let Some(lab) = &lab {
        let _ = lab.down();
    }
    print!("{}", check::render(&report));
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `netrepl lessons grade [--lessons DIR] LESSON EXERCISE -- LINE...`: runs
/// the lines in a fresh session and prints the tutor's feedback; exits 0 when
/// the exercise is complete after them, 1 when it is not, 2 for an unknown
/// lesson or exercise.
fn grade_command(args: &[String]) -> ExitCode {
    let mut args = args;
    let mut dir = None;
    if args.first().map(String::as_str) == Some("--lessons") {
        let Some(path) = args.get(1) else {
            eprintln!("{LESSONS_USAGE}");
            return ExitCode::from(2);
        };
        dir = Some(PathBuf::from(path));
        args = &args[2..];
    }
    let [lesson, exercise, rest @ ..] = args else {
        eprintln!("{LESSONS_USAGE}");
        return ExitCode::from(2);
    };
    let lines = match rest.first().map(String::as_str) {
        Some("--") => &rest[1..],
        _ => rest,
    };
    match netrepl::course::lessons::grade::grade(dir.as_deref(), lesson, exercise, lines) {
        Ok(graded) => {
            print!("{}", graded.transcript);
            ExitCode::from(if graded.complete { 0 } else { 1 })
        }
        Err(netrepl::course::lessons::grade::NotGradable(why)) => {
            eprintln!("netrepl lessons grade: {why}");
            ExitCode::from(2)
        }
    }
}
