//! Where a learner is in the course, and what they did there, kept in
//! `progress.json` in netrepl's data directory so it survives restarts:
//!
//! ```json
//! {"version": 2, "current": "packing-addresses",
//!  "lessons": {"packing-addresses": {"step": 2, "done": ["pack-private"], "seen_all": false,
//!    "started": "2026-12-07T01:02:03Z", "finished": null,
//!    "exercises": {"pack-private": {"attempts": 3, "hints": 1, "done_at": "2026-12-07T01:09:00Z",
//!      "first_at": "2026-12-07T01:05:00Z", "last_at": "2026-12-07T01:09:00Z"}}}}}
//! ```
//!
//! `step` is the section the learner was on; `done` lists finished exercises;
//! `skipped` (optional) maps exercises passed over with `skip` to why;
//! `exercises` holds a record of each exercise tried (lines judged as tries
//! at it, hints shown, when it was done or skipped, first and last activity).
//! Moments are ISO 8601 in UTC (see `course::timestamp`). Version 1 files
//! (without the records and moments) still load, and are written back as 2.
//!
//! Two sessions may run at once, so a save takes a lock, reads the file again
//! and merges this session's changes into it (see [`merge`]) before it
//! replaces the file whole. A file netrepl cannot use (garbled, of the wrong
//! shape, from a newer netrepl, or not a regular file) is moved aside under a
//! name that says so, and the learner is told, before anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use crate::course::timestamp;
use crate::session::data_files::{self, FileLock, ReadError};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonProgress {
    pub step: usize,
    pub done: Vec<String>,
    /// Whether the learner has reached the last step at least once.
    pub seen_all: bool,
    /// Exercises passed over with `skip`, each with why.
    pub skipped: BTreeMap<String, String>,
    /// When the learner first opened the lesson.
    pub started: Option<String>,
    /// When every exercise was first done or skipped and the last step seen.
    pub finished: Option<String>,
    /// What the learner did at each exercise they tried, by exercise id.
    pub exercises: BTreeMap<String, ExerciseRecord>,
}

/// One exercise, as a teacher would ask about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExerciseRecord {
    /// Lines judged as tries at this exercise, the successful one included.
    pub attempts: u64,
    pub hints: u64,
    pub done_at: Option<String>,
    pub skipped_at: Option<String>,
    pub first_at: Option<String>,
    pub last_at: Option<String>,
}

impl ExerciseRecord {
    /// Notes activity at `moment`.
    pub fn touch(&mut self, moment: &str) {
        if self.first_at.is_none() {
            self.first_at = Some(moment.to_string());
        }
        self.last_at = Some(moment.to_string());
    }
}

impl LessonProgress {
    pub fn record(&mut self, exercise: &str) -> &mut ExerciseRecord {
        self.exercises.entry(exercise.to_string()).or_default()
    }

