//! `netrepl progress`: where the learner stands in the course, in a few lines.

use crate::course::lessons::course::Course;
use crate::course::lessons::progress::Progress;
use crate::course::terminal::sanitize_line;

pub fn summary(progress: &Progress, course: &Course) -> String {
    let (mut lessons_done, mut exercises_done, mut exercises_total) = (0, 0, 0);
    let (mut hints, mut skipped) = (0u64, 0);
    let mut lines = Vec::new();
    for (n, lesson) in course.lessons.iter().enumerate() {
        let total = lesson.exercises().count();
        exercises_total += total;
        let Some(entry) = progress.lessons.get(&lesson.id) else {
            continue;
        };
        let done = lesson
            .exercises()
            .filter(|e| entry.done.contains(&e.id))
            .count();
        let passed = lesson
            .exercises()
            .filter(|e| entry.done.contains(&e.id) || entry.skipped.contains_key(&e.id))
            .count();
        let lesson_skipped = passed - done;
        let lesson_hints: u64 = entry.exercises.values().map(|r| r.hints).sum();
        exercises_done += done;
        skipped += lesson_skipped;
        hints += lesson_hints;
        let finished = passed == total && (total > 0 || entry.seen_all);
        lessons_done += usize::from(finished);
        let state = if finished { "done" } else { "in progress" };
        lines.push(sanitize_line(&format!(
            "  {:>2}. {}: {state}, {done} of {total} exercises, {lesson_hints} hints, {lesson_skipped} skipped",
            n + 1,
            lesson.title
        )));
    }
    let name = match (&course.id, &course.version) {
        (Some(id), Some(version)) => format!("{id} {version}"),
        _ => course.origin.clone(),
    };
    let mut text = sanitize_line(&format!(
        "Course {name}: {lessons_done} of {} lessons done, {exercises_done} of {exercises_total} exercises done, {hints} hints used, {skipped} skipped.",
        course.lessons.len()
    ));
    text.push('\n');
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}
