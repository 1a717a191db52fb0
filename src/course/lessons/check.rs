//! `netrepl lessons check [DIR]`: the linter for a lesson directory. It reads
//! every file, cross-checks the lessons with the command registry, and runs
//! every runnable block, reporting each problem with its file and line.

use std::path::Path;
use std::process::Command;

use super::course::{self, Course};
use super::exercise_check;
use super::parse::Problem;
use super::tutor::TUTORIAL_COMMANDS;
use crate::commands;
use crate::commands::socket_methods;
use crate::course::transcript::{Block, run_block};
use crate::net::lab::Lab;

/// What checking found.
#[derive(Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    pub passed: usize,
    pub failed: usize,
    /// Blocks not run, with why.
    pub skipped: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.failed == 0
    }
}

/// Checks a lesson directory, or the built-in course when `dir` is `None`;
/// blocks are run through the netrepl program at `netrepl`, and `needs=lab`
/// blocks inside `lab` when one is up.
pub fn check(dir: Option<&Path>, netrepl: &Path, lab: Option<&Lab>) -> Report {
    let (files, origin) = match dir {
        Some(dir) => match course::directory_files(dir) {
            Ok(files) => (files, dir.display().to_string()),
            Err(e) => {
                return Report {
                    problems: vec![Problem {
                        file: dir.display().to_string(),
                        line: 0,
                        message: e,
                    }],
                    ..Report::default()
                };
            }
        },
        None => (course::embedded_files(), "lessons".to_string()),
    };
    let mut report = Report::default();
    let course = match course::load(&files, &origin) {
        Ok(course) => course,
        Err(problems) => {
            report.problems = problems;
            return report;
        }
    };
    report.problems.extend(cross_check(&course));
    for lesson in &course.lessons {
        for block in &lesson.blocks {
            run_one(&lesson.file, block, netrepl, lab, &mut report);
        }
    }
    let exercises = exercise_check::check_exercises(&course, dir, netrepl, lab);
    report.problems.extend(exercises.problems);
    report.passed += exercises.passed;
    report.failed += exercises.failed;
    report.skipped.extend(exercises.skipped);
    report
}

/// Commands lessons name must exist, and every command must be taught.
pub fn cross_check(course: &Course) -> Vec<Problem> {
    let mut problems = Vec::new();
    let known = |name: &str| commands::find(name).is_some() || TUTORIAL_COMMANDS.contains(&name);
    for lesson in &course.lessons {
        for command in &lesson.teaches {
            if !known(command) {
                problems.push(Problem {
                    file: lesson.file.clone(),
                    line: 4,
                    message: format!(
                        "teaches `{command}`, which is not a command; `netrepl -c help` lists them"
                    ),
                });
            }
        }
        for exercise in lesson.exercises() {
            if !known(&exercise.command) && socket_methods::find(&exercise.command).is_none() {
                problems.push(Problem {
                    file: lesson.file.clone(),
                    line: exercise.line,
                    message: format!(
                        "exercise `{}` names `{}`, which is neither a command nor a socket method",
                        exercise.id, exercise.command
                    ),
                });
            }
        }
    }
    for command in commands::all() {
        if course.teaching(command.name).is_empty() {
            problems.push(Problem {
                file: format!("{}/{}", course.origin, course::ORDER_FILE),
                line: 1,
                message: format!("no lesson teaches `{}`; add it to the teaches: list of the lesson that explains it", command.name),
            });
        }
    }
    problems
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

fn run_one(file: &str, block: &Block, netrepl: &Path, lab: Option<&Lab>, report: &mut Report) {
    let program = match block.needs.as_deref() {
        None => Command::new(netrepl),
        Some("root") if is_root() => Command::new(netrepl),
        Some("root") => {
            report.skipped.push(format!(
                "{file}:{}: needs root (ICMP), and this is not root",
                block.line
            ));
            return;
        }
        Some("lab") => match lab {
            Some(lab) => lab.scanner_command(netrepl),
            None => {
                report.skipped.push(format!(
                    "{file}:{}: needs the lab, which is not up (as root: netrepl -c \"lab up\")",
                    block.line
                ));
                return;
            }
        },
        Some(other) => {
            report
                .skipped
                .push(format!("{file}:{}: unknown need {other}", block.line));
            return;
        }
    };
    match run_block(program, block) {
        Ok(()) => report.passed += 1,
        Err(diff) => {
            report.failed += 1;
            report.problems.push(Problem {
                file: file.to_string(),
                line: block.line,
                message: format!("the block's output differs from what it shows; run it and update the block\n{diff}"),
            });
        }
    }
}

/// The text `lessons check` prints, ending with a `N passed, N failed` line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for problem in &report.problems {
        out.push_str(&format!("{problem}\n"));
    }
    for skipped in &report.skipped {
        out.push_str(&format!("skipped {skipped}\n"));
    }
    out.push_str(&format!(
        "lessons: {} passed, {} failed, {} skipped; {} other problems\n",
        report.passed,
        report.failed,
        report.skipped.len(),
        report.problems.len() - report.failed
    ));
    out
}
