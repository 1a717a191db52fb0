//! Issue 14, progress a teacher can use: `netrepl progress export` writes
//! one versioned JSON document per learner, and `netrepl class report`
//! rolls many up as text, CSV and HTML, keeping courses apart and naming
//! the files it could not use. Learners here are synthetic exports, plus
//! one made by really working through an exercise.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value as Json, json};

const BIN: &str = env!("CARGO_BIN_EXE_netrepl");

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("netrepl-class-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs netrepl with `data` as its data directory and `input` on stdin.
fn netrepl(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new("timeout")
        .args(["-s", "KILL", "60", BIN])
        .args(args)
        .env("NETREPL_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netrepl starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("netrepl ends");
    assert_ne!(out.status.code(), Some(137), "netrepl hung");
    out
}

/// `netrepl class report ARGS...`: (status, stdout, stderr).
fn report(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new("timeout")
        .args(["-s", "KILL", "60", BIN, "class", "report"])
        .args(args)
        .output()
        .expect("netrepl runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An exercise as an export lists it.
fn exercise(id: &str, done: bool, attempts: u64, hints: u64, at: &str) -> Json {
    json!({"id": id, "done": done, "done_at": if done { Some(at) } else { None },
        "attempts": attempts, "hints": hints, "skipped": null, "skipped_at": null,
        "first_at": "2026-12-01T09:00:00Z", "last_at": at})
}

/// A synthetic learner of a two-lesson course.
fn learner(name: &str, version: &str, alpha: Vec<Json>, started_beta: bool) -> Json {
    json!({
        "format": "netrepl-progress-export", "format_version": 1,
        "learner": name, "netrepl_version": "0.1.0", "exported_at": "2026-12-01T12:00:00Z",
        "course": {"id": "test-course", "version": version},
        "lessons": [
            {"id": "alpha", "title": "Alpha, the <first>", "in_course": true, "exercises_total": 2,
             "started": "2026-12-01T09:00:00Z", "finished": null, "exercises": alpha},
            {"id": "beta", "title": "Beta", "in_course": true, "exercises_total": 1,
             "started": if started_beta { Some("2026-12-01T10:00:00Z") } else { None },
             "finished": null, "exercises": []},
        ]
    })
}

fn write_json(path: &Path, json: &Json) {
    fs::write(path, serde_json::to_string_pretty(json).unwrap()).expect("write export");
}

/// A small RFC 4180 reader, to check the CSV as a spreadsheet would read it.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "lines end CRLF"),
            (false, '\n') => panic!("a bare LF ends a CSV line"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last line ends CRLF"
    );
    rows
}

const HOSTILE: &str = "Eve, \"the\" <script>alert(1)</script>";

fn class_of_three(scratch: &Scratch) -> PathBuf {
    let class = scratch.path("class");
    fs::create_dir_all(&class).unwrap();
    write_json(
        &class.join("ada.json"),
        &learner(
            "Ada",
            "1.0",
            vec![
                exercise("a1", true, 1, 0, "2026-12-01T09:30:00Z"),
                exercise("a2", true, 2, 1, "2026-12-01T10:15:00Z"),
            ],
            true,
        ),
    );
    write_json(
        &class.join("bob.json"),
        &learner(
            "Bob",
            "1.0",
            vec![
                exercise("a1", true, 3, 2, "2026-12-01T09:10:00Z"),
                exercise("a2", false, 9, 3, "2026-12-01T09:40:00Z"),
            ],
            false,
        ),
    );
    write_json(
        &class.join("eve.json"),
        &learner(
            HOSTILE,
            "1.0",
            vec![exercise("a1", false, 4, 0, "2026-12-01T09:05:00Z")],
            false,
        ),
    );
    class
}

#[test]
fn a_class_report_shows_learners_by_lesson_totals_and_who_is_stuck() {
    let scratch = Scratch::new("text");
    let class = class_of_three(&scratch);
    let (status, text, stderr) = report(&[class.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        text.contains("Course test-course version 1.0: 3 learners"),
        "{text}"
    );
    let ada = text
        .lines()
        .find(|l| l.starts_with("Ada "))
        .expect("a row for Ada");
    assert!(
        ada.contains("2/2 h1 1h 15m"),
        "done of total, hints, time: {ada}"
    );
    let bob = text
        .lines()
        .find(|l| l.starts_with("Bob "))
        .expect("a row for Bob");
    assert!(bob.contains("1/2 h5 40m 00s"), "{bob}");
    assert!(
        text.contains("3 started, 0 finished, 3 exercises done (of 2 each), 6 hints, 19 attempts"),
        "{text}"
    );
    let stuck = text.split("Stuck").nth(1).expect("a stuck section");
    let bob_at = stuck.find("Bob: Alpha, the <first>, exercise a2 (9 attempts, 3 hints)");
    let eve_at = stuck.find("exercise a1 (4 attempts");
    assert!(bob_at.is_some() && eve_at.is_some(), "{stuck}");
    assert!(bob_at < eve_at, "most attempts first: {stuck}");
    assert!(!stuck.contains("Ada:"), "Ada finished everything she tried");
}

#[test]
fn the_csv_reads_back_as_the_same_table() {
    let scratch = Scratch::new("csv");
    let class = class_of_three(&scratch);
    let (status, csv, stderr) = report(&[class.to_str().unwrap(), "--csv"]);
    assert_eq!(status, Some(0), "{stderr}");
    let rows = parse_csv(&csv);
    let header = &rows[0];
    assert_eq!(header[..3], ["course_id", "course_version", "learner"]);
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(rows.len(), 1 + 3 * 2, "a row per learner and lesson");
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let eve: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[column("learner")] == HOSTILE)
        .collect();
    assert_eq!(
        eve.len(),
        2,
        "a name with commas and quotes survives: {csv}"
    );
    assert_eq!(eve[0][column("lesson_title")], "Alpha, the <first>");
    let bob_alpha = rows
        .iter()
        .find(|r| r[column("learner")] == "Bob" && r[column("lesson_id")] == "alpha")
        .unwrap();
    assert_eq!(bob_alpha[column("exercises_done")], "1");
    assert_eq!(bob_alpha[column("exercises_total")], "2");
    assert_eq!(bob_alpha[column("hints")], "5");
    assert_eq!(bob_alpha[column("active_seconds")], "2400");
    assert_eq!(bob_alpha[column("stuck_exercise")], "a2");
    assert_eq!(bob_alpha[column("stuck_attempts")], "9");
}

#[test]
fn a_spreadsheet_formula_in_a_name_stays_text() {
    let scratch = Scratch::new("formula");
    let file = scratch.path("mallory.json");
    write_json(&file, &learner("=HYPERLINK(\"x\")", "1.0", vec![], false));
    let (_, csv, _) = report(&[file.to_str().unwrap(), "--csv"]);
    let rows = parse_csv(&csv);
    assert_eq!(rows[1][2], "'=HYPERLINK(\"x\")");
}

#[test]
fn the_html_page_is_self_contained_and_escapes_what_learners_wrote() {
    let scratch = Scratch::new("html");
    let class = class_of_three(&scratch);
    let page = scratch.path("report.html");
    let (status, _, stderr) = report(&[class.to_str().unwrap(), "--html", page.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{stderr}");
    let html = fs::read_to_string(&page).expect("the page is written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("<script"),
        "a learner's name is never markup"
    );
    assert!(html.contains("Eve, &quot;the&quot; &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Alpha, the &lt;first&gt;"));
    for outside in ["src=", "href=", "http://", "https://", "@import", "url("] {
        assert!(!html.contains(outside), "no outside asset ({outside})");
    }
    assert!(html.contains("<td>2/2 h1 1h 15m</td>"), "{html}");
}

#[test]
fn exports_of_another_course_version_are_reported_apart_with_a_warning() {
    let scratch = Scratch::new("mismatch");
    let class = class_of_three(&scratch);
    write_json(
        &class.join("zed.json"),
        &learner(
            "Zed",
            "2.0",
            vec![exercise("a1", true, 1, 0, "2026-12-01T09:30:00Z")],
            false,
        ),
    );
    let (status, text, stderr) = report(&[class.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        stderr.contains("2 different courses or versions"),
        "{stderr}"
    );
    let first = text
        .find("Course test-course version 1.0: 3 learners")
        .expect(&text);
    let second = text
        .find("Course test-course version 2.0: 1 learner")
        .expect(&text);
    assert!(first < second, "the class's own course first");
    let (_, one_course) = text.split_at(first);
    let one_course = &one_course[..second - first];
    assert!(!one_course.contains("Zed"), "never added together: {text}");
}

#[test]
fn bad_files_are_named_and_the_others_still_reported() {
    let scratch = Scratch::new("bad");
    let class = class_of_three(&scratch);
    fs::write(
        class.join("garbled.json"),
        "{\"format\": \"netrepl-progress-export\", ",
    )
    .unwrap();
    fs::write(class.join("other.json"), "{\"hello\": 1}").unwrap();
    let mut newer = learner("New", "1.0", vec![], false);
    newer["format_version"] = json!(99);
    write_json(&class.join("newer.json"), &newer);
    let mut wrong = learner("Wrong", "1.0", vec![], false);
    wrong["lessons"][0]["exercises"] = json!([{"id": "a1", "done": "yes"}]);
    write_json(&class.join("wrong.json"), &wrong);
    let huge = scratch.path("huge.json");
    fs::write(&huge, vec![b' '; 5 * 1024 * 1024]).unwrap();
    let fifo = class.join("fifo.json");
    let fifo_made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let missing = scratch.path("missing.json");
    let (status, text, stderr) = report(&[
        class.to_str().unwrap(),
        huge.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        text.contains("3 learners"),
        "the good ones are reported: {text}"
    );
    for (name, why) in [
        ("garbled.json", "not JSON"),
        ("other.json", "not a netrepl progress export"),
        ("newer.json", "newer netrepl"),
        ("wrong.json", "done true or false"),
        ("huge.json", "more than"),
        ("missing.json", "No such file"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} is named: {stderr}"));
        assert!(line.contains(why), "{line}");
    }
    if fifo_made {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("fifo.json") && l.contains("FIFO")),
            "{stderr}"
        );
    }
    let (status, _, stderr) = report(&[missing.to_str().unwrap()]);
    assert_eq!(status, Some(2), "nothing to report: {stderr}");
}

#[test]
fn an_export_carries_the_learner_netrepl_and_course_and_every_record() {
    let scratch = Scratch::new("export");
    let data = scratch.path("data");
    let worked = netrepl(
        &data,
        &["--no-color"],
        "lesson packing-addresses\nnext\nhint\ninet_aton 10.0.0.1\ninet_aton 172.16.0.1\n",
    );
    assert!(String::from_utf8_lossy(&worked.stdout).contains("✓ Exercise done"));
    let file = scratch.path("out").join("ada.json");
    let out = netrepl(
        &data,
        &[
            "progress",
            "export",
            "--name",
            "Ada L.",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export: Json = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(export["format"], "netrepl-progress-export");
    assert_eq!(export["format_version"], 1);
    assert_eq!(export["learner"], "Ada L.");
    assert_eq!(export["netrepl_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(export["course"]["id"], "netrepl-basics");
    assert!(export["course"]["version"].is_string());
    let lesson = export["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "packing-addresses")
        .expect("the lesson is there");
    assert!(lesson["started"].is_string());
    let record = lesson["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "pack-172-16-0-1")
        .expect("the exercise is there");
    assert_eq!(record["done"], true);
    assert_eq!(record["attempts"], 2, "the wrong address and the right one");
    assert_eq!(record["hints"], 1);
    let done_at = record["done_at"].as_str().expect("a moment");
    assert!(
        done_at.len() == 20 && done_at.ends_with('Z') && done_at.as_bytes()[10] == b'T',
        "{done_at}"
    );
    let lessons = export["lessons"].as_array().unwrap();
    assert!(
        lessons
            .iter()
            .all(|l| l["in_course"] == true && l["exercises_total"].is_u64()),
        "every lesson of the course, with its number of exercises"
    );
    assert!(
        lessons.iter().any(|l| l["started"].is_null()),
        "untouched lessons too"
    );

    // Without --name the login name; without FILE, stdout.
    let out = netrepl(&data, &["progress", "export"], "");
    let export: Json = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(export["learner"].as_str().is_some_and(|n| !n.is_empty()));

    // The summary, and the export read by the report like any other.
    let out = netrepl(&data, &["progress"], "");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("1 of ") && summary.contains("exercises done, 1 hints used"),
        "{summary}"
    );
    let (status, text, stderr) = report(&[file.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(text.contains("Ada L.") && text.contains("h1"), "{text}");
}

#[test]
fn an_old_progress_file_still_exports() {
    let scratch = Scratch::new("old");
    let data = scratch.path("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(
        data.join("progress.json"),
        r#"{"version": 1, "current": "packing-addresses", "lessons": {"packing-addresses": {"step": 1, "done": ["pack-172-16-0-1"]}}}"#,
    )
    .unwrap();
    let out = netrepl(&data, &["progress", "export", "--name", "old"], "");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export: Json = serde_json::from_slice(&out.stdout).unwrap();
    let lesson = export["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "packing-addresses")
        .unwrap();
    let record = lesson["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "pack-172-16-0-1")
        .unwrap();
    assert_eq!(record["done"], true);
    assert_eq!(record["attempts"], 0, "version 1 kept no counts");
}
