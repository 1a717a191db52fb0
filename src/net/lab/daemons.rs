//! The lab's servers: the DNS server and the practice services, each a
//! `netrepl serve-...` process in a host's namespace. Their pid files, logs,
//! zone files and a copy of the lab's description live in the run directory
//! `/run/netrepl/PREFIX`, so `lab down` (or the next `up`, after a crash)
//! finds and stops them from any process.

use std::fs;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::LabError;

const RUN_ROOT: &str = "/run/netrepl";
/// What a server prints once it listens (`serving DNS for ...`, `serving echo on ...`).
const READY_WORD: &str = "serving";
const READY_LIMIT: Duration = Duration::from_secs(10);
const STOP_LIMIT: Duration = Duration::from_secs(3);
const POLL: Duration = Duration::from_millis(10);

/// The run directory of the lab with this prefix.
pub fn run_dir(prefix: &str) -> PathBuf {
    Path::new(RUN_ROOT).join(prefix)
}

/// Prefixes that have a run directory: labs that are (or were, before a crash) up.
pub fn run_dir_prefixes() -> Vec<String> {
    fs::read_dir(RUN_ROOT)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Starts the program `netrepl` with `ARGS...` in `namespace` in the background as server
/// `label`, and waits until it says it serves. Its output goes to
/// `label.log`, its pid to `label.pid`.
pub fn start(
    netrepl: &Path,
    dir: &Path,
    label: &str,
    namespace: &str,
    args: &[String],
) -> Result<u32, LabError> {
    let log_path = dir.join(format!("{label}.log"));
    let log = fs::File::create(&log_path).map_err(|e| io_error(&log_path, e))?;
    let log_err = log.try_clone().map_err(|e| io_error(&log_path, e))?;
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", namespace])
        .arg(netrepl)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Its own process group, so Ctrl-C at the prompt does not reach it.
        .process_group(0);
    let shown = format!("ip netns exec {namespace} netrepl {}", args.join(" "));
    let mut child = command.spawn().map_err(|e| LabError::CommandFailed {
        command: shown.clone(),
        stderr: e.to_string(),
    })?;
    // `ip netns exec` execs the program, so the child's pid is the server's.
    let pid = child.id();
    let pid_path = pid_file(dir, label);
    fs::write(&pid_path, format!("{pid}\n")).map_err(|e| io_error(&pid_path, e))?;
    let started = Instant::now();
    loop {
        let said = fs::read_to_string(&log_path).unwrap_or_default();
        if said.contains(READY_WORD) {
            // Reaped here when it ends, so no zombie stays behind while we run.
            thread::spawn(move || child.wait());
            return Ok(pid);
        }
        let ended = matches!(child.try_wait(), Ok(Some(_)));
        if ended || started.elapsed() > READY_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            let _ = fs::remove_file(&pid_path);
            let said = fs::read_to_string(&log_path).unwrap_or_default();
            return Err(LabError::CommandFailed {
                command: shown,
                stderr: if said.trim().is_empty() {
                    format!(
                        "it did not say it was serving within {} s",
                        READY_LIMIT.as_secs()
                    )
                } else {
                    said.trim().to_string()
                },
            });
        }
        thread::sleep(POLL);
    }
}

/// Whether server `label` is running.
pub fn is_running(dir: &Path, label: &str) -> bool {
    read_pid(dir, label).is_some_and(is_our_server)
}

/// Stops server `label` (SIGTERM, then SIGKILL) and forgets its pid file.
/// Returns whether one was running.
pub fn stop(dir: &Path, label: &str) -> bool {
    let running = read_pid(dir, label).filter(|pid| is_our_server(*pid));
    if let Some(pid) = running {
        stop_pid(pid);
    }
    let _ = fs::remove_file(pid_file(dir, label));
    running.is_some()
}

/// Stops every server with a pid file in `dir`.
pub fn stop_all(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(label) = name.strip_suffix(".pid") {
            stop(dir, label);
        }
    }
}

/// Ends a process: SIGTERM, and SIGKILL if it is still there after a moment.
pub fn stop_pid(pid: u32) {
    if crate::net::ffi::send_signal(pid, libc::SIGTERM).is_err() {
        return;
    }
    let started = Instant::now();
    while is_alive(pid) && started.elapsed() < STOP_LIMIT {
        thread::sleep(POLL);
    }
    if is_alive(pid) {
        let _ = crate::net::ffi::send_signal(pid, libc::SIGKILL);
    }
}

/// Alive and not a zombie waiting to be reaped.
fn is_alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let after_name = stat.rsplit_once(')')?.1.trim_start().to_string();
            after_name.chars().next()
        })
        .is_some_and(|state| state != 'Z' && state != 'X')
}

/// A pid file may outlive its process and the pid be reused: only a live
/// `netrepl serve-...` counts.
fn is_our_server(pid: u32) -> bool {
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
    is_alive(pid) && words.iter().any(|w| w.starts_with(b"serve-"))
}

fn read_pid(dir: &Path, label: &str) -> Option<u32> {
    fs::read_to_string(pid_file(dir, label))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn pid_file(dir: &Path, label: &str) -> PathBuf {
    dir.join(format!("{label}.pid"))
}

pub fn io_error(path: &Path, source: io::Error) -> LabError {
    LabError::Io {
        path: path.display().to_string(),
        source,
    }
}
