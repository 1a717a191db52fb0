//! The exercises of a course tested like code: every `accept:` line (and the
//! line the last hint shows) must complete its exercise, every `reject:` line
//! must not, and each exercise needs at least one `reject:`. Each line runs
//! through `netrepl lessons grade` in a process of its own, with a time limit,
//! and never on the real network: inside the lab for `needs: lab` exercises,
//! else in the namespace the check confines its blocks to (see `check`),
//! whose only way out ends inside it and whose resolver is loopback. Where no
//! namespace can be made, only exercises whose command stays on this machine
//! are run.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::course::Course;
use super::exercise;
use super::parse::{Exercise, Lesson, Problem};
use crate::commands;
use crate::commands::socket_methods;
use crate::course::transcript::run_merged_within;
use crate::net::lab::Lab;

/// How long one graded line may run before it counts as hanging.
const LINE_LIMIT: Duration = Duration::from_secs(20);

/// What testing the exercises found: problems, and lines passed, failed and skipped.
#[derive(Default)]
pub struct ExerciseReport {
    pub problems: Vec<Problem>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: Vec<String>,
}

/// The line a hint shows in backticks, if it shows one (`Type `ipinfo 10.0.0.1`.`).
pub fn shown_line(hint: &str) -> Option<&str> {
    let start = hint.find('`')? + 1;
    let end = start + hint[start..].find('`')?;
    let line = hint[start..end].trim();
    (!line.is_empty()).then_some(line)
}

fn parameters(command: &str) -> Vec<&'static str> {
    if let Some(found) = commands::find(command) {
        return found.params.iter().map(|p| p.name).collect();
    }
    socket_methods::find(command)
        .map(|m| m.params.iter().map(|p| p.name).collect())
        .unwrap_or_default()
}

