//! The line editor and the loops, layer 6: the interactive loop on a
//! terminal (rustyline: history, completion, hints), and the plain one for
//! `-c`, scripts and piped input. Results go to stdout, errors to stderr, and
//! no error ends the session. After each line the tutor sees what it did.
//!
//! May use: every layer below.
//!
//! Must not: hold any logic of its own beyond reading lines and showing
//! results; `main.rs` only picks which loop to run.

mod editor;
/// The history file, read and written by netrepl itself (safely, merged).
mod history;

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};

use crate::commands::output::Style;
use crate::session::render;
use crate::session::{Outcome, Session, data_dir};
use editor::LineHelper;

/// The shell's status for a program ended by SIGINT.
pub const INTERRUPTED_STATUS: i32 = 130;

/// Whether the loop should go on after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue { ok: bool },
    Quit,
}

/// Runs one line and prints what it produced.
pub fn run_and_show(session: &mut Session, line: &str, style: Style) -> Flow {
    // A block (`for i in x: a; b`) is one statement, its `;`s its own.
    if crate::python::syntax::blocks::starts_block(line) || line.trim().contains('\n') {
        return run_statement_and_show(session, line, style);
    }
    // `a; b` runs a, then b, and stops at the first failure, as Python does.
    let mut flow = Flow::Continue { ok: true };
    for statement in crate::python::syntax::split_statements(line) {
        flow = run_statement_and_show(session, statement, style);
        if !matches!(flow, Flow::Continue { ok: true }) {
            break;
        }
    }
    flow
}

fn run_statement_and_show(session: &mut Session, line: &str, style: Style) -> Flow {
    let outcome = session.run_line(line);
    let mut stdout = io::stdout().lock();
    // What `print` wrote inside an expression, or in a block before it failed.
    if let Some(text) = session.take_printed() {
        let _ = writeln!(stdout, "{text}");
    }
    let flow = match &outcome {
        Outcome::Nothing => Flow::Continue { ok: true },
        Outcome::Shown(output) => {
            if let Some(text) = render::render_output(output, session.format, style) {
                let _ = writeln!(stdout, "{text}");
            }
            Flow::Continue { ok: true }
        }
        Outcome::Notice(text) => {
            let _ = writeln!(stdout, "{text}");
            Flow::Continue { ok: true }
        }
        Outcome::Failed(error) => {
            let _ = stdout.flush();
            eprintln!("{}", render::render_error(error, session.format, style));
            Flow::Continue { ok: false }
        }
        Outcome::Quit => Flow::Quit,
    };
    if let Some(attempt) = session.take_attempt()
        && let Some(feedback) = crate::course::lessons::tutor::observe(attempt)
    {
        let _ = writeln!(stdout, "{feedback}");
    }
    let _ = stdout.flush();
    flow
}

/// The longest line a script or pipe may hand in; a longer one is skipped
/// (read and dropped in pieces) instead of filling memory.
const MAX_LINE_BYTES: usize = 64 << 20;

/// One line of input, read without trusting its size or its encoding.
enum InputLine {
    Text(String),
    NotUtf8,
    TooLong,
}

/// The next line without its `\n` or `\r\n`; `None` at the end of input.
fn read_input_line(input: &mut impl BufRead) -> Option<InputLine> {
    let mut bytes = Vec::new();
    let mut too_long = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        if chunk.is_empty() {
            break;
        }
        let (piece, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(end) => (&chunk[..=end], true),
            None => (chunk, false),
        };
        let used = piece.len();
        if bytes.len() + used > MAX_LINE_BYTES {
            too_long = true;
            bytes.clear();
        } else if !too_long {
            bytes.extend_from_slice(piece);
        }
        input.consume(used);
        if done {
            return Some(finish_line(bytes, too_long));
        }
    }
    (too_long || !bytes.is_empty()).then(|| finish_line(bytes, too_long))
}