    /// The first and last moments anything happened in this lesson.
    pub fn activity_span(&self) -> Option<(&str, &str)> {
        let moments = self
            .started
            .iter()
            .chain(&self.finished)
            .chain(self.exercises.values().flat_map(|r| {
                [&r.done_at, &r.skipped_at, &r.first_at, &r.last_at]
                    .into_iter()
                    .flatten()
            }))
            .map(String::as_str);
        let mut span: Option<(&str, &str)> = None;
        for moment in moments {
            span = Some(match span {
                None => (moment, moment),
                Some((first, last)) => (first.min(moment), last.max(moment)),
            });
        }
        span
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub current: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
}

pub const FILE_NAME: &str = "progress.json";
/// The format this netrepl writes; it reads this and every one before.
pub const VERSION: u64 = 2;

fn path() -> Option<PathBuf> {
    Some(crate::session::data_dir()?.join(FILE_NAME))
}

/// Why a progress file's text was not taken.
#[derive(Debug, PartialEq)]
pub enum Unusable {
    /// Not JSON, or not of the shape netrepl writes.
    Corrupt(String),
    /// Written by a newer netrepl, in a format this one does not know.
    Newer(u64),
}

/// What reading the file gave: progress, or `None` when it could be neither
/// read nor moved aside, so it must not be overwritten either.
fn read_file(path: &Path) -> Option<Progress> {
    let (why, tag) = match data_files::read_regular_text(path, data_files::MAX_FILE_BYTES) {
        Err(ReadError::Missing) => return Some(Progress::default()),
        Ok(text) => match Progress::parse(&text) {
            Ok(progress) => return Some(progress),
            Err(Unusable::Corrupt(why)) => (why, "corrupt"),
            Err(Unusable::Newer(version)) => (
                format!("it is version {version}, from a newer netrepl (this one reads {VERSION})"),
                "newer",
            ),
        },
        Err(ReadError::Refused(why)) => (why, "refused"),
        Err(ReadError::Io(e)) => {
            eprintln!(
                "netrepl: cannot read lesson progress in {} ({e}); it is left as it is and this session's progress will not be saved",
                path.display()
            );
            return None;
        }
    };
    match data_files::set_aside(path, tag) {
        Ok(aside) => {
            eprintln!(
                "netrepl: lesson progress in {} could not be used ({why}); it was kept as {} and progress starts afresh",
                path.display(),
                aside.display()
            );
            Some(Progress::default())
        }
        Err(e) => {
            eprintln!(
                "netrepl: lesson progress in {} could not be used ({why}) nor moved aside ({e}); this session's progress will not be saved",
                path.display()
            );
            None
        }
    }
}

impl Progress {
    /// The saved progress, or a fresh start when there is none (an unusable
    /// file is moved aside first, with a line on stderr saying where).
    pub fn load() -> Progress {
        let Some(path) = path() else {
            return Progress::default();
        };
        // Nothing saved yet: nothing to wait for, and no lock file to leave.
        if std::fs::symlink_metadata(&path).is_err() {
            return Progress::default();
        }
        let _lock = FileLock::acquire(&path);
        read_file(&path).unwrap_or_default()
    }

    /// Reads the file's text, strictly: anything not of the shape netrepl
    /// writes is refused rather than half read.
    pub fn parse(text: &str) -> Result<Progress, Unusable> {
        let corrupt = |why: &str| Unusable::Corrupt(why.to_string());
        let json: Json = serde_json::from_str(text)
            .map_err(|e| Unusable::Corrupt(format!("it is not JSON: {e}")))?;
        let top = json
            .as_object()
            .ok_or_else(|| corrupt("it is not a JSON object"))?;
        match top.get("version").and_then(Json::as_u64) {
            Some(1..=VERSION) => {}
            Some(newer) if newer > VERSION => return Err(Unusable::Newer(newer)),
            _ => return Err(corrupt("it has no known version")),
        }
        let current = match top.get("current") {
            None | Some(Json::Null) => None,
            Some(Json::String(id)) => Some(id.clone()),
            Some(_) => return Err(corrupt("its current lesson is not a string")),
        };
        let entries = top
            .get("lessons")
            .and_then(Json::as_object)
            .ok_or_else(|| corrupt("it has no lessons object"))?;
        let mut lessons = BTreeMap::new();
        for (id, entry) in entries {
            let wrong = || Unusable::Corrupt(format!("lesson {id:?} is not of the right shape"));
            lessons.insert(id.clone(), parse_lesson(entry).ok_or_else(wrong)?);
        }
        Ok(Progress { current, lessons })
    }

    pub fn from_json(text: &str) -> Option<Progress> {
        Progress::parse(text).ok()
    }

    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The whole progress as JSON, in the form the file holds.
    pub fn to_value(&self) -> Json {
        let lessons: serde_json::Map<String, Json> = self
            .lessons
            .iter()
            .map(|(id, p)| (id.clone(), lesson_json(p)))
            .collect();
        json!({"version": VERSION, "current": self.current, "lessons": lessons})
    }

    /// Saves this session's changes since `base` (what it last loaded or
    /// saved), merged with whatever other sessions saved meanwhile; then both
    /// hold the merged progress. Progress is a convenience, so failures are
    /// only reported.
    pub fn save(&mut self, base: &mut Progress) {
        let Some(path) = path() else {
            return;
        };
        let lock = match FileLock::acquire(&path) {
            Ok(lock) => lock,
            Err(e) => {
                eprintln!(
                    "netrepl: could not lock lesson progress in {}: {e}",
                    path.display()
                );
                return;
            }
        };
        let Some(on_disk) = read_file(&path) else {
            return;
        };
        let merged = merge(&on_disk, base, self);
        if let Err(e) = data_files::write_atomically(&path, merged.to_json().as_bytes()) {
            eprintln!(
                "netrepl: could not save lesson progress to {}: {e}",
                path.display()
            );
        }
        drop(lock);
        *self = merged.clone();
        *base = merged;
    }

