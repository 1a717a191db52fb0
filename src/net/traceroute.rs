//! `traceroute` as traceroute(8) does it: probes with a rising TTL (hop limit
//! in IPv6), each router on the way answering the one whose TTL runs out there
//! with ICMP time exceeded, until the destination itself answers (port
//! unreachable to a UDP probe, an echo reply to an ICMP one) or `max_hops`.
//!
//! UDP probes need no privilege: each goes out on a socket of its own with
//! IP_RECVERR set, and the ICMP error it draws is read from that socket's
//! error queue. ICMP probes use a raw ICMP socket when the process may open
//! one, else Linux's unprivileged ICMP datagram socket, again with its error
//! queue. Hops stream as lines while it runs; Ctrl-C ends it with the hops so
//! far.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::net::{ffi, live};
use crate::python::error::{CommandError, CommandResult};

/// The bytes after the UDP or ICMP header, as traceroute(8) sends by default
/// (a 60-byte IPv4 packet).
const PAYLOAD: usize = 32;
/// How long a hop's line waits for the names of its routers; a name not back
/// by then is left out, as slow DNS must not hold up the trace.
const NAME_WAIT: Duration = Duration::from_secs(1);
/// The wait once a look-up has missed its deadline: a resolver that slow
/// would otherwise add NAME_WAIT to every hop.
const SLOW_NAME_WAIT: Duration = Duration::from_millis(100);
/// Reverse look-ups started in one trace, at most (each is a thread).
const MAX_NAME_LOOKUPS: usize = 64;
/// The slice a wait sleeps before it looks for Ctrl-C again.
const WAIT_SLICE: Duration = Duration::from_millis(50);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeMethod {
    /// UDP to `port`, `port + 1`, ... (one port per probe), as traceroute(8).
    Udp { port: u16 },
    /// ICMP echo requests, as `traceroute -I`.
    Icmp,
}

#[derive(Clone, Copy, Debug)]
pub struct TraceOptions {
    pub first_ttl: u8,
    pub max_hops: u8,
    pub probes: u8,
    pub timeout: Duration,
    pub method: ProbeMethod,
    pub resolve: bool,
}

/// traceroute(8)'s marks for a probe that drew an unreachable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    HostUnreachable,
    NetUnreachable,
    ProtocolUnreachable,
    Prohibited,
    FragmentationNeeded,
    Other(u8),
}

impl Mark {
    pub fn text(self) -> String {
        match self {
            Mark::HostUnreachable => "!H".into(),
            Mark::NetUnreachable => "!N".into(),
            Mark::ProtocolUnreachable => "!P".into(),
            Mark::Prohibited => "!X".into(),
            Mark::FragmentationNeeded => "!F".into(),
            Mark::Other(code) => format!("!<{code}>"),
        }
    }
}

/// What an ICMP message says about the probe it quotes or answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A router on the way: the TTL ran out there.
    TimeExceeded,
    /// The destination answered (port unreachable, echo reply).
    Reached,
    /// Someone said the destination cannot be reached.
    Unreachable(Mark),
}

impl Verdict {
    /// Whether the trace ends at this hop.
    pub fn is_final(self) -> bool {
        !matches!(self, Verdict::TimeExceeded)
    }
}

/// Reads an ICMP (`ipv6`: ICMPv6) type and code as traceroute(8) does;
/// `None` for messages that say nothing about a probe.
pub fn verdict(ipv6: bool, kind: u8, code: u8) -> Option<Verdict> {
    let mark = |m| Some(Verdict::Unreachable(m));
    if ipv6 {
        return match (kind, code) {
            (3, _) => Some(Verdict::TimeExceeded),
            (129, 0) | (1, 4) => Some(Verdict::Reached),
            (1, 0) => mark(Mark::NetUnreachable),
            (1, 1) | (1, 5) | (1, 6) => mark(Mark::Prohibited),
            (1, 3) => mark(Mark::HostUnreachable),
            (1, code) => mark(Mark::Other(code)),
            _ => None,
        };
    }
    match (kind, code) {
        (11, _) => Some(Verdict::TimeExceeded),
        (0, 0) | (3, 3) => Some(Verdict::Reached),
        (3, 0) | (3, 6) => mark(Mark::NetUnreachable),
        (3, 1) | (3, 7) => mark(Mark::HostUnreachable),
        (3, 2) => mark(Mark::ProtocolUnreachable),
        (3, 4) => mark(Mark::FragmentationNeeded),
        (3, 9) | (3, 10) | (3, 13) => mark(Mark::Prohibited),
        (3, code) => mark(Mark::Other(code)),
        _ => None,
    }
}

