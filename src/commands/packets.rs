//! `packets LINE`: runs a line of the session while capturing what it puts on
//! the wire, then lists the packets in tcpdump's words, with one of them
//! field by field (`detail=N`) or as bytes (`hex=N`) when asked.
//!
//! Running a line is the session's job (a layer above): the session hands a
//! runner down with the request ([`capture_line`]), so this file knows the
//! line only as text in and rendered text out.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::commands::context::{self, Format};
use crate::commands::output::{Output, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::commands::sockets::hexdump_text;
use crate::net::capture::decode::{self, Decoded, Node};
use crate::net::capture::describe;
use crate::net::capture::socket::{self as capture, Captured, Frame};
use crate::net::live;
use crate::net::sockets;
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

pub const NAME: &str = "packets";

/// What to capture around, and what to show of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    pub line: String,
    pub detail: Option<usize>,
    pub hex: Option<usize>,
    pub interface: Option<String>,
    /// The ends of sockets the line uses (`s` in `s.close()`), as the
    /// session found them before it ran; the sockets the line makes are
    /// added after.
    pub sockets: Vec<SocketAddr>,
}

/// Runs a line as the session would, giving back what it showed (the
/// result or the error, already rendered), if anything.
pub type LineRunner<'a> = &'a mut dyn FnMut(&str) -> Option<String>;

/// Set while a line runs under `packets`, so `packets packets ...` is refused.
static CAPTURING: AtomicBool = AtomicBool::new(false);

/// The request in a command-style line after the word `packets`: the line,
/// then any of `detail=N`, `hex=N`, `iface=NAME` at its end.
pub fn command_line_request(rest: &str) -> CommandResult<Request> {
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let mut request = Request::default();
    while let Some(last) = words.last() {
        let Some((key, value)) = last.split_once('=') else {
            break;
        };
        let number = || {
            value.parse::<usize>().map_err(|_| {
                CommandError::value_error(format!("{key}= takes a packet number, not '{value}'"))
            })
        };
        match key {
            "detail" => request.detail = Some(number()?),
            "hex" => request.hex = Some(number()?),
            "iface" => request.interface = Some(value.trim_matches(['\'', '"']).to_string()),
            _ => break,
        }
        words.pop();
    }
    request.line = words.join(" ");
    Ok(request)
}

/// The request in a Python-style call: `packets('ping 127.0.0.1', detail=1)`.
pub fn call_request(args: &Args) -> CommandResult<Request> {
    let number = |index: usize, name: &str| -> CommandResult<Option<usize>> {
        match args.get(index) {
            None | Some(Value::None) => Ok(None),
            Some(v) => v
                .as_int()
                .and_then(|n| usize::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| CommandError::type_error(format!("{name}= takes a packet number"))),
        }
    };
    Ok(Request {
        line: convert::text(args.get(0).unwrap_or(&Value::None), NAME, 1)?,
        detail: number(1, "detail")?,
        hex: number(2, "hex")?,
        interface: match args.get(3) {
            None | Some(Value::None) => None,
            Some(v) => Some(convert::text(v, NAME, 4)?),
        },
        sockets: Vec::new(),
    })
}

/// Captures while `run` runs the request's line, then lists what was seen.
pub fn capture_line(request: &Request, run: LineRunner) -> CommandResult<Output> {
    let line = request.line.trim();
    if line.is_empty() {
        return Err(CommandError::type_error("packets needs a line to run")
            .explain("Give it a command, as in: packets ping 127.0.0.1 count=1"));
    }
    if CAPTURING.load(Ordering::SeqCst) || first_word(line) == NAME {
        return Err(
            CommandError::value_error("packets cannot capture a line that runs packets")
                .explain("One capture at a time: give packets the inner line itself."),
        );
    }
    let before: Vec<u32> = sockets::open_sockets().iter().map(|d| d.id).collect();
    let running = capture::start(request.interface.as_deref())?;
    CAPTURING.store(true, Ordering::SeqCst);
    let shown = run(line);
    CAPTURING.store(false, Ordering::SeqCst);
    let captured = running.finish();
    if let Some(text) = shown {
        live::line(&text);
    }
    let mut ends = request.sockets.clone();
    for made in sockets::open_sockets()
        .into_iter()
        .filter(|d| !before.contains(&d.id))
    {
        ends.extend(socket_ends(made.id));
    }
    report(request, &ends, captured)
}

