//! The command lines `netrepl progress [export]` and `netrepl class report`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{export, report, report_render, summary};
use crate::course::lessons::course::load_course;
use crate::course::lessons::progress::Progress;
use crate::course::terminal::sanitize_line;
use crate::session::data_files::write_atomically;

pub const PROGRESS_USAGE: &str = "usage: netrepl progress [--lessons DIR]\n       netrepl progress export [--name NAME] [--lessons DIR] [FILE]";
pub const CLASS_USAGE: &str = "usage: netrepl class report FILE|DIR... [--csv] [--html FILE]";

fn usage(text: &str) -> ExitCode {
    eprintln!("{text}");
    ExitCode::from(2)
}

/// `netrepl progress`: the summary; `netrepl progress export`: the JSON
/// document (on stdout, or written to FILE).
pub fn progress_command(args: &[String]) -> ExitCode {
    let (exporting, args) = match args.first().map(String::as_str) {
        Some("export") => (true, &args[1..]),
        _ => (false, args),
    };
    let (mut name, mut lessons, mut file) = (None, None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--name" if exporting => match words.next() {
                Some(n) if !n.trim().is_empty() => name = Some(n.clone()),
                _ => {
                    return usage(&format!(
                        "netrepl progress export: --name takes a name\n{PROGRESS_USAGE}"
                    ));
                }
            },
            "--lessons" => match words.next() {
                Some(dir) => lessons = Some(PathBuf::from(dir)),
                None => return usage(PROGRESS_USAGE),
            },
            other if exporting && !other.starts_with("--") && file.is_none() => {
                file = Some(PathBuf::from(other))
            }
            _ => return usage(PROGRESS_USAGE),
        }
    }
    let course = match load_course(lessons.as_deref()) {
        Ok(course) => course,
        Err(e) => {
            eprintln!(
                "netrepl progress: {}",
                crate::course::terminal::sanitize(&e)
            );
            return ExitCode::from(2);
        }
    };
    let progress = Progress::load();
    if !exporting {
        print!("{}", summary::summary(&progress, &course));
        return ExitCode::SUCCESS;
    }
    let learner = export::learner_name(name.as_deref());
    let mut text = serde_json::to_string_pretty(&export::export(&progress, &course, &learner))
        .unwrap_or_default();
    text.push('\n');
    match file {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(file) => match write_atomically(&file, text.as_bytes()) {
            Ok(()) => {
                eprintln!(
                    "netrepl: progress of {} written to {}",
                    sanitize_line(&learner),
                    file.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!(
                    "netrepl progress export: cannot write {}: {e}",
                    file.display()
                );
                ExitCode::from(1)
            }
        },
    }
}

/// `netrepl class report`: exits 1 when any file could not be used (the
/// others are still reported), 2 for a usage mistake or nothing to report.
pub fn class_command(args: &[String]) -> ExitCode {
    let Some(("report", args)) = args.split_first().map(|(a, rest)| (a.as_str(), rest)) else {
        return usage(CLASS_USAGE);
    };
    let (mut csv, mut html, mut inputs) = (false, None, Vec::new());
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--csv" => csv = true,
            "--html" => match words.next() {
                Some(file) => html = Some(PathBuf::from(file)),
                None => {
                    return usage(&format!(
                        "netrepl class report: --html takes a file to write\n{CLASS_USAGE}"
                    ));
                }
            },
            other if other.starts_with("--") => return usage(CLASS_USAGE),
            other => inputs.push(PathBuf::from(other)),
        }
    }
    if inputs.is_empty() {
        return usage(CLASS_USAGE);
    }
    let built = report::build(&inputs);
    let mut warnings = Vec::new();
    if built.groups.len() > 1 {
        let courses: Vec<String> = built
            .groups
            .iter()
            .map(|g| {
                format!(
                    "{} {} ({} learners)",
                    g.course_id,
                    g.course_version,
                    g.learners.len()
                )
            })
            .collect();
        warnings.push(format!(
            "the exports are of {} different courses or versions, reported separately: {}",
            built.groups.len(),
            courses.join(", ")
        ));
    }
    for line in warnings.iter().chain(&built.problems) {
        eprintln!("netrepl class report: {}", sanitize_line(line));
    }
    if csv {
        print!("{}", report_render::csv(&built));
    } else {
        print!("{}", report_render::text(&built));
    }
    if let Some(file) = html
        && let Err(e) = write_atomically(&file, report_render::html(&built, &warnings).as_bytes())
    {
        eprintln!("netrepl class report: cannot write {}: {e}", file.display());
        return ExitCode::from(1);
    }
    if built.groups.is_empty() {
        eprintln!("netrepl class report: no export could be read");
        ExitCode::from(2)
    } else if built.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