    pub fn lesson(&mut self, id: &str) -> &mut LessonProgress {
        self.lessons.entry(id.to_string()).or_default()
    }
}

/// One lesson's entry, strictly: `None` for anything not of the shape
/// netrepl writes.
fn parse_lesson(entry: &Json) -> Option<LessonProgress> {
    let entry = entry.as_object()?;
    let step = usize::try_from(entry.get("step")?.as_u64()?).ok()?;
    let done = entry
        .get("done")?
        .as_array()?
        .iter()
        .map(|d| d.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    let seen_all = match entry.get("seen_all") {
        None => false,
        Some(seen) => seen.as_bool()?,
    };
    let skipped = match entry.get("skipped") {
        None => BTreeMap::new(),
        Some(map) => map
            .as_object()?
            .iter()
            .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect::<Option<BTreeMap<_, _>>>()?,
    };
    let exercises = match entry.get("exercises") {
        None => BTreeMap::new(),
        Some(map) => map
            .as_object()?
            .iter()
            .map(|(k, v)| Some((k.clone(), parse_record(v)?)))
            .collect::<Option<BTreeMap<_, _>>>()?,
    };
    Some(LessonProgress {
        step,
        done,
        seen_all,
        skipped,
        started: moment(entry.get("started"))?,
        finished: moment(entry.get("finished"))?,
        exercises,
    })
}

fn parse_record(record: &Json) -> Option<ExerciseRecord> {
    let record = record.as_object()?;
    let count = |key: &str| match record.get(key) {
        None => Some(0),
        Some(n) => n.as_u64(),
    };
    Some(ExerciseRecord {
        attempts: count("attempts")?,
        hints: count("hints")?,
        done_at: moment(record.get("done_at"))?,
        skipped_at: moment(record.get("skipped_at"))?,
        first_at: moment(record.get("first_at"))?,
        last_at: moment(record.get("last_at"))?,
    })
}

/// An optional moment: absent or null is `Some(None)`, anything but a
/// moment in netrepl's form is `None`.
fn moment(value: Option<&Json>) -> Option<Option<String>> {
    match value {
        None | Some(Json::Null) => Some(None),
        Some(Json::String(text)) if timestamp::is_valid(text) => Some(Some(text.clone())),
        Some(_) => None,
    }
}

fn lesson_json(p: &LessonProgress) -> Json {
    let mut entry = json!({"step": p.step, "done": p.done, "seen_all": p.seen_all,
        "started": p.started, "finished": p.finished});
    if !p.skipped.is_empty() {
        entry["skipped"] = json!(p.skipped);
    }
    if !p.exercises.is_empty() {
        let records: serde_json::Map<String, Json> = p
            .exercises
            .iter()
            .map(|(id, r)| {
                (
                    id.clone(),
                    json!({"attempts": r.attempts, "hints": r.hints, "done_at": r.done_at,
                        "skipped_at": r.skipped_at, "first_at": r.first_at, "last_at": r.last_at}),
                )
            })
            .collect();
        entry["exercises"] = Json::Object(records);
    }
    entry
}

/// A three-way merge: what this session changed since `base` (`ours`) applied
/// to what is on disk now. What only another session changed is kept; where
/// both changed a value, this session's wins; finished exercises are a set, so
/// both sessions' are kept, and one this session reset stays reset.
pub fn merge(on_disk: &Progress, base: &Progress, ours: &Progress) -> Progress {
    let mut merged = on_disk.clone();
    if ours.current != base.current {
        merged.current = ours.current.clone();
    }
    for id in base.lessons.keys() {
        if !ours.lessons.contains_key(id) {
            merged.lessons.remove(id);
        }
    }
    for (id, mine) in &ours.lessons {
        let was = base.lessons.get(id);
        if was == Some(mine) {
            continue;
        }
        let entry = merged.lessons.entry(id.clone()).or_default();
        if was.is_none_or(|w| w.step != mine.step) {
            entry.step = mine.step;
        }
        if was.is_none_or(|w| w.seen_all != mine.seen_all) {
            entry.seen_all = mine.seen_all;
        }
        let was_done = was.map_or(&[][..], |w| w.done.as_slice());
        entry
            .done
            .retain(|d| mine.done.contains(d) || !was_done.contains(d));
        for d in &mine.done {
            if !entry.done.contains(d) {
                entry.done.push(d.clone());
            }
        }
        let was_skipped = was.map(|w| &w.skipped);
        entry.skipped.retain(|id, _| {
            mine.skipped.contains_key(id) || !was_skipped.is_some_and(|w| w.contains_key(id))
        });
        for (id, why) in &mine.skipped {
            entry.skipped.insert(id.clone(), why.clone());
        }
        entry.started = earliest(&entry.started, &mine.started);
        if was.is_none_or(|w| w.finished != mine.finished) {
            entry.finished = match (&entry.finished, &mine.finished) {
                (Some(_), Some(_)) => earliest(&entry.finished, &mine.finished),
                (_, ours) => ours.clone(),
            };
        }
        let no_records = BTreeMap::new();
        let was_records = was.map_or(&no_records, |w| &w.exercises);
        entry
            .exercises
            .retain(|id, _| mine.exercises.contains_key(id) || !was_records.contains_key(id));
        for (id, record) in &mine.exercises {
            let before = was_records.get(id).cloned().unwrap_or_default();
            let merged_record = entry.exercises.entry(id.clone()).or_default();
            merge_record(merged_record, &before, record);
        }
    }
    merged
}

/// The earlier of two optional moments (the form sorts in time order).
fn earliest(a: &Option<String>, b: &Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b).clone()),
        (a, b) => a.clone().or_else(|| b.clone()),
    }
}

