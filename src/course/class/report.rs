//! `netrepl class report`: many learners' exports (see [`super::export`])
//! read as untrusted data and rolled up by course. Each file is checked on
//! its own: a bad one is a problem that names it, and the rest are still
//! reported. Exports of different courses (id or version) are grouped apart,
//! never added together.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::export::{FORMAT, FORMAT_VERSION};
use crate::course::timestamp;
use crate::session::data_files::{MAX_FILE_BYTES, read_regular_text};

/// More exports than any class has; more is a mistake, not a class.
pub const MAX_FILES: usize = 5000;
/// Longer names and ids are refused rather than carried into a report.
const MAX_TEXT: usize = 200;
const MAX_LESSONS: usize = 1000;
const MAX_EXERCISES: usize = 1000;

/// One lesson of one learner, summed up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonCell {
    pub id: String,
    pub title: Option<String>,
    pub total: Option<usize>,
    pub done: usize,
    pub skipped: usize,
    pub hints: u64,
    pub attempts: u64,
    pub started: bool,
    pub finished: bool,
    /// First and last activity, seconds since 1970.
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// The exercise tried most often without being done or skipped, with
    /// its attempts and hints.
    pub stuck: Option<(String, u64, u64)>,
}

impl LessonCell {
    pub fn active_seconds(&self) -> Option<i64> {
        Some(self.last? - self.first?)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LearnerExport {
    pub file: String,
    pub learner: String,
    pub netrepl_version: String,
    pub course_id: String,
    pub course_version: String,
    pub lessons: Vec<LessonCell>,
}

/// A lesson as a report's column shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonHeading {
    pub id: String,
    pub title: String,
    /// How many exercises it has, when the export says.
    pub total: Option<usize>,
}

/// The exports of one course (id and version).
#[derive(Debug, Default)]
pub struct CourseGroup {
    pub course_id: String,
    pub course_version: String,
    /// The lessons as the exports list them.
    pub lessons: Vec<LessonHeading>,
    pub learners: Vec<LearnerExport>,
}

impl CourseGroup {
    pub fn cell<'a>(&self, learner: &'a LearnerExport, lesson: &str) -> Option<&'a LessonCell> {
        learner.lessons.iter().find(|c| c.id == lesson)
    }
}

#[derive(Debug, Default)]
pub struct ClassReport {
    /// Largest first: the class's own course, then any others.
    pub groups: Vec<CourseGroup>,
    /// `FILE: why` for each file that could not be used.
    pub problems: Vec<String>,
}

/// The files named, a directory standing for the `.json` files directly in it.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "json"))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => problems.push(format!(
                    "{}: cannot list the directory: {e}",
                    path.display()
                )),
            },
            Ok(_) => files.push(path.clone()),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    if files.len() > MAX_FILES {
        problems.push(format!(
            "{} exports given; only the first {MAX_FILES} are read",
            files.len()
        ));
        files.truncate(MAX_FILES);
    }
    (files, problems)
}

/// Reads every export and rolls them up; bad files become problems.
pub fn build(paths: &[PathBuf]) -> ClassReport {
    let (files, mut problems) = collect_files(paths);
    let mut exports = Vec::new();
    for file in &files {
        match read_export(file) {
            Ok(export) => exports.push(export),
            Err(why) => problems.push(format!("{}: {why}", file.display())),
        }
    }
    ClassReport {
        groups: group(exports),
        problems,
    }
}

fn read_export(path: &Path) -> Result<LearnerExport, String> {
    let text =
        read_regular_text(path, MAX_FILE_BYTES).map_err(|e| format!("cannot be read: {e}"))?;
    parse_export(&text, &path.display().to_string())
}

fn text_field(object: &serde_json::Map<String, Json>, key: &str) -> Result<String, String> {
    match object.get(key) {
        Some(Json::String(s)) if s.chars().count() <= MAX_TEXT => Ok(s.clone()),
        Some(Json::String(_)) => Err(format!("its {key} is longer than {MAX_TEXT} characters")),
        _ => Err(format!("it has no {key} text")),
    }
}

fn optional_text(
    object: &serde_json::Map<String, Json>,
    key: &str,
) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(None),
        _ => text_field(object, key).map(Some),
    }
}

