//! One DNS query, as `dig` makes it: the message built with hickory-proto,
//! sent over a UDP socket of netrepl's own (TCP when asked, or when the UDP
//! answer came back truncated), and the reply checked against the question.
//! Waits are bounded (5 s by default) and Ctrl-C ends them.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::str::FromStr;
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, MessageType, Query};
use hickory_proto::rr::{Name, RecordType};

use crate::net::{ffi, live};
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::interrupt;

/// How long a query waits for its reply.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// The resolver configuration the default server comes from.
pub const RESOLV_CONF: &str = "/etc/resolv.conf";
/// The record types `dig` asks for, in the order its errors list them.
pub const KNOWN_TYPES: [&str; 10] = [
    "A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "TXT", "SRV", "ANY",
];
/// A DNS message over TCP is at most this long (its length is 16 bits).
const MAX_TCP_MESSAGE: usize = 65_535;
/// Replies with a wrong id or question that are ignored before giving up:
/// a flood of strays must not keep the query waiting forever.
const MAX_STRAY_REPLIES: usize = 64;
/// How often a wait looks for Ctrl-C.
const POLL_SLICE_MS: i32 = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
        }
    }
}

/// What to ask and whom.
#[derive(Clone, Debug)]
pub struct Question {
    pub name: Name,
    pub record_type: RecordType,
    pub server: SocketAddr,
    /// Use TCP from the start.
    pub tcp: bool,
    pub timeout: Duration,
}

/// A query and its reply, with what they cost.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub query: Message,
    pub query_bytes: Vec<u8>,
    pub reply: Message,
    pub reply_bytes: Vec<u8>,
    pub server: SocketAddr,
    /// The transport the reply came over.
    pub transport: Transport,
    /// Whether a UDP reply came back truncated (TC) and TCP was used after it.
    pub retried_over_tcp: bool,
    /// From sending the (last) query to having its reply.
    pub elapsed: Duration,
}

/// A record type by its name (`a`, `AAAA`, `ptr`), one of [`KNOWN_TYPES`].
pub fn parse_record_type(text: &str) -> CommandResult<RecordType> {
    let upper = text.to_ascii_uppercase();
    KNOWN_TYPES
        .contains(&upper.as_str())
        .then(|| RecordType::from_str(&upper).ok())
        .flatten()
        .ok_or_else(|| {
            CommandError::value_error(format!(
                "unknown record type '{text}': dig knows {}",
                KNOWN_TYPES.join(", ")
            ))
        })
}

/// A name to ask about, made absolute (`www.lab` -> `www.lab.`).
pub fn parse_name(text: &str) -> CommandResult<Name> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(CommandError::value_error("dig needs a name to look up"));
    }
    let mut name = Name::from_utf8(trimmed).map_err(|e| {
        // A pasted megabyte is not echoed back whole.
        let shown: String = match trimmed.char_indices().nth(60) {
            Some((end, _)) => format!("{}...", &trimmed[..end]),
            None => trimmed.to_string(),
        };
        CommandError::value_error(format!("'{shown}' is not a DNS name: {e}"))
            .explain("A DNS name is labels of at most 63 characters joined by dots, 253 in all.")
    })?;
    name.set_fqdn(true);
    Ok(name)
}

/// The name a PTR query for `ip` asks about, as `dig -x` makes it:
/// `10.77.0.10` -> `10.0.77.10.in-addr.arpa.`, IPv6 by nibbles under `ip6.arpa.`.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(v6) => {
            let mut name = String::with_capacity(73);
            for byte in v6.octets().iter().rev() {
                name.push_str(&format!("{:x}.{:x}.", byte & 0xf, byte >> 4));
            }
            name.push_str("ip6.arpa.");
            name
        }
    }
}

/// The first `nameserver` in resolv.conf's text, on port 53.
pub fn first_nameserver(resolv_conf: &str) -> Option<SocketAddr> {
    resolv_conf.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        if words.next()? != "nameserver" {
            return None;
        }
        // A scope (`fe80::1%eth0`) is dropped: link-local servers are rare and not the lab's.
        let address = words.next()?.split('%').next()?;
        address
            .parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, 53))
    })
}

