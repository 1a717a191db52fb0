//! Scripts, pipes and command lines that are not clean UTF-8 text: netrepl
//! says which line or argument is wrong and goes on, never panics.

mod support;

use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

fn run_piped(input: &[u8]) -> std::process::Output {
    let mut child = support::netrepl("python")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netrepl starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write");
    drop(stdin);
    child.wait_with_output().expect("netrepl ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_line_that_is_not_utf8_is_reported_by_number_and_the_rest_still_runs() {
    let out = run_piped(b"htons 1\n\xff\xfe oops\r\nhtons 2\r\nhtons 3");
    assert_eq!(text(&out.stdout), "256\n512\n768\n");
    assert!(
        text(&out.stderr).contains("line 2 is not valid UTF-8"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "a skipped line fails the run");
}

#[test]
fn a_script_file_with_a_bad_line_goes_on_after_it() {
    let dir = std::env::temp_dir().join(format!("netrepl-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let script = dir.join("lines.txt");
    std::fs::write(&script, b"x = 5\n\xc3\x28\nx * 2\n").expect("script");
    let out = support::run_netrepl(&["--format", "python", script.to_str().expect("utf-8")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(text(&out.stdout), "10\n");
    assert!(
        text(&out.stderr).contains("line 2"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn arguments_that_are_not_utf8_get_an_error_not_a_panic() {
    let bad = OsStr::from_bytes(b"\xff\xfe");
    for args in [
        vec![bad],
        vec![OsStr::new("-c"), bad],
        vec![OsStr::new("lessons"), bad],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_netrepl"))
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("netrepl runs");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.is_empty(), "{args:?}: says what is wrong");
    }
}
