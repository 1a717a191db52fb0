//! The command reference chapter, written from the same registry `help`
//! reads: each command's signature, description, Python equivalent, its
//! examples as sessions, and links back to the lessons that teach it.

use std::fmt::Write;

use super::render::{Session, ShownStep, escape, session_html};
use crate::commands;
use crate::commands::registry::{Command, Topic};
use crate::course::lessons::course::Course;

/// The page the reference lives on, as chapters link to it.
pub const PAGE: &str = "reference.md";
/// Where in the hand-written page the entries go.
pub const MARKER: &str = "<!-- netrepl: reference -->";

/// The anchor of a command's entry: its name, which mdBook would also make
/// of the heading (letters, digits and `_` are kept as they are).
pub fn anchor(command: &str) -> String {
    command.to_string()
}

/// What the reference needs of the build: `output(name, n)` is the live
/// output of a command's `n`th example, `machine_note(input)` what to say
/// of an example that shows the machine it ran on.
pub struct ExampleOutputs<'a> {
    pub output: &'a dyn Fn(&str, usize) -> Vec<String>,
    pub machine_note: &'a dyn Fn(&str) -> Option<String>,
}

/// The entries, by topic in `help` order.
pub fn entries(course: &Course, outputs: &ExampleOutputs) -> String {
    let mut out = String::new();
    for topic in Topic::ALL {
        let commands: Vec<&Command> = commands::all()
            .iter()
            .filter(|c| c.topic == topic)
            .collect();
        if commands.is_empty() {
            continue;
        }
        // Explicit ids: a topic such as "Constants" would otherwise take
        // the id of the command `constants`.
        let _ = writeln!(
            out,
            "## {} {{#topic-{}}}\n",
            topic.title(),
            anchor(&format!("{topic:?}")).to_lowercase()
        );
        let list: Vec<String> = commands
            .iter()
            .map(|c| format!("[`{}`](#{})", c.name, anchor(c.name)))
            .collect();
        let _ = writeln!(out, "{}\n", list.join(" · "));
        for command in commands {
            out.push_str(&entry(command, course, outputs));
        }
    }
    out
}

/// Registry text as `help` shows it, in HTML: `code` spans become code and
/// nothing else changes. (As Markdown, mdBook would curl its quotes, and
/// `"https"` is something the reader types.)
fn as_written(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(n, part)| {
            if n % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

fn entry(command: &Command, course: &Course, outputs: &ExampleOutputs) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {} {{#{}}}\n", command.name, anchor(command.name));
    let _ = writeln!(
        out,
        "<p class=\"netrepl-signature\"><code>{}</code></p>\n",
        escape(&command.signature())
    );
    let _ = writeln!(out, "<p>{}.</p>\n", as_written(command.summary));
    let _ = writeln!(out, "<p>{}</p>\n", as_written(command.description));
    match command.python {
        Some(python) => {
            let _ = writeln!(out, "**Python:** `{python}`\n");
        }
        None => {
            let _ = writeln!(
                out,
                "**Python:** none; this is one of netrepl's own commands.\n"
            );
        }
    }
    let steps: Vec<ShownStep> = command
        .examples
        .iter()
        .enumerate()
        .map(|(n, example)| ShownStep {
            input: example.input.to_string(),
            output: (outputs.output)(command.name, n),
        })
        .collect();
    let _ = writeln!(out, "**Example** (run when this book was built):");
    out.push_str(&session_html(&Session {
        steps,
        format: Some("python".into()),
        in_lab: false,
        recorded_because: None,
        machine_note: command
            .examples
            .iter()
            .find_map(|example| (outputs.machine_note)(example.input)),
    }));
    let lessons = course.teaching(command.name);
    if !lessons.is_empty() {
        let links: Vec<String> = lessons
            .iter()
            .filter_map(|lesson| {
                let (number, _) = course.find(&lesson.id)?;
                Some(format!(
                    "[{}. {}]({}.md)",
                    number + 1,
                    lesson.title,
                    lesson.id
                ))
            })
            .collect();
        let _ = writeln!(out, "**Taught in:** {}\n", links.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_text_keeps_its_quotes_and_shows_code_as_code() {
        assert_eq!(
            as_written("a name like \"https\"; `lab up` builds it"),
            "a name like &quot;https&quot;; <code>lab up</code> builds it"
        );
    }
}
