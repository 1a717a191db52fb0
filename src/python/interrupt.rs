//! Ctrl-C as the language sees it: a flag that the signal handler sets (in
//! `net::live`) and that evaluation polls, as CPython checks for a pending
//! `KeyboardInterrupt` between bytecodes. Work that cannot poll (one
//! multiplication of million-bit numbers, a libc look-up that waits on DNS)
//! runs on a worker thread while the caller waits for it or for Ctrl-C.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use crate::python::error::{CommandError, CommandResult, PyException};

static PRESSED: AtomicBool = AtomicBool::new(false);
/// Workers left running after their caller was interrupted.
static ABANDONED: AtomicUsize = AtomicUsize::new(0);
/// Beyond this many abandoned workers, new work is refused rather than
/// piling up threads that each wait out a resolver's timeout.
const MAX_ABANDONED: usize = 32;
/// How often a waiting caller looks at the flag.
const POLL: Duration = Duration::from_millis(10);

/// Records a Ctrl-C (called from the signal handler's thread).
pub fn press() {
    PRESSED.store(true, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed since the last `clear`.
pub fn pressed() -> bool {
    PRESSED.load(Ordering::SeqCst)
}

pub fn clear() {
    PRESSED.store(false, Ordering::SeqCst);
}

/// The error a command ends with when Ctrl-C stops it.
pub fn keyboard_interrupt() -> CommandError {
    CommandError::new(PyException::KeyboardInterrupt, "")
}

/// `Err(KeyboardInterrupt)` if Ctrl-C is pending; evaluation calls this
/// between steps.
pub fn check() -> CommandResult<()> {
    if pressed() {
        Err(keyboard_interrupt())
    } else {
        Ok(())
    }
}

/// Runs `work` on a worker thread and waits for it, or for Ctrl-C, whichever
/// comes first. On Ctrl-C the worker is left to finish alone and its result
/// is dropped.
pub fn run_interruptible<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> CommandResult<T> {
    check()?;
    if ABANDONED.load(Ordering::SeqCst) >= MAX_ABANDONED {
        return Err(CommandError::os_error(
            "too many interrupted look-ups are still waiting for an answer",
        )
        .explain("Give them a few seconds to time out, then try again."));
    }
    const RUNNING: u8 = 0;
    const DONE: u8 = 1;
    const GONE: u8 = 2;
    // Whoever of the two (worker finishing, caller giving up) comes second
    // sees the other's mark, so the abandoned count is exact.
    let state = Arc::new(AtomicU8::new(RUNNING));
    let worker_state = state.clone();
    let (send, receive) = channel();
    let spawned = std::thread::Builder::new()
        .name("netrepl-worker".into())
        .spawn(move || {
            let _ = send.send(work());
            if worker_state.swap(DONE, Ordering::SeqCst) == GONE {
                ABANDONED.fetch_sub(1, Ordering::SeqCst);
            }
        });
    if let Err(e) = spawned {
        return Err(CommandError::os_error(format!(
            "cannot start a worker thread: {e}"
        )));
    }
    loop {
        match receive.recv_timeout(POLL) {
            Ok(result) => return Ok(result),
            Err(RecvTimeoutError::Timeout) if pressed() => {
                ABANDONED.fetch_add(1, Ordering::SeqCst);
                if state.swap(GONE, Ordering::SeqCst) == DONE {
                    ABANDONED.fetch_sub(1, Ordering::SeqCst);
                }
                return Err(keyboard_interrupt());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(CommandError::os_error(
                    "a worker thread stopped unexpectedly",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_interrupt_stops_work_before_it_starts() {
        press();
        let result = run_interruptible(|| 1);
        clear();
        assert_eq!(
            result.map_err(|e| e.python_line()),
            Err("KeyboardInterrupt".to_string())
        );
        assert_eq!(run_interruptible(|| 2).ok(), Some(2));
    }
}
