//! Opening an ICMP echo socket (through surge-ping): a raw socket when the
//! process may have one, else Linux's unprivileged ICMP datagram socket, else
//! an error that says which permission is missing and how to get it.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use surge_ping::{Client, Config, ICMP, IcmpPacket, PingIdentifier, PingSequence, SurgeError};

use crate::python::error::{CommandError, CommandResult};

/// The kind of socket the client got, shown to learners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketKind {
    Raw,
    Datagram,
}

impl SocketKind {
    pub fn describe(self) -> &'static str {
        match self {
            SocketKind::Raw => "raw ICMP socket",
            SocketKind::Datagram => "unprivileged ICMP datagram socket",
        }
    }
}

pub struct EchoClient {
    pub client: Client,
    pub kind: SocketKind,
}

/// Room for the replies (and, on a raw socket, the echoed requests) of a
/// whole sweep arriving at once.
const RECEIVE_BUFFER: usize = 8 << 20;

/// Opens one ICMP socket for the family of `target`; every probe shares it.
pub fn open(target: IpAddr, ttl: Option<u32>) -> CommandResult<EchoClient> {
    crate::net::lab::refuse_outside_lab(target)?;
    let family = if target.is_ipv4() { ICMP::V4 } else { ICMP::V6 };
    let mut builder = Config::builder()
        .kind(family)
        .sock_type_hint(socket2::Type::RAW);
    if let Some(ttl) = ttl {
        builder = builder.ttl(ttl);
    }
    match Client::new(&builder.build()) {
        Ok(client) => {
            crate::net::ffi::grow_receive_buffer(
                client.get_socket().get_native_sock(),
                RECEIVE_BUFFER,
            );
            let kind = if client.get_socket().get_type() == socket2::Type::RAW {
                SocketKind::Raw
            } else {
                SocketKind::Datagram
            };
            Ok(EchoClient { client, kind })
        }
        Err(e) => Err(no_icmp_error(&e, target.is_ipv4())),
    }
}

fn no_icmp_error(err: &std::io::Error, v4: bool) -> CommandError {
    let errno = err.raw_os_error().unwrap_or(libc::EPERM);
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    let version = if v4 { "4" } else { "6" };
    CommandError::from_errno(errno).explain(format!(
        "This process may not open a raw ICMP socket (that needs root or CAP_NET_RAW), and unprivileged ICMP sockets are off for its group (net.ipv4.ping_group_range is \"{range}\"). Fix one: `sudo sysctl -w net.ipv{version}.ping_group_range=\"0 2147483647\"`, or `sudo setcap cap_net_raw+ep $(command -v netrepl)`. Without ICMP, map_network can still find hosts by TCP: map_network TARGET tcp=22,80,443."
    ))
}

/// One echo reply: its size, TTL (when the socket can see it) and round trip.
#[derive(Clone, Copy, Debug)]
pub struct Echo {
    pub bytes: usize,
    pub ttl: Option<u8>,
    pub rtt: Duration,
}

/// What became of one echo request.
#[derive(Debug)]
pub enum EchoOutcome {
    Reply(Echo),
    TimedOut,
    /// A router answered instead (unreachable, TTL exceeded); not a reply.
    Error {
        from: Option<IpAddr>,
        what: String,
    },
}

const ECHO_REPLY_V4: u8 = 0;
const ECHO_REPLY_V6: u8 = 129;

/// Sends one echo request and waits up to `timeout` for its reply. A full send
/// buffer (ENOBUFS, packets queued behind ARP) is back-pressure: wait, resend.
pub async fn echo(
    client: &Client,
    target: IpAddr,
    ident: u16,
    seq: u16,
    payload: &[u8],
    timeout: Duration,
) -> CommandResult<EchoOutcome> {
    let mut pinger = client.pinger(target, PingIdentifier(ident)).await;
    pinger.timeout(timeout);
    let mut backoff = Duration::from_millis(1);
    loop {
        // Timed here, send to reply, as ping(8) does: surge-ping's own figure
        // starts after the send returns and reads zero on loopback.
        let sent = Instant::now();
        match pinger.ping(PingSequence(seq), payload).await {
            Ok((packet, _)) => return Ok(classify_reply(&packet, sent.elapsed())),
            Err(SurgeError::Timeout { .. }) => return Ok(EchoOutcome::TimedOut),
            Err(SurgeError::IOError(e))
                if e.raw_os_error() == Some(libc::ENOBUFS) && backoff < timeout =>
            {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            Err(SurgeError::IOError(e)) => {
                return Err(CommandError::from_errno(
                    e.raw_os_error().unwrap_or(libc::EIO),
                ));
            }
            Err(other) => {
                return Ok(EchoOutcome::Error {
                    from: None,
                    what: other.to_string(),
                });
            }
        }
    }
}

fn classify_reply(packet: &IcmpPacket, rtt: Duration) -> EchoOutcome {
    match packet {
        IcmpPacket::V4(p) if p.get_icmp_type().0 == ECHO_REPLY_V4 => EchoOutcome::Reply(Echo {
            bytes: p.get_size(),
            ttl: p.get_ttl(),
            rtt,
        }),
        IcmpPacket::V6(p) if p.get_icmpv6_type().0 == ECHO_REPLY_V6 => EchoOutcome::Reply(Echo {
            bytes: p.get_size(),
            ttl: Some(p.get_max_hop_limit()).filter(|h| *h > 0),
            rtt,
        }),
        IcmpPacket::V4(p) => EchoOutcome::Error {
            from: Some(IpAddr::V4(p.get_source())),
            what: icmp_error_v4(p.get_icmp_type().0, p.get_icmp_code().0),
        },
        IcmpPacket::V6(p) => EchoOutcome::Error {
            from: Some(IpAddr::V6(p.get_source())),
            what: icmp_error_v6(p.get_icmpv6_type().0, p.get_icmpv6_code().0),
        },
    }
}

/// ping(8)'s words for the ICMPv4 errors a router or host sends back.
fn icmp_error_v4(kind: u8, code: u8) -> String {
    match (kind, code) {
        (3, 0) => "Destination Net Unreachable".into(),
        (3, 1) => "Destination Host Unreachable".into(),
        (3, 2) => "Destination Protocol Unreachable".into(),
        (3, 3) => "Destination Port Unreachable".into(),
        (3, 4) => "Frag needed and DF set".into(),
        (3, 13) => "Packet filtered".into(),
        (3, _) => format!("Destination Unreachable, code {code}"),
        (11, 0) => "Time to live exceeded".into(),
        (11, _) => "Fragment reassembly time exceeded".into(),
        (5, _) => "Redirect".into(),
        _ => format!("ICMP type {kind} code {code}"),
    }
}

fn icmp_error_v6(kind: u8, code: u8) -> String {
    match (kind, code) {
        (1, 0) => "Destination unreachable: No route".into(),
        (1, 1) => "Destination unreachable: Administratively prohibited".into(),
        (1, 3) => "Destination unreachable: Address unreachable".into(),
        (1, 4) => "Destination unreachable: Port unreachable".into(),
        (1, _) => format!("Destination unreachable, code {code}"),
        (2, _) => "Packet too big".into(),
        (3, _) => "Time exceeded: Hop limit".into(),
        _ => format!("ICMPv6 type {kind} code {code}"),
    }
}
