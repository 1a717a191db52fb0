//! Issue 10, a teacher's lessons are data: `netrepl lessons check` on a
//! hostile lesson directory finishes in bounded time, reports each block that
//! tries to act on the checker (wiping progress, hanging, raising its wait,
//! touching the lab, writing escape sequences to its terminal) and each file
//! that is not a lesson file inside the directory (a symlink out of it, a
//! FIFO), and leaves the checker's own data directory as it was.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_netrepl");
/// The per-block limit the test gives the check.
const BLOCK_LIMIT_SECONDS: u64 = 3;
/// Far beyond what the whole check needs: only a hang reaches it.
const HANG_GUARD: Duration = Duration::from_secs(120);

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("netrepl-hostile-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

const SECRET: &str = "the checker's secret line";

/// One lesson, one step per hostile block, in the order of `BLOCKS`.
const BLOCKS: &[(&str, &str)] = &[
    ("wipe", ">>> reset yes=True\nAll lesson progress cleared.\n"),
    (
        "raise-wait",
        ">>> :timeout 86400\nblocking socket calls give up after 86400 s\n",
    ),
    (
        "hang",
        ">>> s = socket(AF_INET, SOCK_STREAM)\n>>> s.bind(('127.0.0.1', 0))\n>>> s.listen()\n>>> day = 86400\n>>> s.settimeout(day)\n>>> s.accept()\nnever\n",
    ),
    ("lab", ">>> lab up\nlab is up\n"),
    (
        "escapes",
        ">>> gethostbyname localhost\n\u{1b}]0;owned\u{7}\u{1b}[2J'127.0.0.1'\n",
    ),
    (
        "confined",
        ">>> interfaces\ninterface[..]\nlo [..] 127.0.0.1 [..]\nuplink [..] 10.200.0.2 [..]\nlo [..] ::1 [..]\n...\n",
    ),
];

fn hostile_lesson() -> (String, Vec<(&'static str, usize)>) {
    let mut text = String::from(
        "---\nid: hostile\ntitle: Hostile\nteaches: []\n---\n\nIntro \u{1b}[31mred\u{1b}[0m.\n",
    );
    let mut lines = Vec::new();
    for (name, block) in BLOCKS {
        text.push_str(&format!("\n## {name}\n\n"));
        lines.push((*name, text.lines().count() + 1));
        text.push_str(&format!("```netrepl\n{block}```\n"));
    }
    (text, lines)
}

fn line_of(lines: &[(&str, usize)], name: &str) -> usize {
    lines.iter().find(|(n, _)| *n == name).expect("a block").1
}

#[test]
fn lessons_check_survives_a_hostile_lesson_directory() {
    let scratch = Scratch::new("check");
    let lessons = scratch.0.join("lessons");
    fs::create_dir_all(&lessons).unwrap();
    let (text, lines) = hostile_lesson();
    fs::write(lessons.join("hostile.md"), text).unwrap();
    fs::write(lessons.join("course.md"), "1. [Hostile](hostile.md)\n").unwrap();
    let secret = scratch.0.join("secret.md");
    fs::write(&secret, format!("{SECRET}\n")).unwrap();
    std::os::unix::fs::symlink(&secret, lessons.join("leak.md")).unwrap();
    let made = Command::new("mkfifo").arg(lessons.join("fifo.md")).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");

    let checker_data = scratch.0.join("checker-data");
    fs::create_dir_all(&checker_data).unwrap();
    let progress = "{\"version\":1,\"current\":\"x\",\"lessons\":{\"x\":{\"step\":1,\"done\":[\"e\"],\"seen_all\":false}}}";
    fs::write(checker_data.join("progress.json"), progress).unwrap();
    fs::set_permissions(&checker_data, fs::Permissions::from_mode(0o700)).unwrap();

    let started = Instant::now();
    let out = Command::new("timeout")
        .args(["-s", "KILL", &HANG_GUARD.as_secs().to_string(), BIN])
        .args([
            "lessons",
            "check",
            "--time-limit",
            &BLOCK_LIMIT_SECONDS.to_string(),
        ])
        .arg(&lessons)
        .env("NETREPL_DATA_DIR", &checker_data)
        .output()
        .expect("lessons check runs");
    let took = started.elapsed();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_ne!(out.status.code(), Some(137), "lessons check hung: {report}");
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(took < HANG_GUARD, "took {took:?}");

    let at = |name: &str| format!("hostile.md:{}: ", line_of(&lines, name));
    assert!(
        report.contains(&at("wipe"))
            && report.contains("PermissionError: reset is not allowed in a lesson block"),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{}the block asks to wait 86400 s, past the 10 s",
            at("raise-wait")
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{}the block was still running after {BLOCK_LIMIT_SECONDS} s and was stopped",
            at("hang")
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!("{}the block runs `lab`", at("lab"))),
        "{report}"
    );
    assert!(report.contains(&at("escapes")), "{report}");
    assert!(
        !report.contains('\u{1b}') && !report.contains('\u{7}'),
        "escape sequences reach the terminal: {report:?}"
    );
    assert!(report.contains("\\x1b]0;owned\\x07"), "{report}");
    if is_root() {
        assert!(
            !report.contains(&at("confined")),
            "as root, blocks run in a namespace of the check's own (loopback and a route that ends inside it): {report}"
        );
    }
    assert!(
        report.contains("leak.md:0: is a symbolic link that leads out of the lesson directory"),
        "{report}"
    );
    assert!(!report.contains(SECRET), "a file outside is never shown");
    assert!(
        report.contains("fifo.md:0: cannot be read: it is a FIFO"),
        "{report}"
    );

    assert_eq!(
        fs::read_to_string(checker_data.join("progress.json")).unwrap(),
        progress,
        "the checker's progress is untouched"
    );
    let left: Vec<_> = fs::read_dir(&checker_data)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left.len(),
        1,
        "nothing is added to the checker's data: {left:?}"
    );
}

