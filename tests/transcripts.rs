//! Transcript tests: the ```netrepl blocks of tests/transcripts/*.md and of
//! README.md run through the real binary, one fresh process per block, plus
//! the `-c LINE` and script-file ways of running it.

mod support;

use std::path::Path;

fn transcript_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/transcripts"))
}

/// Runs every block of one Markdown file and fails with all the differences.
fn assert_transcript(path: &Path) {
    let markdown = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let failures = support::failing_blocks(&path.display().to_string(), &markdown);
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// One test per transcript file, named for what the file pins down.
macro_rules! transcripts {
    ($($test:ident => $file:literal,)*) => {
        const TRANSCRIPT_FILES: &[&str] = &[$($file),*];
        $(
            #[test]
            fn $test() {
                assert_transcript(&transcript_dir().join($file));
            }
        )*
    };
}

transcripts! {
    commands_and_python_calls_share_one_language => "syntax.md",
    results_print_in_pretty_python_and_json => "formats.md",
    errors_read_as_python_tracebacks_with_explanations => "errors.md",
    help_explains_commands_and_constants => "help.md",
    lookups_are_answered_by_this_machine => "lookups.md",
    python_built_ins_work_around_socket_calls => "python.md",
}

#[test]
fn every_transcript_file_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(transcript_dir())
        .expect("tests/transcripts exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".md"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = TRANSCRIPT_FILES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "add new transcript files to transcripts!");
}

#[test]
fn readme_examples_run_as_shown() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    assert_transcript(path);
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn dash_c_prints_the_result_on_stdout_and_exits_zero() {
    let out = support::run_netrepl(&["--format", "python", "-c", "inet_aton 127.1"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "b'\\x7f\\x00\\x00\\x01'\n");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn dash_c_prints_a_failure_on_stderr_and_exits_one() {
    let out = support::run_netrepl(&["-c", "getservbyport 70000"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "OverflowError: getservbyport: port must be 0-65535.\n  \u{21b3} Ports are 16-bit numbers, so they run from 0 to 65535.\n"
    );
}

#[test]
fn dash_c_accepts_python_style_and_json() {
    let out = support::run_netrepl(&[
        "--format",
        "json",
        "-c",
        "socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM)",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "[{\"address\":\"127.0.0.1\",\"canonname\":\"\",\"family\":\"AF_INET\",\"port\":80,\"proto\":6,\"type\":\"SOCK_STREAM\"}]\n"
    );
}

/// A temporary script file, removed when dropped.
struct Script(std::path::PathBuf);

impl Script {
    fn new(name: &str, lines: &str) -> Script {
        let path =
            std::env::temp_dir().join(format!("netrepl-test-{}-{name}.txt", std::process::id()));
        std::fs::write(&path, lines).expect("write the script");
        Script(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn script_file_runs_every_line_and_keeps_variables() {
    let script = Script::new(
        "ok",
        "# pack and unpack\npacked = inet_aton 10.0.0.1\ninet_ntoa packed\nhtons 80\n",
    );
    let out = support::run_netrepl(&["--format", "python", script.path()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "'10.0.0.1'\n20480\n");
}

#[test]
fn script_file_goes_on_after_a_failure_but_exits_one() {
    let script = Script::new("failing", "inet_aton 1.2.3.256\ninet_aton 1.2.3.4\n");
    let out = support::run_netrepl(&["--format", "python", script.path()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "b'\\x01\\x02\\x03\\x04'\n");
    assert_eq!(
        text(&out.stderr),
        "OSError: illegal IP address string passed to inet_aton\n"
    );
}

#[test]
fn missing_script_file_is_reported_with_exit_status_two() {
    let out = support::run_netrepl(&["/nonexistent/netrepl-script.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("netrepl: cannot open /nonexistent/netrepl-script.txt"),
        "{}",
        text(&out.stderr)
    );
}