/// One probe's answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Answer {
    pub from: IpAddr,
    pub rtt: Duration,
    pub verdict: Verdict,
}

/// One TTL's probes (`None`: no answer in time) and the names of the
/// addresses that answered.
#[derive(Clone, Debug)]
pub struct Hop {
    pub ttl: u8,
    pub probes: Vec<Option<Answer>>,
    pub names: HashMap<IpAddr, String>,
}

impl Hop {
    /// The first address that answered, the one a hop is known by.
    pub fn address(&self) -> Option<IpAddr> {
        self.probes.iter().flatten().map(|a| a.from).next()
    }

    pub fn name(&self) -> Option<&str> {
        self.address()
            .and_then(|a| self.names.get(&a))
            .map(String::as_str)
    }

    fn is_final(&self) -> bool {
        self.probes.iter().flatten().any(|a| a.verdict.is_final())
    }

    /// traceroute(8)'s line: ` 1  router (10.0.0.1)  0.123 ms  0.101 ms *`.
    pub fn line(&self, resolve: bool) -> String {
        let mut out = format!("{:2} ", self.ttl);
        let mut last: Option<IpAddr> = None;
        for probe in &self.probes {
            let Some(answer) = probe else {
                out.push_str(" *");
                continue;
            };
            if last != Some(answer.from) {
                let shown = match (resolve, self.names.get(&answer.from)) {
                    (false, _) => answer.from.to_string(),
                    (true, Some(name)) => format!("{name} ({})", answer.from),
                    (true, None) => format!("{0} ({0})", answer.from),
                };
                out.push(' ');
                out.push_str(&shown);
                last = Some(answer.from);
            }
            out.push_str(&format!("  {:.3} ms", answer.rtt.as_secs_f64() * 1000.0));
            if let Verdict::Unreachable(mark) = answer.verdict {
                out.push(' ');
                out.push_str(&mark.text());
            }
        }
        out
    }
}

#[derive(Clone, Debug)]
pub struct TraceReport {
    pub host: String,
    pub address: IpAddr,
    pub hops: Vec<Hop>,
    pub max_hops: u8,
    pub interrupted: bool,
}

impl TraceReport {
    /// Whether the destination itself answered.
    pub fn reached(&self) -> bool {
        self.hops.last().is_some_and(|h| {
            h.probes
                .iter()
                .flatten()
                .any(|a| a.verdict == Verdict::Reached)
        })
    }

    /// One line on how the trace ended; hops count by TTL, so a trace from
    /// `first_ttl=3` that ends on its first hop ends "in 3 hops".
    pub fn summary(&self) -> String {
        let hops = |n: u8| format!("{n} {}", if n == 1 { "hop" } else { "hops" });
        let last_ttl = self.hops.last().map_or(0, |h| h.ttl);
        if self.interrupted {
            format!("interrupted after {}", hops(last_ttl))
        } else if self.reached() {
            format!("reached {} in {}", self.address, hops(last_ttl))
        } else if self.hops.last().is_some_and(Hop::is_final) {
            format!("{} is unreachable ({})", self.address, hops(last_ttl))
        } else {
            format!(
                "{} not reached within {}",
                self.address,
                hops(self.max_hops)
            )
        }
    }
}

/// Traces the path to `address` (resolved from `host`), streaming a line per hop.
pub fn traceroute(
    host: &str,
    address: IpAddr,
    options: TraceOptions,
) -> CommandResult<TraceReport> {
    // Outside the lab, its addresses would lead into the real network.
    crate::net::lab::refuse_outside_lab(address)?;
    let mut prober = Prober::open(address, options)?;
    let shown = if host == address.to_string() {
        host.to_string()
    } else {
        format!("{host} ({address})")
    };
    let header = if address.is_ipv4() { 28 } else { 48 };
    live::line(&format!(
        "traceroute to {shown}, {} hops max, {} byte packets ({})",
        options.max_hops,
        header + PAYLOAD,
        prober.describe()
    ));
    let mut names = NameLookups::new(options.resolve);
    let mut report = TraceReport {
        host: host.to_string(),
        address,
        hops: Vec::new(),
        max_hops: options.max_hops,
        interrupted: false,
    };
    for ttl in options.first_ttl..=options.max_hops {
        let Some(probes) = prober.probe_hop(ttl, &mut names)? else {
            report.interrupted = true;
            break;
        };
        let mut hop = Hop {
            ttl,
            probes,
            names: HashMap::new(),
        };
        let addresses: Vec<IpAddr> = hop.probes.iter().flatten().map(|a| a.from).collect();
        hop.names = names.wait_for(&addresses);
        live::line(&hop.line(options.resolve));
        let last = hop.is_final();
        report.hops.push(hop);
        if last {
            break;
        }
        if live::interrupted() {
            report.interrupted = true;
            break;
        }
    }
    Ok(report)
}

