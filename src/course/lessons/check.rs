//! `netrepl lessons check [DIR]`: the linter for a lesson directory. It reads
//! every file, cross-checks the lessons with the command registry, and runs
//! every runnable block, reporting each problem with its file and line.
//!
//! A lesson directory may come from anyone, so its blocks are data run under
//! limits, never programs run as the checker:
//!
//! - each block runs in a netrepl process of its own with a fresh, empty data
//!   directory (`NETREPL_DATA_DIR`, removed afterwards), so nothing it does
//!   reaches the checker's history or progress;
//! - that process is told it runs a lesson block ([`block_env::BLOCK_ENV`], whose value
//!   is the most seconds a blocking call may wait): the tutorial commands that
//!   change a learner's state refuse, and progress is never written;
//! - a block that runs longer than [`Limits::block_seconds`] is killed and
//!   reported, as is one that asks for a longer wait than the cap
//!   (`:timeout`, `settimeout`, `timeout=`) or runs `lab` (beyond
//!   `lab status` in a `needs=lab` block);
//! - as root, blocks run in a network namespace of the check's own with only
//!   loopback and a route out that ends inside it, deleted when the check
//!   ends (without root they run as the checker does, which
//!   cannot create namespaces either);
//! - `needs=lab` blocks run in the lab only when the check was given one
//!   (`lessons check --lab`), and never bring it up or down themselves.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::block_env::BLOCK_ENV;
use super::course::{self, Course};
use super::exercise_check;
use super::parse::Problem;
use super::tutor::TUTORIAL_COMMANDS;
use crate::commands;
use crate::commands::socket_methods;
use crate::course::terminal::sanitize;
use crate::course::transcript::{Block, BlockFailure, run_block_within};
use crate::net::lab::Lab;
use crate::net::sealed::is_root;
use crate::session::data_files;

/// How far a block may go.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock seconds a block's process may run before it is killed.
    pub block_seconds: f64,
    /// The most seconds a blocking call may wait (`:timeout` may not go past it).
    pub wait_seconds: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            block_seconds: 60.0,
            // The session's own default: lessons show what it does.
            wait_seconds: 10.0,
        }
    }
}

/// What checking found.
#[derive(Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    pub passed: usize,
    pub failed: usize,
    /// Blocks not run, with why.
    pub skipped: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.failed == 0
    }
}

/// Checks a lesson directory, or the built-in course when `dir` is `None`;
/// blocks are run through the netrepl program at `netrepl`, and `needs=lab`
/// blocks inside `lab` when one is given. Default [`Limits`].
pub fn check(dir: Option<&Path>, netrepl: &Path, lab: Option<&Lab>) -> Report {
    check_with(dir, netrepl, lab, &Limits::default())
}

pub fn check_with(
    dir: Option<&Path>,
    netrepl: &Path,
    lab: Option<&Lab>,
    limits: &Limits,
) -> Report {
    let mut report = Report::default();
    let (files, origin) = match dir {
        Some(dir) => {
            let (files, problems) = course::read_directory(dir);
            report.problems = problems;
            if files.is_empty() && !report.problems.is_empty() {
                return report;
            }
            (files, dir.display().to_string())
        }
        None => (course::embedded_files(), "lessons".to_string()),
    };
    let course = match course::load(&files, &origin) {
        Ok(course) => course,
        Err(mut problems) => {
            report.problems.append(&mut problems);
            return report;
        }
    };
    report.problems.extend(cross_check(&course));
    let confinement = Confinement::new();
    let runner = BlockRunner {
        netrepl,
        lab,
        limits,
        confinement: confinement.as_ref(),
    };
    for lesson in &course.lessons {
        for block in &lesson.blocks {
            runner.run_one(&lesson.file, block, &mut report);
        }
    }
    let confined = confinement.as_ref().map(|c| c.command(netrepl));
    let exercises = exercise_check::check_exercises(&course, dir, netrepl, lab, confined.as_ref());
    report.problems.extend(exercises.problems);
    report.passed += exercises.passed;
    report.failed += exercises.failed;
    report.skipped.extend(exercises.skipped);
    report
}

