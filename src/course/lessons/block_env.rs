//! What a netrepl process running one block for `lessons check` may do. The
//! check sets [`BLOCK_ENV`] in the block's environment; the tutor then
//! refuses the commands that change a learner's state, and every socket wait
//! is held to the cap the variable gives.

use std::time::Duration;

/// Set in the environment of each block's process; its value is the most
/// seconds a blocking socket call may wait there. Internal to `lessons check`.
pub const BLOCK_ENV: &str = "NETREPL_LESSON_BLOCK";

/// Whether this process runs a block for `lessons check`.
pub fn in_lesson_block() -> bool {
    std::env::var_os(BLOCK_ENV).is_some()
}

/// In a block's process, keeps the session's blocking limit within the cap
/// the check passed down (a no-op in any other process).
pub fn apply_block_limits() {
    let Some(cap) = std::env::var(BLOCK_ENV)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
    else {
        return;
    };
    let cap = Duration::from_secs_f64(cap);
    // A ceiling, not only the default: a socket's own settimeout cannot pass it.
    crate::net::live::set_wait_ceiling(cap);
    if crate::net::live::blocking_limit() > cap {
        crate::net::live::set_blocking_limit(cap);
    }
}
