//! Where a learner is in the course, kept in `progress.json` in netrepl's data
//! directory so it survives restarts:
//!
//! ```json
//! {"version": 1, "current": "packing-addresses",
//!  "lessons": {"packing-addresses": {"step": 2, "done": ["pack-private"]}}}
//! ```
//!
//! `step` is the section the learner was on; `done` lists finished exercises.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value as Json, json};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonProgress {
    pub step: usize,
    pub done: Vec<String>,
    /// Whether the learner has reached the last step at least once.
    pub seen_all: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub current: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
}

pub const FILE_NAME: &str = "progress.json";

fn path() -> Option<PathBuf> {
    Some(crate::session::data_dir()?.join(FILE_NAME))
}

impl Progress {
    /// The saved progress, or a fresh start when there is none (or it is unreadable).
    pub fn load() -> Progress {
        let Some(text) = path().and_then(|p| std::fs::read_to_string(p).ok()) else {
            return Progress::default();
        };
        Progress::from_json(&text).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Option<Progress> {
        let json: Json = serde_json::from_str(text).ok()?;
        let mut progress = Progress {
            current: json["current"].as_str().map(str::to_string),
            lessons: BTreeMap::new(),
        };
        for (id, entry) in json["lessons"].as_object()? {
            let done = entry["done"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|d| d.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            progress.lessons.insert(
                id.clone(),
                LessonProgress {
                    step: entry["step"].as_u64().unwrap_or(0) as usize,
                    done,
                    seen_all: entry["seen_all"].as_bool().unwrap_or(false),
                },
            );
        }
        Some(progress)
    }

    pub fn to_json(&self) -> String {
        let lessons: serde_json::Map<String, Json> = self
            .lessons
            .iter()
            .map(|(id, p)| {
                (
                    id.clone(),
                    json!({"step": p.step, "done": p.done, "seen_all": p.seen_all}),
                )
            })
            .collect();
        json!({"version": 1, "current": self.current, "lessons": lessons}).to_string()
    }

    /// Writes the file; progress is a convenience, so failures are only reported.
    pub fn save(&self) {
        let Some(path) = path() else {
            return;
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = std::fs::write(&path, self.to_json()) {
            eprintln!(
                "netrepl: could not save lesson progress to {}: {e}",
                path.display()
            );
        }
    }

    pub fn lesson(&mut self, id: &str) -> &mut LessonProgress {
        self.lessons.entry(id.to_string()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let back = Progress::from_json(&progress.to_json()).unwrap();
        assert_eq!(back, progress);
    }
}
