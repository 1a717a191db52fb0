//! The tutorial at the prompt: `lessons`, `lesson N`, `next`, `back`, `hint`,
//! `check` and `reset`. The course that answers them lives in a layer above
//! (`course::lessons::tutor`), so it hands itself down as a [`Tutor`] when the
//! program starts; until then these commands say that no course is loaded.

use crate::commands::context;
use crate::commands::output::Output;
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::python::convert;
use std::sync::OnceLock;

use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

/// The course, as the tutorial commands and `help` need it.
pub trait Tutor: Sync {
    fn list(&self) -> CommandResult<String>;
    fn start(&self, key: Option<&str>) -> CommandResult<String>;
    fn next(&self) -> CommandResult<String>;
    fn back(&self) -> CommandResult<String>;
    fn hint(&self) -> CommandResult<String>;
    fn check(&self) -> CommandResult<String>;
    fn reset(&self, key: Option<&str>, exercise: Option<&str>) -> CommandResult<String>;
    fn skip(&self, why: Option<&str>) -> CommandResult<String>;
    /// Where the course teaches a command, as `help` shows it:
    /// `11. Packing addresses (lesson packing-addresses)`.
    fn teaching_lesson(&self, command: &str) -> Option<String>;
}

static TUTOR: OnceLock<&'static dyn Tutor> = OnceLock::new();

/// Hands the course to the commands; the first one installed stays.
pub fn install(tutor: &'static dyn Tutor) {
    let _ = TUTOR.set(tutor);
}

fn tutor() -> CommandResult<&'static dyn Tutor> {
    TUTOR.get().copied().ok_or_else(|| {
        CommandError::os_error("no course is loaded in this program")
            .explain("The tutorial runs in the netrepl program, which loads the course at start.")
    })
}

/// Where the course teaches a command, if a course is loaded and teaches it.
pub fn teaching_lesson(command: &str) -> Option<String> {
    TUTOR.get()?.teaching_lesson(command)
}

fn text(result: CommandResult<String>) -> CommandResult<Output> {
    result.map(Output::text)
}

/// A lesson number or id, however it was typed.
fn lesson_key(args: &Args, index: usize, name: &str) -> CommandResult<Option<String>> {
    match args.get(index) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) => Ok(Some(n.to_string())),
        Some(v) => convert::text(v, name, 1).map(Some),
    }
}

pub const LESSONS: Command = Command {
    name: "lessons",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "The course, with your progress in each lesson",
    description: "Lists the lessons in order with where you are in each: not started, in progress (with exercises done), or done. Start or resume one with lesson N.",
    network: false,
    examples: &[Example {
        input: "lessons",
        output: "The course ([..] lessons done). `lesson N` starts or resumes one.\n...",
    }],
    run: |_| text(tutor()?.list()),
};

pub const LESSON: Command = Command {
    name: "lesson",
    params: &[Param::optional("number_or_id", ArgKind::Word)],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "Start or resume a lesson by number or id",
    description: "Opens a lesson where you left it and shows the step you are on. Without an argument it resumes the last lesson you worked on. Then type commands as usual: after each one the lesson says whether it did what the current exercise asks.",
    network: false,
    examples: &[Example {
        input: "lesson no-such-lesson",
        output: "ValueError: no lesson 'no-such-lesson'",
    }],
    run: |args| text(tutor()?.start(lesson_key(args, 0, "lesson")?.as_deref())),
};

pub const NEXT: Command = Command {
    name: "next",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "The lesson's next step",
    description: "Moves to the next step (section) of the current lesson and shows it.",
    network: false,
    examples: &[Example {
        input: "next",
        output: "ValueError: no lesson is in progress",
    }],
    run: |_| text(tutor()?.next()),
};

pub const BACK: Command = Command {
    name: "back",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "The lesson's previous step",
    description: "Moves back to the previous step of the current lesson and shows it again.",
    network: false,
    examples: &[Example {
        input: "back",
        output: "ValueError: no lesson is in progress",
    }],
    run: |_| text(tutor()?.back()),
};

