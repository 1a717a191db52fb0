//! Where a learner is in the course, kept in `progress.json` in netrepl's data
//! directory so it survives restarts:
//!
//! ```json
//! {"version": 1, "current": "packing-addresses",
//!  "lessons": {"packing-addresses": {"step": 2, "done": ["pack-private"], "seen_all": false}}}
//! ```
//!
//! `step` is the section the learner was on; `done` lists finished exercises;
//! `skipped` (optional) maps exercises passed over with `skip` to why.
//!
//! Two sessions may run at once, so a save takes a lock, reads the file again
//! and merges this session's changes into it (see [`merge`]) before it
//! replaces the file whole. A file netrepl cannot use (garbled, of the wrong
//! shape, from a newer netrepl, or not a regular file) is moved aside under a
//! name that says so, and the learner is told, before anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use crate::session::data_files::{self, FileLock, ReadError};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonProgress {
    pub step: usize,
    pub done: Vec<String>,
    /// Whether the learner has reached the last step at least once.
    pub seen_all: bool,
    /// Exercises passed over with `skip`, each with why.
    pub skipped: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub current: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
}

pub const FILE_NAME: &str = "progress.json";
/// The format this netrepl reads and writes.
pub const VERSION: u64 = 1;

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
            Some(VERSION) => {}
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
            let entry = entry.as_object().ok_or_else(wrong)?;
            let step = entry.get("step").and_then(Json::as_u64).ok_or_else(wrong)?;
            let done = entry
                .get("done")
                .and_then(Json::as_array)
                .ok_or_else(wrong)?
                .iter()
                .map(|d| d.as_str().map(str::to_string).ok_or_else(wrong))
                .collect::<Result<Vec<_>, _>>()?;
            let seen_all = match entry.get("seen_all") {
                None => false,
                Some(Json::Bool(seen)) => *seen,
                Some(_) => return Err(wrong()),
            };
            let skipped = match entry.get("skipped") {
                None => BTreeMap::new(),
                Some(Json::Object(map)) => map
                    .iter()
                    .map(|(k, v)| {
                        v.as_str()
                            .map(|why| (k.clone(), why.to_string()))
                            .ok_or_else(wrong)
                    })
                    .collect::<Result<BTreeMap<_, _>, _>>()?,
                Some(_) => return Err(wrong()),
            };
            lessons.insert(
                id.clone(),
                LessonProgress {
                    step: usize::try_from(step).map_err(|_| wrong())?,
                    done,
                    seen_all,
                    skipped,
                },
            );
        }
        Ok(Progress { current, lessons })
    }

    pub fn from_json(text: &str) -> Option<Progress> {
        Progress::parse(text).ok()
    }

    pub fn to_json(&self) -> String {
        let lessons: serde_json::Map<String, Json> = self
            .lessons
            .iter()
            .map(|(id, p)| {
                let mut entry = json!({"step": p.step, "done": p.done, "seen_all": p.seen_all});
                if !p.skipped.is_empty() {
                    entry["skipped"] = json!(p.skipped);
                }
                (id.clone(), entry)
            })
            .collect();
        json!({"version": VERSION, "current": self.current, "lessons": lessons}).to_string()
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
    }
    merged
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
        ] {
            assert!(
                matches!(Progress::parse(text), Err(Unusable::Corrupt(_))),
                "{text}"
            );
        }
        assert_eq!(
            Progress::parse("{\"version\": 2, \"lessons\": {}}"),
            Err(Unusable::Newer(2))
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
}