/// What sends probes and reads their answers.
enum Prober {
    /// A socket per probe (UDP, or unprivileged ICMP), answers from its error queue.
    PerProbe {
        target: IpAddr,
        options: TraceOptions,
        sent: u32,
    },
    /// One raw ICMP socket that sends the echo requests and sees every ICMP
    /// message that comes in.
    Raw {
        socket: Socket,
        target: IpAddr,
        options: TraceOptions,
        ident: u16,
        sent: u16,
    },
}

impl Prober {
    fn open(target: IpAddr, options: TraceOptions) -> CommandResult<Prober> {
        let per_probe = Prober::PerProbe {
            target,
            options,
            sent: 0,
        };
        if options.method != ProbeMethod::Icmp {
            return Ok(per_probe);
        }
        let (domain, protocol) = icmp_family(target);
        match Socket::new(domain, Type::RAW, Some(protocol)) {
            Ok(socket) => {
                socket.set_nonblocking(true).map_err(os_error)?;
                Ok(Prober::Raw {
                    socket,
                    target,
                    options,
                    ident: (std::process::id() as u16) ^ 0x5452,
                    sent: 0,
                })
            }
            Err(_) => match Socket::new(domain, Type::DGRAM, Some(protocol)) {
                Ok(_) => Ok(per_probe),
                Err(e) => Err(no_icmp_error(&e, target.is_ipv4())),
            },
        }
    }

    fn describe(&self) -> String {
        match self {
            Prober::PerProbe { options, .. } => match options.method {
                ProbeMethod::Udp { port } => {
                    format!("UDP to ports {port}+, answers from the socket error queue")
                }
                ProbeMethod::Icmp => {
                    "ICMP echo, unprivileged ICMP sockets and their error queue".into()
                }
            },
            Prober::Raw { .. } => "ICMP echo, raw ICMP socket".into(),
        }
    }

    /// Sends a hop's probes at once and waits up to the timeout for their
    /// answers; `None` when Ctrl-C was pressed.
    fn probe_hop(
        &mut self,
        ttl: u8,
        names: &mut NameLookups,
    ) -> CommandResult<Option<Vec<Option<Answer>>>> {
        match self {
            Prober::PerProbe {
                target,
                options,
                sent,
            } => {
                let mut probes = Vec::new();
                for _ in 0..options.probes {
                    probes.push(ProbeSocket::send(*target, ttl, options.method, *sent)?);
                    *sent += 1;
                }
                wait_per_probe(&probes, options.timeout, *target, names)
            }
            Prober::Raw {
                socket,
                target,
                options,
                ident,
                sent,
            } => {
                set_hop_limit(socket, *target, ttl)?;
                let mut sequences = Vec::new();
                for _ in 0..options.probes {
                    *sent = sent.wrapping_add(1);
                    let packet = echo_request(target.is_ipv6(), *ident, *sent);
                    let at = send_with_backoff(socket, &packet, *target, 0, options.timeout)?;
                    sequences.push((*sent, at));
                }
                wait_raw(socket, *target, *ident, &sequences, options.timeout, names)
            }
        }
    }
}

fn icmp_family(target: IpAddr) -> (Domain, Protocol) {
    if target.is_ipv4() {
        (Domain::IPV4, Protocol::ICMPV4)
    } else {
        (Domain::IPV6, Protocol::ICMPV6)
    }
}

fn os_error(e: std::io::Error) -> CommandError {
    CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EIO))
}