fn moment(object: &serde_json::Map<String, Json>, key: &str) -> Result<Option<i64>, String> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => timestamp::parse_unix(s)
            .map(Some)
            .ok_or_else(|| format!("its {key} is not an ISO 8601 moment in UTC")),
        Some(_) => Err(format!("its {key} is not an ISO 8601 moment in UTC")),
    }
}

fn count(object: &serde_json::Map<String, Json>, key: &str) -> Result<u64, String> {
    match object.get(key) {
        None => Ok(0),
        Some(n) => n
            .as_u64()
            .ok_or_else(|| format!("its {key} is not a whole number")),
    }
}

/// One export's text, checked field by field.
pub fn parse_export(text: &str, file: &str) -> Result<LearnerExport, String> {
    let json: Json = serde_json::from_str(text).map_err(|e| format!("it is not JSON ({e})"))?;
    let top = json.as_object().ok_or("it is not a JSON object")?;
    if top.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(format!(
            "it is not a netrepl progress export (no \"format\": \"{FORMAT}\"); make one with `netrepl progress export`"
        ));
    }
    match top.get("format_version").and_then(Json::as_u64) {
        Some(1..=FORMAT_VERSION) => {}
        Some(newer) if newer > FORMAT_VERSION => {
            return Err(format!(
                "it is format version {newer}, from a newer netrepl (this one reads up to {FORMAT_VERSION})"
            ));
        }
        _ => return Err("it has no known format_version".into()),
    }
    let course = top
        .get("course")
        .and_then(Json::as_object)
        .ok_or("it has no course object")?;
    let course_id = optional_text(course, "id")?.unwrap_or_else(|| "(no id)".into());
    let course_version = optional_text(course, "version")?.unwrap_or_else(|| "(no version)".into());
    let lessons_json = top
        .get("lessons")
        .and_then(Json::as_array)
        .ok_or("it has no lessons list")?;
    if lessons_json.len() > MAX_LESSONS {
        return Err(format!("it lists more than {MAX_LESSONS} lessons"));
    }
    let mut lessons = Vec::new();
    for (n, lesson) in lessons_json.iter().enumerate() {
        let cell = parse_lesson(lesson).map_err(|why| format!("lesson {}: {why}", n + 1))?;
        lessons.push(cell);
    }
    Ok(LearnerExport {
        file: file.to_string(),
        learner: text_field(top, "learner")?,
        netrepl_version: optional_text(top, "netrepl_version")?.unwrap_or_default(),
        course_id,
        course_version,
        lessons,
    })
}

fn parse_lesson(lesson: &Json) -> Result<LessonCell, String> {
    let lesson = lesson.as_object().ok_or("it is not an object")?;
    let total = match lesson.get("exercises_total") {
        None | Some(Json::Null) => None,
        Some(n) => Some(
            n.as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n <= MAX_EXERCISES)
                .ok_or("its exercises_total is not a whole number of sane size")?,
        ),
    };
    let mut cell = LessonCell {
        id: text_field(lesson, "id")?,
        title: optional_text(lesson, "title")?,
        total,
        started: moment(lesson, "started")?.is_some(),
        finished: moment(lesson, "finished")?.is_some(),
        ..LessonCell::default()
    };
    let mut moments: Vec<i64> = [moment(lesson, "started")?, moment(lesson, "finished")?]
        .into_iter()
        .flatten()
        .collect();
    let exercises = lesson
        .get("exercises")
        .and_then(Json::as_array)
        .ok_or("it has no exercises list")?;
    if exercises.len() > MAX_EXERCISES {
        return Err(format!("it lists more than {MAX_EXERCISES} exercises"));
    }
    for exercise in exercises {
        let exercise = exercise.as_object().ok_or("an exercise is not an object")?;
        let id = text_field(exercise, "id")?;
        let done = match exercise.get("done") {
            Some(Json::Bool(done)) => *done,
            _ => return Err(format!("exercise {id:?} has no done true or false")),
        };
        let skipped = optional_text(exercise, "skipped")?.is_some();
        let (attempts, hints) = (count(exercise, "attempts")?, count(exercise, "hints")?);
        for key in ["done_at", "skipped_at", "first_at", "last_at"] {
            moments.extend(moment(exercise, key)?);
        }
        cell.done += usize::from(done);
        cell.skipped += usize::from(skipped && !done);
        cell.hints = cell.hints.saturating_add(hints);
        cell.attempts = cell.attempts.saturating_add(attempts);
        if !done && !skipped && attempts > 0 && cell.stuck.as_ref().is_none_or(|s| s.1 < attempts) {
            cell.stuck = Some((id, attempts, hints));
        }
    }
    cell.first = moments.iter().copied().min();
    cell.last = moments.iter().copied().max();
    cell.started |= cell.first.is_some();
    Ok(cell)
}

