//! What a command may know of the line it runs for: the output format, whether
//! colour is on, and whether a person is at the prompt to answer a question.
//!
//! Process-wide, as the terminal is: the session sets these before each line,
//! and commands read them without a context threaded through every call.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use crate::net::live;
use crate::python::error::CommandResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pretty,
    Python,
    Json,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["pretty", "python", "json"];

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "pretty" => Some(Format::Pretty),
            "python" => Some(Format::Python),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

static FORMAT: AtomicU8 = AtomicU8::new(Format::Pretty as u8);
static COLOUR: AtomicBool = AtomicBool::new(false);
static INTERACTIVE: AtomicBool = AtomicBool::new(false);

/// Sets the format of the line about to run. Lines stream as they happen
/// (ping's replies, a progress bar) only in `pretty`: the other formats print
/// one value at the end.
pub fn set_format(format: Format) {
    FORMAT.store(format as u8, Ordering::SeqCst);
    live::set_streaming(format == Format::Pretty);
}

/// The output format of the line being run.
pub fn format() -> Format {
    match FORMAT.load(Ordering::SeqCst) {
        x if x == Format::Python as u8 => Format::Python,
        x if x == Format::Json as u8 => Format::Json,
        _ => Format::Pretty,
    }
}

pub fn set_colour(colour: bool) {
    COLOUR.store(colour, Ordering::SeqCst);
}

pub fn colour() -> bool {
    COLOUR.load(Ordering::SeqCst)
}

/// Set when a person is at the prompt, so commands may ask them questions.
pub fn set_interactive(interactive: bool) {
    INTERACTIVE.store(interactive, Ordering::SeqCst);
}

pub fn is_interactive() -> bool {
    INTERACTIVE.load(Ordering::SeqCst)
}

/// Asks a yes/no question at the terminal; `Ok(None)` when nobody can
/// answer, `KeyboardInterrupt` when Ctrl-C is pressed instead.
pub fn confirm(question: &str) -> CommandResult<Option<bool>> {
    if !is_interactive() {
        return Ok(None);
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let answer = live::read_answer().inspect_err(|_| eprintln!())?;
    Ok(answer.map(|a| matches!(a.trim(), "y" | "Y" | "yes" | "Yes")))
}