fn no_icmp_error(err: &std::io::Error, v4: bool) -> CommandError {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    let version = if v4 { "4" } else { "6" };
    CommandError::from_errno(err.raw_os_error().unwrap_or(libc::EPERM)).explain(format!(
        "icmp=True needs a raw ICMP socket (root or CAP_NET_RAW) or unprivileged ICMP sockets, which are off for this process's group (net.ipv4.ping_group_range is \"{range}\"; `sudo sysctl -w net.ipv{version}.ping_group_range=\"0 2147483647\"` turns them on). UDP probes need neither: leave out icmp=True."
    ))
}

fn set_hop_limit(socket: &Socket, target: IpAddr, ttl: u8) -> CommandResult<()> {
    if target.is_ipv4() {
        socket.set_ttl_v4(u32::from(ttl))
    } else {
        socket.set_unicast_hops_v6(u32::from(ttl))
    }
    .map_err(os_error)
}

/// Sends one packet; a full send buffer (ENOBUFS, packets queued behind a
/// neighbour look-up) is back-pressure: wait and resend, within `timeout`.
fn send_with_backoff(
    socket: &Socket,
    packet: &[u8],
    target: IpAddr,
    port: u16,
    timeout: Duration,
) -> CommandResult<Instant> {
    let destination = SockAddr::from(SocketAddr::new(target, port));
    let mut backoff = Duration::from_millis(1);
    loop {
        let at = Instant::now();
        match socket.send_to(packet, &destination) {
            Ok(_) => return Ok(at),
            Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) && backoff < timeout => {
                std::thread::sleep(backoff);
                backoff *= 2;
            }
            Err(e) => return Err(os_error(e)),
        }
    }
}