#[test]
fn lesson_text_shown_by_the_tutor_cannot_drive_the_terminal() {
    let scratch = Scratch::new("tutor");
    let lessons = scratch.0.join("lessons");
    fs::create_dir_all(&lessons).unwrap();
    fs::write(lessons.join("course.md"), "1. [Loud](loud.md)\n").unwrap();
    fs::write(
        lessons.join("loud.md"),
        "---\nid: loud\ntitle: Loud\nteaches: []\n---\n\nIntro \u{1b}]0;owned\u{7}\u{1b}[2J text.\n\n```exercise\nid: e\ntask: Type \u{1b}[5mgethostname\u{1b}[0m.\ncommand: gethostname\nhint: Just \u{9b}2J do it.\n```\n",
    )
    .unwrap();
    let data = scratch.0.join("data");
    let out = Command::new("timeout")
        .args(["-s", "KILL", "60", BIN, "--no-color", "--lessons"])
        .arg(&lessons)
        .args(["-c", "lesson 1; hint"])
        .env("NETREPL_DATA_DIR", &data)
        .output()
        .expect("netrepl runs");
    let shown =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(shown.contains("Lesson 1 · Loud"), "{shown}");
    assert!(
        shown.contains("Intro \\x1b]0;owned\\x07\\x1b[2J text."),
        "{shown}"
    );
    assert!(shown.contains("Just \\x9b2J do it."), "{shown}");
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{shown:?}"
    );
}

/// The checker's data directory is never where a block runs: starting a
/// lesson there would save progress (and make the directory).
#[test]
fn blocks_run_in_a_data_directory_of_their_own() {
    let scratch = Scratch::new("data-dir");
    let lessons = scratch.0.join("lessons");
    fs::create_dir_all(&lessons).unwrap();
    fs::write(lessons.join("course.md"), "1. [Quiet](quiet.md)\n").unwrap();
    fs::write(
        lessons.join("quiet.md"),
        "---\nid: quiet\ntitle: Quiet\nteaches: []\n---\n\n## Try\n\n```netrepl\n>>> lesson 1\n...\n```\n",
    )
    .unwrap();
    let checker_data = scratch.0.join("checker-data");
    let out = Command::new("timeout")
        .args(["-s", "KILL", "60", BIN, "lessons", "check"])
        .arg(&lessons)
        .env("NETREPL_DATA_DIR", &checker_data)
        .output()
        .expect("lessons check runs");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(report.contains("lessons: 1 passed, 0 failed"), "{report}");
    assert!(!Path::new(&checker_data).exists(), "{report}");
}

