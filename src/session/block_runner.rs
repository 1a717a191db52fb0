//! Running a block (`for`, `while`, `if`, `with`): each simple line runs as
//! if typed alone, and what it shows is gathered into the block's output.
//! Every step checks for Ctrl-C, and a block runs at most `MAX_BLOCK_STEPS`
//! statements, so `while True: pass` ends either way.

use super::{Outcome, Session, render};
use crate::commands;
use crate::commands::context;
use crate::commands::output::{Output, Style};
use crate::commands::socket_methods;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::interrupt;
use crate::python::iterables::items_of;
use crate::python::limits;
use crate::python::operators;
use crate::python::syntax::blocks::{Stmt, parse_block};
use crate::python::value::{IteratorObject, Value};

/// How many statements one block may run: far more than any lesson needs,
/// and few enough that a runaway loop ends in seconds.
pub const MAX_BLOCK_STEPS: usize = 10_000_000;

/// How a run of statements ended.
enum Flow {
    Normal,
    Break,
    Continue,
}

impl Session {
    /// Runs a compound statement, typed on one line or as several.
    pub(super) fn run_block(&mut self, text: &str) -> Outcome {
        let stmts = match parse_block(text) {
            Ok(stmts) => stmts,
            Err(e) => return Outcome::Failed(e),
        };
        if let [Stmt::Def(name)] = stmts.as_slice() {
            return def_outcome(name);
        }
        let mut steps = 0usize;
        let result = self.exec(&stmts, &mut steps);
        let printed = std::mem::take(&mut self.printed_in_expression);
        match result {
            Ok(_) if printed.is_empty() => Outcome::Nothing,
            Ok(_) => Outcome::Shown(Output::text(joined(&printed))),
            Err(e) => {
                // What the block printed before it failed still shows.
                self.printed_in_expression = printed;
                Outcome::Failed(e)
            }
        }
    }

    fn exec(&mut self, stmts: &[Stmt], steps: &mut usize) -> CommandResult<Flow> {
        for stmt in stmts {
            interrupt::check()?;
            *steps += 1;
            if *steps > MAX_BLOCK_STEPS {
                return Err(too_many_steps());
            }
            match stmt {
                Stmt::Line(line) => self.exec_line(line)?,
                Stmt::Pass => {}
                Stmt::Break => return Ok(Flow::Break),
                Stmt::Continue => return Ok(Flow::Continue),
                Stmt::Def(name) => match def_outcome(name) {
                    Outcome::Notice(text) => self.push_printed(text)?,
                    Outcome::Failed(e) => return Err(e),
                    _ => {}
                },
                Stmt::If { branches, orelse } => {
                    let mut chosen = orelse;
                    for (test, body) in branches {
                        if operators::truthy(&self.eval(test, None)?) {
                            chosen = body;
                            break;
                        }
                    }
                    match self.exec(chosen, steps)? {
                        Flow::Normal => {}
                        flow => return Ok(flow),
                    }
                }
                Stmt::While { test, body, orelse } => {
                    let mut broke = false;
                    while operators::truthy(&self.eval(test, None)?) {
                        interrupt::check()?;
                        *steps += 1;
                        if *steps > MAX_BLOCK_STEPS {
                            return Err(too_many_steps());
                        }
                        if let Flow::Break = self.exec(body, steps)? {
                            broke = true;
                            break;
                        }
                    }
                    if !broke {
                        self.exec(orelse, steps)?;
                    }
                }
                Stmt::For {
                    target,
                    iter,
                    body,
                    orelse,
                } => {
                    let iterable = self.eval(iter, None)?;
                    let mut broke = false;
                    for item in Items::of(&iterable)? {
                        let item = item?;
                        interrupt::check()?;
                        self.bind(target, item, false)?;
                        if let Flow::Break = self.exec(body, steps)? {
                            broke = true;
                            break;
                        }
                    }
                    if !broke {
                        self.exec(orelse, steps)?;
                    }
                }
                Stmt::With {
                    context,
                    name,
                    body,
                } => {
                    let value = self.eval(context, None)?;
                    let flow = match name {
                        Some(target) => self.bind(target, value.clone(), false),
                        None => Ok(()),
                    }
                    .and_then(|()| self.exec(body, steps));
                    // A socket closes when its `with` block ends, however it ends.
                    if let Value::Socket(socket) = &value
                        && let Some(close) = socket_methods::find("close")
                    {
                        let _ = socket_methods::call(socket.id, close, Vec::new(), Vec::new());
                    }
                    match flow? {
                        Flow::Normal => {}
                        flow => return Ok(flow),
                    }
                }
            }
        }
        Ok(Flow::Normal)
    }