/// Commands lessons name must exist, every command must be taught, and the
/// course must name itself (an id and a version).
pub fn cross_check(course: &Course) -> Vec<Problem> {
    let mut problems = Vec::new();
    let known = |name: &str| commands::find(name).is_some() || TUTORIAL_COMMANDS.contains(&name);
    for lesson in &course.lessons {
        for command in &lesson.teaches {
            if !known(command) {
                problems.push(Problem {
                    file: lesson.file.clone(),
                    line: 4,
                    message: format!(
                        "teaches `{command}`, which is not a command; `netrepl -c help` lists them"
                    ),
                });
            }
        }
        for exercise in lesson.exercises() {
            if !known(&exercise.command) && socket_methods::find(&exercise.command).is_none() {
                problems.push(Problem {
                    file: lesson.file.clone(),
                    line: exercise.line,
                    message: format!(
                        "exercise `{}` names `{}`, which is neither a command nor a socket method",
                        exercise.id, exercise.command
                    ),
                });
            }
        }
    }
    if course.id.is_none() || course.version.is_none() {
        problems.push(Problem {
            file: format!("{}/{}", course.origin, course::ORDER_FILE),
            line: 1,
            message: "the course has no id or version; start course.md with front matter: `---`, `id: NAME`, `version: 1.0`, `---` (a teacher's report tells courses apart by them)".into(),
        });
    }
    for command in commands::all() {
        if course.teaching(command.name).is_empty() {
            problems.push(Problem {
                file: format!("{}/{}", course.origin, course::ORDER_FILE),
                line: 1,
                message: format!("no lesson teaches `{}`; add it to the teaches: list of the lesson that explains it", command.name),
            });
        }
    }
    problems
}

/// A network namespace made for one check and deleted when it ends, where
/// blocks run so nothing they do reaches a network: it has loopback and, so
/// that lessons about "your address" still find one, a route out through a
/// veth pair whose both ends are inside it, where nothing answers.
struct Confinement {
    namespace: String,
}

/// The way out that leads nowhere: a private address and a gateway that is
/// never there, on a veth pair that starts and ends in the namespace.
const DEAD_END_UPLINK: [&[&str]; 5] = [
    &[
        "link",
        "add",
        "uplink",
        "type",
        "veth",
        "peer",
        "name",
        "uplink-end",
    ],
    &["addr", "add", "10.200.0.2/24", "dev", "uplink"],
    &["link", "set", "uplink", "up"],
    &["link", "set", "uplink-end", "up"],
    &["route", "add", "default", "via", "10.200.0.1"],
];

impl Confinement {
    /// `None` where namespaces cannot be made (not root, no `ip`).
    fn new() -> Option<Confinement> {
        if !is_root() {
            return None;
        }
        crate::net::sealed::remove_stale(CONFINEMENT_PREFIX);
        let namespace = format!("{CONFINEMENT_PREFIX}{}", std::process::id());
        let ip = |args: &[&str]| {
            Command::new("ip")
                .args(args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let _ = ip(&["netns", "del", &namespace]);
        if !ip(&["netns", "add", &namespace]) {
            return None;
        }
        let confinement = Confinement { namespace };
        // Its resolver is loopback, so a look-up fails at once instead of
        // waiting on a server it cannot reach.
        let etc = format!("/etc/netns/{}", confinement.namespace);
        if std::fs::create_dir_all(&etc).is_err()
            || std::fs::write(format!("{etc}/resolv.conf"), "nameserver 127.0.0.1\n").is_err()
        {
            return None;
        }
        let inside = |args: &[&str]| {
            let mut all = vec!["-n", confinement.namespace.as_str()];
            all.extend_from_slice(args);
            ip(&all)
        };
        if !inside(&["link", "set", "lo", "up"]) {
            return None;
        }
        // Should that fail, blocks see loopback alone.
        for step in DEAD_END_UPLINK {
            if !inside(step) {
                break;
            }
        }
        Some(confinement)
    }

    fn command(&self, program: &Path) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.namespace])
            .arg(program);
        command
    }
}

const CONFINEMENT_PREFIX: &str = "netrepl-check-";

