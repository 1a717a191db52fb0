//! Python's blocking semantics over non-blocking OS sockets: an operation is
//! tried, and while it would block we wait for the socket to be ready, up to
//! the socket's timeout (or the session's limit when it has none), and never
//! past a Ctrl-C.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use socket2::Socket;
use tokio::io::Interest;

use super::Handle;
use crate::net::live;
use crate::python::error::{CommandError, CommandResult, PyException};

/// Which readiness an operation waits for.
#[derive(Clone, Copy)]
pub enum Ready {
    Read,
    Write,
}

fn timed_out(limited_by_session: bool) -> CommandError {
    let error = CommandError::new(PyException::TimeoutError, "timed out");
    if limited_by_session {
        let limit = live::blocking_limit().as_secs_f64();
        error.explain(format!(
            "netrepl gives up on a blocking call after {limit} s so the prompt comes back; `:timeout SECONDS` changes that, and s.settimeout() sets one socket's own timeout."
        ))
    } else {
        error.explain("Nothing happened within the socket's timeout (set with settimeout).")
    }
}

fn interrupted() -> CommandError {
    CommandError::new(PyException::KeyboardInterrupt, "")
        .explain("Stopped by Ctrl-C. The socket is still open and can be used again.")
}

pub fn os_error(e: &io::Error) -> CommandError {
    CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EIO))
}

/// Runs `attempt` until it stops saying "would block", waiting in between.
pub fn run<T>(
    handle: &Handle,
    ready: Ready,
    mut attempt: impl FnMut(&Socket) -> io::Result<T>,
) -> CommandResult<T> {
    let (limit, by_session) = match handle.timeout {
        Some(t) => (live::cap_wait(t), false),
        None => (live::blocking_limit(), true),
    };
    // A timeout too far ahead for an Instant (CPython takes up to 292 years)
    // has no deadline: the wait is cut short only by readiness or Ctrl-C.
    let deadline = Instant::now().checked_add(limit);
    loop {
        match attempt(&handle.socket) {
            Ok(value) => return Ok(value),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if handle.timeout == Some(Duration::ZERO) {
                    return Err(os_error(&e));
                }
                let left = deadline.map_or(limit, |d| d.saturating_duration_since(Instant::now()));
                if left.is_zero() {
                    return Err(timed_out(by_session));
                }
                wait(&handle.socket, ready, left, by_session)?;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(os_error(&e)),
        }
    }
}

/// Waits until the socket is ready, the time is up, or Ctrl-C.
pub fn wait(
    socket: &Arc<Socket>,
    ready: Ready,
    limit: Duration,
    by_session: bool,
) -> CommandResult<()> {
    let runtime = live::runtime()?;
    runtime.block_on(async {
        let interest = match ready {
            Ready::Read => Interest::READABLE,
            Ready::Write => Interest::WRITABLE,
        };
        let registered =
            crate::net::ffi::watch_socket(socket.clone(), interest).map_err(|e| os_error(&e))?;
        let readiness = async {
            match ready {
                Ready::Read => registered.readable().await.map(|_| ()),
                Ready::Write => registered.writable().await.map(|_| ()),
            }
        };
        tokio::select! {
            result = readiness => result.map_err(|e| os_error(&e)),
            _ = tokio::time::sleep(limit) => Err(timed_out(by_session)),
            _ = live::wait_for_interrupt() => Err(interrupted()),
        }
    })
}
