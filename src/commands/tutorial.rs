//! The tutorial at the prompt: `lessons`, `lesson N`, `next`, `back`, `hint`,
//! `check` and `reset`, all handled by the runner in `lessons::tutor`.

use crate::commands::output::Output;
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::course::lessons::tutor;
use crate::net::live;
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

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
    run: |_| text(tutor::list()),
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
    run: |args| text(tutor::start(lesson_key(args, 0, "lesson")?.as_deref())),
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
    run: |_| text(tutor::next()),
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
    run: |_| text(tutor::back()),
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
    run: |_| text(tutor::hint()),
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
    run: |_| text(tutor::check()),
};

pub const RESET: Command = Command {
    name: "reset",
    params: &[
        Param::optional("number_or_id", ArgKind::Word),
        Param::optional("yes", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Tutorial,
    python: None,
    summary: "Clear lesson progress (one lesson, or all); asks first",
    description: "Forgets your progress in one lesson (reset N) or in the whole course (reset). It asks before it does; in scripts add yes=True.",
    network: false,
    examples: &[Example {
        input: "reset",
        output: "ValueError: reset needs a yes: add yes=True",
    }],
    run: |args| {
        let key = lesson_key(args, 0, "reset")?;
        let confirmed = args
            .get(1)
            .is_some_and(|v| v.as_int().is_some_and(|n| n != 0));
        if !confirmed {
            let what = key
                .as_deref()
                .map_or("all lesson progress".to_string(), |k| {
                    format!("your progress in lesson {k}")
                });
            match live::confirm(&format!("Clear {what}?")) {
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
        text(tutor::reset(key.as_deref()))
    },
};
