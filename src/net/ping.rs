//! `ping` as ping(8) does it: echo requests at an interval, one line per reply
//! as it arrives, and the same two summary lines at the end.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::net::icmp::{self, EchoOutcome, SocketKind};
use crate::net::live;
use crate::python::error::CommandResult;

#[derive(Clone, Copy, Debug)]
pub struct PingOptions {
    pub count: u32,
    pub interval: Duration,
    pub timeout: Duration,
    pub size: usize,
    pub ttl: u32,
}

#[derive(Clone, Debug)]
pub struct PingReport {
    pub host: String,
    pub address: IpAddr,
    pub transmitted: u32,
    pub received: u32,
    pub rtts: Vec<Duration>,
    pub elapsed: Duration,
    pub socket: SocketKind,
}

impl PingReport {
    pub fn loss_percent(&self) -> u32 {
        if self.transmitted == 0 {
            return 0;
        }
        (self.transmitted - self.received) * 100 / self.transmitted
    }

    /// ping(8)'s closing lines.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "--- {} ping statistics ---\n{} packets transmitted, {} received, {}% packet loss, time {}ms",
            self.host,
            self.transmitted,
            self.received,
            self.loss_percent(),
            self.elapsed.as_millis()
        );
        if let Some(stats) = RttStats::of(&self.rtts) {
            out.push_str(&format!(
                "\nrtt min/avg/max/mdev = {:.3}/{:.3}/{:.3}/{:.3} ms",
                stats.min, stats.avg, stats.max, stats.mdev
            ));
        }
        out
    }
}

/// Round-trip statistics in milliseconds; `mdev` as ping(8) computes it.
pub struct RttStats {
    pub min: f64,
    pub avg: f64,
    pub max: f64,
    pub mdev: f64,
}

impl RttStats {
    pub fn of(rtts: &[Duration]) -> Option<RttStats> {
        if rtts.is_empty() {
            return None;
        }
        let ms: Vec<f64> = rtts.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        let n = ms.len() as f64;
        let avg = ms.iter().sum::<f64>() / n;
        let mean_square = ms.iter().map(|x| x * x).sum::<f64>() / n;
        Some(RttStats {
            min: ms.iter().copied().fold(f64::INFINITY, f64::min),
            avg,
            max: ms.iter().copied().fold(0.0, f64::max),
            mdev: (mean_square - avg * avg).max(0.0).sqrt(),
        })
    }
}

/// Pings `address` (already resolved from `host`), streaming lines in `pretty`.
/// Ctrl-C ends it early; the report covers what was sent until then.
pub fn ping(host: &str, address: IpAddr, options: PingOptions) -> CommandResult<PingReport> {
    let runtime = live::runtime()?;
    runtime.block_on(async {
        let echo_client = icmp::open(address, Some(options.ttl))?;
        let shown = if host == address.to_string() {
            host.to_string()
        } else {
            format!("{host} ({address})")
        };
        let header = if address.is_ipv4() {
            options.size + 28
        } else {
            options.size + 48
        };
        live::line(&format!(
            "PING {shown} {}({header}) bytes of data, {}.",
            options.size,
            echo_client.kind.describe()
        ));
        let payload = vec![0u8; options.size];
        let ident = std::process::id() as u16;
        let mut report = PingReport {
            host: host.to_string(),
            address,
            transmitted: 0,
            received: 0,
            rtts: Vec::new(),
            elapsed: Duration::ZERO,
            socket: echo_client.kind,
        };
        // Requests leave on schedule, one interval apart, as ping(8) sends them,
        // whether or not earlier ones were answered; replies print as they come.
        let started = Instant::now();
        let mut waiting = JoinSet::new();
        let mut next_seq = 1u32;
        loop {
            if next_seq > options.count && waiting.is_empty() {
                break;
            }
            // Past what an Instant holds, the request is as good as never due.
            let due = (next_seq <= options.count).then(|| {
                options
                    .interval
                    .checked_mul(next_seq - 1)
                    .and_then(|after| started.checked_add(after))
                    .unwrap_or_else(|| far_future(started))
            });
            tokio::select! {
                biased;
                _ = live::wait_for_interrupt() => break,
                Some(done) = waiting.join_next(), if !waiting.is_empty() => {
                    let Ok((seq, outcome)) = done else { continue };
                    let outcome: EchoOutcome = outcome?;
                    live::line(&reply_line(address, seq, &outcome));
                    if let EchoOutcome::Reply(reply) = outcome {
                        report.received += 1;
                        report.rtts.push(reply.rtt);
                    }
                }
                _ = tokio::time::sleep_until(due.unwrap_or(started).into()), if due.is_some() => {
                    let (client, payload, seq) = (echo_client.client.clone(), payload.clone(), next_seq);
                    waiting.spawn(async move {
                        (seq, icmp::echo(&client, address, ident, seq as u16, &payload, options.timeout).await)
                    });
                    report.transmitted += 1;
                    next_seq += 1;
                }
            }
        }
        report.elapsed = started.elapsed();
        Ok(report)
    })
}

/// A moment no wait reaches: a century on.
fn far_future(now: Instant) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);
    now.checked_add(CENTURY).unwrap_or(now)
}

fn reply_line(address: IpAddr, seq: u32, outcome: &EchoOutcome) -> String {
    match outcome {
        EchoOutcome::Reply(echo) => {
            let ttl = echo.ttl.map(|t| format!(" ttl={t}")).unwrap_or_default();
            format!(
                "{} bytes from {address}: icmp_seq={seq}{ttl} time={:.3} ms",
                echo.bytes,
                echo.rtt.as_secs_f64() * 1000.0
            )
        }
        EchoOutcome::TimedOut => format!("no reply from {address}: icmp_seq={seq} timed out"),
        EchoOutcome::Error { from, what } => {
            let from = from.unwrap_or(address);
            format!("From {from} icmp_seq={seq} {what}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtt_stats_match_ping8_arithmetic() {
        let rtts = [1.0, 2.0, 3.0].map(|ms| Duration::from_secs_f64(ms / 1000.0));
        let stats = RttStats::of(&rtts).unwrap();
        assert!((stats.avg - 2.0).abs() < 1e-9);
        assert!((stats.mdev - (2.0f64 / 3.0).sqrt()).abs() < 1e-9);
        assert!(RttStats::of(&[]).is_none());
    }

    #[test]
    fn loss_is_a_whole_percentage() {
        let report = PingReport {
            host: "h".into(),
            address: "127.0.0.1".parse().unwrap(),
            transmitted: 3,
            received: 2,
            rtts: vec![],
            elapsed: Duration::from_millis(2001),
            socket: SocketKind::Raw,
        };
        assert_eq!(report.loss_percent(), 33);
        assert!(
            report
                .summary()
                .contains("3 packets transmitted, 2 received, 33% packet loss, time 2001ms")
        );
    }
}
