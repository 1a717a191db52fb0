//! What long waits on the network need while they run: the shared tokio
//! runtime they wait on, a way to show lines as they happen (ping's replies, a
//! progress bar), and Ctrl-C, which stops them early instead of ending the
//! session.
//!
//! It is process-wide on purpose: there is one terminal, one SIGINT and one
//! session per process, and commands reach it without threading a context
//! through every call.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::runtime::Runtime;
use tokio::sync::Notify;

use crate::python::error::{CommandError, CommandResult};
use crate::python::interrupt;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
static INTERRUPT: OnceLock<Arc<Notify>> = OnceLock::new();
/// Whether lines may be shown as they happen (set from the output format).
static STREAMING: AtomicBool = AtomicBool::new(true);
/// How long a blocking socket call may wait when its socket has no timeout.
static BLOCKING_LIMIT_MS: AtomicU64 = AtomicU64::new(10_000);
/// The longest any one socket wait may last, whatever its own timeout says
/// (set where a process must end in bounded time, such as a lesson check's
/// block); no ceiling by default.
static WAIT_CEILING_MS: AtomicU64 = AtomicU64::new(u64::MAX);

/// The runtime network waits run on, built on first use.
pub fn runtime() -> CommandResult<&'static Runtime> {
    let built = RUNTIME.get_or_init(|| {
        // One thread: the waits are on sockets and timers, not on computing, and
        // it keeps start-up and memory small. Blocking look-ups use tokio's pool.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        catch_interrupts();
        Ok(runtime)
    });
    built
        .as_ref()
        .map_err(|e| CommandError::os_error(format!("cannot start the async runtime: {e}")))
}

fn notify() -> Arc<Notify> {
    INTERRUPT.get_or_init(|| Arc::new(Notify::new())).clone()
}

/// From the first call on, SIGINT never ends the process: it sets the
/// interrupt flag and wakes every wait. `main` calls this before anything
/// else, so a Ctrl-C during the very first look-up or question is caught too.
/// A thread of its own receives the signal, so it works with or without the
/// runtime and while the main thread is busy.
pub fn catch_interrupts() {
    static CAUGHT: OnceLock<()> = OnceLock::new();
    CAUGHT.get_or_init(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([libc::SIGINT]) else {
            return;
        };
        let wake = notify();
        let _ = std::thread::Builder::new()
            .name("netrepl-sigint".into())
            .spawn(move || {
                for _ in signals.forever() {
                    interrupt::press();
                    wake.notify_waiters();
                }
            });
    });
}

/// Whether Ctrl-C was pressed since the last `clear_interrupt`.
pub fn interrupted() -> bool {
    interrupt::pressed()
}

pub fn clear_interrupt() {
    interrupt::clear();
}

/// Resolves when Ctrl-C is pressed (at once if it already was).
pub async fn wait_for_interrupt() {
    let wake = notify();
    loop {
        let notified = wake.notified();
        if interrupted() {
            return;
        }
        notified.await;
    }
}

pub fn blocking_limit() -> std::time::Duration {
    cap_wait(std::time::Duration::from_millis(
        BLOCKING_LIMIT_MS.load(Ordering::SeqCst),
    ))
}

/// Sets the ceiling no socket wait may pass, its own timeout included.
pub fn set_wait_ceiling(ceiling: std::time::Duration) {
    WAIT_CEILING_MS.store(
        ceiling.as_millis().min(u128::from(u64::MAX)) as u64,
        Ordering::SeqCst,
    );
}

/// A wait cut down to the ceiling, if one is set.
pub fn cap_wait(wait: std::time::Duration) -> std::time::Duration {
    wait.min(std::time::Duration::from_millis(
        WAIT_CEILING_MS.load(Ordering::SeqCst),
    ))
}

pub fn set_blocking_limit(limit: std::time::Duration) {
    BLOCKING_LIMIT_MS.store(
        limit.as_millis().min(u128::from(u64::MAX)) as u64,
        Ordering::SeqCst,
    );
}

/// Whether lines are shown as they happen; when not, the caller prints one
/// result at the end.
pub fn set_streaming(streaming: bool) {
    STREAMING.store(streaming, Ordering::SeqCst);
}

pub fn streaming() -> bool {
    STREAMING.load(Ordering::SeqCst)
}

/// Prints a line now, if lines stream.
pub fn line(text: &str) {
    if streaming() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}

/// Whether a progress bar may be drawn (lines stream, on a terminal).
pub fn progress_allowed() -> bool {
    streaming() && std::io::stderr().is_terminal()
}

/// Reads one line a person types on standard input, giving up with
/// `KeyboardInterrupt` when Ctrl-C is pressed; `Ok(None)` at end of input.
pub fn read_answer() -> CommandResult<Option<String>> {
    use std::io::BufRead;
    loop {
        if interrupt::pressed() {
            return Err(interrupt::keyboard_interrupt());
        }
        match super::ffi::wait_readable(libc::STDIN_FILENO, 50) {
            Ok(false) => continue,
            Ok(true) => break,
            Err(_) => return Ok(None),
        }
    }
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(0) | Err(_) => Ok(None),
        Ok(_) => Ok(Some(answer)),
    }
}