/// The local and remote addresses of one of the session's sockets.
pub fn socket_ends(id: u32) -> Vec<SocketAddr> {
    sockets::describe(id)
        .and_then(|d| d.open)
        .map(|open| {
            [open.local, open.peer]
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_socket())
                .collect()
        })
        .unwrap_or_default()
}

fn first_word(line: &str) -> &str {
    let end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    &line[..end]
}

/// The IP addresses written in the line: its traffic is what goes to or
/// comes from them.
fn addresses_in(line: &str) -> Vec<IpAddr> {
    let mut found: Vec<IpAddr> = line
        .split(|c: char| !(c.is_ascii_hexdigit() || c == '.' || c == ':'))
        .filter_map(|word| word.trim_matches('.').parse().ok())
        .collect();
    found.dedup();
    found
}

/// Whether a frame belongs to the line: to, from or about (ARP) one of its
/// addresses, or to or from a port of one of its sockets' ends (a socket
/// bound to every address matches by port alone).
fn belongs(decoded: &Decoded, addresses: &[IpAddr], ends: &[SocketAddr]) -> bool {
    if decoded.addresses.iter().any(|a| addresses.contains(a)) {
        return true;
    }
    let Some((source_port, destination_port)) = decoded.ports else {
        return false;
    };
    let sides = decoded
        .addresses
        .iter()
        .zip([source_port, destination_port]);
    sides.into_iter().any(|(address, port)| {
        ends.iter()
            .any(|end| end.port() == port && (end.ip() == *address || end.ip().is_unspecified()))
    })
}

fn report(request: &Request, ends: &[SocketAddr], captured: Captured) -> CommandResult<Output> {
    let addresses = addresses_in(&request.line);
    let everything = addresses.is_empty() && ends.is_empty();
    let mut kept: Vec<(Frame, Decoded)> = captured
        .frames
        .into_iter()
        .map(|frame| {
            let decoded = decode::decode(&frame.bytes);
            (frame, decoded)
        })
        .filter(|(_, decoded)| everything || belongs(decoded, &addresses, ends))
        .collect();
    kept.truncate(capture::MAX_PACKETS);
    let where_ = request
        .interface
        .as_deref()
        .map_or_else(|| "every interface".to_string(), |i| i.to_string());
    let mut wanted: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
    for end in ends {
        let text = end.to_string();
        if !wanted.contains(&text) {
            wanted.push(text);
        }
    }
    let filter = if everything {
        format!(
            "everything seen on {where_} while the line ran (no address or socket in the line to filter by)"
        )
    } else {
        format!("to or from {} on {where_}", wanted.join(", "))
    };
    let mut text = format!(
        "{} packet{} captured: {filter}",
        kept.len(),
        if kept.len() == 1 { "" } else { "s" }
    );
    if let Some(bound) = &captured.cut_short {
        text += &format!("\nThe capture stopped early at {bound}.");
    }
    if let Some(failure) = &captured.failure {
        text += &format!("\nThe capture stopped early: {failure}.");
    }
    let first = kept.first().map(|(f, _)| f.at).unwrap_or_default();
    for (index, (frame, decoded)) in kept.iter().enumerate() {
        text.push('\n');
        text += &describe::list_line(index + 1, frame.at.saturating_sub(first), frame, decoded);
    }
    let chosen = |n: Option<usize>, what: &str| -> CommandResult<Option<usize>> {
        match n {
            Some(n) if n == 0 || n > kept.len() => Err(CommandError::new(
                crate::python::error::PyException::IndexError,
                format!(
                    "{what}={n}: there is no packet {n} (the list has {})",
                    kept.len()
                ),
            )),
            other => Ok(other),
        }
    };
    let (detail, hex) = match (chosen(request.detail, "detail"), chosen(request.hex, "hex")) {
        (Ok(detail), Ok(hex)) => (detail, hex),
        (Err(e), _) | (_, Err(e)) => {
            // The line has run: its packets are shown before the error.
            live::line(&text);
            return Err(e);
        }
    };
    if let Some(n) = detail {
        let (frame, decoded) = &kept[n - 1];
        text += &format!("\n\n{}", describe::tree_text(n, frame, decoded));
    }
    if let Some(n) = hex {
        text += &format!(
            "\n\nPacket {n}, {} bytes:\n{}",
            kept[n - 1].0.bytes.len(),
            hexdump_text(&kept[n - 1].0.bytes)
        );
    }
    let values = kept
        .iter()
        .enumerate()
        .map(|(index, (frame, decoded))| {
            let number = index + 1;
            let mut entry = vec![
                ("number".to_string(), Value::Int(number as i128)),
                (
                    "time_ms".to_string(),
                    Value::Float(frame.at.saturating_sub(first).as_secs_f64() * 1000.0),
                ),
                ("interface".to_string(), Value::Str(frame.interface.clone())),
                (
                    "direction".to_string(),
                    Value::Str(if frame.outgoing { "out" } else { "in" }.into()),
                ),
                ("protocol".to_string(), Value::Str(decoded.protocol.clone())),
                ("src".to_string(), Value::Str(decoded.source.clone())),
                ("dst".to_string(), Value::Str(decoded.destination.clone())),
                ("summary".to_string(), Value::Str(decoded.summary.clone())),
                ("length".to_string(), Value::Int(frame.wire_length as i128)),
            ];
            if detail == Some(number) {
                entry.push(("detail".to_string(), layers_value(&decoded.layers)));
            }
            if hex == Some(number) {
                entry.push(("bytes".to_string(), Value::Bytes(frame.bytes.clone())));
            }
            Value::Dict(entry)
        })
        .collect();
    let value = Value::List(values);
    if context::format() == Format::Pretty {
        Ok(Output::with_view(value, View::Report { text, json: None }))
    } else {
        Ok(Output::plain(value))
    }
}

