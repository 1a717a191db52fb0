//! Live output for the book: every runnable block and registry example is
//! run through the netrepl program while the book is built, so what a reader
//! sees is what netrepl prints today. Runs go in parallel (they mostly wait
//! on process start-up) and each has a time limit, so one stuck example
//! cannot hang the build.

use std::io::{Read, Write};
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::seal::Seal;
use crate::course::transcript::match_lines;

/// One netrepl run: its input lines, in a format. Runs of one group run one
/// after another: a lesson's blocks may reuse a socket path or port that
/// an earlier block has just let go of.
#[derive(Clone, Debug)]
pub struct Run {
    pub group: String,
    pub format: String,
    pub inputs: Vec<String>,
    /// Whether it runs in the lab (a `needs=lab` block).
    pub in_lab: bool,
}

/// What one run printed, or why it could not be run.
pub type Output = Result<String, String>;

/// How long one block may take; the slowest lesson blocks use sockets with
/// timeouts of a second or two.
const LIMIT: Duration = Duration::from_secs(60);
/// Parallel runs; more than the cores, since runs mostly wait.
const WORKERS: usize = 6;

/// Runs every `Run` in the sealed session and returns what each printed
/// (stdout and stderr merged, in order), or why it could not be run.
pub fn run_all(seal: &Seal, runs: &[Run]) -> Vec<Output> {
    let results: Vec<Mutex<Option<Result<String, String>>>> =
        runs.iter().map(|_| Mutex::new(None)).collect();
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for (index, run) in runs.iter().enumerate() {
        match groups.iter_mut().find(|(name, _)| *name == run.group) {
            Some((_, members)) => members.push(index),
            None => groups.push((&run.group, vec![index])),
        }
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(groups.len()) {
            scope.spawn(|| {
                loop {
                    let group = next.fetch_add(1, Ordering::Relaxed);
                    let Some((_, members)) = groups.get(group) else {
                        break;
                    };
                    for &index in members {
                        let result = run_one(seal, &runs[index]);
                        *results[index].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or_else(|| Err("was never run".into()))
        })
        .collect()
}

/// One run, in the same way `transcript::run_merged` runs a block (one pipe
/// for stdout and stderr), plus the time limit.
fn run_one(seal: &Seal, run: &Run) -> Result<String, String> {
    let mut command = seal.command(run.in_lab)?;
    command.args(["--no-color", "--format", &run.format]);
    let (mut reader, writer) = std::io::pipe().map_err(|e| e.to_string())?;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(writer.try_clone().map_err(|e| e.to_string())?)
        .stderr(writer)
        .spawn()
        .map_err(|e| format!("cannot run netrepl: {e}"))?;
    // The pipe ends only when every writer is closed, the parent's included.
    drop(command);
    let input: String = run.inputs.iter().map(|l| format!("{l}\n")).collect();
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let collector = std::thread::spawn(move || {
        let mut output = String::new();
        reader.read_to_string(&mut output).map(|_| output)
    });
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("took longer than {} s", LIMIT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(e.to_string()),
        }
    }
    let _ = feeder.join();
    collector
        .join()
        .map_err(|_| "the output reader failed".to_string())?
        .map_err(|e| e.to_string())
}

/// Splits a block's output into the part each input printed, using the
/// block's recorded output as the guide: the split must match every step's
/// expected lines (wildcards included). `None` when the output no longer
/// matches what the lesson shows.
pub fn split_by_steps(expected: &[Vec<String>], actual: &[&str]) -> Option<Vec<Vec<String>>> {
    let mut ends = Vec::new();
    let mut dead_ends = std::collections::HashSet::new();
    if split_from(expected, actual, 0, 0, &mut ends, &mut dead_ends) {
        let mut start = 0;
        Some(
            ends.iter()
                .map(|&end| {
                    let part = actual[start..end].iter().map(|l| l.to_string()).collect();
                    start = end;
                    part
                })
                .collect(),
        )
    } else {
        None
    }
}

fn split_from(
    expected: &[Vec<String>],
    actual: &[&str],
    step: usize,
    start: usize,
    ends: &mut Vec<usize>,
    dead_ends: &mut std::collections::HashSet<(usize, usize)>,
) -> bool {
    if step == expected.len() {
        return start == actual.len();
    }
    if dead_ends.contains(&(step, start)) {
        return false;
    }
    let pattern: Vec<&str> = expected[step].iter().map(String::as_str).collect();
    for end in start..=actual.len() {
        if match_lines(&pattern, &actual[start..end]).is_ok() {
            ends.push(end);
            if split_from(expected, actual, step + 1, end, ends, dead_ends) {
                return true;
            }
            ends.pop();
        }
    }
    dead_ends.insert((step, start));
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|step| step.iter().map(|l| l.to_string()).collect())
            .collect()
    }

    #[test]
    fn output_splits_at_the_steps_the_recording_shows() {
        let expected = owned(&[&[], &["'[..]'"], &["...", "end"]]);
        let split = split_by_steps(&expected, &["'vm'", "a", "b", "end"]).unwrap();
        assert_eq!(split, owned(&[&[], &["'vm'"], &["a", "b", "end"]]));
        assert!(split_by_steps(&expected, &["'vm'", "other"]).is_none());
    }
}
