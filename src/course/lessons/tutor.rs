//! The tutorial runner: which lesson and step the learner is on, showing
//! steps, giving hints, and checking each command the learner runs against the
//! current exercise, with progress saved as it changes.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use super::block_env;
use super::course::{Course, load_course};
use super::exercise::{self, Verdict};
use super::markdown::{self, Terminal};
use super::parse::{Exercise, Lesson, Step};
use super::progress::Progress;
use crate::commands;
use crate::commands::context;
use crate::course::terminal::sanitize;
use crate::course::timestamp;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::session::Attempt;

struct Tutor {
    course: Course,
    progress: Progress,
    /// The progress as last loaded or saved: what `progress` changed since
    /// is what a save merges into the file (another session may have saved).
    saved: Progress,
    /// The lesson being worked on in this session, by index.
    active: Option<usize>,
    /// Hints given so far for the current exercise.
    hints_given: usize,
    /// The last line the learner ran, for `check`.
    last: Option<Attempt>,
    /// `next` on a lesson's last step offered the next lesson; another
    /// `next` starts it.
    offered_next: bool,
}

static TUTOR: Mutex<Option<Tutor>> = Mutex::new(None);
static LESSON_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Names of the runner's own commands: never checked as exercise attempts.
pub const TUTORIAL_COMMANDS: &[&str] = &[
    "lessons", "lesson", "next", "back", "hint", "check", "reset", "skip",
];

/// Teaches from `dir` instead of the built-in course (`--lessons DIR`).
pub fn use_lesson_dir(dir: PathBuf) {
    *LESSON_DIR.lock().unwrap_or_else(|p| p.into_inner()) = Some(dir);
}

fn tutor() -> CommandResult<MutexGuard<'static, Option<Tutor>>> {
    let mut guard = TUTOR.lock().unwrap_or_else(|p| p.into_inner());
    if guard.is_none() {
        let dir = LESSON_DIR.lock().unwrap_or_else(|p| p.into_inner()).clone();
        // The problems quote the teacher's files.
        let course =
            load_course(dir.as_deref()).map_err(|e| CommandError::os_error(sanitize(&e)))?;
        let progress = Progress::load();
        *guard = Some(Tutor {
            course,
            saved: progress.clone(),
            progress,
            active: None,
            hints_given: 0,
            last: None,
            offered_next: false,
        });
    }
    Ok(guard)
}

fn with_tutor<T>(f: impl FnOnce(&mut Tutor) -> CommandResult<T>) -> CommandResult<T> {
    let mut guard = tutor()?;
    match guard.as_mut() {
        Some(t) => f(t),
        None => Err(CommandError::os_error("the course could not be loaded")),
    }
}

fn no_lesson() -> CommandError {
    CommandError::value_error("no lesson is in progress")
        .explain("Start one with `lesson 1` (or `lesson ID`); `lessons` lists them.")
}

impl Tutor {
    fn save_progress(&mut self) {
        // A lesson block being checked never writes progress, whatever it runs.
        if !block_env::in_lesson_block() {
            self.progress.save(&mut self.saved);
        }
    }

    fn active(&self) -> CommandResult<(usize, &Lesson)> {
        let index = self.active.ok_or_else(no_lesson)?;
        Ok((index, &self.course.lessons[index]))
    }

    fn step_index(&self, lesson: &Lesson) -> usize {
        let saved = self.progress.lessons.get(&lesson.id).map_or(0, |p| p.step);
        saved.min(lesson.steps.len().saturating_sub(1))
    }

    fn is_done(&self, lesson: &Lesson, exercise: &Exercise) -> bool {
        self.progress
            .lessons
            .get(&lesson.id)
            .is_some_and(|p| p.done.contains(&exercise.id))
    }

    fn is_skipped(&self, lesson: &Lesson, exercise: &Exercise) -> bool {
        self.progress
            .lessons
            .get(&lesson.id)
            .is_some_and(|p| p.skipped.contains_key(&exercise.id))
    }

