//! A [`ClassReport`] three ways: text for the terminal (learners' names and
//! titles sanitised), CSV for a spreadsheet (RFC 4180: every field that
//! needs it quoted, lines ending CRLF) and one self-contained HTML page
//! (everything escaped, no scripts, no outside assets).

use super::report::{ClassReport, CourseGroup, LessonCell, LessonHeading, duration, stuck, totals};
pub use crate::course::html::escape as html_escape;
use crate::course::terminal::sanitize_line;

fn cell_text(cell: Option<&LessonCell>) -> String {
    let Some(cell) = cell.filter(|c| c.started) else {
        return "-".into();
    };
    let total = cell.total.map_or("?".into(), |t| t.to_string());
    let mut text = format!("{}/{total}", cell.done);
    if cell.hints > 0 {
        text.push_str(&format!(" h{}", cell.hints));
    }
    if let Some(seconds) = cell.active_seconds() {
        text.push_str(&format!(" {}", duration(seconds)));
    }
    text
}

fn group_title(group: &CourseGroup) -> String {
    format!(
        "Course {} version {}: {} learner{}",
        group.course_id,
        group.course_version,
        group.learners.len(),
        if group.learners.len() == 1 { "" } else { "s" }
    )
}

pub fn text(report: &ClassReport) -> String {
    let mut out = String::new();
    for group in &report.groups {
        out.push_str(&sanitize_line(&group_title(group)));
        out.push_str("\n\n");
        // Lessons no one has started would only widen the table.
        let shown: Vec<(usize, &LessonHeading)> = group
            .lessons
            .iter()
            .enumerate()
            .filter(|(_, lesson)| totals(group, &lesson.id).started > 0)
            .collect();
        let names: Vec<String> = group
            .learners
            .iter()
            .map(|l| sanitize_line(&l.learner))
            .collect();
        let name_width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(7);
        let mut rows: Vec<Vec<String>> = vec![
            std::iter::once("learner".to_string())
                .chain(shown.iter().map(|(n, _)| format!("L{}", n + 1)))
                .collect(),
        ];
        for (learner, name) in group.learners.iter().zip(&names) {
            rows.push(
                std::iter::once(name.clone())
                    .chain(
                        shown
                            .iter()
                            .map(|(_, lesson)| cell_text(group.cell(learner, &lesson.id))),
                    )
                    .collect(),
            );
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for row in &rows {
            let line: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, text)| {
                    let width = if c == 0 { name_width } else { widths[c] };
                    format!("{text:<width$}")
                })
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out.push_str("\n(cells: exercises done/total, hN hints, time from first to last activity)\n\nPer lesson:\n");
        for (n, lesson) in &shown {
            let t = totals(group, &lesson.id);
            let (title, total) = (
                &lesson.title,
                lesson.total.map_or("?".into(), |t| t.to_string()),
            );
            let line = format!(
                "  L{:<3} {title}: {} started, {} finished, {} exercises done (of {total} each), {} hints, {} attempts",
                n + 1,
                t.started,
                t.finished,
                t.done,
                t.hints,
                t.attempts
            );
            out.push_str(&sanitize_line(&line));
            out.push('\n');
        }
        let unstarted = group.lessons.len() - shown.len();
        if unstarted > 0 {
            out.push_str(&format!("  ({unstarted} lessons not started by anyone)\n"));
        }
        let stuck = stuck(group);
        out.push_str("\nStuck (most attempts without success):\n");
        if stuck.is_empty() {
            out.push_str("  no one\n");
        }
        for (learner, lesson, exercise, attempts, hints) in stuck {
            out.push_str(&sanitize_line(&format!(
                "  {learner}: {lesson}, exercise {exercise} ({attempts} attempts, {hints} hints)"
            )));
            out.push('\n');
        }
        out.push('\n');
    }
    if report.groups.is_empty() {
        out.push_str("No exports to report.\n");
    }
    out
}