fn finish_line(mut bytes: Vec<u8>, too_long: bool) -> InputLine {
    if too_long {
        return InputLine::TooLong;
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    String::from_utf8(bytes).map_or(InputLine::NotUtf8, InputLine::Text)
}

/// The next line if it continues a block (see `blocks::continues_block`),
/// read only then: a line that does not is left for the caller.
fn peek_block_line(input: &mut impl BufRead) -> Option<InputLine> {
    let starts = loop {
        match input.fill_buf() {
            Ok(chunk) => break chunk.first().copied(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
    };
    match starts {
        None => None,
        Some(b' ' | b'\t' | b'\n' | b'\r') => read_input_line(input),
        // `elif`, `else`, ...: a word at the start; peeking at it needs the
        // buffer to hold the line's first word, which it does for any
        // line a person writes.
        Some(_) => {
            let chunk = input.fill_buf().ok()?;
            let head = String::from_utf8_lossy(&chunk[..chunk.len().min(16)]).to_string();
            crate::python::syntax::blocks::continues_block(&head)
                .then(|| read_input_line(input))
                .flatten()
        }
    }
}

/// Runs lines from a script or a pipe; the exit status is 1 if any line failed.
/// A line that is not UTF-8 text, or is too long, is reported by its number
/// and skipped; the lines after it still run.
pub fn run_lines(session: &mut Session, mut input: impl BufRead, style: Style) -> i32 {
    let mut status = 0;
    let mut number = 0;
    while let Some(line) = read_input_line(&mut input) {
        number += 1;
        let line = match line {
            InputLine::Text(line) => line,
            InputLine::NotUtf8 => {
                eprintln!("netrepl: line {number} is not valid UTF-8 text; skipped");
                status = 1;
                continue;
            }
            InputLine::TooLong => {
                eprintln!(
                    "netrepl: line {number} is longer than {} MiB; skipped",
                    MAX_LINE_BYTES >> 20
                );
                status = 1;
                continue;
            }
        };
        let mut line = line;
        if crate::python::syntax::blocks::starts_block(&line) {
            // A header with nothing after its `:` takes the next line
            // whatever it is: unindented, it is the block's IndentationError.
            if line.trim_end().ends_with(':')
                && let Some(InputLine::Text(next)) = read_input_line(&mut input)
            {
                number += 1;
                line.push('\n');
                line.push_str(&next);
            }
            // The block's lines: indented, blank, or its elif/else.
            while let Some(InputLine::Text(next)) = peek_block_line(&mut input) {
                number += 1;
                line.push('\n');
                line.push_str(&next);
            }
        }
        match run_and_show(session, &line, style) {
            Flow::Quit => break,
            Flow::Continue { ok: false } => status = 1,
            Flow::Continue { ok: true } => {}
        }
        // Ctrl-C, once a command has taken it over, still ends a script.
        if crate::net::live::interrupted() {
            return INTERRUPTED_STATUS;
        }
    }
    status
}

/// The interactive loop on a terminal; `first` runs after the greeting
/// (`--lesson` starts a lesson this way).
pub fn run_interactive(session: &mut Session, style: Style, first: Option<&str>) -> i32 {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(5000)
        .unwrap_or_else(|_| Config::builder())
        .build();
    let mut editor: Editor<LineHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("netrepl: cannot start the line editor ({e}); reading plain lines instead");
            return run_lines(session, io::stdin().lock(), style);
        }
    };
    editor.bind_sequence(
        rustyline::KeyEvent(rustyline::KeyCode::Enter, rustyline::Modifiers::NONE),
        rustyline::EventHandler::Conditional(Box::new(editor::ContinuationPrompt)),
    );
    editor.set_helper(Some(LineHelper {
        colour: style.colour,
        variables: Vec::new(),
        sockets: Vec::new(),
        texts: Vec::new(),
    }));
    let history = history_file();
    if let Some(path) = &history {
        for entry in history::load(path) {
            let _ = editor.add_history_entry(entry);
        }
    }
    // Only the lines typed here are saved, added to what is in the file then.
    let mut typed = Vec::new();
    crate::commands::context::set_interactive(true);
    println!(
        "netrepl {} — networking at the prompt. Type help for commands, lessons for the course (lesson 1 starts it), Ctrl-D to leave.",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(line) = first {
        run_and_show(session, line, style);
    }
    let prompt = ">>> ";
    let styled_prompt = if style.colour {
        "\x1b[1;32m>>>\x1b[0m "
    } else {
        prompt
    };
    let mut status = 0;
    loop {
        match editor.readline(&(prompt, styled_prompt)) {
            Ok(line) => {
                let line = editor::without_continuation(&line);
                if !line.trim().is_empty()
                    && editor.add_history_entry(line.as_str()).unwrap_or(false)
                {
                    typed.push(line.clone());
                }
                match run_and_show(session, &line, style) {
                    Flow::Quit => break,
                    Flow::Continue { ok } => status = i32::from(!ok),
                }
                if let Some(helper) = editor.helper_mut() {
                    helper.variables = session.variable_names().map(str::to_string).collect();
                    helper.sockets = session.socket_variable_names();
                    helper.texts = session.text_variable_methods();
                }
            }
            // Ctrl-C at the prompt clears the line, as in a shell.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("netrepl: {e}");
                status = 1;
                break;
            }
        }
    }
    if let Some(path) = &history {
        save_history(path, &typed);
    }
    status
}

fn history_file() -> Option<PathBuf> {
    Some(data_dir()?.join(history::FILE_NAME))
}

fn save_history(path: &Path, typed: &[String]) {
    if let Err(e) = history::append(path, typed) {
        eprintln!("netrepl: could not save history to {}: {e}", path.display());
    }
}