    /// A simple line inside a block: what it shows joins the block's output.
    fn exec_line(&mut self, line: &str) -> CommandResult<()> {
        let shown = match self.run_simple_line(line) {
            Outcome::Shown(output) => render::render_output(
                &output,
                self.format,
                Style {
                    colour: context::colour(),
                },
            ),
            Outcome::Notice(text) => Some(text),
            Outcome::Failed(e) => return Err(e),
            Outcome::Nothing | Outcome::Quit => None,
        };
        // run_line leaves text printed inside expressions for the REPL;
        // in a block it goes in order with the rest.
        if let Some(text) = shown {
            self.push_printed(text)?;
        }
        Ok(())
    }

    /// Keeps text the block shows, within the byte budget: a loop that
    /// prints without end fills no more than that.
    pub(super) fn push_printed(&mut self, text: String) -> CommandResult<()> {
        self.push_printed_raw(text + "\n")
    }

    /// Text as `print(..., end='')` leaves it: the next text follows on
    /// the same line.
    pub(super) fn push_printed_raw(&mut self, text: String) -> CommandResult<()> {
        if self.printed_in_expression.is_empty() {
            self.printed_bytes = 0;
        }
        self.printed_bytes = self.printed_bytes.saturating_add(text.len());
        limits::check_bytes(self.printed_bytes)?;
        self.printed_in_expression.push(text);
        Ok(())
    }
}

/// The items a `for` loop walks: a range one at a time (so `range(10**9)`
/// with a `break` costs what it runs), an iterator object one at a time (so
/// its error comes after the items before it, and a `break` leaves the
/// rest), anything else as its items.
enum Items {
    Range { next: i128, stop: i128, step: i128 },
    Iterator(IteratorObject),
    Values(std::vec::IntoIter<Value>),
}

impl Items {
    fn of(value: &Value) -> CommandResult<Items> {
        Ok(match value {
            Value::Range(start, stop, step) => Items::Range {
                next: *start,
                stop: *stop,
                step: *step,
            },
            Value::Iterator(it) => Items::Iterator(it.clone()),
            other => Items::Values(items_of(other)?.into_iter()),
        })
    }
}

impl Iterator for Items {
    type Item = CommandResult<Value>;

    fn next(&mut self) -> Option<CommandResult<Value>> {
        match self {
            Items::Range { next, stop, step } => {
                let more = if *step > 0 { next < stop } else { next > stop };
                if !more {
                    return None;
                }
                let value = *next;
                *next = next.saturating_add(*step);
                Some(Ok(Value::Int(value)))
            }
            Items::Iterator(it) => it.take_one(),
            Items::Values(items) => items.next().map(Ok),
        }
    }
}

/// The pieces of printed text as one, without the last newline (the REPL
/// ends every output with its own).
pub(super) fn joined(pieces: &[String]) -> String {
    let mut text = pieces.concat();
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// Whether a `print` call's `end=` leaves the line open (`end=' '`).
pub(super) fn print_leaves_line_open(keywords: &[(String, Value)]) -> bool {
    keywords
        .iter()
        .any(|(k, v)| k == "end" && matches!(v, Value::Str(end) if !end.ends_with('\n')))
}

fn too_many_steps() -> CommandError {
    CommandError::new(
        PyException::RecursionError,
        format!("netrepl stopped the block after {MAX_BLOCK_STEPS} steps"),
    )
    .explain(
        "A loop that runs this long is most likely endless; check its condition and its break.",
    )
}

/// What a pasted `def` says: the notes' helpers are built in; other
/// functions netrepl does not define.
fn def_outcome(name: &str) -> Outcome {
    match commands::find(name) {
        Some(command) => Outcome::Notice(format!(
            "netrepl has {name} built in: call it as {} (or `{name}(...)`); `help {name}` says more.",
            command.signature()
        )),
        None => Outcome::Failed(
            CommandError::syntax(format!("netrepl does not define functions (def {name})"))
                .explain(
                    "netrepl runs socket calls and the Python around them (help python), but \
                     not functions of your own; type the function's lines one at a time.",
                ),
        ),
    }
}