    /// Done, or passed over with `skip`: either way no longer in the way.
    fn is_passed(&self, lesson: &Lesson, exercise: &Exercise) -> bool {
        self.is_done(lesson, exercise) || self.is_skipped(lesson, exercise)
    }

    /// The first exercise of the current step not yet done or skipped.
    fn current_exercise(&self) -> Option<(&Lesson, &Exercise)> {
        let (_, lesson) = self.active().ok()?;
        let step = &lesson.steps[self.step_index(lesson)];
        step.exercises
            .iter()
            .find(|e| !self.is_passed(lesson, e))
            .map(|e| (lesson, e))
    }

    fn state(&self, lesson: &Lesson) -> String {
        let total = lesson.exercises().count();
        let done = lesson
            .exercises()
            .filter(|e| self.is_done(lesson, e))
            .count();
        let skipped = lesson
            .exercises()
            .filter(|e| self.is_skipped(lesson, e))
            .count();
        let entry = self.progress.lessons.get(&lesson.id);
        let skipped_note = if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        };
        match entry {
            None => "not started".into(),
            Some(p) if done + skipped == total && (total > 0 || p.seen_all) => {
                format!("done{}", skipped_note)
            }
            Some(_) if total > 0 => format!("in progress ({done}/{total} exercises{skipped_note})"),
            Some(_) => "in progress".into(),
        }
    }

    /// Notes when a lesson first became done (see [`Tutor::state`]).
    fn note_if_finished(&mut self, index: usize) {
        let lesson = &self.course.lessons[index];
        let total = lesson.exercises().count();
        let all_passed = lesson.exercises().all(|e| self.is_passed(lesson, e));
        let id = lesson.id.clone();
        let entry = self.progress.lesson(&id);
        if all_passed && (total > 0 || entry.seen_all) && entry.finished.is_none() {
            entry.finished = Some(timestamp::now());
        }
    }

    /// The record of exercise `exercise` of lesson `lesson`, touched now.
    fn record_activity(
        &mut self,
        lesson: &str,
        exercise: &str,
    ) -> &mut super::progress::ExerciseRecord {
        let record = self.progress.lesson(lesson).record(exercise);
        record.touch(&timestamp::now());
        record
    }

    fn show_step(&mut self) -> CommandResult<String> {
        let (index, lesson) = self.active()?;
        let step_index = self.step_index(lesson);
        let step = &lesson.steps[step_index];
        let mut text = format!(
            "── Lesson {} · {} · step {} of {}: {} ──\n\n{}",
            index + 1,
            sanitize(&lesson.title),
            step_index + 1,
            lesson.steps.len(),
            sanitize(&step.title),
            render_step(step, Terminal::current(context::colour()), &|id| {
                let current = step.exercises.iter().find(|e| !self.is_passed(lesson, e));
                if current.is_some_and(|e| e.id == id) {
                    Mark::Current
                } else if step
                    .exercises
                    .iter()
                    .any(|e| e.id == id && self.is_skipped(lesson, e))
                {
                    Mark::Skipped
                } else if step
                    .exercises
                    .iter()
                    .any(|e| e.id == id && self.is_done(lesson, e))
                {
                    Mark::Done
                } else {
                    Mark::ToDo
                }
            })
        );
        let last = step_index + 1 == lesson.steps.len();
        text.push_str(&self.step_footer(lesson, step, last));
        if last {
            let id = lesson.id.clone();
            self.progress.lesson(&id).seen_all = true;
            self.note_if_finished(index);
            self.save_progress();
        }
        Ok(text)
    }

    fn step_footer(&self, lesson: &Lesson, step: &Step, last: bool) -> String {
        let mut footer = String::from("\n\n");
        let current = step.exercises.iter().find(|e| !self.is_passed(lesson, e));
        if last {
            footer.push_str(&recap(lesson));
        }
        match current {
            Some(exercise) => footer.push_str(&format!("▶ Exercise: {}\n  (hint for a hint, check to re-check)", sanitize(&exercise.task))),
            None if last => footer.push_str("That is the end of this lesson. `lessons` shows the course; `lesson N` starts another."),
            None => footer.push_str("Type next to go on, back to go back."),
        }
        footer
    }

    fn move_step(&mut self, forward: bool) -> CommandResult<String> {
        let (_, lesson) = self.active()?;
        let step = self.step_index(lesson);
        let count = lesson.steps.len();
        let target = if forward {
            if step + 1 >= count {
                return self.offer_next_lesson();
            }
            step + 1
        } else {
            step.checked_sub(1).ok_or_else(|| {
                CommandError::value_error("this is the first step")
                    .explain("Type next to go forward.")
            })?
        };
        let id = lesson.id.clone();
        self.progress.lesson(&id).step = target;
        self.hints_given = 0;
        self.offered_next = false;
        self.save_progress();
        self.show_step()
    }

    /// `next` past a lesson's last step: the first time says what comes next,
    /// the second starts it.
    fn offer_next_lesson(&mut self) -> CommandResult<String> {
        let (index, lesson) = self.active()?;
        let Some(following) = self.course.lessons.get(index + 1) else {
            return Ok(format!(
                "That was the last step of the last lesson, {}. `lessons` shows what you have done.",
                sanitize(&lesson.title)
            ));
        };
        if self.offered_next {
            self.offered_next = false;
            let id = following.id.clone();
            return self.open(index + 1, &id);
        }
        let offer = format!(
            "That was the last step of {}. Type next again to start lesson {}: {}.",
            sanitize(&lesson.title),
            index + 2,
            sanitize(&following.title)
        );
        self.offered_next = true;
        Ok(offer)
    }

    /// Opens lesson `index` where the learner left it.
    fn open(&mut self, index: usize, id: &str) -> CommandResult<String> {
        self.active = Some(index);
        self.hints_given = 0;
        self.offered_next = false;
        self.progress.current = Some(id.to_string());
        let entry = self.progress.lesson(id);
        if entry.started.is_none() {
            entry.started = Some(timestamp::now());
        }
        self.save_progress();
        self.show_step()
    }

    fn judge(&mut self, attempt: &Attempt) -> Option<String> {
        let (lesson, exercise) = self.current_exercise()?;
        let (lesson_id, exercise) = (lesson.id.clone(), exercise.clone());
        let verdict = exercise::judge(&exercise, attempt);
        if verdict == Verdict::Unrelated {
            return None;
        }
        let record = self.record_activity(&lesson_id, &exercise.id);
        record.attempts = record.attempts.saturating_add(1);
        if let Verdict::Nudge(nudge) = verdict {
            self.save_progress();
            return Some(nudge);
        }
        record.done_at = record.last_at.clone();
        let progress = self.progress.lesson(&lesson_id);
        progress.done.push(exercise.id.clone());
        self.progress.current = Some(lesson_id.clone());
        if let Some(index) = self.active {
            self.note_if_finished(index);
        }
        self.save_progress();
        self.hints_given = 0;
        let mut message = format!("✓ Exercise done: {}", exercise.task);
        match self.current_exercise() {
            Some((_, next)) => message.push_str(&format!("\n▶ Next exercise: {}", next.task)),
            None => {
                let (_, lesson) = self.active().ok()?;
                let all_done = lesson.exercises().all(|e| self.is_passed(lesson, e));
                if all_done {
                    message.push_str(&format!(
                        "\n★ Lesson complete: {}. `lessons` shows what is next.",
                        lesson.title
                    ));
                } else {
                    message.push_str("\nType next to go on.");
                }
            }
        }
        Some(message)
    }
}