pub const HINT: Command = Command {
    name: "hint",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "A hint for the current exercise; again for a stronger one",
    description: "Gives the next hint for the exercise you are on. Hints go from a gentle nudge to the exact line to type.",
    network: false,
    examples: &[Example {
        input: "hint",
        output: "ValueError: no lesson is in progress",
    }],
    run: |_| text(tutor()?.hint()),
};

pub const CHECK: Command = Command {
    name: "check",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "Check the current exercise against your last command",
    description: "Says whether your last command did what the current exercise asks, and what is left to do.",
    network: false,
    examples: &[Example {
        input: "check",
        output: "ValueError: no lesson is in progress",
    }],
    run: |_| text(tutor()?.check()),
};

pub const ANSWER: Command = Command {
    name: "answer",
    params: &[Param::required("value", ArgKind::NumberOrText)],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "Answer a question an exercise asks (answer 1024)",
    description: "Some exercises ask you to predict before you run anything: how many addresses a network holds, which byte comes first, which family an address is. Type answer and your prediction; the lesson checks it against what the machine really says.",
    network: false,
    examples: &[Example {
        input: "answer 1024",
        output: "You answered 1024.",
    }],
    run: |args| {
        let value = args.get(0).cloned().unwrap_or(Value::None);
        Ok(Output::text(format!("You answered {}.", value.repr())))
    },
};

pub const SKIP: Command = Command {
    name: "skip",
    params: &[Param::optional("why", ArgKind::Text)],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "Pass over an exercise this machine cannot do, and say why",
    description: "Some exercises need root or the teaching lab. skip passes over the current one, records that (and why, if you say: skip 'no root here'), and moves on; lessons shows skipped exercises, and reset N exercise=ID brings one back.",
    network: false,
    examples: &[Example {
        input: "skip",
        output: "ValueError: no lesson is in progress",
    }],
    run: |args| {
        let why = match args.get(0) {
            None | Some(Value::None) => None,
            Some(v) => Some(convert::text(v, "skip", 1)?),
        };
        text(tutor()?.skip(why.as_deref()))
    },
};

pub const RESET: Command = Command {
    name: "reset",
    params: &[
        Param::optional("number_or_id", ArgKind::Word),
        Param::optional("yes", ArgKind::Integer),
        Param::optional("exercise", ArgKind::Word),
    ],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "Clear lesson progress (one exercise, one lesson, or all); asks first",
    description: "Forgets your progress in one lesson (reset N), one exercise of it (reset N exercise=ID) or the whole course (reset). It asks before it does; in scripts add yes=True.",
    network: false,
    examples: &[Example {
        input: "reset",
        output: "ValueError: reset needs a yes: add yes=True",
    }],
    run: |args| {
        let key = lesson_key(args, 0, "reset")?;
        let exercise = match args.get(2) {
            None | Some(Value::None) => None,
            Some(v) => Some(convert::text(v, "reset", 3)?),
        };
        let confirmed = args
            .get(1)
            .is_some_and(|v| v.as_int().is_some_and(|n| n != 0));
        if !confirmed {
            let what = match (key.as_deref(), exercise.as_deref()) {
                (Some(k), Some(e)) => format!("exercise {e} of lesson {k}"),
                (Some(k), None) => format!("your progress in lesson {k}"),
                (None, _) => "all lesson progress".to_string(),
            };
            match context::confirm(&format!("Clear {what}?"))? {
                Some(true) => {}
                Some(false) => return Ok(Output::text("Nothing cleared.".into())),
                None => {
                    return Err(CommandError::value_error("reset needs a yes: add yes=True")
                        .explain(
                            "Clearing progress cannot be undone, so scripts must say yes=True.",
                        ));
                }
            }
        }
        text(tutor()?.reset(key.as_deref(), exercise.as_deref()))
    },
};