/// An ICMP echo request (checksummed for IPv4; the kernel fills in ICMPv6's,
/// and a datagram socket its own identifier).
fn echo_request(ipv6: bool, ident: u16, seq: u16) -> Vec<u8> {
    let mut packet = vec![if ipv6 { 128 } else { 8 }, 0, 0, 0];
    packet.extend_from_slice(&ident.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend((0..PAYLOAD).map(|i| 0x40 + i as u8));
    if !ipv6 {
        let sum = internet_checksum(&packet);
        packet[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    packet
}

/// RFC 1071's ones' complement sum.
fn internet_checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|pair| u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// A probe on a socket of its own, which its answer comes back to.
struct ProbeSocket {
    socket: Socket,
    sent_at: Instant,
}

impl ProbeSocket {
    fn send(
        target: IpAddr,
        ttl: u8,
        method: ProbeMethod,
        index: u32,
    ) -> CommandResult<ProbeSocket> {
        let domain = if target.is_ipv4() {
            Domain::IPV4
        } else {
            Domain::IPV6
        };
        let (protocol, packet, port) = match method {
            ProbeMethod::Udp { port } => {
                (Protocol::UDP, vec![0x40; PAYLOAD], probe_port(port, index))
            }
            ProbeMethod::Icmp => (
                icmp_family(target).1,
                echo_request(target.is_ipv6(), 0, (index + 1) as u16),
                0,
            ),
        };
        let socket = Socket::new(domain, Type::DGRAM, Some(protocol)).map_err(|e| {
            if method == ProbeMethod::Icmp {
                no_icmp_error(&e, target.is_ipv4())
            } else {
                os_error(e)
            }
        })?;
        socket.set_nonblocking(true).map_err(os_error)?;
        ffi::enable_error_queue(socket.as_raw_fd(), target.is_ipv6()).map_err(os_error)?;
        set_hop_limit(&socket, target, ttl)?;
        let sent_at = send_with_backoff(&socket, &packet, target, port, Duration::from_secs(1))?;
        Ok(ProbeSocket { socket, sent_at })
    }

    /// The answer waiting on the socket, if any: a queued ICMP error, or a
    /// reply (an echo reply, or a UDP answer from a port that was open).
    fn answer(&self, target: IpAddr) -> Option<Answer> {
        if let Ok(Some(control)) = ffi::read_error_queue(self.socket.as_raw_fd()) {
            let error = control.iter().find_map(decode_queued_error)?;
            let from = error.offender?;
            // A local error (the packet never left) names no hop.
            let ipv6 = match error.origin {
                libc::SO_EE_ORIGIN_ICMP => false,
                libc::SO_EE_ORIGIN_ICMP6 => true,
                _ => return None,
            };
            let verdict = verdict(ipv6, error.kind, error.code)?;
            return Some(Answer {
                from,
                rtt: self.sent_at.elapsed(),
                verdict,
            });
        }
        let mut buf = [0u8; 512];
        let (n, from) = ffi::receive_from(&self.socket, &mut buf, libc::MSG_DONTWAIT).ok()?;
        let from = from.as_socket()?.ip();
        let is_echo_reply = n >= 1 && (buf[0] == 0 || buf[0] == 129);
        let udp = self.socket.protocol().ok().flatten() == Some(Protocol::UDP);
        (from == target && (udp || is_echo_reply)).then(|| Answer {
            from,
            rtt: self.sent_at.elapsed(),
            verdict: Verdict::Reached,
        })
    }
}

/// traceroute(8)'s ports: the base, then one more for each probe sent,
/// wrapping past 65535 to 1.
fn probe_port(base: u16, index: u32) -> u16 {
    ((u32::from(base) - 1 + index) % 65_535 + 1) as u16
}

/// Waits until every probe is answered, the timeout after the last one
/// sent has passed, or Ctrl-C; starts a name look-up for each new address.
fn wait_per_probe(
    probes: &[ProbeSocket],
    timeout: Duration,
    target: IpAddr,
    names: &mut NameLookups,
) -> CommandResult<Option<Vec<Option<Answer>>>> {
    let mut answers: Vec<Option<Answer>> = vec![None; probes.len()];
    let deadline = probes.last().map_or_else(Instant::now, |p| p.sent_at) + live::cap_wait(timeout);
    loop {
        for (probe, answer) in probes.iter().zip(answers.iter_mut()) {
            if answer.is_none() {
                *answer = probe.answer(target);
                if let Some(a) = answer {
                    names.start(a.from);
                }
            }
        }
        if answers.iter().all(Option::is_some) {
            return Ok(Some(answers));
        }
        if live::interrupted() {
            return Ok(None);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Some(answers));
        }
        let waiting: Vec<RawFd> = probes
            .iter()
            .zip(&answers)
            .filter(|(_, a)| a.is_none())
            .map(|(p, _)| p.socket.as_raw_fd())
            .collect();
        ffi::wait_any_readable(&waiting, slice_ms(left)).map_err(os_error)?;
    }
}

/// Waits for the answers to the echo requests `sequences` on a raw socket.
fn wait_raw(
    socket: &Socket,
    target: IpAddr,
    ident: u16,
    sequences: &[(u16, Instant)],
    timeout: Duration,
    names: &mut NameLookups,
) -> CommandResult<Option<Vec<Option<Answer>>>> {
    let mut answers: Vec<Option<Answer>> = vec![None; sequences.len()];
    let deadline = sequences.last().map_or_else(Instant::now, |s| s.1) + live::cap_wait(timeout);
    let mut buf = [0u8; 1500];
    loop {
        while let Ok((n, from)) = ffi::receive_from(socket, &mut buf, libc::MSG_DONTWAIT) {
            let Some(from) = from.as_socket().map(|a| a.ip()) else {
                continue;
            };
            let Some((seq, verdict)) = read_raw_icmp(&buf[..n], target, ident) else {
                continue;
            };
            let slot = sequences.iter().position(|(s, _)| *s == seq);
            if let Some(i) = slot.filter(|i| answers[*i].is_none()) {
                answers[i] = Some(Answer {
                    from,
                    rtt: sequences[i].1.elapsed(),
                    verdict,
                });
                names.start(from);
            }
        }
        if answers.iter().all(Option::is_some) {
            return Ok(Some(answers));
        }
        if live::interrupted() {
            return Ok(None);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Some(answers));
        }
        ffi::wait_any_readable(&[socket.as_raw_fd()], slice_ms(left)).map_err(os_error)?;
    }
}

fn slice_ms(left: Duration) -> i32 {
    left.min(WAIT_SLICE).as_millis().max(1) as i32
}

/// What a raw ICMP socket read says about one of our echo requests: its
/// sequence number and verdict. An IPv4 raw socket gives the IP header first;
/// an error quotes the request's IP header and first 8 bytes. Anything not
/// about a request of ours to `target` (identifier `ident`) is `None`.
pub fn read_raw_icmp(packet: &[u8], target: IpAddr, ident: u16) -> Option<(u16, Verdict)> {
    let ipv6 = target.is_ipv6();
    let icmp = if ipv6 {
        packet
    } else {
        packet.get(usize::from(packet.first()? & 0x0f) * 4..)?
    };
    let (kind, code) = (*icmp.first()?, *icmp.get(1)?);
    let verdict = verdict(ipv6, kind, code)?;
    let echo_reply = if ipv6 { 129 } else { 0 };
    let echo = if kind == echo_reply {
        icmp
    } else {
        let quoted = icmp.get(8..)?;
        let (header, destination) = if ipv6 {
            let to: [u8; 16] = quoted.get(24..40)?.try_into().ok()?;
            (40, IpAddr::from(to))
        } else {
            let to: [u8; 4] = quoted.get(16..20)?.try_into().ok()?;
            (usize::from(quoted.first()? & 0x0f) * 4, IpAddr::from(to))
        };
        let echo = quoted.get(header..)?;
        let request = if ipv6 { 128 } else { 8 };
        if destination != target || echo.first() != Some(&request) {
            return None;
        }
        echo
    };
    let id = u16::from_be_bytes([*echo.get(4)?, *echo.get(5)?]);
    let seq = u16::from_be_bytes([*echo.get(6)?, *echo.get(7)?]);
    (id == ident).then_some((seq, verdict))
}

/// An ICMP error read from a socket's error queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuedError {
    /// `SO_EE_ORIGIN_ICMP`, `SO_EE_ORIGIN_ICMP6`, or local (`SO_EE_ORIGIN_LOCAL`).
    pub origin: u8,
    pub kind: u8,
    pub code: u8,
    pub errno: u32,
    /// Who sent it (`SO_EE_OFFENDER`): the router or the host.
    pub offender: Option<IpAddr>,
}