/// The system's first resolver, from /etc/resolv.conf.
pub fn default_server() -> CommandResult<SocketAddr> {
    let text = std::fs::read_to_string(RESOLV_CONF).map_err(|e| {
        CommandError::os_error(format!("cannot read {RESOLV_CONF}: {e}"))
            .explain("dig asks the system's resolver unless given server=ADDR.")
    })?;
    first_nameserver(&text).ok_or_else(|| {
        CommandError::os_error(format!("no nameserver in {RESOLV_CONF}"))
            .explain("This system has no DNS server configured; give one with server=ADDR.")
    })
}

/// Sends the question and waits for its reply; TCP after a truncated UDP reply.
pub fn ask(question: &Question) -> CommandResult<Exchange> {
    crate::net::lab::guard::refuse_query_outside_lab(
        &question.name.to_string(),
        question.server.ip(),
    )?;
    let mut query = Message::query();
    query.metadata.recursion_desired = true;
    query.add_query(Query::query(question.name.clone(), question.record_type));
    let query_bytes = query
        .to_vec()
        .map_err(|e| CommandError::value_error(format!("cannot build the query: {e}")))?;
    let timeout = live::cap_wait(question.timeout);
    if question.tcp {
        return exchange_tcp(question, query, query_bytes, timeout, false);
    }
    let started = Instant::now();
    let (reply, reply_bytes) = send_udp(question, &query, &query_bytes, timeout)?;
    let elapsed = started.elapsed();
    if reply.metadata.truncation {
        return exchange_tcp(question, query, query_bytes, timeout, true);
    }
    Ok(Exchange {
        query,
        query_bytes,
        reply,
        reply_bytes,
        server: question.server,
        transport: Transport::Udp,
        retried_over_tcp: false,
        elapsed,
    })
}

fn exchange_tcp(
    question: &Question,
    query: Message,
    query_bytes: Vec<u8>,
    timeout: Duration,
    retried_over_tcp: bool,
) -> CommandResult<Exchange> {
    let started = Instant::now();
    let (reply, reply_bytes) = send_tcp(question, &query, &query_bytes, timeout)?;
    Ok(Exchange {
        query,
        query_bytes,
        reply,
        reply_bytes,
        server: question.server,
        transport: Transport::Tcp,
        retried_over_tcp,
        elapsed: started.elapsed(),
    })
}

fn send_udp(
    question: &Question,
    query: &Message,
    bytes: &[u8],
    timeout: Duration,
) -> CommandResult<(Message, Vec<u8>)> {
    let server = question.server;
    let local: SocketAddr = match server {
        SocketAddr::V4(_) => (std::net::Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local).map_err(io_error)?;
    // Connected, so the kernel drops replies from elsewhere and reports an
    // ICMP port unreachable as ECONNREFUSED.
    socket.connect(server).map_err(io_error)?;
    socket.send(bytes).map_err(io_error)?;
    let deadline = Deadline::after(timeout);
    let mut buffer = vec![0u8; MAX_TCP_MESSAGE];
    let mut strays = 0;
    loop {
        wait(socket.as_raw_fd(), deadline, server, ffi::wait_readable)?;
        let got = match socket.recv(&mut buffer) {
            Ok(got) => got,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(refused_or(e, server, Transport::Udp)),
        };
        let reply_bytes = buffer[..got].to_vec();
        match check_reply(query, &reply_bytes) {
            Ok(reply) => return Ok((reply, reply_bytes)),
            Err(_) if strays < MAX_STRAY_REPLIES => strays += 1,
            Err(why) => return Err(CommandError::os_error(why)),
        }
    }
}

fn send_tcp(
    question: &Question,
    query: &Message,
    bytes: &[u8],
    timeout: Duration,
) -> CommandResult<(Message, Vec<u8>)> {
    let server = question.server;
    let deadline = Deadline::after(timeout);
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(server),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )
    .map_err(io_error)?;
    socket.set_nonblocking(true).map_err(io_error)?;
    match socket.connect(&server.into()) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {
            wait(socket.as_raw_fd(), deadline, server, ffi::wait_writable)?;
            if let Some(e) = socket.take_error().map_err(io_error)? {
                return Err(refused_or(e, server, Transport::Tcp));
            }
        }
        Err(e) => return Err(refused_or(e, server, Transport::Tcp)),
    }
    let mut stream: TcpStream = socket.into();
    let length = u16::try_from(bytes.len())
        .map_err(|_| CommandError::value_error("the query is too long for TCP"))?;
    let mut framed = length.to_be_bytes().to_vec();
    framed.extend_from_slice(bytes);
    write_all(&mut stream, &framed, deadline, server)?;
    let mut length = [0u8; 2];
    read_exact(&mut stream, &mut length, deadline, server)?;
    let mut reply_bytes = vec![0u8; usize::from(u16::from_be_bytes(length))];
    read_exact(&mut stream, &mut reply_bytes, deadline, server)?;
    let reply = check_reply(query, &reply_bytes).map_err(CommandError::os_error)?;
    Ok((reply, reply_bytes))
}