/// How an exercise shows in its step.
enum Mark {
    Done,
    Skipped,
    Current,
    ToDo,
}

/// The end of a lesson: what its steps covered and the commands it taught.
fn recap(lesson: &Lesson) -> String {
    let steps: Vec<&str> = lesson
        .steps
        .iter()
        .skip(1)
        .map(|s| s.title.as_str())
        .collect();
    let mut text = format!("Recap of {}: {}.", lesson.title, steps.join("; "));
    if !lesson.teaches.is_empty() {
        text.push_str(&format!(" Commands: {}.", lesson.teaches.join(", ")));
    }
    let mut text = sanitize(&text);
    text.push('\n');
    text
}

/// A step's Markdown for the terminal (see `terminal`), without its own
/// heading (the step's title line shows it); each exercise block becomes its
/// task in place, ticked when `done` says so.
fn render_step(step: &Step, terminal: Terminal, mark: &dyn Fn(&str) -> Mark) -> String {
    let body: String = step
        .text
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .enumerate()
        .filter(|(n, l)| !(*n == 0 && (l.starts_with("# ") || l.starts_with("## "))))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    markdown::render(&body, terminal, &mut |block| {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let shown = match mark(&field("id:")) {
            Mark::Done => "✓",
            Mark::Skipped => "↷",
            Mark::Current => "▶",
            Mark::ToDo => " ",
        };
        format!("{shown} Exercise: {}", sanitize(&field("task:")))
    })
}

