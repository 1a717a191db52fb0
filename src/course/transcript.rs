//! Transcripts: fenced ```` ```netrepl ```` blocks of `>>> ` input lines, each
//! followed by its expected output. Tests, lesson blocks and help examples share
//! this format and its matcher: `[..]` matches any text within a line, and a
//! line holding only `...` matches any number of whole lines.

/// One input line and the output it should produce.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub input: String,
    pub expected: Vec<String>,
}

/// A fenced block, with the settings from its info string (```` ```netrepl format=python ````).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    pub format: Option<String>,
    /// What the block needs to run (`root`, `lab`, `network`), if anything.
    pub needs: Option<String>,
    pub steps: Vec<Step>,
}

impl Block {
    pub fn inputs(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().map(|s| s.input.as_str())
    }

    pub fn expected(&self) -> Vec<&str> {
        self.steps
            .iter()
            .flat_map(|s| s.expected.iter().map(String::as_str))
            .collect()
    }
}

pub const PROMPT: &str = ">>> ";
const FENCE_TAG: &str = "netrepl";

/// Every ```` ```netrepl ```` block in a Markdown text.
pub fn extract_blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut words = info.split_whitespace();
        if words.next() != Some(FENCE_TAG) {
            // Skip other fenced blocks whole, so their contents are not read as fences.
            for (_, inner) in lines.by_ref() {
                if inner.trim_start().starts_with("```") {
                    break;
                }
            }
            continue;
        }
        let mut block = Block {
            line: n + 1,
            format: None,
            needs: None,
            steps: Vec::new(),
        };
        for word in words {
            match word.split_once('=') {
                Some(("format", f)) => block.format = Some(f.to_string()),
                Some(("needs", r)) => block.needs = Some(r.to_string()),
                _ => {
                    return Err(format!(
                        "line {}: unknown block setting '{word}' (use format=NAME or needs=WHAT)",
                        n + 1
                    ));
                }
            }
        }
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            if inner.trim_start().starts_with("```") {
                closed = true;
                break;
            }
            if let Some(input) = inner
                .strip_prefix(PROMPT)
                .or_else(|| (inner == ">>>").then_some(""))
            {
                block.steps.push(Step {
                    input: input.to_string(),
                    expected: Vec::new(),
                });
            } else if let Some(step) = block.steps.last_mut() {
                step.expected.push(inner.to_string());
            } else if !inner.trim().is_empty() {
                return Err(format!(
                    "line {}: output before any '>>> ' input line in the block starting at line {}",
                    n + 1,
                    block.line
                ));
            }
        }
        if !closed {
            return Err(format!(
                "line {}: the block is never closed with ```",
                block.line
            ));
        }
        blocks.push(block);
    }
    Ok(blocks)
}

/// Whether one line matches a pattern line with `[..]` wildcards.
pub fn line_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Matches output lines against expected lines; on failure, says where.
pub fn match_lines(expected: &[&str], actual: &[&str]) -> Result<(), String> {
    if lines_match(expected, actual) {
        return Ok(());
    }
    let mut report = String::from("output did not match\n--- expected\n");
    for line in expected {
        report.push_str(line);
        report.push('\n');
    }
    report.push_str("--- actual\n");
    for line in actual {
        report.push_str(line);
        report.push('\n');
    }
    Err(report)
}

fn lines_match(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..])),
        Some((pattern, rest)) => match actual.split_first() {
            Some((line, actual_rest)) => {
                line_matches(pattern, line) && lines_match(rest, actual_rest)
            }
            None => false,
        },
    }
}

/// The most a block's output is kept: more is read and dropped, so a block
/// that prints forever cannot fill memory.
pub const MAX_OUTPUT_BYTES: usize = 1024 * 1024;

/// What a time-limited run printed, and whether it had to be stopped.
pub struct Ran {
    pub output: String,
    pub timed_out: bool,
    /// The exit code, when it ended by itself with one.
    pub status: Option<i32>,
}

