//! The course: the lessons in the order `course.md` gives, read either from
//! the copy built into the binary or from a teacher's directory.
//!
//! `course.md` may start with front matter naming the course, so that a
//! teacher's report can tell two courses (or two versions of one) apart:
//!
//! ```text
//! ---
//! id: netrepl-basics
//! version: 1.0
//! ---
//! ```
//!
//! `id` is lower-case letters, digits and `-`; `version` is numbers joined
//! by dots. `lessons check` asks for both.

use std::path::Path;

use super::parse::{Lesson, Problem, parse_lesson};
use crate::course::terminal::sanitize_line;
use crate::session::data_files::{MAX_FILE_BYTES, read_regular_text};

/// The order file, shared with the book.
pub const ORDER_FILE: &str = "course.md";
/// Files in a lesson directory that are not lessons.
const NOT_LESSONS: &[&str] = &[ORDER_FILE, "README.md"];

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_lessons.rs"));
}

pub struct Course {
    pub lessons: Vec<Lesson>,
    /// The course's `id:` and `version:` from `course.md`, when it has them.
    pub id: Option<String>,
    pub version: Option<String>,
    /// Where it came from, for messages: `built-in` or the directory.
    pub origin: String,
}

impl Course {
    pub fn find(&self, key: &str) -> Option<(usize, &Lesson)> {
        if let Ok(number) = key.parse::<usize>() {
            return self
                .lessons
                .get(number.checked_sub(1)?)
                .map(|l| (number - 1, l));
        }
        self.lessons.iter().enumerate().find(|(_, l)| l.id == key)
    }

    /// The lessons that teach `command`.
    pub fn teaching(&self, command: &str) -> Vec<&Lesson> {
        self.lessons
            .iter()
            .filter(|l| l.teaches.iter().any(|t| t == command))
            .collect()
    }
}

/// The files of a course: `(name, text)` pairs.
pub type Files = Vec<(String, String)>;

pub fn embedded_files() -> Files {
    embedded::LESSONS
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

/// All of a course's files together: many times the built-in course, and
/// little enough to hold in memory.
const MAX_DIRECTORY_BYTES: u64 = 32 * 1024 * 1024;

/// The `.md` files of a teacher's directory, read as data: each must be a
/// regular file of sane size inside the directory (a symlink may point
/// within it, never out of it), or it is a problem that names the file and
/// says why, without quoting what the file holds.
pub fn read_directory(dir: &Path) -> (Files, Vec<Problem>) {
    let problem = |file: String, message: String| Problem {
        file,
        line: 0,
        message,
    };
    let shown = dir.display().to_string();
    let root = match dir.canonicalize() {
        Ok(root) => root,
        Err(e) => {
            return (
                Vec::new(),
                vec![problem(
                    shown,
                    format!("cannot read the lesson directory: {e}"),
                )],
            );
        }
    };
    let entries = match std::fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) => {
            return (
                Vec::new(),
                vec![problem(
                    shown,
                    format!("cannot read the lesson directory: {e}"),
                )],
            );
        }
    };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut total_bytes = 0u64;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") {
            continue;
        }
        let at = format!("{shown}/{}", sanitize_line(&name));
        let target = match entry.path().canonicalize() {
            Ok(target) if target.starts_with(&root) => target,
            Ok(_) => {
                problems.push(problem(
                    at,
                    "is a symbolic link that leads out of the lesson directory; lessons must be inside it".into(),
                ));
                continue;
            }
            Err(e) => {
                problems.push(problem(at, format!("cannot be read: {e}")));
                continue;
            }
        };
        if total_bytes > MAX_DIRECTORY_BYTES {
            problems.push(problem(
                at,
                format!("is not read: the lessons before it already hold more than {MAX_DIRECTORY_BYTES} bytes"),
            ));
            continue;
        }
        match read_regular_text(&target, MAX_FILE_BYTES) {
            Ok(text) => {
                total_bytes += text.len() as u64;
                files.push((name, text));
            }
            Err(why) => problems.push(problem(at, format!("cannot be read: {why}"))),
        }
    }
    files.sort();
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    (files, problems)
}