fn write_all(
    stream: &mut TcpStream,
    mut bytes: &[u8],
    deadline: Deadline,
    server: SocketAddr,
) -> CommandResult<()> {
    while !bytes.is_empty() {
        match stream.write(bytes) {
            Ok(0) => return Err(closed_early(server)),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait(stream.as_raw_fd(), deadline, server, ffi::wait_writable)?;
            }
            Err(e) => return Err(refused_or(e, server, Transport::Tcp)),
        }
    }
    Ok(())
}

fn read_exact(
    stream: &mut TcpStream,
    mut buffer: &mut [u8],
    deadline: Deadline,
    server: SocketAddr,
) -> CommandResult<()> {
    while !buffer.is_empty() {
        match stream.read(buffer) {
            Ok(0) => return Err(closed_early(server)),
            Ok(n) => buffer = &mut buffer[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait(stream.as_raw_fd(), deadline, server, ffi::wait_readable)?;
            }
            Err(e) => return Err(refused_or(e, server, Transport::Tcp)),
        }
    }
    Ok(())
}

/// When a query gives up, and how long it was given (for the message).
#[derive(Clone, Copy)]
struct Deadline {
    at: Instant,
    allowed: Duration,
}

impl Deadline {
    fn after(allowed: Duration) -> Deadline {
        Deadline {
            at: Instant::now() + allowed,
            allowed,
        }
    }
}

/// Waits for the socket in short slices, so Ctrl-C and the deadline end it.
fn wait(
    fd: std::os::fd::RawFd,
    deadline: Deadline,
    server: SocketAddr,
    ready: fn(std::os::fd::RawFd, i32) -> std::io::Result<bool>,
) -> CommandResult<()> {
    loop {
        if interrupt::pressed() {
            return Err(interrupt::keyboard_interrupt());
        }
        let left = deadline.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out(server, deadline.allowed));
        }
        let slice = i32::try_from(left.as_millis())
            .unwrap_or(i32::MAX)
            .clamp(1, POLL_SLICE_MS);
        if ready(fd, slice).map_err(io_error)? {
            return Ok(());
        }
    }
}

/// The reply parsed, if it answers this query: a response with its id and question.
fn check_reply(query: &Message, bytes: &[u8]) -> Result<Message, String> {
    let reply =
        Message::from_vec(bytes).map_err(|e| format!("the reply is not a DNS message: {e}"))?;
    if reply.metadata.message_type != MessageType::Response {
        return Err("the reply is a query, not a response".into());
    }
    if reply.metadata.id != query.metadata.id {
        return Err(format!(
            "the reply's id {} is not the query's {}",
            reply.metadata.id, query.metadata.id
        ));
    }
    // A server may leave the question out of an error reply (FORMERR, REFUSED).
    if !reply.queries.is_empty() && reply.queries != query.queries {
        return Err("the reply answers another question".into());
    }
    Ok(reply)
}

