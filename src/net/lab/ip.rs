//! Running iproute2's `ip` (and the few other programs the lab needs) with a
//! time limit, and checking beforehand that we may build namespaces at all.
//!
//! Every call the lab makes names its namespace with `ip -n NAME ...`, so a
//! command can only ever act inside a lab namespace, never on the root one.

use std::io::{ErrorKind, Read};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::LabError;

/// The latest moment a whole operation (`up`, `down`) may still run commands.
#[derive(Clone, Copy, Debug)]
pub struct Deadline(Instant);

impl Deadline {
    pub fn after(limit: Duration) -> Deadline {
        // A limit past what an Instant holds is capped at a century.
        let now = Instant::now();
        let century = Duration::from_secs(100 * 365 * 86_400);
        Deadline(now.checked_add(limit.min(century)).unwrap_or(now))
    }

    fn remaining(self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
}

/// No single command may take longer than this, whatever the deadline.
const COMMAND_LIMIT: Duration = Duration::from_secs(10);
const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// What a finished command printed.
pub struct Finished {
    pub stdout: String,
}

/// Runs `ip ARGS...`, failing with the command line and its stderr.
pub fn ip(args: &[&str], deadline: Deadline) -> Result<Finished, LabError> {
    let mut command = Command::new("ip");
    command.args(args);
    run(command, deadline)
}

/// Runs a command to completion within the deadline, killing it if it overruns.
pub fn run(mut command: Command, deadline: Deadline) -> Result<Finished, LabError> {
    let shown = show_command(&command);
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(&command, e))?;
    let limit = deadline.remaining().min(COMMAND_LIMIT);
    let (status, stdout, stderr) =
        wait_bounded(child, limit).ok_or_else(|| LabError::TimedOut {
            command: shown.clone(),
            seconds: limit.as_secs(),
        })?;
    if status.success() {
        return Ok(Finished { stdout });
    }
    let stderr = stderr.trim().to_string();
    if looks_unprivileged(&stderr) {
        return Err(LabError::NotPrivileged);
    }
    Err(LabError::CommandFailed {
        command: shown,
        stderr,
    })
}

/// Waits for the child, reading its output on threads so a full pipe cannot stall it.
fn wait_bounded(
    mut child: Child,
    limit: Duration,
) -> Option<(std::process::ExitStatus, String, String)> {
    let stdout = read_on_thread(child.stdout.take());
    let stderr = read_on_thread(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limit => thread::sleep(POLL_INTERVAL),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Some((status, stdout, stderr))
}

fn read_on_thread(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

fn spawn_error(command: &Command, error: std::io::Error) -> LabError {
    let program = command.get_program().to_string_lossy().into_owned();
    if error.kind() == ErrorKind::NotFound && program == "ip" {
        LabError::IpMissing
    } else {
        LabError::CommandFailed {
            command: show_command(command),
            stderr: error.to_string(),
        }
    }
}

fn show_command(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}

fn looks_unprivileged(stderr: &str) -> bool {
    stderr.contains("Operation not permitted") || stderr.contains("Permission denied")
}

/// Whether `ip` can be started at all.
pub fn ip_is_installed() -> bool {
    !matches!(
        Command::new("ip")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status(),
        Err(e) if e.kind() == ErrorKind::NotFound
    )
}

/// Linux capability numbers (linux/capability.h).
const CAP_NET_ADMIN: u32 = 12;
const CAP_SYS_ADMIN: u32 = 21;

/// Whether this process holds the capabilities `ip netns add` needs: network
/// administration, and mounting (a named namespace is a bind mount in /run/netns).
/// When /proc cannot tell, we say yes and let `ip` itself refuse.
pub fn may_build_namespaces() -> bool {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return true;
    };
    match effective_capabilities(&status) {
        Some(caps) => [CAP_NET_ADMIN, CAP_SYS_ADMIN]
            .iter()
            .all(|cap| caps & (1 << cap) != 0),
        None => true,
    }
}

/// The `CapEff:` mask from /proc/self/status.
fn effective_capabilities(status: &str) -> Option<u64> {
    let hex = status
        .lines()
        .find_map(|line| line.strip_prefix("CapEff:"))?
        .trim();
    u64::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_capabilities_are_read_from_proc_status() {
        let status = "Name:\tnetrepl\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n";
        assert_eq!(effective_capabilities(status), Some(0x1ff_ffff_ffff));
        assert_eq!(effective_capabilities("Name:\tx\n"), None);
    }

    #[test]
    fn a_command_that_overruns_is_killed() {
        let mut sleep = Command::new("sleep");
        sleep.arg("5");
        let started = Instant::now();
        let result = run(sleep, Deadline::after(Duration::from_millis(200)));
        assert!(matches!(result, Err(LabError::TimedOut { .. })));
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