/// The tree as nested dicts: a layer is a dict of its fields.
fn layers_value(nodes: &[Node]) -> Value {
    Value::Dict(
        nodes
            .iter()
            .map(|node| {
                let value = if node.children.is_empty() {
                    Value::Str(node.value.clone())
                } else {
                    layers_value(&node.children)
                };
                (node.name.clone(), value)
            })
            .collect(),
    )
}

pub const PACKETS: Command = Command {
    name: NAME,
    params: &[
        Param::required("line", ArgKind::Text),
        Param::optional("detail", ArgKind::Integer),
        Param::optional("hex", ArgKind::Integer),
        Param::optional("iface", ArgKind::Text),
    ],
    style: CallStyle::Python,
    topic: Topic::Probing,
    python: None,
    summary: "Run a line and list the packets it put on the wire, like tcpdump",
    description: "Runs LINE as usual (packets ping 127.0.0.1 count=1) while capturing on every interface (or iface=NAME), loopback included, then lists each packet it sent or received in tcpdump's words: Ethernet, ARP, IPv4, IPv6, ICMP, ICMPv6, UDP, TCP with its flags, and DNS questions and answers. The list keeps packets to or from the addresses written in the line and the ports of the sockets it uses or makes; with neither it keeps everything seen while the line ran. detail=N shows packet N field by field, hex=N its bytes. The capture is bounded (1000 packets, 4 MiB, the line's time plus a few milliseconds) and needs root or CAP_NET_RAW.",
    network: true,
    examples: &[Example {
        input: "packets packets ping 127.0.0.1",
        output: "ValueError: packets cannot capture a line that runs packets",
    }],
    run: |_| {
        Err(CommandError::os_error("packets runs lines of a session")
            .explain("Type it at the netrepl prompt or give it with netrepl -c."))
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_come_off_the_end_of_the_line() {
        let request = command_line_request("ping 127.0.0.1 count=1 detail=2 iface=lo").unwrap();
        assert_eq!(request.line, "ping 127.0.0.1 count=1");
        assert_eq!(request.detail, Some(2));
        assert_eq!(request.interface.as_deref(), Some("lo"));
        assert!(command_line_request("ping x hex=two").is_err());
    }

    #[test]
    fn addresses_are_read_from_the_line() {
        assert_eq!(
            addresses_in("create_connection(('127.0.0.1', 7007))"),
            vec!["127.0.0.1".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(
            addresses_in("ping ::1 count=1"),
            vec!["::1".parse::<IpAddr>().unwrap()]
        );
        assert!(addresses_in("gethostbyname('x.test')").is_empty());
    }
}