/// One field as RFC 4180 wants it: quoted when it holds a comma, a quote or
/// a line break, quotes doubled. A leading `=`, `+`, `-` or `@` gets a `'`
/// so a spreadsheet shows a learner's name as text, never runs it.
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub const CSV_HEADER: &[&str] = &[
    "course_id",
    "course_version",
    "learner",
    "file",
    "lesson_number",
    "lesson_id",
    "lesson_title",
    "exercises_done",
    "exercises_total",
    "skipped",
    "hints",
    "attempts",
    "active_seconds",
    "finished",
    "stuck_exercise",
    "stuck_attempts",
];

/// A row per learner and lesson, every course's groups one after another.
pub fn csv(report: &ClassReport) -> String {
    let mut out = String::new();
    let mut row = |fields: Vec<String>| {
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    };
    row(CSV_HEADER.iter().map(|h| h.to_string()).collect());
    for group in &report.groups {
        for learner in &group.learners {
            for (n, lesson) in group.lessons.iter().enumerate() {
                let cell = group.cell(learner, &lesson.id).cloned().unwrap_or_default();
                let stuck = cell.stuck.clone();
                row(vec![
                    group.course_id.clone(),
                    group.course_version.clone(),
                    learner.learner.clone(),
                    learner.file.clone(),
                    (n + 1).to_string(),
                    lesson.id.clone(),
                    lesson.title.clone(),
                    cell.done.to_string(),
                    lesson.total.map_or(String::new(), |t| t.to_string()),
                    cell.skipped.to_string(),
                    cell.hints.to_string(),
                    cell.attempts.to_string(),
                    cell.active_seconds()
                        .map_or(String::new(), |s| s.to_string()),
                    cell.finished.to_string(),
                    stuck.as_ref().map_or(String::new(), |s| s.0.clone()),
                    stuck.as_ref().map_or(String::new(), |s| s.1.to_string()),
                ]);
            }
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:.3em .6em;text-align:left}th{background:#eee}td.none{color:#999}.warn{color:#a40}";

pub fn html(report: &ClassReport, warnings: &[String]) -> String {
    let e = html_escape;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Class report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Class report</h1>\n"
    );
    for line in warnings.iter().chain(&report.problems) {
        out.push_str(&format!("<p class=\"warn\">{}</p>\n", e(line)));
    }
    for group in &report.groups {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table>\n<tr><th>learner</th>",
            e(&group_title(group))
        ));
        for (n, lesson) in group.lessons.iter().enumerate() {
            out.push_str(&format!(
                "<th title=\"{}\">L{}</th>",
                e(&lesson.title),
                n + 1
            ));
        }
        out.push_str("</tr>\n");
        for learner in &group.learners {
            out.push_str(&format!("<tr><td>{}</td>", e(&learner.learner)));
            for lesson in &group.lessons {
                let cell = group.cell(learner, &lesson.id);
                let class = if cell.is_some_and(|c| c.started) {
                    ""
                } else {
                    " class=\"none\""
                };
                out.push_str(&format!("<td{class}>{}</td>", e(&cell_text(cell))));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n<p>Cells: exercises done/total, hN hints, time from first to last activity.</p>\n<h3>Per lesson</h3>\n<table>\n<tr><th>lesson</th><th>title</th><th>started</th><th>finished</th><th>exercises done</th><th>of each</th><th>hints</th><th>attempts</th></tr>\n");
        for (n, lesson) in group.lessons.iter().enumerate() {
            let t = totals(group, &lesson.id);
            out.push_str(&format!(
                "<tr><td>L{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                n + 1,
                e(&lesson.title),
                t.started,
                t.finished,
                t.done,
                lesson.total.map_or("?".into(), |t| t.to_string()),
                t.hints,
                t.attempts
            ));
        }
        out.push_str("</table>\n<h3>Stuck (most attempts without success)</h3>\n<ul>\n");
        let stuck = stuck(group);
        if stuck.is_empty() {
            out.push_str("<li>no one</li>\n");
        }
        for (learner, lesson, exercise, attempts, hints) in stuck {
            out.push_str(&format!(
                "<li>{}: {}, exercise {} ({attempts} attempts, {hints} hints)</li>\n",
                e(learner),
                e(lesson),
                e(exercise)
            ));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }
}