/// Where an exercise's lines may run.
enum Place<'a> {
    Lab(&'a Lab),
    /// The check's own namespace, where nothing reaches the real network.
    Confined(&'a Command),
    /// Here, for commands that never leave the machine.
    Here,
}

/// Tests every exercise of `course` (read from `dir`, or built in) through
/// the netrepl program at `netrepl`.
pub fn check_exercises(
    course: &Course,
    dir: Option<&Path>,
    netrepl: &Path,
    lab: Option<&Lab>,
    confined: Option<&Command>,
) -> ExerciseReport {
    let mut report = ExerciseReport::default();
    for lesson in &course.lessons {
        for exercise in lesson.exercises() {
            let place = match (exercise.needs.as_deref(), lab, confined) {
                (Some("lab"), Some(lab), _) => Place::Lab(lab),
                (Some("lab"), None, _) => {
                    report.skipped.push(format!(
                        "{}:{}: exercise `{}` needs the lab, which is not up",
                        lesson.file, exercise.line, exercise.id
                    ));
                    continue;
                }
                (_, _, Some(confined)) => Place::Confined(confined),
                (_, _, None) if stays_here(exercise) => Place::Here,
                (_, _, None) => {
                    report.skipped.push(format!(
                        "{}:{}: exercise `{}` uses the network, and no network namespace could be made to keep it on loopback (needs root)",
                        lesson.file, exercise.line, exercise.id
                    ));
                    continue;
                }
            };
            check_one(lesson, exercise, dir, netrepl, place, &mut report);
        }
    }
    report
}

/// Whether an exercise's command, and every line it would run, names only
/// commands the registry marks as never touching the network (a name
/// inside a longer word counts too: better to skip than to send).
fn stays_here(exercise: &Exercise) -> bool {
    let network_commands: Vec<&str> = commands::all()
        .iter()
        .filter(|c| c.network)
        .map(|c| c.name)
        .collect();
    let mut lines = exercise
        .setup
        .iter()
        .map(String::as_str)
        .chain(exercise.accept.iter().map(|(_, l)| l.as_str()))
        .chain(exercise.reject.iter().map(|(_, l)| l.as_str()))
        .chain(exercise.hints.iter().filter_map(|h| shown_line(h)));
    commands::find(&exercise.command).is_some_and(|c| !c.network)
        && lines.all(|line| network_commands.iter().all(|name| !line.contains(name)))
}

fn check_one(
    lesson: &Lesson,
    exercise: &Exercise,
    dir: Option<&Path>,
    netrepl: &Path,
    place: Place,
    report: &mut ExerciseReport,
) {
    let problem = |line: usize, message: String| Problem {
        file: lesson.file.clone(),
        line,
        message,
    };
    for (line, message) in exercise::parameter_problems(exercise, &parameters(&exercise.command)) {
        report.problems.push(problem(line, message));
    }
    if exercise.reject.is_empty() {
        report.problems.push(problem(
            exercise.line,
            format!(
                "exercise `{}` has no reject: line; add a plausible wrong line that must not complete it",
                exercise.id
            ),
        ));
    }
    let mut accepted: Vec<(usize, &str)> = exercise
        .accept
        .iter()
        .map(|(at, line)| (*at, line.as_str()))
        .collect();
    if let Some(line) = exercise.hints.last().and_then(|h| shown_line(h))
        && !accepted.iter().any(|(_, a)| *a == line)
    {
        accepted.push((exercise.line, line));
    }
    if let Some(other) = exercise.needs.as_deref().filter(|n| *n != "lab") {
        report.problems.push(problem(
            exercise.line,
            format!(
                "exercise `{}`: unknown need `{other}`; use `needs: lab`",
                exercise.id
            ),
        ));
        return;
    }
    let program = match place {
        Place::Lab(lab) => lab.scanner_command(netrepl),
        Place::Confined(template) => rebuild(template),
        Place::Here => Command::new(netrepl),
    };
    let runs = accepted.iter().map(|(at, line)| (*at, *line, true)).chain(
        exercise
            .reject
            .iter()
            .map(|(at, line)| (*at, line.as_str(), false)),
    );
    for (at, line, should_complete) in runs {
        let mut command = rebuild(&program);
        command.args(["lessons", "grade"]);
        if let Some(dir) = dir {
            command.arg("--lessons").arg(dir);
        }
        command
            .arg(&lesson.id)
            .arg(&exercise.id)
            .arg("--")
            .args(&exercise.setup)
            .arg(line);
        match run_limited(command) {
            Ok((status, output)) => {
                let complete = status == Some(0);
                if status.is_some_and(|s| s >= 2) {
                    report.failed += 1;
                    report.problems.push(problem(
                        at,
                        format!("`lessons grade` could not grade `{line}`:\n{output}"),
                    ));
                } else if complete == should_complete {
                    report.passed += 1;
                } else {
                    report.failed += 1;
                    let message = if should_complete {
                        format!(
                            "exercise `{}`: `{line}` should complete it but does not; fix the line or the exercise's arg/result\n{output}",
                            exercise.id
                        )
                    } else {
                        format!(
                            "exercise `{}`: the wrong line `{line}` completes it; add an arg: rule or a result that tells them apart",
                            exercise.id
                        )
                    };
                    report.problems.push(problem(at, message));
                }
            }
            Err(why) => {
                report.failed += 1;
                report
                    .problems
                    .push(problem(at, format!("`{line}`: {why}")));
            }
        }
    }
}

/// A fresh copy of a command with its program, arguments and environment.
fn rebuild(template: &Command) -> Command {
    let mut command = Command::new(template.get_program());
    command.args(template.get_args());
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command
}

/// Runs a grading process with no input, killing it past `LINE_LIMIT`;
/// returns its exit status and what it printed.
fn run_limited(command: Command) -> Result<(Option<i32>, String), String> {
    let ran = run_merged_within(command, "", LINE_LIMIT)
        .map_err(|e| format!("could not run netrepl: {e}"))?;
    if ran.timed_out {
        return Err(format!(
            "still running after {} s; killed",
            LINE_LIMIT.as_secs()
        ));
    }
    Ok((ran.status, ran.output))
}