/// Decodes an `IP_RECVERR`/`IPV6_RECVERR` control message: a `struct
/// sock_extended_err` (errno, origin, type, code, pad, info, data) and the
/// offender's `sockaddr_in` or `sockaddr_in6` right after it. Other control
/// messages are `None`.
pub fn decode_queued_error(message: &ffi::ControlMessage) -> Option<QueuedError> {
    let ours = (message.level == libc::IPPROTO_IP && message.kind == libc::IP_RECVERR)
        || (message.level == libc::IPPROTO_IPV6 && message.kind == libc::IPV6_RECVERR);
    if !ours {
        return None;
    }
    let data = &message.data;
    let errno = u32::from_ne_bytes(data.get(0..4)?.try_into().ok()?);
    let (origin, kind, code) = (*data.get(4)?, *data.get(5)?, *data.get(6)?);
    let offender = data.get(16..).and_then(decode_socket_address);
    Some(QueuedError {
        origin,
        kind,
        code,
        errno,
        offender,
    })
}

/// A `sockaddr_in` or `sockaddr_in6` as bytes (family in host order).
fn decode_socket_address(bytes: &[u8]) -> Option<IpAddr> {
    let family = i32::from(u16::from_ne_bytes(bytes.get(0..2)?.try_into().ok()?));
    match family {
        libc::AF_INET => {
            let address: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
            Some(IpAddr::from(address))
        }
        libc::AF_INET6 => {
            let address: [u8; 16] = bytes.get(8..24)?.try_into().ok()?;
            Some(IpAddr::from(address))
        }
        _ => None,
    }
}

/// Reverse look-ups started as addresses answer, each on a thread of its own
/// so they run together; a hop's line waits for its names up to NAME_WAIT
/// after each look-up began (SLOW_NAME_WAIT once one was missed), and a
/// look-up that hangs is left behind.
struct NameLookups {
    enabled: bool,
    missed_one: bool,
    started: HashMap<IpAddr, Instant>,
    known: HashMap<IpAddr, Option<String>>,
    sender: mpsc::Sender<(IpAddr, Option<String>)>,
    results: mpsc::Receiver<(IpAddr, Option<String>)>,
}

impl NameLookups {
    fn new(enabled: bool) -> NameLookups {
        let (sender, results) = mpsc::channel();
        NameLookups {
            enabled,
            missed_one: false,
            started: HashMap::new(),
            known: HashMap::new(),
            sender,
            results,
        }
    }

    fn start(&mut self, address: IpAddr) {
        if !self.enabled
            || self.started.contains_key(&address)
            || self.started.len() >= MAX_NAME_LOOKUPS
        {
            return;
        }
        self.started.insert(address, Instant::now());
        let sender = self.sender.clone();
        let spawned = std::thread::Builder::new()
            .name("netrepl-trace-name".into())
            .spawn(move || {
                let name = ffi::host_by_addr(address).ok().map(|e| e.name);
                let _ = sender.send((address, name));
            });
        if spawned.is_err() {
            self.known.insert(address, None);
        }
    }

