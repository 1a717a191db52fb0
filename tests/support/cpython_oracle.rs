//! The differential harness against CPython for test files that compare
//! Python lines: each line runs through one netrepl process (`--format
//! python`) and one python3 process, and each answer (a `repr()` or the last
//! traceback line) must be the same. Include it with
//! `#[path = "support/cpython_oracle.rs"] mod cpython_oracle;` next to
//! `mod support;`.
#![allow(dead_code)]

use std::process::Command;

use crate::support::{self, marker, split_at_markers};

/// Evaluates one expression a line, printing what the REPL would: the repr of
/// a result (nothing for None) or the last line of the traceback as the
/// interpreter's own hook prints it.
const PYTHON_EVALUATOR: &str = r#"
import io, socket as module, sys
names = {k: getattr(module, k) for k in dir(module) if not k.startswith('_')}
names['socket'] = module
# Statements run first on both sides, such as `import binascii`.
for statement in sys.argv[1:]:
    exec(statement, names)

def last_traceback_line(e):
    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        sys.__excepthook__(type(e), e, e.__traceback__)
        return sys.stderr.getvalue().strip().splitlines()[-1]
    finally:
        sys.stderr = saved

for line in sys.stdin.read().splitlines():
    try:
        result = eval(line, names)
        if result is not None:
            print(repr(result))
    except Exception as e:
        print(last_traceback_line(e))
"#;

fn interleave(lines: &[String]) -> String {
    let mut input = String::new();
    for (n, line) in lines.iter().enumerate() {
        input.push_str(&marker(n));
        input.push('\n');
        input.push_str(line);
        input.push('\n');
    }
    input
}

/// One report per line whose answers differ, after `prelude` (statements
/// whose answers are not compared) has run on both sides.
pub fn differences_from_cpython(prelude: &[&str], lines: &[String]) -> Vec<String> {
    let mut input: String = prelude.iter().map(|s| format!("{s}\n")).collect();
    input.push_str(&interleave(lines));
    let ours = support::run_merged(support::netrepl("python"), &input);
    let mut python = Command::new("python3");
    python.args(["-W", "ignore", "-c", PYTHON_EVALUATOR]);
    python.args(prelude);
    let theirs = support::run_merged(python, &input);
    let ours = split_at_markers(&ours, lines.len());
    let theirs = split_at_markers(&theirs, lines.len());
    lines
        .iter()
        .zip(ours.iter().zip(&theirs))
        // An empty answer means the harness lost the line: never a pass.
        .filter(|(_, (actual, expected))| actual != expected || expected.is_empty())
        .map(|(line, (actual, expected))| {
            format!(
                "line:     {}\nexpected: {}\nactual:   {}\n",
                line.chars().take(300).collect::<String>(),
                expected.join("\n          "),
                actual.join("\n          ")
            )
        })
        .collect()
}

/// Fails with every differing line, or skips (passing) without python3.
pub fn assert_same_as_cpython(test: &str, lines: &[String]) {
    assert_same_as_cpython_after(test, &[], lines);
}

/// `assert_same_as_cpython`, with statements run first on both sides.
pub fn assert_same_as_cpython_after(test: &str, prelude: &[&str], lines: &[String]) {
    if !support::python_available() {
        println!(
            "SKIPPED {test}: python3 is not installed, so there is no CPython to compare with"
        );
        return;
    }
    let differences = differences_from_cpython(prelude, lines);
    assert!(
        differences.is_empty(),
        "{} of {} lines differ from CPython:\n\n{}",
        differences.len(),
        lines.len(),
        differences.join("\n")
    );
}