pub fn list() -> CommandResult<String> {
    with_tutor(|t| {
        let mut rows = Vec::new();
        let mut done = 0;
        let states: Vec<String> = t.course.lessons.iter().map(|l| t.state(l)).collect();
        // The lesson to do next: the one open now, else the first not done.
        let next_up = t
            .active
            .or_else(|| states.iter().position(|s| !s.starts_with("done")));
        for (i, lesson) in t.course.lessons.iter().enumerate() {
            let state = &states[i];
            if state.starts_with("done") {
                done += 1;
            }
            let marker = if next_up == Some(i) { "▶" } else { " " };
            rows.push(format!(
                "{marker} {:>2}. {:<52} {state}",
                i + 1,
                lesson.title
            ));
        }
        Ok(format!(
            "The course ({} of {} lessons done). `lesson N` starts or resumes one.\n\n{}",
            done,
            t.course.lessons.len(),
            rows.join("\n")
        ))
    })
}

pub fn start(key: Option<&str>) -> CommandResult<String> {
    with_tutor(|t| {
        let key = match key {
            Some(k) => k.to_string(),
            None => t.progress.current.clone().unwrap_or_else(|| "1".into()),
        };
        let (index, lesson) = t.course.find(&key).ok_or_else(|| {
            CommandError::value_error(format!(
                "no lesson {}",
                crate::python::value::str_repr(&key)
            ))
            .explain("Give a lesson's number or id; `lessons` lists them.")
        })?;
        let id = lesson.id.clone();
        t.open(index, &id)
    })
}

pub fn next() -> CommandResult<String> {
    with_tutor(|t| t.move_step(true))
}

pub fn back() -> CommandResult<String> {
    with_tutor(|t| t.move_step(false))
}

pub fn hint() -> CommandResult<String> {
    with_tutor(|t| {
        t.active()?;
        let Some((_, exercise)) = t.current_exercise() else {
            return Ok("There is no exercise to do on this step; type next to go on.".into());
        };
        let hints = exercise.hints.clone();
        let (lesson_id, exercise_id) = (t.active()?.1.id.clone(), exercise.id.clone());
        let index = t.hints_given.min(hints.len().saturating_sub(1));
        t.hints_given += 1;
        let record = t.record_activity(&lesson_id, &exercise_id);
        record.hints = record.hints.saturating_add(1);
        t.save_progress();
        let Some(hint) = hints.get(index) else {
            return Ok("This exercise has no hint.".into());
        };
        let more = if index + 1 < hints.len() {
            " (hint again for another)"
        } else {
            ""
        };
        Ok(format!(
            "Hint {} of {}: {}{more}",
            index + 1,
            hints.len(),
            hint
        ))
    })
}