#[test]
fn problems_in_a_teachers_course_are_shown_as_text() {
    let scratch = Scratch::new("problems");
    let lessons = scratch.0.join("lessons");
    fs::create_dir_all(&lessons).unwrap();
    fs::write(lessons.join("course.md"), "1. [Loud](lo\u{1b}[2Jud.md)\n").unwrap();
    let out = Command::new("timeout")
        .args(["-s", "KILL", "60", BIN, "--no-color", "--lessons"])
        .arg(&lessons)
        .args(["-c", "lessons"])
        .env("NETREPL_DATA_DIR", scratch.0.join("data"))
        .output()
        .expect("netrepl runs");
    let shown = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(shown.contains("lo\\x1b[2Jud.md is listed"), "{shown}");
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
}

fn namespaces_of(prefix: &str) -> Vec<String> {
    let listed = Command::new("ip").args(["netns", "list"]).output();
    let text = listed
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with(&format!("{prefix}-")))
        .map(str::to_string)
        .collect()
}

/// `needs=lab` blocks are skipped unless the check is asked for the lab;
/// asked, it brings the lab up, and takes down what it brought up.
#[test]
fn the_lab_is_used_only_when_the_check_is_asked_for_it() {
    let scratch = Scratch::new("lab");
    let lessons = scratch.0.join("lessons");
    fs::create_dir_all(&lessons).unwrap();
    fs::write(lessons.join("course.md"), "1. [Lab](lab.md)\n").unwrap();
    fs::write(
        lessons.join("lab.md"),
        "---\nid: lab\ntitle: Lab\nteaches: []\n---\n\n## Look\n\n```netrepl needs=lab\n>>> lab status\nthe netrepl lab 'nrchk'  dns on[..]\n...\n```\n",
    )
    .unwrap();
    // A prefix of this test's own, so no other test's lab is touched.
    let prefix = "nrchk";
    let check = |extra: &[&str]| {
        let out = Command::new("timeout")
            .args(["-s", "KILL", "120", BIN, "lessons", "check"])
            .args(extra)
            .arg(&lessons)
            .env("NETREPL_LAB_PREFIX", prefix)
            .env("NETREPL_DATA_DIR", scratch.0.join("data"))
            .output()
            .expect("lessons check runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let report = check(&[]);
    assert!(
        report.contains("lab.md:9: needs the lab; run the check with --lab"),
        "{report}"
    );
    assert!(namespaces_of(prefix).is_empty(), "{report}");
    if !is_root() {
        eprintln!("skipping the --lab half: building the lab needs root");
        return;
    }
    let report = check(&["--lab"]);
    assert!(
        report.contains("lessons: 1 passed, 0 failed, 0 skipped"),
        "{report}"
    );
    assert!(
        namespaces_of(prefix).is_empty(),
        "the lab the check brought up is down again: {:?}",
        namespaces_of(prefix)
    );
}

#[test]
fn in_a_lesson_block_no_socket_wait_outlasts_the_cap_whatever_its_timeout() {
    let started = Instant::now();
    let out = Command::new("timeout")
        .args(["-s", "KILL", "60", BIN, "--no-color", "--format", "python"])
        .env("NETREPL_LESSON_BLOCK", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(
                b"s = socket(AF_INET, SOCK_STREAM)\ns.bind(('127.0.0.1', 0))\ns.listen()\nday = 86400\ns.settimeout(day)\ns.accept()\n",
            )?;
            child.wait_with_output()
        })
        .expect("netrepl runs");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TimeoutError"), "{stderr}");
    assert!(
        took < Duration::from_secs(20),
        "the wait was cut to the cap: {took:?}"
    );
}
