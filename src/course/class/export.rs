//! `netrepl progress export`: a learner's progress as one JSON document a
//! teacher collects. The format, version 1:
//!
//! ```json
//! {"format": "netrepl-progress-export", "format_version": 1,
//!  "learner": "ada", "netrepl_version": "0.1.0", "exported_at": "2026-12-07T01:00:00Z",
//!  "course": {"id": "netrepl-basics", "version": "1.0"},
//!  "lessons": [{"id": "host-names", "title": "Host names", "in_course": true,
//!    "exercises_total": 3, "started": "...", "finished": null,
//!    "exercises": [{"id": "hostname", "done": true, "done_at": "...", "attempts": 2,
//!      "hints": 1, "skipped": null, "skipped_at": null, "first_at": "...", "last_at": "..."}]}]}
//! ```
//!
//! Every lesson of the course is listed in course order, each with every
//! exercise (untried ones with zero counts); lessons the progress file knows
//! but the course does not follow with `in_course: false`. Moments are ISO
//! 8601 in UTC or null. A reader refuses another `format` and a newer
//! `format_version`; fields added later are ignored by older readers.

use serde_json::{Value as Json, json};

use crate::course::lessons::course::Course;
use crate::course::lessons::progress::{ExerciseRecord, LessonProgress, Progress};
use crate::course::timestamp;

pub const FORMAT: &str = "netrepl-progress-export";
pub const FORMAT_VERSION: u64 = 1;

/// Who the export is of: `--name`, else the login name, else `$USER`.
pub fn learner_name(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(crate::net::ffi::user_name)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into())
}

fn exercise_json(id: &str, entry: Option<&LessonProgress>) -> Json {
    let none = ExerciseRecord::default();
    let record = entry.and_then(|e| e.exercises.get(id)).unwrap_or(&none);
    let done = entry.is_some_and(|e| e.done.iter().any(|d| d == id));
    json!({
        "id": id,
        "done": done,
        "done_at": record.done_at,
        "attempts": record.attempts,
        "hints": record.hints,
        "skipped": entry.and_then(|e| e.skipped.get(id)),
        "skipped_at": record.skipped_at,
        "first_at": record.first_at,
        "last_at": record.last_at,
    })
}

fn lesson_json(
    id: &str,
    title: Option<&str>,
    exercises: &[String],
    entry: Option<&LessonProgress>,
) -> Json {
    // Exercises the file records but the course no longer has are kept too.
    let mut ids: Vec<String> = exercises.to_vec();
    if let Some(entry) = entry {
        let recorded = entry
            .done
            .iter()
            .chain(entry.skipped.keys())
            .chain(entry.exercises.keys());
        for extra in recorded {
            if !ids.contains(extra) {
                ids.push(extra.clone());
            }
        }
    }
    json!({
        "id": id,
        "title": title,
        "in_course": title.is_some(),
        "exercises_total": title.map(|_| exercises.len()),
        "started": entry.and_then(|e| e.started.clone()),
        "finished": entry.and_then(|e| e.finished.clone()),
        "exercises": ids.iter().map(|x| exercise_json(x, entry)).collect::<Vec<_>>(),
    })
}

/// The export document of `progress` in `course`, for `learner`.
pub fn export(progress: &Progress, course: &Course, learner: &str) -> Json {
    let mut lessons: Vec<Json> = course
        .lessons
        .iter()
        .map(|lesson| {
            let exercises: Vec<String> = lesson.exercises().map(|e| e.id.clone()).collect();
            lesson_json(
                &lesson.id,
                Some(&lesson.title),
                &exercises,
                progress.lessons.get(&lesson.id),
            )
        })
        .collect();
    for (id, entry) in &progress.lessons {
        if !course.lessons.iter().any(|l| &l.id == id) {
            lessons.push(lesson_json(id, None, &[], Some(entry)));
        }
    }
    json!({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "learner": learner,
        "netrepl_version": env!("CARGO_PKG_VERSION"),
        "exported_at": timestamp::now(),
        "course": {"id": course.id, "version": course.version},
        "lessons": lessons,
    })
}
