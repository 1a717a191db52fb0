//! What a reader sees of each block: its live output split at its inputs,
//! or, for a block that was not run, the output its page recorded and why.
//! A block whose live output differs from what it shows is a problem, unless
//! what differs is the machine itself (its name, interfaces, addresses); a
//! problem block still gets its session, so the rest of the page stays whole.

use super::live::{self, Output};
use super::render::{self, Session, ShownStep};
use super::seal::{self, HOST_NAME, Machine, Seal};
use crate::course::lessons::parse::Problem;
use crate::course::transcript::Block;

/// The sessions of one file's blocks (one per block, in order), each with
/// the output of its run if it had one; problems are added to `problems`.
pub fn of_blocks<'a>(
    file: &str,
    blocks: impl IntoIterator<Item = (&'a Block, Option<&'a Output>)>,
    seal: &Seal,
    problems: &mut Vec<Problem>,
) -> Vec<Session> {
    let mut sessions = Vec::new();
    for (block, output) in blocks {
        let shows_machine = block.inputs().any(seal::shows_this_machine);
        let session = match output {
            Some(output) => match live_session(file, block, output) {
                Ok(mut session) => {
                    session.machine_note = shows_machine.then(|| machine_note(seal.machine()));
                    session
                }
                Err(differs) if shows_machine && output.is_ok() => recorded_session(
                    block,
                    format!(
                        "on the machine that built the book its output differed from the lesson's, as it shows the machine ({})",
                        differs.message.lines().next().unwrap_or_default()
                    ),
                ),
                Err(problem) => {
                    let why = match output {
                        Ok(_) => "its output differed from the lesson's when the book was built",
                        Err(_) => "it could not be run when the book was built",
                    };
                    problems.push(problem);
                    recorded_session(block, format!("{why} ({file}:{})", block.line))
                }
            },
            None => recorded_session(block, not_run_because(block, seal)),
        };
        sessions.push(session);
    }
    sessions
}

/// Where the output of a block that shows the machine came from.
pub fn machine_note(machine: &Machine) -> String {
    match machine {
        Machine::Sealed => format!(
            "Run on the book's own sealed machine, {HOST_NAME}, which has only loopback; on yours the names and addresses differ."
        ),
        Machine::ThisMachine(why) => format!(
            "This machine's output: the machine that built the book, not a sealed one ({why}); on yours the names and addresses differ."
        ),
    }
}

fn not_run_because(block: &Block, seal: &Seal) -> String {
    match block.needs.as_deref() {
        Some("lab") => format!(
            "it runs inside the practice lab (as root: netrepl -c \"lab up\", then sudo netrepl --lab), and {}",
            seal.lab().err().unwrap_or("the lab was not used")
        ),
        Some("root") => "it needs root or ICMP permission (try it with sudo netrepl)".to_string(),
        Some(other) => format!("it needs {other}"),
        None => "it was not run".to_string(),
    }
}

/// A block's live output, split at its inputs.
fn live_session(file: &str, block: &Block, output: &Output) -> Result<Session, Problem> {
    let problem = |message: String| Problem {
        file: file.to_string(),
        line: block.line,
        message,
    };
    let output = output
        .as_ref()
        .map_err(|e| problem(format!("the block could not be run: {e}")))?;
    let actual: Vec<&str> = output.lines().collect();
    let expected: Vec<Vec<String>> = block.steps.iter().map(|s| s.expected.clone()).collect();
    let parts = live::split_by_steps(&expected, &actual).ok_or_else(|| {
        let diff = crate::course::transcript::match_lines(&block.expected(), &actual)
            .err()
            .unwrap_or_default();
        problem(format!(
            "the block's output differs from what it shows (netrepl lessons check says the same); run it and update the block\n{diff}"
        ))
    })?;
    Ok(Session {
        steps: block
            .steps
            .iter()
            .zip(parts)
            .map(|(step, output)| ShownStep {
                input: step.input.clone(),
                output,
            })
            .collect(),
        format: block.format.clone(),
        in_lab: block.needs.as_deref() == Some("lab"),
        recorded_because: None,
        machine_note: None,
    })
}

/// A block shown with the output its lesson recorded, and why.
fn recorded_session(block: &Block, why: String) -> Session {
    Session {
        steps: block
            .steps
            .iter()
            .map(|step| ShownStep {
                input: step.input.clone(),
                output: render::recorded_output(&step.expected),
            })
            .collect(),
        format: block.format.clone(),
        in_lab: block.needs.as_deref() == Some("lab"),
        recorded_because: Some(why),
        machine_note: None,
    }
}