/// Like [`read_directory`], but any problem is an error.
pub fn directory_files(dir: &Path) -> Result<Files, String> {
    let (files, problems) = read_directory(dir);
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

/// Reads a course; every problem found is returned, not just the first.
pub fn load(files: &Files, origin: &str) -> Result<Course, Vec<Problem>> {
    let mut problems = Vec::new();
    let problem = |file: &str, line: usize, message: String| Problem {
        file: file.to_string(),
        line,
        message,
    };
    let Some((_, order_text)) = files.iter().find(|(n, _)| n == ORDER_FILE) else {
        return Err(vec![problem(
            ORDER_FILE,
            1,
            format!("there is no {ORDER_FILE}; add one listing the lessons in order"),
        )]);
    };
    let order = parse_order(order_text);
    let (id, version) = match parse_course_front_matter(order_text) {
        Ok(named) => named,
        Err((line, message)) => {
            problems.push(problem(ORDER_FILE, line, message));
            (None, None)
        }
    };
    let mut lessons = Vec::new();
    for (line, title, target) in &order {
        let Some((name, text)) = files.iter().find(|(n, _)| n == target) else {
            problems.push(problem(
                ORDER_FILE,
                *line,
                format!("{target} is listed but there is no such file"),
            ));
            continue;
        };
        match parse_lesson(&format!("{origin}/{name}"), text) {
            Ok(lesson) => {
                if &lesson.title != title {
                    problems.push(problem(
                        ORDER_FILE,
                        *line,
                        format!(
                            "the link text `{title}` should be the lesson's title `{}`",
                            lesson.title
                        ),
                    ));
                }
                lessons.push(lesson);
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    for (name, _) in files {
        if NOT_LESSONS.contains(&name.as_str()) {
            continue;
        }
        let listed = order.iter().filter(|(_, _, t)| t == name).count();
        if listed == 0 {
            problems.push(problem(
                ORDER_FILE,
                1,
                format!("{name} is not in the course order; add a line `N. [Title]({name})`"),
            ));
        } else if listed > 1 {
            problems.push(problem(
                ORDER_FILE,
                1,
                format!("{name} is listed {listed} times; list it once"),
            ));
        }
    }
    if problems.is_empty() {
        Ok(Course {
            lessons,
            id,
            version,
            origin: origin.to_string(),
        })
    } else {
        Err(problems)
    }
}

/// The `id:` and `version:` of `course.md`'s front matter (each `None` when
/// absent), or the line and what is wrong there.
pub fn parse_course_front_matter(
    text: &str,
) -> Result<(Option<String>, Option<String>), (usize, String)> {
    let mut lines = text.lines().enumerate();
    if lines.next().map(|(_, l)| l.trim_end()) != Some("---") {
        return Ok((None, None));
    }
    let (mut id, mut version) = (None, None);
    for (n, line) in lines {
        let line = line.trim_end();
        if line == "---" {
            return Ok((id, version));
        }
        let at = n + 1;
        match line.split_once(':').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("id", value)) if is_course_id(value) => id = Some(value.to_string()),
            Some(("id", _)) => {
                return Err((
                    at,
                    "the course id must be lower-case letters, digits and `-` (at most 64), such as `netrepl-basics`".into(),
                ));
            }
            Some(("version", value)) if is_course_version(value) => {
                version = Some(value.to_string())
            }
            Some(("version", _)) => {
                return Err((
                    at,
                    "the course version must be numbers joined by dots, such as `1.0`".into(),
                ));
            }
            _ => {
                return Err((
                    at,
                    "the front matter of course.md holds only `id:` and `version:` lines".into(),
                ));
            }
        }
    }
    Err((
        1,
        "the front matter of course.md has no closing `---` line".into(),
    ))
}

pub fn is_course_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
}

pub fn is_course_version(text: &str) -> bool {
    text.len() <= 32
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// `1. [Title](file.md)` lines: `(line, title, file)`.
fn parse_order(text: &str) -> Vec<(usize, String, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let rest = line.trim().split_once(". ")?.1;
            let title = rest.strip_prefix('[')?.split_once("](")?;
            let file = title.1.strip_suffix(')')?;
            Some((n + 1, title.0.to_string(), file.to_string()))
        })
        .collect()
}

/// The course netrepl uses: a teacher's directory when given, else the built-in one.
pub fn load_course(dir: Option<&Path>) -> Result<Course, String> {
    let (files, origin) = match dir {
        Some(dir) => (directory_files(dir)?, dir.display().to_string()),
        None => (embedded_files(), "lessons".to_string()),
    };
    load(&files, &origin).map_err(|problems| {
        let mut text = format!(
            "the course in {origin} has problems (netrepl lessons check {origin} lists them):"
        );
        for p in problems.iter().take(5) {
            text.push_str(&format!("\n  {p}"));
        }
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_course_loads() {
        let course = load(&embedded_files(), "lessons").unwrap_or_else(|p| panic!("{p:?}"));
        assert!(course.lessons.len() >= 10);
        assert_eq!(course.find("1").map(|(i, _)| i), Some(0));
        assert!(course.find(&course.lessons[0].id.clone()).is_some());
    }

    #[test]
    fn a_symlink_may_point_within_the_directory_never_out_of_it() {
        let root = std::env::temp_dir().join(format!("netrepl-read-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("lessons");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("real.md"), "inside").unwrap();
        std::fs::write(root.join("outside.md"), "outside").unwrap();
        std::os::unix::fs::symlink(dir.join("real.md"), dir.join("alias.md")).unwrap();
        std::os::unix::fs::symlink(root.join("outside.md"), dir.join("leak.md")).unwrap();
        let (files, problems) = read_directory(&dir);
        let _ = std::fs::remove_dir_all(&root);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["alias.md", "real.md"]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].file.ends_with("leak.md"));
        assert!(
            !problems[0].message.contains("outside"),
            "the contents are never quoted"
        );
    }

    #[test]
    fn the_course_names_itself_in_front_matter() {
        let named = "---\nid: my-course\nversion: 2.1\n---\n1. [One](one.md)\n";
        assert_eq!(
            parse_course_front_matter(named),
            Ok((Some("my-course".into()), Some("2.1".into())))
        );
        assert_eq!(
            parse_course_front_matter("1. [One](one.md)\n"),
            Ok((None, None))
        );
        for bad in [
            "---\nid: My Course\n---\n",
            "---\nversion: one\n---\n",
            "---\ntitle: x\n---\n",
            "---\nid: x\n",
        ] {
            assert!(parse_course_front_matter(bad).is_err(), "{bad}");
        }
        let course = load(&embedded_files(), "lessons").unwrap();
        assert!(course.id.as_deref().is_some_and(is_course_id));
        assert!(course.version.as_deref().is_some_and(is_course_version));
    }

    #[test]
    fn the_order_file_reads_numbered_links() {
        let order = parse_order("# Course\n\n1. [One](one.md)\n2. [Two](two.md)\n");
        assert_eq!(
            order,
            vec![
                (3, "One".into(), "one.md".into()),
                (4, "Two".into(), "two.md".into())
            ]
        );
    }
}
