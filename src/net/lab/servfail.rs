//! `lab dns servfail`: what a DNS server that is up but cannot answer looks
//! like, such as a resolver whose own upstream is broken. `netrepl serve-silent
//! --servfail` answers every query, over UDP and TCP, at once with rcode
//! SERVFAIL and nothing else, so dig shows `status: SERVFAIL` and glibc, which
//! takes SERVFAIL as "try again later", fails with EAI_AGAIN without waiting.

use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, Metadata, ResponseCode};

/// Larger than any query a resolver sends over UDP.
const MAX_UDP_QUERY: usize = 4096;
/// How long a TCP client may stay silent before we hang up.
const TCP_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Queries answered on one TCP connection before we hang up.
const MAX_QUERIES_PER_CONNECTION: usize = 64;
/// TCP connections served at once; more are closed at once.
const MAX_CONNECTIONS: usize = 32;

/// The SERVFAIL reply to the DNS message `query`: the same id, opcode and
/// question, RD and CD copied, RA set (we play a recursive resolver), no
/// records. `None` for bytes that are not a DNS query (including replies, so
/// two such servers never answer each other).
pub fn servfail_reply(query: &[u8]) -> Option<Vec<u8>> {
    let query = Message::from_vec(query).ok()?;
    if query.metadata.message_type != MessageType::Query {
        return None;
    }
    let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
    reply.metadata = Metadata::response_from_request(&query.metadata);
    reply.metadata.recursion_available = true;
    reply.metadata.response_code = ResponseCode::ServFail;
    reply.queries = query.queries;
    reply.to_vec().ok()
}

/// Binds UDP and TCP on each of `addresses`, says `serving SERVFAIL on ...`,
/// and answers every query with SERVFAIL until SIGTERM or SIGINT.
pub fn serve_servfail(addresses: &[SocketAddr]) -> io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    // Caught before the line is printed: whoever reads it may signal at once.
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
    let mut bound = Vec::new();
    for &address in addresses {
        let udp = UdpSocket::bind(address)?;
        // TCP takes the port UDP got, so port 0 gives one port for both.
        let local = udp.local_addr()?;
        let tcp = TcpListener::bind(local)?;
        bound.push((local, udp, tcp));
    }
    let connections = Arc::new(AtomicUsize::new(0));
    let mut shown = Vec::new();
    for (local, udp, tcp) in bound {
        shown.push(local.to_string());
        thread::spawn(move || answer_udp(&udp));
        let connections = Arc::clone(&connections);
        thread::spawn(move || accept_tcp(&tcp, &connections));
    }
    let mut out = io::stdout();
    let _ = writeln!(out, "serving SERVFAIL on {}", shown.join(" "));
    let _ = out.flush();
    // The answering threads end with the process.
    let _ = signals.forever().next();
    Ok(())
}

fn answer_udp(socket: &UdpSocket) {
    let mut buffer = [0u8; MAX_UDP_QUERY];
    loop {
        let Ok((length, peer)) = socket.recv_from(&mut buffer) else {
            // An error that stays (none is expected) must not spin a core.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        if let Some(reply) = servfail_reply(&buffer[..length]) {
            let _ = socket.send_to(&reply, peer);
        }
    }
}

fn accept_tcp(listener: &TcpListener, connections: &Arc<AtomicUsize>) {
    for stream in listener.incoming().filter_map(Result::ok) {
        if connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            connections.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let connections = Arc::clone(connections);
        thread::spawn(move || {
            let _ = answer_tcp(stream);
            connections.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// DNS over TCP: each message has a two-byte length in front.
fn answer_tcp(mut stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(TCP_IDLE_TIMEOUT))?;
    stream.set_write_timeout(Some(TCP_IDLE_TIMEOUT))?;
    for _ in 0..MAX_QUERIES_PER_CONNECTION {
        let mut length = [0u8; 2];
        stream.read_exact(&mut length)?;
        let mut query = vec![0u8; usize::from(u16::from_be_bytes(length))];
        stream.read_exact(&mut query)?;
        let Some(reply) = servfail_reply(&query) else {
            return Ok(());
        };
        let Ok(reply_length) = u16::try_from(reply.len()) else {
            return Ok(());
        };
        stream.write_all(&reply_length.to_be_bytes())?;
        stream.write_all(&reply)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::{OpCode, Query};
    use hickory_proto::rr::{Name, RecordType};

    fn query_for(name: &str, id: u16, recursion_desired: bool) -> Message {
        let mut query = Message::new(id, MessageType::Query, OpCode::Query);
        query.metadata.recursion_desired = recursion_desired;
        query.add_query(Query::query(Name::from_ascii(name).unwrap(), RecordType::A));
        query
    }

    #[test]
    fn the_reply_is_servfail_for_the_same_id_and_question() {
        let query = query_for("alpha.lab.", 0x1234, true);
        let bytes = servfail_reply(&query.to_vec().unwrap()).expect("a reply");
        let reply = Message::from_vec(&bytes).unwrap();
        assert_eq!(reply.metadata.id, 0x1234);
        assert_eq!(reply.metadata.message_type, MessageType::Response);
        assert_eq!(reply.metadata.response_code, ResponseCode::ServFail);
        assert!(reply.metadata.recursion_desired);
        assert!(reply.metadata.recursion_available);
        assert!(!reply.metadata.authoritative);
        assert_eq!(reply.queries, query.queries);
        assert!(reply.answers.is_empty() && reply.authorities.is_empty());
    }

    #[test]
    fn recursion_desired_is_copied_not_invented() {
        let query = query_for("www.lab.", 7, false);
        let bytes = servfail_reply(&query.to_vec().unwrap()).unwrap();
        assert!(
            !Message::from_vec(&bytes)
                .unwrap()
                .metadata
                .recursion_desired
        );
    }

    #[test]
    fn replies_and_garbage_get_no_answer() {
        let mut response = query_for("alpha.lab.", 1, true);
        response.metadata.message_type = MessageType::Response;
        assert_eq!(servfail_reply(&response.to_vec().unwrap()), None);
        assert_eq!(servfail_reply(b"anyone?"), None);
        assert_eq!(servfail_reply(&[]), None);
    }
}