    /// The names of `addresses` that are back by their deadline.
    fn wait_for(&mut self, addresses: &[IpAddr]) -> HashMap<IpAddr, String> {
        for &address in addresses {
            self.start(address);
        }
        let wait = if self.missed_one {
            SLOW_NAME_WAIT
        } else {
            NAME_WAIT
        };
        let deadline = addresses
            .iter()
            .filter_map(|a| self.started.get(a))
            .max()
            .map(|started| *started + live::cap_wait(wait));
        while let Some(deadline) = deadline {
            if addresses
                .iter()
                .all(|a| self.known.contains_key(a) || !self.started.contains_key(a))
                || live::interrupted()
            {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.missed_one = true;
                break;
            }
            if let Ok((address, name)) = self.results.recv_timeout(left.min(WAIT_SLICE)) {
                self.known.insert(address, name);
            }
        }
        addresses
            .iter()
            .filter_map(|a| Some((*a, self.known.get(a)?.clone()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `sock_extended_err` and its offender, as the kernel lays them out.
    fn extended_error(origin: u8, kind: u8, code: u8, offender: IpAddr) -> Vec<u8> {
        let mut bytes = (libc::EHOSTUNREACH as u32).to_ne_bytes().to_vec();
        bytes.extend([origin, kind, code, 0]);
        bytes.extend([0u8; 8]);
        match offender {
            IpAddr::V4(v4) => {
                bytes.extend((libc::AF_INET as u16).to_ne_bytes());
                bytes.extend([0, 0]);
                bytes.extend(v4.octets());
                bytes.extend([0u8; 8]);
            }
            IpAddr::V6(v6) => {
                bytes.extend((libc::AF_INET6 as u16).to_ne_bytes());
                bytes.extend([0u8; 6]);
                bytes.extend(v6.octets());
                bytes.extend([0u8; 4]);
            }
        }
        bytes
    }

    #[test]
    fn a_routers_time_exceeded_decodes_with_its_address() {
        let router: IpAddr = "10.1.2.3".parse().unwrap();
        let message = ffi::ControlMessage {
            level: libc::IPPROTO_IP,
            kind: libc::IP_RECVERR,
            data: extended_error(libc::SO_EE_ORIGIN_ICMP, 11, 0, router),
        };
        let error = decode_queued_error(&message).unwrap();
        assert_eq!(error.offender, Some(router));
        assert_eq!(error.errno, libc::EHOSTUNREACH as u32);
        assert_eq!(
            verdict(false, error.kind, error.code),
            Some(Verdict::TimeExceeded)
        );
    }

    #[test]
    fn an_ipv6_port_unreachable_is_the_destination() {
        let host: IpAddr = "fd00::2".parse().unwrap();
        let message = ffi::ControlMessage {
            level: libc::IPPROTO_IPV6,
            kind: libc::IPV6_RECVERR,
            data: extended_error(libc::SO_EE_ORIGIN_ICMP6, 1, 4, host),
        };
        let error = decode_queued_error(&message).unwrap();
        assert_eq!(error.offender, Some(host));
        assert_eq!(error.origin, libc::SO_EE_ORIGIN_ICMP6);
        assert_eq!(
            verdict(true, error.kind, error.code),
            Some(Verdict::Reached)
        );
    }

    #[test]
    fn other_and_short_control_messages_are_not_errors() {
        let timestamp = ffi::ControlMessage {
            level: libc::SOL_SOCKET,
            kind: libc::SO_TIMESTAMP,
            data: vec![0; 16],
        };
        assert_eq!(decode_queued_error(&timestamp), None);
        let short = ffi::ControlMessage {
            level: libc::IPPROTO_IP,
            kind: libc::IP_RECVERR,
            data: vec![0; 5],
        };
        assert_eq!(decode_queued_error(&short), None);
        let mut no_offender = extended_error(2, 11, 0, "10.0.0.1".parse().unwrap());
        no_offender.truncate(16);
        let message = ffi::ControlMessage {
            level: libc::IPPROTO_IP,
            kind: libc::IP_RECVERR,
            data: no_offender,
        };
        assert_eq!(decode_queued_error(&message).unwrap().offender, None);
    }

    #[test]
    fn unreachables_get_traceroutes_marks() {
        let mark = |v6, kind, code| match verdict(v6, kind, code) {
            Some(Verdict::Unreachable(m)) => m.text(),
            other => format!("{other:?}"),
        };
        assert_eq!(mark(false, 3, 1), "!H");
        assert_eq!(mark(false, 3, 0), "!N");
        assert_eq!(mark(false, 3, 2), "!P");
        assert_eq!(mark(false, 3, 13), "!X");
        assert_eq!(mark(true, 1, 1), "!X");
        assert_eq!(mark(true, 1, 3), "!H");
        assert_eq!(mark(false, 3, 12), "!<12>");
        assert_eq!(verdict(false, 8, 0), None, "a request is no answer");
    }

    #[test]
    fn a_raw_time_exceeded_quoting_our_request_is_matched_by_sequence() {
        let target: IpAddr = "10.9.0.2".parse().unwrap();
        let request = echo_request(false, 0x1234, 7);
        let mut quoted_ip = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0];
        quoted_ip.extend([10, 9, 0, 1]);
        quoted_ip.extend([10, 9, 0, 2]);
        let mut packet = vec![0x45; 1];
        packet.extend([0u8; 19]);
        packet.extend([11, 0, 0, 0, 0, 0, 0, 0]);
        packet.extend(&quoted_ip);
        packet.extend(&request[..8]);
        assert_eq!(
            read_raw_icmp(&packet, target, 0x1234),
            Some((7, Verdict::TimeExceeded))
        );
        assert_eq!(
            read_raw_icmp(&packet, target, 0x4321),
            None,
            "not our identifier"
        );
        let elsewhere: IpAddr = "10.9.0.3".parse().unwrap();
        assert_eq!(read_raw_icmp(&packet, elsewhere, 0x1234), None);
        assert_eq!(read_raw_icmp(&packet[..30], target, 0x1234), None);
    }

    #[test]
    fn echo_requests_carry_a_valid_checksum() {
        let packet = echo_request(false, 1, 2);
        assert_eq!(internet_checksum(&packet), 0);
        assert_eq!(packet.len(), 8 + PAYLOAD);
    }

    #[test]
    fn probe_ports_rise_and_wrap() {
        assert_eq!(probe_port(33434, 0), 33434);
        assert_eq!(probe_port(33434, 5), 33439);
        assert_eq!(probe_port(65535, 1), 1);
    }

    #[test]
    fn the_summary_says_how_the_trace_ended_counting_by_ttl() {
        let host: IpAddr = "10.0.0.9".parse().unwrap();
        let hop = |ttl, verdict| Hop {
            ttl,
            probes: vec![Some(Answer {
                from: host,
                rtt: Duration::from_millis(1),
                verdict,
            })],
            names: HashMap::new(),
        };
        let mut report = TraceReport {
            host: "h".into(),
            address: host,
            hops: vec![hop(3, Verdict::Reached)],
            max_hops: 1,
            interrupted: false,
        };
        assert_eq!(report.summary(), "reached 10.0.0.9 in 3 hops");
        report.hops = vec![hop(1, Verdict::Unreachable(Mark::NetUnreachable))];
        assert_eq!(report.summary(), "10.0.0.9 is unreachable (1 hop)");
        report.hops = vec![hop(1, Verdict::TimeExceeded)];
        assert_eq!(report.summary(), "10.0.0.9 not reached within 1 hop");
        report.interrupted = true;
        assert_eq!(report.summary(), "interrupted after 1 hop");
    }

    #[test]
    fn hop_lines_read_like_traceroute8() {
        let router: IpAddr = "10.0.0.1".parse().unwrap();
        let answer = |ms: u64, verdict| {
            Some(Answer {
                from: router,
                rtt: Duration::from_millis(ms),
                verdict,
            })
        };
        let hop = Hop {
            ttl: 1,
            probes: vec![
                answer(1, Verdict::TimeExceeded),
                None,
                answer(2, Verdict::Unreachable(Mark::HostUnreachable)),
            ],
            names: HashMap::from([(router, "gw.lab".to_string())]),
        };
        assert_eq!(
            hop.line(true),
            " 1  gw.lab (10.0.0.1)  1.000 ms *  2.000 ms !H"
        );
        assert_eq!(hop.line(false), " 1  10.0.0.1  1.000 ms *  2.000 ms !H");
        let silent = Hop {
            ttl: 12,
            probes: vec![None, None, None],
            names: HashMap::new(),
        };
        assert_eq!(silent.line(true), "12  * * *");
    }
}