fn latest(a: &Option<String>, b: &Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b).clone()),
        (a, b) => a.clone().or_else(|| b.clone()),
    }
}

/// Counters add what this session counted since `base`; a moment this
/// session set or cleared is taken, the earlier one kept when both set it.
fn merge_record(merged: &mut ExerciseRecord, base: &ExerciseRecord, ours: &ExerciseRecord) {
    merged.attempts = merged
        .attempts
        .saturating_add(ours.attempts.saturating_sub(base.attempts));
    merged.hints = merged
        .hints
        .saturating_add(ours.hints.saturating_sub(base.hints));
    for (slot, was, mine) in [
        (&mut merged.done_at, &base.done_at, &ours.done_at),
        (&mut merged.skipped_at, &base.skipped_at, &ours.skipped_at),
    ] {
        if was != mine {
            *slot = match mine {
                Some(_) => earliest(slot, mine),
                None => None,
            };
        }
    }
    merged.first_at = earliest(&merged.first_at, &ours.first_at);
    merged.last_at = latest(&merged.last_at, &ours.last_at);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_done(lessons: &[(&str, &[&str])]) -> Progress {
        let mut progress = Progress::default();
        for (id, done) in lessons {
            progress.lesson(id).done = done.iter().map(|d| d.to_string()).collect();
        }
        progress
    }

    #[test]
    fn progress_survives_a_round_trip_through_json() {
        let mut progress = Progress {
            current: Some("packing-addresses".into()),
            ..Progress::default()
        };
        progress.lesson("packing-addresses").step = 2;
        progress
            .lesson("packing-addresses")
            .done
            .push("pack".into());
        progress
            .lesson("ping-and-icmp")
            .skipped
            .insert("ping-lab".into(), "needs the lab".into());
        let back = Progress::from_json(&progress.to_json()).unwrap();
        assert_eq!(back, progress);
    }

    #[test]
    fn files_of_the_wrong_shape_or_version_are_refused_not_half_read() {
        for text in [
            "",
            "{\"version\": 1, \"lessons\": {\"a\": {\"step\": 1, \"do",
            "[]",
            "{\"lessons\": {}}",
            "{\"version\": 1, \"lessons\": []}",
            "{\"version\": 1, \"lessons\": {\"a\": {\"step\": \"2\", \"done\": []}}}",
            "{\"version\": 1, \"lessons\": {\"a\": {\"step\": 2, \"done\": [3]}}}",
            "{\"version\": 1, \"current\": 5, \"lessons\": {}}",
            "{\"version\": 2, \"lessons\": {\"a\": {\"step\": 0, \"done\": [], \"started\": \"yesterday\"}}}",
            "{\"version\": 2, \"lessons\": {\"a\": {\"step\": 0, \"done\": [], \"exercises\": {\"e\": {\"attempts\": -1}}}}}",
        ] {
            assert!(
                matches!(Progress::parse(text), Err(Unusable::Corrupt(_))),
                "{text}"
            );
        }
        assert_eq!(
            Progress::parse("{\"version\": 3, \"lessons\": {}}"),
            Err(Unusable::Newer(3))
        );
    }

    #[test]
    fn merging_keeps_what_each_session_finished() {
        let base = with_done(&[("a", &["a1"])]);
        let theirs = with_done(&[("a", &["a1", "a2"]), ("b", &["b1"])]);
        let ours = with_done(&[("a", &["a1", "a3"]), ("c", &["c1"])]);
        let merged = merge(&theirs, &base, &ours);
        assert_eq!(merged.lessons["a"].done, ["a1", "a2", "a3"]);
        assert_eq!(merged.lessons["b"].done, ["b1"]);
        assert_eq!(merged.lessons["c"].done, ["c1"]);
    }

    #[test]
    fn merging_keeps_a_reset_reset() {
        let base = with_done(&[("a", &["a1"]), ("b", &["b1"])]);
        let theirs = with_done(&[("a", &["a1", "a2"]), ("b", &["b1"])]);
        // This session reset lesson a, then finished nothing; and cleared b's only exercise.
        let mut ours = with_done(&[("b", &[])]);
        ours.lessons.get_mut("b").unwrap().step = 0;
        let merged = merge(&theirs, &base, &ours);
        assert!(!merged.lessons.contains_key("a"));
        assert!(merged.lessons["b"].done.is_empty());
        // Another session's reset is kept when this one changed nothing there.
        let merged = merge(&Progress::default(), &base, &base.clone());
        assert!(merged.lessons.is_empty());
    }

    #[test]
    fn version_1_files_load_and_are_written_as_the_current_version() {
        let old = "{\"version\": 1, \"current\": \"a\", \"lessons\": {\"a\": {\"step\": 1, \"done\": [\"a1\"], \"skipped\": {\"a2\": \"no lab\"}}}}";
        let progress = Progress::parse(old).unwrap();
        assert_eq!(progress.lessons["a"].done, ["a1"]);
        assert_eq!(progress.lessons["a"].skipped["a2"], "no lab");
        assert!(progress.lessons["a"].exercises.is_empty());
        assert!(progress.to_json().contains("\"version\":2"));
    }

    #[test]
    fn merging_adds_both_sessions_attempts_and_hints() {
        let mut base = with_done(&[("a", &[])]);
        base.lesson("a").record("a1").attempts = 2;
        let mut theirs = base.clone();
        let record = theirs.lesson("a").record("a1");
        record.attempts = 5;
        record.hints = 1;
        record.touch("2026-12-07T01:00:00Z");
        let mut ours = base.clone();
        let record = ours.lesson("a").record("a1");
        record.attempts = 3;
        record.touch("2026-12-07T02:00:00Z");
        record.done_at = Some("2026-12-07T02:00:00Z".into());
        let merged = merge(&theirs, &base, &ours);
        let record = &merged.lessons["a"].exercises["a1"];
        assert_eq!((record.attempts, record.hints), (6, 1));
        assert_eq!(record.first_at.as_deref(), Some("2026-12-07T01:00:00Z"));
        assert_eq!(record.last_at.as_deref(), Some("2026-12-07T02:00:00Z"));
        assert_eq!(record.done_at.as_deref(), Some("2026-12-07T02:00:00Z"));
        let back = Progress::parse(&merged.to_json()).unwrap();
        assert_eq!(back, merged);
    }
}