fn timed_out(server: SocketAddr, allowed: Duration) -> CommandError {
    CommandError::new(PyException::TimeoutError, "timed out").explain(format!(
        "No answer from {} within {} s: is a DNS server running there?",
        show_server(server),
        (allowed.as_secs_f64() * 10.0).round() / 10.0
    ))
}

fn closed_early(server: SocketAddr) -> CommandError {
    CommandError::from_errno(libc::ECONNRESET).explain(format!(
        "{} closed the TCP connection before its answer was complete.",
        show_server(server)
    ))
}

fn refused_or(error: std::io::Error, server: SocketAddr, transport: Transport) -> CommandError {
    let converted = io_error(error);
    if converted.errno == Some(libc::ECONNREFUSED) {
        let how = match transport {
            Transport::Udp => "answered with ICMP port unreachable",
            Transport::Tcp => "refused the TCP connection",
        };
        return converted.explain(format!(
            "{} {how}: nothing listens on that port.",
            show_server(server)
        ));
    }
    converted
}

fn io_error(error: std::io::Error) -> CommandError {
    match error.raw_os_error() {
        Some(errno) => CommandError::from_errno(errno),
        None => CommandError::os_error(error.to_string()),
    }
}

/// `10.77.0.2#53`, as dig writes a server.
pub fn show_server(server: SocketAddr) -> String {
    format!("{}#{}", server.ip(), server.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names_are_those_of_dig_x() {
        assert_eq!(
            reverse_name("10.77.0.10".parse().unwrap()),
            "10.0.77.10.in-addr.arpa."
        );
        assert_eq!(
            reverse_name("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        );
    }

    #[test]
    fn the_first_nameserver_is_the_default() {
        let conf = "# comment\nsearch lab\nnameserver 127.0.0.53\nnameserver 10.0.0.1\n";
        assert_eq!(
            first_nameserver(conf),
            Some("127.0.0.53:53".parse().unwrap())
        );
        assert_eq!(
            first_nameserver("nameserver fe80::1%eth0"),
            Some("[fe80::1]:53".parse().unwrap())
        );
        assert_eq!(first_nameserver("search lab\n"), None);
    }

    #[test]
    fn record_types_are_checked_by_name() {
        assert_eq!(parse_record_type("aaaa").unwrap(), RecordType::AAAA);
        let error = parse_record_type("AXFR").unwrap_err();
        assert_eq!(error.exception, PyException::ValueError);
        assert!(
            error.message.contains("A, AAAA, CNAME"),
            "{}",
            error.message
        );
    }

    /// A loopback responder that first sends a reply with the wrong id, then
    /// one for another question, then the right one.
    #[test]
    fn strays_with_a_wrong_id_or_question_are_skipped() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let address = server.local_addr().unwrap();
        let responder = std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            let (n, peer) = server.recv_from(&mut buf).unwrap();
            let query = Message::from_vec(&buf[..n]).unwrap();
            let mut wrong_id = query.clone().into_response();
            wrong_id.metadata.id = query.metadata.id.wrapping_add(1);
            let mut other = query.clone().into_response();
            other.queries = vec![Query::query(
                Name::from_ascii("other.lab.").unwrap(),
                RecordType::A,
            )];
            let mut right = query.clone().into_response();
            right.metadata.authoritative = true;
            for reply in [wrong_id, other, right] {
                server.send_to(&reply.to_vec().unwrap(), peer).unwrap();
            }
        });
        let exchange = ask(&Question {
            name: parse_name("www.lab").unwrap(),
            record_type: RecordType::A,
            server: address,
            tcp: false,
            timeout: Duration::from_secs(2),
        })
        .unwrap();
        responder.join().unwrap();
        assert!(exchange.reply.metadata.authoritative);
        assert_eq!(exchange.reply.metadata.id, exchange.query.metadata.id);
        assert_eq!(exchange.transport, Transport::Udp);
    }

    #[test]
    fn names_are_made_absolute_and_checked() {
        assert_eq!(parse_name("www.lab").unwrap().to_string(), "www.lab.");
        assert!(parse_name("").is_err());
        assert!(parse_name(&"a".repeat(64)).is_err());
    }
}
