//! The course as tests: every runnable block of every lesson runs and matches,
//! the lessons and the command registry agree, `lessons check` reports
//! problems with file and line, and the tutorial works end to end through
//! the binary, progress kept across restarts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};

use netrepl::course::lessons::{check, course};
use netrepl::net::lab::Lab;

const BIN: &str = env!("CARGO_BIN_EXE_netrepl");

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

/// The two tests that run the whole course take turns: both would use the
/// same lab namespaces, and two runs of the multicast blocks at once bind the
/// same group and port and see each other's datagrams.
static WHOLE_COURSE: Mutex<()> = Mutex::new(());

fn whole_course_turn() -> MutexGuard<'static, ()> {
    WHOLE_COURSE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The default lab the lessons' `needs=lab` blocks are written for: used if
/// it is up, built (and removed afterwards) if this process may, else absent.
struct LessonLab {
    lab: Option<Lab>,
    built_here: bool,
}

impl LessonLab {
    fn get() -> LessonLab {
        let none = LessonLab {
            lab: None,
            built_here: false,
        };
        let Ok(lab) = Lab::new(netrepl::net::lab::DEFAULT_PREFIX)
            .map(|lab| lab.with_netrepl(env!("CARGO_BIN_EXE_netrepl")))
        else {
            return none;
        };
        if lab.status().is_some() {
            return LessonLab {
                lab: Some(lab),
                built_here: false,
            };
        }
        if let Err(why) = netrepl::net::lab::check_can_build() {
            eprintln!("lab blocks will be skipped: {why}");
            return none;
        }
        match lab.up_default() {
            Ok(_) => LessonLab {
                lab: Some(lab),
                built_here: true,
            },
            Err(e) => {
                eprintln!("lab blocks will be skipped: the lab did not come up: {e}");
                none
            }
        }
    }
}

impl Drop for LessonLab {
    fn drop(&mut self) {
        if self.built_here
            && let Some(lab) = &self.lab
        {
            let _ = lab.down();
        }
    }
}

#[test]
fn every_lesson_block_runs_and_matches() {
    let _turn = whole_course_turn();
    let lab = LessonLab::get();
    let report = check::check(Some(&lessons_dir()), Path::new(BIN), lab.lab.as_ref());
    for skipped in &report.skipped {
        println!("skipped {skipped}");
    }
    assert!(report.passed > 0, "no block ran");
    assert!(report.is_clean(), "\n{}", check::render(&report));
}

#[test]
fn lessons_and_commands_cross_check() {
    let files = course::directory_files(&lessons_dir()).expect("lessons/ reads");
    let course = course::load(&files, "lessons").unwrap_or_else(|p| panic!("{p:#?}"));
    let problems = check::cross_check(&course);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_built_in_course_is_the_lessons_directory() {
    let on_disk = course::directory_files(&lessons_dir()).expect("lessons/ reads");
    assert_eq!(
        course::embedded_files(),
        on_disk,
        "the binary embeds lessons/ as it is"
    );
}

fn run(args: &[&str], data_dir: &Path, input: &str) -> Output {
    let mut child = Command::new(BIN)
        .arg("--no-color")
        .args(args)
        .env("NETREPL_DATA_DIR", data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netrepl starts");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input");
    child.wait_with_output().expect("netrepl ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn lessons_check_names_the_file_and_line_of_each_problem() {
    let dir = std::env::temp_dir().join(format!("netrepl-lessons-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("course.md"), "1. [Broken](broken.md)\n").expect("write");
    std::fs::write(
        dir.join("broken.md"),
        "---\nid: broken\ntitle: Broken\nteaches: [no_such_command]\n---\n\n## Try\n\n```netrepl\n>>> inet_aton 127.0.0.1\nwrong output\n```\n\n```exercise\nid: e\ntask: Do it.\ncommand: inet_aton\n```\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("stray.md"),
        "---\nid: stray\ntitle: Stray\nteaches: []\n---\n",
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["lessons", "check"])
        .arg(&dir)
        .output()
        .expect("runs");
    let _ = std::fs::remove_dir_all(&dir);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("broken.md:14: exercise `e` has no hint"),
        "{report}"
    );
    assert!(
        report.contains("stray.md is not in the course order"),
        "{report}"
    );
}

#[test]
fn lessons_check_passes_on_the_built_in_course_and_says_how_many_ran() {
    let _turn = whole_course_turn();
    let out = Command::new(BIN)
        .args(["lessons", "check"])
        .output()
        .expect("runs");
    let report = text(&out.stdout);
    let last = report.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("lessons: ") && last.contains(" passed, 0 failed"),
        "{report}"
    );
}

/// Start a lesson, get an exercise wrong, take the hints, get it right, quit;
/// then start again and find the progress kept.
#[test]
fn the_tutorial_checks_exercises_and_keeps_progress() {
    let data_dir = std::env::temp_dir().join(format!("netrepl-tutorial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let first = run(
        &["--lesson", "packing-addresses"],
        &data_dir,
        "next\ninet_aton 172.16.0.2\nhint\nhint\ninet_aton 172.16.0.1\nquit\n",
    );
    let session = text(&first.stdout);
    assert!(
        session.contains("── Lesson 11 · Packing addresses · step 1 of"),
        "{session}"
    );
    assert!(
        session.contains("▶ Exercise: Pack the IPv4 address 172.16.0.1"),
        "{session}"
    );
    assert!(
        session.contains("✗ Not quite: that is a different address from the one the task names"),
        "a wrong argument gets the exercise's nudge: {session}"
    );
    assert!(
        session
            .lines()
            .filter(|line| line.starts_with('✗'))
            .all(|nudge| !nudge.contains("172.16.0.1")),
        "a nudge never gives the answer: {session}"
    );
    assert!(
        session.contains("Hint 1 of 2:")
            && session.contains("Hint 2 of 2: Type `inet_aton 172.16.0.1`."),
        "{session}"
    );
    assert!(
        session.contains("✓ Exercise done: Pack the IPv4 address 172.16.0.1"),
        "{session}"
    );
    assert!(data_dir.join("progress.json").exists(), "progress is saved");

    let second = run(&[], &data_dir, "lessons\nlesson\n");
    let again = text(&second.stdout);
    let _ = std::fs::remove_dir_all(&data_dir);
    assert!(
        again.contains("Packing addresses") && again.contains("in progress (1/"),
        "{again}"
    );
    assert!(
        again.contains("step 2 of 4: IPv4 only: inet_aton and inet_ntoa"),
        "`lesson` resumes where it was left: {again}"
    );
    assert!(
        again.contains("▶ Exercise: Turn the bytes"),
        "the finished exercise stays finished: {again}"
    );
}