/// Runs `program` with `input` on stdin and its stdout and stderr in one pipe,
/// so results and errors keep their order (netrepl flushes stdout before it
/// writes an error), killing it if it runs past `limit`. Returns what it
/// printed (the first [`MAX_OUTPUT_BYTES`] of it).
pub fn run_merged_within(
    mut program: std::process::Command,
    input: &str,
    limit: std::time::Duration,
) -> std::io::Result<Ran> {
    use std::io::{Read, Write};
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let (mut reader, writer) = std::io::pipe()?;
    let mut child = program
        .stdin(Stdio::piped())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .spawn()?;
    // The pipe ends only when every writer is closed, including the parent's copies.
    drop(program);
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin"))?;
    let input = input.to_string();
    // Neither thread is joined: a child that never reads its input, or leaves
    // the pipe to a process of its own, must not hold the check up.
    std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            match reader.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = MAX_OUTPUT_BYTES.saturating_sub(kept.len());
                    kept.extend_from_slice(&buffer[..n.min(room)]);
                }
            }
        }
        let _ = sender.send(kept);
    });
    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    let mut status = None;
    loop {
        if let Some(ended) = child.try_wait()? {
            status = ended.code();
            break;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = received
        .recv_timeout(Duration::from_secs(2))
        .unwrap_or_default();
    Ok(Ran {
        output: String::from_utf8_lossy(&output).into_owned(),
        timed_out,
        status,
    })
}

/// Why a block did not pass.
#[derive(Debug)]
pub enum BlockFailure {
    /// It ran; the report says where its output differed.
    Differs(String),
    /// It was still running at the time limit; what it printed until then.
    Stopped(String),
    NotRun(String),
}

/// Runs a block through `program` (netrepl, perhaps wrapped to run in a
/// namespace), in the block's format, for at most `limit`.
pub fn run_block_within(
    mut program: std::process::Command,
    block: &Block,
    limit: std::time::Duration,
) -> Result<(), BlockFailure> {
    program.args([
        "--no-color",
        "--format",
        block.format.as_deref().unwrap_or("pretty"),
    ]);
    let input: String = block.inputs().map(|line| format!("{line}\n")).collect();
    let ran = run_merged_within(program, &input, limit)
        .map_err(|e| BlockFailure::NotRun(format!("could not run netrepl: {e}")))?;
    if ran.timed_out {
        return Err(BlockFailure::Stopped(ran.output));
    }
    let actual: Vec<&str> = ran.output.lines().collect();
    match_lines(&block.expected(), &actual).map_err(BlockFailure::Differs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_within_a_line() {
        assert!(line_matches("'[..]'", "'vm'"));
        assert!(line_matches("a[..]c[..]e", "abcde"));
        assert!(!line_matches("a[..]c", "abd"));
        assert!(line_matches("exact", "exact"));
        assert!(!line_matches("exact", "exactly"));
    }

    #[test]
    fn ellipsis_matches_whole_lines() {
        assert!(match_lines(&["first", "...", "last"], &["first", "x", "y", "last"]).is_ok());
        assert!(match_lines(&["first", "...", "last"], &["first", "last"]).is_ok());
        assert!(match_lines(&["first"], &["first", "extra"]).is_err());
    }

    #[test]
    fn blocks_are_read_with_their_settings() {
        let md = "text\n```netrepl format=python\n>>> inet_aton 127.0.0.1\nb'\\x7f\\x00\\x00\\x01'\n```\n```python\n>>> not ours\n```\n";
        let blocks = extract_blocks(md).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].format.as_deref(), Some("python"));
        assert_eq!(blocks[0].steps[0].input, "inet_aton 127.0.0.1");
        assert_eq!(blocks[0].line, 2);
    }

    #[test]
    fn unclosed_blocks_are_reported() {
        assert!(extract_blocks("```netrepl\n>>> x\n").is_err());
    }
}