impl Drop for Confinement {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.namespace])
            .output();
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.namespace));
    }
}

/// A fresh data directory for one block, removed when dropped.
struct ThrowawayDataDir(PathBuf);

static THROWAWAY_COUNTER: AtomicU64 = AtomicU64::new(0);

impl ThrowawayDataDir {
    fn new() -> std::io::Result<ThrowawayDataDir> {
        let dir = std::env::temp_dir().join(format!(
            "netrepl-check-{}-{}",
            std::process::id(),
            THROWAWAY_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        data_files::create_private_dir(&dir)?;
        Ok(ThrowawayDataDir(dir))
    }
}

impl Drop for ThrowawayDataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Why a block is not run at all: what in it reaches past a block's limits.
fn refused_input(block: &Block, limits: &Limits) -> Option<String> {
    for input in block.inputs() {
        let line = input.trim();
        if let Some(seconds) = asked_wait_seconds(line).filter(|s| *s > limits.wait_seconds) {
            return Some(format!(
                "the block asks to wait {seconds} s, past the {} s a lesson block may wait; use a shorter timeout",
                limits.wait_seconds
            ));
        }
        let reading_the_lab = block.needs.as_deref() == Some("lab")
            && matches!(line, "lab status" | "lab('status')" | "lab(\"status\")");
        if names_word(line, "lab") && !reading_the_lab {
            return Some(
                "the block runs `lab`: lesson blocks may only read the lab (`lab status` in a needs=lab block); bringing it up or down is the checker's to do (lessons check --lab)".into(),
            );
        }
    }
    None
}

/// The longest wait a line asks for in so many words: `:timeout N`,
/// `settimeout(N)` or `timeout=N`. (A wait computed from a variable is not
/// seen here; the block's time limit still holds it.)
fn asked_wait_seconds(line: &str) -> Option<f64> {
    let number_after = |rest: &str| -> Option<f64> {
        let rest = rest.trim_start();
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '_' | '+')))
            .unwrap_or(rest.len());
        rest[..end].replace('_', "").parse::<f64>().ok()
    };
    let mut longest: Option<f64> = line.strip_prefix(":timeout").and_then(number_after);
    for marker in ["settimeout(", "settimeout ", "timeout="] {
        for (at, _) in line.match_indices(marker) {
            if let Some(seconds) = number_after(&line[at + marker.len()..]) {
                longest = Some(longest.map_or(seconds, |l: f64| l.max(seconds)));
            }
        }
    }
    longest
}

/// Whether `word` appears in `line` as a name of its own (`lab`, `socket.lab`,
/// not `alpha.lab` or `label`).
fn names_word(line: &str, word: &str) -> bool {
    line.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .any(|token| token.strip_prefix("socket.").unwrap_or(token) == word)
}

struct BlockRunner<'a> {
    netrepl: &'a Path,
    lab: Option<&'a Lab>,
    limits: &'a Limits,
    confinement: Option<&'a Confinement>,
}

impl BlockRunner<'_> {
    fn confined(&self) -> Command {
        match self.confinement {
            Some(confinement) => confinement.command(self.netrepl),
            None => Command::new(self.netrepl),
        }
    }

    fn run_one(&self, file: &str, block: &Block, report: &mut Report) {
        let problem = |message: String| Problem {
            file: file.to_string(),
            line: block.line,
            message,
        };
        let mut program = match block.needs.as_deref() {
            None => self.confined(),
            Some("root") if is_root() => self.confined(),
            Some("root") => {
                report.skipped.push(format!(
                    "{file}:{}: needs root (ICMP), and this is not root",
                    block.line
                ));
                return;
            }
            Some("lab") => match self.lab {
                Some(lab) => lab.scanner_command(self.netrepl),
                None => {
                    report.skipped.push(format!(
                        "{file}:{}: needs the lab; run the check with --lab to bring it up (as root)",
                        block.line
                    ));
                    return;
                }
            },
            Some(other) => {
                report
                    .skipped
                    .push(format!("{file}:{}: unknown need {other}", block.line));
                return;
            }
        };
        if let Some(why) = refused_input(block, self.limits) {
            report.failed += 1;
            report.problems.push(problem(why));
            return;
        }
        let data_dir = match ThrowawayDataDir::new() {
            Ok(dir) => dir,
            Err(e) => {
                report.failed += 1;
                report.problems.push(problem(format!(
                    "could not make a data directory to run the block in: {e}"
                )));
                return;
            }
        };
        program
            .env("NETREPL_DATA_DIR", &data_dir.0)
            .env(BLOCK_ENV, self.limits.wait_seconds.to_string());
        let limit = Duration::from_secs_f64(self.limits.block_seconds);
        let failure = match run_block_within(program, block, limit) {
            Ok(()) => {
                report.passed += 1;
                return;
            }
            Err(BlockFailure::Differs(diff)) => format!(
                "the block's output differs from what it shows; run it and update the block\n{diff}"
            ),
            Err(BlockFailure::Stopped(output)) => format!(
                "the block was still running after {} s and was stopped; a block must finish well within that\n--- its output until then\n{output}",
                self.limits.block_seconds
            ),
            Err(BlockFailure::NotRun(why)) => why,
        };
        report.failed += 1;
        report.problems.push(problem(failure));
    }
}

