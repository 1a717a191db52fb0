//! `netrepl lessons grade LESSON EXERCISE -- LINE...`: runs the lines in a
//! fresh session, in a throwaway data directory, shows what each printed and
//! the tutor's feedback, and says whether the exercise is complete after
//! them. Teachers try their exercises with it; scripts grade with it; and
//! `lessons check` runs every exercise's `accept` and `reject` lines through it.

use std::path::{Path, PathBuf};

use super::course::load_course;
use super::exercise::{self, Verdict};
use crate::commands::output::Style;
use crate::session::render::{render_error, render_output};
use crate::session::{Format, Outcome, Session, use_data_dir};

/// What grading produced: the transcript to print, and whether the exercise
/// was completed by one of the lines.
pub struct Graded {
    pub transcript: String,
    pub complete: bool,
}

/// Why nothing could be graded: an unknown lesson or exercise, or a course
/// that does not load.
pub struct NotGradable(pub String);

/// A directory of our own under the system's temporary one, removed when
/// dropped.
struct ThrowawayDir(PathBuf);

impl ThrowawayDir {
    fn new() -> Option<ThrowawayDir> {
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let dir = base.join(format!("netrepl-grade-{}-{attempt}", std::process::id()));
            if std::fs::create_dir(&dir).is_ok() {
                return Some(ThrowawayDir(dir));
            }
        }
        None
    }
}

impl Drop for ThrowawayDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Grades `lines` against one exercise of the course (built-in, or `dir`).
pub fn grade(
    dir: Option<&Path>,
    lesson: &str,
    exercise_id: &str,
    lines: &[String],
) -> Result<Graded, NotGradable> {
    let course = load_course(dir).map_err(NotGradable)?;
    let (_, lesson) = course.find(lesson).ok_or_else(|| {
        NotGradable(format!(
            "no lesson {lesson:?} in {}; `netrepl lessons` would list them",
            course.origin
        ))
    })?;
    let exercise = lesson
        .exercises()
        .find(|e| e.id == exercise_id)
        .ok_or_else(|| {
            let ids: Vec<&str> = lesson.exercises().map(|e| e.id.as_str()).collect();
            NotGradable(format!(
                "lesson {} has no exercise {exercise_id:?}; its exercises are {}",
                lesson.id,
                ids.join(", ")
            ))
        })?;
    // Nothing a graded line does may touch the learner's own files.
    let scratch = ThrowawayDir::new()
        .ok_or_else(|| NotGradable("cannot make a temporary data directory".into()))?;
    use_data_dir(scratch.0.clone());
    let mut session = Session::new(Format::Pretty);
    let style = Style { colour: false };
    let mut transcript = String::new();
    let mut complete = false;
    for line in lines {
        transcript.push_str(&format!(">>> {line}\n"));
        let shown = match session.run_line(line) {
            Outcome::Shown(output) => render_output(&output, Format::Pretty, style),
            Outcome::Notice(text) => Some(text),
            Outcome::Failed(error) => Some(render_error(&error, Format::Pretty, style)),
            Outcome::Nothing | Outcome::Quit => None,
        };
        if let Some(text) = shown {
            transcript.push_str(&text);
            transcript.push('\n');
        }
        let Some(attempt) = session.take_attempt() else {
            continue;
        };
        match exercise::judge(exercise, &attempt) {
            Verdict::Done => {
                complete = true;
                transcript.push_str(&format!("✓ Exercise done: {}\n", exercise.task));
            }
            Verdict::Nudge(nudge) => transcript.push_str(&format!("{nudge}\n")),
            Verdict::Unrelated => {}
        }
    }
    if !complete {
        transcript.push_str(&format!("▶ Not done yet: {}\n", exercise.task));
    }
    // As when a session ends: the Unix socket files the lines bound would
    // outlive the process, and the next grading of the same lines would find
    // the path taken.
    crate::net::sockets::close_all();
    crate::net::sockets::servers::stop_all();
    Ok(Graded {
        transcript,
        complete,
    })
}