fn group(exports: Vec<LearnerExport>) -> Vec<CourseGroup> {
    let mut groups: Vec<CourseGroup> = Vec::new();
    for export in exports {
        let index = match groups.iter().position(|g| {
            g.course_id == export.course_id && g.course_version == export.course_version
        }) {
            Some(index) => index,
            None => {
                groups.push(CourseGroup {
                    course_id: export.course_id.clone(),
                    course_version: export.course_version.clone(),
                    ..CourseGroup::default()
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        for cell in &export.lessons {
            if !group.lessons.iter().any(|l| l.id == cell.id) {
                group.lessons.push(LessonHeading {
                    id: cell.id.clone(),
                    title: cell.title.clone().unwrap_or_else(|| cell.id.clone()),
                    total: cell.total,
                });
            }
        }
        group.learners.push(export);
    }
    for group in &mut groups {
        group
            .learners
            .sort_by(|a, b| a.learner.cmp(&b.learner).then(a.file.cmp(&b.file)));
    }
    // Stable: of equal sizes, the course met first comes first.
    groups.sort_by_key(|g| std::cmp::Reverse(g.learners.len()));
    groups
}

/// A lesson's totals over a group's learners.
#[derive(Debug, Default, PartialEq)]
pub struct LessonTotals {
    pub started: usize,
    pub finished: usize,
    pub done: usize,
    pub hints: u64,
    pub attempts: u64,
}

pub fn totals(group: &CourseGroup, lesson: &str) -> LessonTotals {
    let mut totals = LessonTotals::default();
    for learner in &group.learners {
        if let Some(cell) = group.cell(learner, lesson) {
            totals.started += usize::from(cell.started);
            totals.finished += usize::from(cell.finished);
            totals.done += cell.done;
            totals.hints += cell.hints;
            totals.attempts += cell.attempts;
        }
    }
    totals
}

/// Who is stuck where: (learner, lesson title, exercise, attempts, hints),
/// most attempts first.
pub fn stuck(group: &CourseGroup) -> Vec<(&str, &str, &str, u64, u64)> {
    let mut stuck = Vec::new();
    for learner in &group.learners {
        for cell in &learner.lessons {
            if let Some((exercise, attempts, hints)) = &cell.stuck {
                let title = cell.title.as_deref().unwrap_or(&cell.id);
                stuck.push((
                    learner.learner.as_str(),
                    title,
                    exercise.as_str(),
                    *attempts,
                    *hints,
                ));
            }
        }
    }
    stuck.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(b.0)));
    stuck
}

/// `1h 05m`, `12m 30s`, `40s`.
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match (seconds / 3600, seconds / 60 % 60, seconds % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration(40), "40s");
        assert_eq!(duration(750), "12m 30s");
        assert_eq!(duration(3900), "1h 05m");
        assert_eq!(duration(-5), "0s");
    }

    #[test]
    fn an_exercise_tried_most_without_success_is_where_a_learner_is_stuck() {
        let lesson = serde_json::json!({"id": "l", "title": "L", "exercises_total": 3,
            "exercises": [
                {"id": "a", "done": true, "attempts": 9},
                {"id": "b", "done": false, "attempts": 4, "hints": 2},
                {"id": "c", "done": false, "attempts": 2},
                {"id": "d", "done": false, "attempts": 7, "skipped": "no lab"}]});
        let cell = parse_lesson(&lesson).unwrap();
        assert_eq!(cell.stuck, Some(("b".into(), 4, 2)));
        assert_eq!((cell.done, cell.skipped, cell.attempts), (1, 1, 22));
    }
}