pub fn check() -> CommandResult<String> {
    with_tutor(|t| {
        let (_, lesson) = t.active()?;
        let step_has_exercises = !lesson.steps[t.step_index(lesson)].exercises.is_empty();
        let Some((_, exercise)) = t.current_exercise() else {
            return Ok(if step_has_exercises {
                "✓ Every exercise on this step is done; type next to go on."
            } else {
                "This step has no exercise; type next to go on."
            }
            .into());
        };
        let task = exercise.task.clone();
        match t.last.clone() {
            Some(attempt) => Ok(t
                .judge(&attempt)
                .unwrap_or_else(|| format!("▶ Not done yet: {task}"))),
            None => Ok(format!("▶ Not done yet: {task}")),
        }
    })
}

pub fn reset(key: Option<&str>, exercise: Option<&str>) -> CommandResult<String> {
    with_tutor(|t| {
        if let Some(exercise_id) = exercise {
            let key = key.ok_or_else(|| {
                CommandError::value_error("reset needs the lesson too")
                    .explain("Name the lesson first: reset LESSON exercise=ID yes=True.")
            })?;
            let (_, lesson) = t.course.find(key).ok_or_else(|| {
                CommandError::value_error(format!(
                    "no lesson {}",
                    crate::python::value::str_repr(key)
                ))
            })?;
            if !lesson.exercises().any(|e| e.id == exercise_id) {
                return Err(CommandError::value_error(format!(
                    "lesson {} has no exercise {}",
                    lesson.id,
                    crate::python::value::str_repr(exercise_id)
                )));
            }
            let id = lesson.id.clone();
            let entry = t.progress.lesson(&id);
            entry.done.retain(|d| d != exercise_id);
            entry.skipped.remove(exercise_id);
            entry.exercises.remove(exercise_id);
            entry.finished = None;
            t.save_progress();
            return Ok(format!("Exercise {exercise_id} of lesson {key} cleared."));
        }
        match key {
            Some(key) => {
                let (_, lesson) = t.course.find(key).ok_or_else(|| {
                    CommandError::value_error(format!(
                        "no lesson {}",
                        crate::python::value::str_repr(key)
                    ))
                })?;
                let id = lesson.id.clone();
                t.progress.lessons.remove(&id);
            }
            None => {
                t.progress = Progress::default();
                t.active = None;
            }
        }
        t.save_progress();
        Ok(match key {
            Some(key) => format!("Progress of lesson {key} cleared."),
            None => "All lesson progress cleared.".into(),
        })
    })
}

/// `skip [why]`: passes over the current exercise, recording why; one this
/// machine cannot do (it needs the lab, say) says so.
pub fn skip(why: Option<&str>) -> CommandResult<String> {
    with_tutor(|t| {
        let (_, lesson) = t.active()?;
        let Some((_, exercise)) = t.current_exercise() else {
            return Ok("There is no exercise to skip on this step; type next to go on.".into());
        };
        let (lesson_id, exercise) = (lesson.id.clone(), exercise.clone());
        let reason = match (why, exercise.needs.as_deref()) {
            (Some(why), _) => why.to_string(),
            (None, Some("lab")) => "it needs the lab (sudo netrepl --lab)".to_string(),
            (None, _) => "skipped by the learner".to_string(),
        };
        t.progress
            .lesson(&lesson_id)
            .skipped
            .insert(exercise.id.clone(), reason.clone());
        let record = t.record_activity(&lesson_id, &exercise.id);
        record.skipped_at = record.last_at.clone();
        if let Some(index) = t.active {
            t.note_if_finished(index);
        }
        t.hints_given = 0;
        t.save_progress();
        let mut message = format!("↷ Skipped: {} ({reason}).", sanitize(&exercise.task));
        match t.current_exercise() {
            Some((_, next)) => {
                message.push_str(&format!("\n▶ Next exercise: {}", sanitize(&next.task)))
            }
            None => message.push_str("\nType next to go on."),
        }
        Ok(message)
    })
}

