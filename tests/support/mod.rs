//! Running the real netrepl binary the way a user's terminal would see it,
//! shared by the integration tests (each uses part of it, hence the allow).
#![allow(dead_code)]

pub mod dns_lab;

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use netrepl::course::transcript::{Block, extract_blocks, match_lines};

/// The built binary with colour off, in the given output format.
pub fn netrepl(format: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netrepl"));
    command.args(["--no-color", "--format", format]);
    command
}

/// Runs the built binary, colour off, with `args`, and waits for it.
pub fn run_netrepl(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_netrepl"))
        .arg("--no-color")
        .args(args)
        .output()
        .expect("netrepl runs")
}

/// Whether python3, the oracle, is installed; tests that need it skip without.
pub fn python_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs a program with `input` on stdin and stdout and stderr in one pipe,
/// so results and errors keep their order (netrepl flushes stdout before it
/// writes an error).
pub fn run_merged(mut command: Command, input: &str) -> String {
    let (mut reader, writer) = std::io::pipe().expect("create a pipe");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(writer.try_clone().expect("clone the pipe"))
        .stderr(writer)
        .spawn()
        .expect("start the program");
    // The pipe ends only when every writer is closed, ours included.
    drop(command);
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_string();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut output = String::new();
    reader.read_to_string(&mut output).expect("read the output");
    feeder
        .join()
        .expect("input thread")
        .expect("write the input");
    child.wait().expect("wait for the program");
    output
}

/// Runs one block in a fresh process; `Err` says what differed.
pub fn run_block(block: &Block) -> Result<(), String> {
    let format = block.format.as_deref().unwrap_or("pretty");
    let input: String = block.inputs().map(|line| format!("{line}\n")).collect();
    let output = run_merged(netrepl(format), &input);
    let actual: Vec<&str> = output.lines().collect();
    match_lines(&block.expected(), &actual)
}

/// Runs every runnable block of a Markdown text and returns one report per
/// failing block, each naming `origin` and the block's line.
pub fn failing_blocks(origin: &str, markdown: &str) -> Vec<String> {
    let blocks = match extract_blocks(markdown) {
        Ok(blocks) => blocks,
        Err(e) => return vec![format!("{origin}: {e}")],
    };
    if blocks.is_empty() {
        return vec![format!("{origin}: no ```netrepl blocks")];
    }
    let mut failures = Vec::new();
    for block in &blocks {
        if let Some(needs) = &block.needs {
            println!("skipping {origin}:{}: the block needs {needs}", block.line);
            continue;
        }
        if let Err(report) = run_block(block) {
            failures.push(format!("{origin}:{}: {report}", block.line));
        }
    }
    failures
}

/// A network namespace of the test's own, with loopback up, deleted when
/// dropped. `None` (with the reason printed) where namespaces cannot be made.
pub struct Namespace(pub String);

impl Namespace {
    pub fn new(name: &str) -> Option<Namespace> {
        let _ = Command::new("ip").args(["netns", "del", name]).output();
        let made = Command::new("ip")
            .args(["netns", "add", name])
            .output()
            .ok()?;
        if !made.status.success() {
            eprintln!(
                "skipping: ip netns add failed (needs root): {}",
                String::from_utf8_lossy(&made.stderr)
            );
            return None;
        }
        let ns = Namespace(name.to_string());
        ns.run_ok(&["ip", "link", "set", "lo", "up"]);
        Some(ns)
    }

    /// Runs a program inside the namespace.
    pub fn run(&self, argv: &[&str]) -> std::process::Output {
        Command::new("ip")
            .args(["netns", "exec", &self.0])
            .args(argv)
            .output()
            .expect("ip netns exec runs")
    }

    /// Runs a set-up step that must succeed.
    pub fn run_ok(&self, argv: &[&str]) {
        let out = self.run(argv);
        assert!(
            out.status.success(),
            "{argv:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A command that runs netrepl inside the namespace.
    pub fn netrepl(&self) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.0, env!("CARGO_BIN_EXE_netrepl")]);
        command
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).output();
    }
}

/// A marker between oracle cases, so that one case's extra or missing output
/// cannot shift every answer after it. Both netrepl and python3 print it as
/// `'@@ N'`.
pub fn marker(n: usize) -> String {
    format!("'@@ {n}'")
}

/// Splits output at the markers: `chunks[n]` is what case `n` printed.
pub fn split_at_markers(output: &str, count: usize) -> Vec<Vec<String>> {
    let mut chunks = vec![Vec::new(); count];
    let mut current: Option<usize> = None;
    for line in output.lines() {
        if let Some(n) = line
            .strip_prefix("'@@ ")
            .and_then(|rest| rest.strip_suffix('\''))
            .and_then(|n| n.parse::<usize>().ok())
        {
            current = Some(n);
        } else if let Some(n) = current.filter(|n| *n < count) {
            chunks[n].push(line.to_string());
        }
    }
    chunks
}
