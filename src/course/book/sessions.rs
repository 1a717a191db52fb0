//! What a reader sees of each block: its live output split at its inputs,
//! or, for a block that cannot run here, the output its page recorded and
//! why. A block whose live output differs from what it shows is a problem.

use super::live::{self, Output};
use super::render::{self, Session, ShownStep};
use crate::course::lessons::parse::Problem;
use crate::course::transcript::Block;

/// The sessions of one file's blocks, each with the output of its run if
/// it had one. A block whose live output is a problem adds the problem and
/// shows no session.
pub fn of_blocks<'a>(
    file: &str,
    blocks: impl IntoIterator<Item = (&'a Block, Option<&'a Output>)>,
    problems: &mut Vec<Problem>,
) -> Vec<Session> {
    let mut sessions = Vec::new();
    for (block, output) in blocks {
        let session = match output {
            Some(output) => live_session(file, block, output),
            None => Ok(recorded_session(block)),
        };
        match session {
            Ok(session) => sessions.push(session),
            Err(problem) => problems.push(problem),
        }
    }
    sessions
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
        recorded_because: None,
    })
}

/// A block that needs root or the lab keeps the output the lesson recorded.
fn recorded_session(block: &Block) -> Session {
    let why = match block.needs.as_deref() {
        Some("lab") => "it runs inside the practice lab (as root: netrepl -c \"lab up\", then sudo netrepl --lab)".to_string(),
        Some("root") => "it needs root or ICMP permission (try it with sudo netrepl)".to_string(),
        Some(other) => format!("it needs {other}"),
        None => "it was not run".to_string(),
    };
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
        recorded_because: Some(why),
    }
}