/// After each line the learner runs: feedback on the current exercise, if any.
pub fn observe(attempt: Attempt) -> Option<String> {
    if attempt
        .command
        .as_deref()
        .is_some_and(|c| TUTORIAL_COMMANDS.contains(&c))
    {
        return None;
    }
    let mut guard = TUTOR.lock().unwrap_or_else(|p| p.into_inner());
    let tutor = guard.as_mut()?;
    tutor.active?;
    tutor.last = Some(attempt.clone());
    tutor.judge(&attempt).map(|text| sanitize(&text))
}

/// The course as the commands layer sees it (see `commands::tutorial`).
struct CourseTutor;

/// Everything shown goes through [`sanitize`]: the text is a teacher's.
impl commands::tutorial::Tutor for CourseTutor {
    fn list(&self) -> CommandResult<String> {
        shown(list())
    }
    fn start(&self, key: Option<&str>) -> CommandResult<String> {
        refused_in_blocks("lesson")?;
        // Steps are drawn with our own colours; their lesson text is sanitised
        // where it goes in (see show_step).
        start(key)
    }
    fn next(&self) -> CommandResult<String> {
        refused_in_blocks("next")?;
        // Steps are drawn with our own colours; their lesson text is sanitised
        // where it goes in (see show_step).
        next()
    }
    fn back(&self) -> CommandResult<String> {
        refused_in_blocks("back")?;
        // Steps are drawn with our own colours; their lesson text is sanitised
        // where it goes in (see show_step).
        back()
    }
    fn hint(&self) -> CommandResult<String> {
        shown(hint())
    }
    fn check(&self) -> CommandResult<String> {
        refused_in_blocks("check")?;
        shown(check())
    }
    fn reset(&self, key: Option<&str>, exercise: Option<&str>) -> CommandResult<String> {
        refused_in_blocks("reset")?;
        shown(reset(key, exercise))
    }
    fn skip(&self, why: Option<&str>) -> CommandResult<String> {
        refused_in_blocks("skip")?;
        shown(skip(why))
    }
    fn teaching_lesson(&self, command: &str) -> Option<String> {
        teaching_lesson(command).map(|text| sanitize(&text))
    }
}

fn shown(result: CommandResult<String>) -> CommandResult<String> {
    result.map(|text| sanitize(&text))
}

/// The commands that move the learner or change their progress do nothing
/// in a block `lessons check` runs: a lesson's text is data, and checking it
/// must not act on anyone's course.
fn refused_in_blocks(command: &str) -> CommandResult<()> {
    if block_env::in_lesson_block() {
        return Err(CommandError::new(
            PyException::PermissionError,
            format!("{command} is not allowed in a lesson block"),
        )
        .explain("It changes where a learner is in the course; lessons check runs blocks with no course to change. Show it in text instead."));
    }
    Ok(())
}

/// Hands this course to the tutorial commands and to `help`.
pub fn install() {
    commands::tutorial::install(&CourseTutor);
    block_env::apply_block_limits();
}

/// `11. Packing addresses (lesson packing-addresses)`: where the built-in
/// course teaches a command.
pub fn teaching_lesson(command: &str) -> Option<String> {
    let course = load_course(None).ok()?;
    let lesson = course.teaching(command).into_iter().next()?;
    let (number, _) = course.find(&lesson.id)?;
    Some(format!(
        "{}. {} (lesson {})",
        number + 1,
        lesson.title,
        lesson.id
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::lessons::parse::parse_lesson;

    #[test]
    fn steps_render_examples_indented_and_exercises_as_tasks() {
        let source = "---\nid: x\ntitle: X\nteaches: []\n---\n\n## Try it\n\nSome text.\n\n```netrepl\n>>> gethostname\nvm\n```\n\n```exercise\nid: e\ntask: Do it.\ncommand: gethostname\nhint: h\n```\n";
        let lesson = parse_lesson("x.md", source).unwrap();
        let plain = Terminal {
            width: 80,
            colour: false,
        };
        let text = render_step(&lesson.steps[0], plain, &|_| Mark::ToDo);
        assert_eq!(
            text,
            "Some text.\n\n    >>> gethostname\n    vm\n\n  Exercise: Do it."
        );
    }
}
