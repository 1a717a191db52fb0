//! `lab dns off`: what a DNS server that has stopped answering looks like.
//! Killing the server alone would make its host answer every query with ICMP
//! port unreachable, so look-ups would fail at once; a server that is down
//! or cut off sends nothing. `netrepl serve-silent` holds the DNS port's UDP
//! sockets open and never reads them, so queries vanish without a reply and
//! the resolver waits out its timeout (EAI_AGAIN), as it would in real life.

use std::io::Write as _;
use std::net::{SocketAddr, UdpSocket};

/// Binds UDP sockets on `addresses`, says `serving silence on ...`, and keeps
/// them until SIGTERM or SIGINT.
pub fn hold_silent(addresses: &[SocketAddr]) -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
    let sockets = addresses
        .iter()
        .map(UdpSocket::bind)
        .collect::<std::io::Result<Vec<_>>>()?;
    let shown: Vec<String> = addresses.iter().map(ToString::to_string).collect();
    let mut out = std::io::stdout();
    let _ = writeln!(out, "serving silence on {}", shown.join(" "));
    let _ = out.flush();
    let _ = signals.forever().next();
    drop(sockets);
    Ok(())
}
