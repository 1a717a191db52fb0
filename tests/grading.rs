//! The tutor tells right from wrong: `lessons grade` on a lesson directory
//! written here, `lessons check` running accept and reject lines, and the
//! tutor on a pseudo-terminal, with wrong answers whose nudges never give
//! the answer away.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_netrepl");

/// A lesson directory of the test's own, removed when dropped.
struct LessonDir(PathBuf);

impl LessonDir {
    fn new(name: &str, exercises: &str) -> LessonDir {
        let dir =
            std::env::temp_dir().join(format!("netrepl-grading-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("course.md"), "1. [Sizes](sizes.md)\n").expect("course");
        let lesson = format!(
            "---\nid: sizes\ntitle: Sizes\nteaches: []\n---\n\n# Sizes\n\nNetworks have sizes.\n\n## Counting\n\nipinfo counts them.\n\n{exercises}"
        );
        std::fs::write(dir.join("sizes.md"), lesson).expect("lesson");
        LessonDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for LessonDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SIXTEEN: &str = "```exercise
id: sixteen
task: How many addresses does the network 10.20.0.0/16 hold? Ask ipinfo, in Python style.
command: ipinfo
style: python
arg: 1 = 10.20.0.0/16 => that is a different network from the one the task names
result: {[..]'addresses': 65536}
hint: ipinfo shows a network's size.
hint: Type `ipinfo('10.20.0.0/16')`.
reject: ipinfo('10.99.0.0/16')
reject: ipinfo 10.20.0.0/16
```
";

fn grade(dir: &LessonDir, exercise: &str, lines: &[&str]) -> Output {
    Command::new(BIN)
        .args(["lessons", "grade", "--lessons"])
        .arg(dir.path())
        .args(["sizes", exercise, "--"])
        .args(lines)
        .env("NETREPL_DATA_DIR", dir.path().join("never-used"))
        .output()
        .expect("netrepl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn grade_accepts_the_right_line_and_refuses_another_network() {
    let dir = LessonDir::new("grade", SIXTEEN);
    let right = grade(&dir, "sixteen", &["ipinfo('10.20.0.0/16')"]);
    assert_eq!(right.status.code(), Some(0), "{}", text(&right.stdout));
    assert!(text(&right.stdout).contains("✓ Exercise done"));

    let other = grade(&dir, "sixteen", &["ipinfo('10.99.0.0/16')"]);
    let shown = text(&other.stdout);
    assert_eq!(other.status.code(), Some(1), "{shown}");
    assert!(shown.contains("different network"), "{shown}");
    let feedback: Vec<&str> = shown.lines().filter(|l| l.starts_with('✗')).collect();
    assert!(
        feedback.iter().all(|l| !l.contains("10.20")),
        "the nudge never names the answer: {feedback:?}"
    );

    let command_style = grade(&dir, "sixteen", &["ipinfo 10.20.0.0/16"]);
    assert_eq!(command_style.status.code(), Some(1));
    assert!(
        text(&command_style.stdout).contains("as Python writes it"),
        "{}",
        text(&command_style.stdout)
    );

    let later = grade(
        &dir,
        "sixteen",
        &["ipinfo 10.20.0.0/16", "ipinfo('10.20.0.0/16')"],
    );
    assert_eq!(later.status.code(), Some(0), "a later line may complete it");
    assert!(
        !dir.path().join("never-used").exists(),
        "grading writes nothing to the data directory it was given"
    );
}

#[test]
fn grade_says_2_for_an_unknown_lesson_or_exercise() {
    let dir = LessonDir::new("unknown", SIXTEEN);
    let no_exercise = grade(&dir, "nope", &["ipinfo('10.20.0.0/16')"]);
    assert_eq!(no_exercise.status.code(), Some(2));
    assert!(
        text(&no_exercise.stderr).contains("sixteen"),
        "names the exercises there are: {}",
        text(&no_exercise.stderr)
    );
    let no_lesson = Command::new(BIN)
        .args(["lessons", "grade", "--lessons"])
        .arg(dir.path())
        .args(["missing", "sixteen", "--", "htons 1"])
        .output()
        .expect("runs");
    assert_eq!(no_lesson.status.code(), Some(2));
}

#[test]
fn lessons_check_runs_accept_and_reject_lines_and_names_the_bad_ones() {
    let loose = "```exercise
id: loose
task: How many addresses does 10.20.0.0/16 hold?
command: ipinfo
result: {[..]'addresses': 65536}
hint: Type `ipinfo 10.20.0.0/16`.
reject: ipinfo 10.99.0.0/16
```

```exercise
id: unguarded
task: Find the integer behind 10.0.0.1.
command: ipinfo
result: {[..]'integer': 167772161[..]}
hint: Type `ipinfo 10.0.0.1`.
accept: ipinfo 10.0.0.2
```
";
    let dir = LessonDir::new("check", loose);
    let out = Command::new(BIN)
        .args(["lessons", "check"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("the wrong line `ipinfo 10.99.0.0/16` completes it"),
        "a reject line that passes is named: {report}"
    );
    assert!(
        report.contains("exercise `unguarded` has no reject: line"),
        "{report}"
    );
    assert!(
        report.contains("`ipinfo 10.0.0.2` should complete it but does not"),
        "{report}"
    );
    assert!(
        report.contains("sizes.md:"),
        "problems carry file:line: {report}"
    );

    let strict = LessonDir::new("strict", SIXTEEN);
    let out = Command::new(BIN)
        .args(["lessons", "check"])
        .arg(strict.path())
        .output()
        .expect("runs");
    let report = text(&out.stdout);
    assert!(
        !report.contains("sixteen") && !report.contains("reject"),
        "a strict exercise has nothing to report: {report}"
    );
}

/// The tutor on a terminal: a wrong line gets a nudge without the answer,
/// `check` judges the last line typed (not an older one), the right line
/// completes the exercise.
#[test]
fn the_tutor_on_a_terminal_nudges_without_the_answer_and_checks_the_last_line() {
    let dir = LessonDir::new("pty", SIXTEEN);
    let steps = drive_tutor(
        &dir,
        false,
        &[
            "lesson sizes",
            "next",
            "ipinfo('10.99.0.0/16')",
            "htons 1",
            "check",
            "ipinfo('10.20.0.0/16')",
        ],
    );
    if steps.is_empty() {
        eprintln!("skipping: the pty driver needs python3");
        return;
    }
    let step = |line: &str| {
        steps
            .iter()
            .find(|(l, _)| l == line)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("no step {line}: {steps:?}"))
    };
    let wrong = step("ipinfo('10.99.0.0/16')");
    assert!(wrong.contains("different network"), "{wrong}");
    assert!(!wrong.contains("10.20"), "{wrong}");
    let check = step("check");
    assert!(
        check.contains("Not done yet"),
        "check judges the last line (htons), not the older ipinfo: {check}"
    );
    assert!(
        step("ipinfo('10.20.0.0/16')").contains("✓ Exercise done"),
        "{steps:?}"
    );
}

const QUESTION_AND_LAB: &str = "Sizes come from the prefix: `ipinfo` tells, but predict first.

```exercise
id: slash-22
task: How many addresses does a /22 hold? Answer with answer N.
command: answer
compute: 2**(32 - 22)
hint: A /22 leaves 10 bits for hosts.
hint: Two to the power of the host bits.
accept: answer 1024
reject: answer 1000
```

```exercise
id: sweep-lab
task: Sweep the lab's network.
command: map_network
needs: lab
arg: 1 = 10.77.0.0/24
hint: Type `map_network 10.77.0.0/24`.
reject: map_network 10.78.0.0/24
```
";

/// Drives `lines` on a pty in a lesson of `dir`, with or without colour,
/// and returns what the terminal showed after each.
fn drive_tutor(dir: &LessonDir, colour: bool, lines: &[&str]) -> Vec<(String, String)> {
    const DRIVER: &str = r#"
import json, os, pty, re, select, sys, time
binary, data_dir, lessons, colour, lines = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == '1', json.loads(sys.argv[5])
pid, fd = pty.fork()
if pid == 0:
    os.environ['NETREPL_DATA_DIR'] = data_dir
    os.environ.pop('NO_COLOR', None)
    args = [binary, '--lessons', lessons] + ([] if colour else ['--no-color'])
    os.execv(binary, args)
PROMPT = rb'\n(\r|\x1b\[[0-9;?]*[a-zA-Z])*>>>(\x1b\[[0-9;]*m)* '
def read_prompt():
    seen, end = b'', time.time() + 10
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen += chunk
            if re.search(PROMPT, seen):
                break
    return seen.decode(errors='replace')
read_prompt()
for line in lines:
    os.write(fd, line.encode() + b'\r')
    print(json.dumps([line, read_prompt()]))
os.write(fd, b'\x04')
time.sleep(0.3)
"#;
    let data = dir
        .path()
        .join(if colour { "data-colour" } else { "data-plain" });
    let Ok(out) = Command::new("python3")
        .args(["-c", DRIVER, BIN])
        .arg(&data)
        .arg(dir.path())
        .arg(if colour { "1" } else { "0" })
        .arg(serde_json::to_string(lines).expect("json"))
        .output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<(String, String)>(l).ok())
        .collect()
}

#[test]
fn questions_are_answered_skip_records_and_lessons_show_it() {
    let dir = LessonDir::new("question", QUESTION_AND_LAB);
    let steps = drive_tutor(
        &dir,
        false,
        &[
            "lesson sizes",
            "next",
            "answer 1000",
            "answer 1024",
            "skip",
            "lessons",
        ],
    );
    if steps.is_empty() {
        eprintln!("skipping: the pty driver needs python3");
        return;
    }
    let shown = |line: &str| {
        steps
            .iter()
            .find(|(l, _)| l == line)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("no step {line}: {steps:?}"))
    };
    let wrong = shown("answer 1000");
    assert!(wrong.contains("That is not it"), "{wrong}");
    assert!(
        !wrong.contains("1024"),
        "the nudge never gives the answer: {wrong}"
    );
    assert!(
        shown("answer 1024").contains("✓ Exercise done"),
        "{steps:?}"
    );
    let skipped = shown("skip");
    assert!(
        skipped.contains("↷ Skipped: Sweep the lab") && skipped.contains("needs the lab"),
        "{skipped}"
    );
    assert!(shown("lessons").contains("1 skipped"), "{steps:?}");
    assert!(
        steps.iter().all(|(_, s)| !s.contains("\u{1b}[36m")),
        "no colour with --no-color"
    );
}

#[test]
fn lesson_text_is_rendered_in_colour_on_a_terminal_and_plain_without() {
    let dir = LessonDir::new("render", QUESTION_AND_LAB);
    let coloured = drive_tutor(&dir, true, &["lesson sizes", "next"]);
    if coloured.is_empty() {
        eprintln!("skipping: the pty driver needs python3");
        return;
    }
    let step = &coloured[1].1;
    assert!(
        step.contains("\u{1b}[36mipinfo"),
        "a code span in colour: {step:?}"
    );
    assert!(!step.contains("`ipinfo`"), "{step:?}");
    let plain = drive_tutor(&dir, false, &["lesson sizes", "next"]);
    let step = &plain[1].1;
    assert!(
        step.contains("`ipinfo`"),
        "plain keeps the backticks: {step:?}"
    );
    assert!(!step.contains("\u{1b}[36m"), "{step:?}");
    assert!(step.contains("▶ Exercise: How many addresses"), "{step:?}");
}

/// Grades lines against the course's own TCP lesson.
fn grade_tcp_lesson(exercise: &str, lines: &[&str]) -> Output {
    let data = std::env::temp_dir().join(format!("netrepl-grade-tcp-{}", std::process::id()));
    let out = Command::new(BIN)
        .args(["lessons", "grade", "--lessons"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"))
        .args(["tcp-server-and-client", exercise, "--"])
        .args(lines)
        .env("NETREPL_DATA_DIR", &data)
        .output()
        .expect("netrepl runs");
    let _ = std::fs::remove_dir_all(&data);
    out
}

#[test]
fn start_echo_does_not_pass_without_keeping_the_address() {
    let bare = grade_tcp_lesson("start-echo", &["serve echo 127.0.0.1:0"]);
    let shown = text(&bare.stdout);
    assert_eq!(bare.status.code(), Some(1), "{shown}");
    assert!(shown.contains("keep it as echo_addr"), "{shown}");
    let kept = grade_tcp_lesson("start-echo", &["echo_addr = serve echo 127.0.0.1:0"]);
    assert_eq!(kept.status.code(), Some(0), "{}", text(&kept.stdout));
}

#[test]
fn read_echo_passes_after_send_then_sendall_left_two_hellos() {
    let lines = [
        "echo_addr = serve echo 127.0.0.1:0",
        "c = create_connection(echo_addr)",
        "c.send(b'hello')",
        "c.sendall(b'hello')",
        "c.recv(1024)",
    ];
    let out = grade_tcp_lesson("read-echo", &lines);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let sent = grade_tcp_lesson("send-hello", &lines[..3]);
    let shown = text(&sent.stdout);
    assert_eq!(sent.status.code(), Some(1), "{shown}");
    assert!(shown.contains("sends both back"), "{shown}");
}