/// The text `lessons check` prints, ending with a `N passed, N failed` line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for problem in &report.problems {
        out.push_str(&format!("{problem}\n"));
    }
    for skipped in &report.skipped {
        out.push_str(&format!("skipped {skipped}\n"));
    }
    out.push_str(&format!(
        "lessons: {} passed, {} failed, {} skipped; {} other problems\n",
        report.passed,
        report.failed,
        report.skipped.len(),
        report.problems.len().saturating_sub(report.failed)
    ));
    // Problems quote the lessons and what their blocks printed.
    sanitize(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_without_an_id_or_version_is_a_problem() {
        let mut files = course::embedded_files();
        let order = files
            .iter_mut()
            .find(|(n, _)| n == course::ORDER_FILE)
            .unwrap();
        order.1 = order.1.replacen("id: netrepl-basics\n", "", 1);
        let unnamed = course::load(&files, "lessons").unwrap();
        let problems = cross_check(&unnamed);
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("no id or version")),
            "{problems:?}"
        );
        let named = course::load(&course::embedded_files(), "lessons").unwrap();
        assert!(
            !cross_check(&named)
                .iter()
                .any(|p| p.message.contains("no id"))
        );
    }

    fn block(needs: Option<&str>, inputs: &[&str]) -> Block {
        Block {
            line: 1,
            format: None,
            needs: needs.map(str::to_string),
            steps: inputs
                .iter()
                .map(|i| crate::course::transcript::Step {
                    input: i.to_string(),
                    expected: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn long_waits_asked_for_in_so_many_words_are_seen() {
        assert_eq!(asked_wait_seconds(":timeout 86400"), Some(86400.0));
        assert_eq!(asked_wait_seconds("s.settimeout(1.5)"), Some(1.5));
        assert_eq!(asked_wait_seconds("s.settimeout 30"), Some(30.0));
        assert_eq!(
            asked_wait_seconds("c = create_connection(('127.0.0.1', 80), timeout=1e5)"),
            Some(100000.0)
        );
        assert_eq!(asked_wait_seconds("s.settimeout(None)"), None);
        assert_eq!(asked_wait_seconds("gethostbyname localhost"), None);
    }

    #[test]
    fn blocks_may_read_the_lab_and_nothing_more() {
        let limits = Limits::default();
        assert!(refused_input(&block(Some("lab"), &["lab status"]), &limits).is_none());
        assert!(refused_input(&block(None, &["lab status"]), &limits).is_some());
        assert!(refused_input(&block(Some("lab"), &["lab down"]), &limits).is_some());
        assert!(refused_input(&block(None, &["x = socket.lab('up')"]), &limits).is_some());
        assert!(
            refused_input(
                &block(None, &["gethostbyname alpha.lab", "label = 1"]),
                &limits
            )
            .is_none()
        );
        assert!(refused_input(&block(None, &["s.settimeout(2)"]), &limits).is_none());
        assert!(refused_input(&block(None, &["s.settimeout(20)"]), &limits).is_some());
    }
}
