//! Live sockets at the prompt: making them (`socket`, `socketpair`,
//! `create_connection`, `create_server`), seeing them (`sockets`, `hexdump`),
//! and background practice servers (`serve`, `servers`, `stop`).

use std::fmt::Write;
use std::net::SocketAddr;

use crate::commands::output::{Output, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::commands::socket_address as address;
use crate::commands::socket_methods::{self as methods, socket_value};
use crate::net::resolver;
use crate::net::sockets;
use crate::net::sockets::servers::{self, ServerKind};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

/// Words command style accepts for a family and type: `socket tcp`.
const KIND_WORDS: &[(&str, i32, i32)] = &[
    ("tcp", libc::AF_INET, libc::SOCK_STREAM),
    ("udp", libc::AF_INET, libc::SOCK_DGRAM),
    ("tcp6", libc::AF_INET6, libc::SOCK_STREAM),
    ("udp6", libc::AF_INET6, libc::SOCK_DGRAM),
    ("unix", libc::AF_UNIX, libc::SOCK_STREAM),
    ("unix_dgram", libc::AF_UNIX, libc::SOCK_DGRAM),
];

fn int_or(args: &Args, index: usize, default: i32) -> CommandResult<i32> {
    match args.get(index) {
        None => Ok(default),
        Some(v) => {
            let n = convert::c_int(v)?;
            Ok(if n == -1 { default } else { n })
        }
    }
}

pub const SOCKET: Command = Command {
    name: "socket",
    params: &[
        Param::optional("family", ArgKind::Integer),
        Param::optional("type", ArgKind::Integer),
        Param::optional("proto", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: Some("socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0)"),
    summary: "Make a socket: socket(AF_INET, SOCK_STREAM), or socket tcp|udp|tcp6|udp6|unix",
    description: "Creates a live socket, an endpoint for sending and receiving, and returns it so you can keep it: s = socket(AF_INET, SOCK_STREAM). In command style, socket tcp, socket udp, socket tcp6, socket udp6, socket unix and socket unix_dgram name the usual pairs of family and type. Then call its methods: s.bind(...), s.listen(), s.accept(), s.connect(...), s.send(...), s.recv(...), s.close(); help socket.METHOD explains one. netrepl closes every socket when the session ends.",
    network: true,
    examples: &[Example {
        input: "socket(AF_INET, SOCK_DGRAM)",
        output: "<socket.socket fd=[..], family=2, type=2, proto=0, laddr=('0.0.0.0', 0)>",
    }],
    run: socket,
};

fn socket(args: &Args) -> CommandResult<Output> {
    if let Some(Value::Str(word)) = args.get(0) {
        let (_, family, kind) = KIND_WORDS.iter().find(|(w, _, _)| *w == word.as_str()).ok_or_else(|| {
            CommandError::type_error("'str' object cannot be interpreted as an integer")
                .explain("Name the socket with a family and type (socket(AF_INET, SOCK_STREAM)) or one word: tcp, udp, tcp6, udp6, unix or unix_dgram.")
        })?;
        return Ok(Output::plain(socket_value(sockets::create(
            *family, *kind, 0,
        )?)));
    }
    let family = int_or(args, 0, libc::AF_INET)?;
    let kind = int_or(args, 1, libc::SOCK_STREAM)?;
    let proto = int_or(args, 2, 0)?;
    Ok(Output::plain(socket_value(sockets::create(
        family, kind, proto,
    )?)))
}

pub const SOCKETPAIR: Command = Command {
    name: "socketpair",
    params: &[
        Param::optional("family", ArgKind::Integer),
        Param::optional("type", ArgKind::Integer),
        Param::optional("proto", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: Some("socket.socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0)"),
    summary: "Two sockets already connected to each other",
    description: "Returns a pair of connected Unix domain sockets: what one sends, the other receives. Handy to try send and recv without a server: a, b = socketpair().",
    network: false,
    examples: &[Example {
        input: "socketpair()",
        output: "(<socket.socket fd=[..], family=1, type=1, proto=0>, <socket.socket fd=[..], family=1, type=1, proto=0>)",
    }],
    run: socketpair,
};

fn socketpair(args: &Args) -> CommandResult<Output> {
    let family = int_or(args, 0, libc::AF_UNIX)?;
    let kind = int_or(args, 1, libc::SOCK_STREAM)?;
    let proto = int_or(args, 2, 0)?;
    let (a, b) = socket2::Socket::pair(
        socket2::Domain::from(family),
        socket2::Type::from(kind),
        (proto != 0).then(|| socket2::Protocol::from(proto)),
    )
    .map_err(|e| CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EINVAL)))?;
    let (a, b) = sockets::adopt_pair((a, b), family, kind, proto)?;
    Ok(Output::plain(Value::Tuple(vec![
        socket_value(a),
        socket_value(b),
    ])))
}

pub const CREATE_CONNECTION: Command = Command {
    name: "create_connection",
    params: &[
        Param::required("address", ArgKind::SocketAddress),
        Param::optional("timeout", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: Some("socket.create_connection(address, timeout=None)"),
    summary: "Look a (host, port) up and connect a TCP socket to it",
    description: "The client's shortcut: resolves the host with getaddrinfo, tries each address until one connects, and returns the connected socket. A timeout (seconds) applies to the connect and stays on the socket.",
    network: true,
    examples: &[Example {
        input: "create_connection(('127.0.0.1', 1))",
        output: "ConnectionRefusedError: [Errno 111] Connection refused",
    }],
    run: create_connection,
};

fn create_connection(args: &Args) -> CommandResult<Output> {
    let target = args.get(0).unwrap_or(&Value::None);
    let Some([host, port]) = target.items() else {
        return Err(
            CommandError::value_error("not enough values to unpack (expected 2)")
                .explain("Give the address as a (host, port) tuple, like ('127.0.0.1', 9000)."),
        );
    };
    let host = match host {
        Value::Str(s) => s.clone(),
        other => {
            return Err(CommandError::type_error(format!(
                "getaddrinfo() argument 1 must be string or None, not {}",
                other.type_name()
            )));
        }
    };
    let port = match port {
        Value::Str(s) => s.clone(),
        other => convert::index(other)?.to_string(),
    };
    let hints = dns_lookup::AddrInfoHints {
        flags: 0,
        address: libc::AF_UNSPEC,
        socktype: libc::SOCK_STREAM,
        protocol: 0,
    };
    let candidates = resolver::lookup(Some(&host), Some(&port), hints)?;
    // CPython reads the timeout after the look-up, as settimeout does; read
    // once here, a bad one leaves no socket behind.
    let timeout = methods::python_timeout(args.get(1).unwrap_or(&Value::None))?;
    let mut last_error = CommandError::os_error("getaddrinfo returns an empty list");
    for candidate in candidates {
        let id = sockets::create(candidate.address, libc::SOCK_STREAM, 0)?;
        if timeout.is_some() {
            sockets::set_timeout(id, timeout)?;
        }
        let address = address::inet_tuple(&candidate.sockaddr);
        match methods::call(
            id,
            methods::find("connect").expect("connect exists"),
            vec![address],
            Vec::new(),
        ) {
            Ok(_) => return Ok(Output::plain(socket_value(id))),
            Err(e) => {
                sockets::close(id);
                last_error = e;
            }
        }
    }
    Err(last_error)
}

pub const CREATE_SERVER: Command = Command {
    name: "create_server",
    params: &[
        Param::required("address", ArgKind::SocketAddress),
        Param::optional("family", ArgKind::Integer),
        Param::optional("backlog", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: Some("socket.create_server(address, family=AF_INET, backlog=None)"),
    summary: "A listening TCP socket bound to an address, ready to accept",
    description: "The server's shortcut: makes a TCP socket, allows the address to be reused (SO_REUSEADDR), binds it and starts listening. Then conn, addr = srv.accept() waits for a client. Use 127.0.0.1 to keep it on this machine.",
    network: true,
    examples: &[Example {
        input: "create_server(('127.0.0.1', 0)).getsockname()[0]",
        output: "'127.0.0.1'",
    }],
    run: create_server,
};

fn create_server(args: &Args) -> CommandResult<Output> {
    let family = int_or(args, 1, libc::AF_INET)?;
    let id = sockets::create(family, libc::SOCK_STREAM, 0)?;
    let handle = sockets::handle(id)?;
    let _ = handle.socket.set_reuse_address(true);
    let address = args.get(0).cloned().unwrap_or(Value::None);
    let call = |name: &str, args: Vec<Value>| {
        methods::call(
            id,
            methods::find(name).expect("method exists"),
            args,
            Vec::new(),
        )
    };
    let setup = call("bind", vec![address]).and_then(|_| match args.get(2) {
        Some(backlog) if *backlog != Value::None => call("listen", vec![backlog.clone()]),
        _ => call("listen", Vec::new()),
    });
    if let Err(e) = setup {
        sockets::close(id);
        return Err(e);
    }
    Ok(Output::plain(socket_value(id)))
}

pub const RUNTIME_DIR: Command = Command {
    name: "runtime_dir",
    params: &[],
    style: CallStyle::CNoArgs,
    topic: Topic::Sockets,
    python: None,
    summary: "Your own directory for Unix socket files, made private (mode 0700) on first use",
    description: "A Unix socket's address is a path, and a fixed path in /tmp is shared by everyone on the machine: whoever binds it first owns it, and a stale file left there makes everyone else's bind fail. runtime_dir() is a directory that is yours alone ($XDG_RUNTIME_DIR/netrepl when your login provides one, else run in netrepl's data directory), so build socket paths from it: srv.bind(runtime_dir() + '/echo.sock'). Not part of Python's socket module; in a Python program, os.environ['XDG_RUNTIME_DIR'] plays its part.",
    network: false,
    examples: &[Example {
        input: "runtime_dir()",
        output: "'/[..]'",
    }],
    run: |_| {
        let dir = crate::commands::user_dirs::runtime_dir().map_err(|e| {
            let error = match e.raw_os_error() {
                Some(errno) => CommandError::from_errno(errno),
                None => CommandError::new(crate::python::error::PyException::PermissionError, e.to_string()),
            };
            error.explain("Your runtime directory must be a directory of your own that no one else may enter; fix or remove it, or set NETREPL_DATA_DIR to use another data directory.")
        })?;
        Ok(Output::plain(Value::Str(
            dir.to_string_lossy().into_owned(),
        )))
    },
};

pub const SOCKETS: Command = Command {
    name: "sockets",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: None,
    summary: "This session's open sockets, their state and addresses (like ss, only ours)",
    description: "Lists the sockets you have open in this session: their file descriptor, kind, state and local and remote addresses. A TCP socket's state is the kernel's, named in capitals as ss names them: LISTEN (waiting for clients), SYN-SENT and SYN-RECV (handshake under way), ESTAB (connected), FIN-WAIT-1 and FIN-WAIT-2 (we have closed our sending side, the peer has not), CLOSE-WAIT (the peer has closed, we have not), LAST-ACK and CLOSING (both closing), TIME-WAIT, and CLOSE (its connection is over). A TCP socket that has not taken part in a connection yet is new or bound, in small letters, as are the other sockets, which have no such state machine: new, bound, listening or connected.",
    network: false,
    examples: &[Example {
        input: "sockets",
        output: "[..]",
    }],
    run: list_sockets,
};

fn list_sockets(_: &Args) -> CommandResult<Output> {
    let rows = sockets::open_sockets()
        .into_iter()
        .filter_map(|socket| {
            let open = socket.open?;
            let local = open.local.map(|a| address::to_value(&a));
            let remote = open.peer.map(|a| address::to_value(&a));
            let state = if let Some(tcp) = open.tcp_state {
                tcp.name()
            } else if open.listening {
                "listening"
            } else if remote.is_some() {
                "connected"
            } else if local.as_ref().is_some_and(|l| !address::is_unbound(l)) {
                "bound"
            } else {
                "new"
            };
            let shown = |a: Option<Value>| a.map(|a| address::text(&a)).unwrap_or_default();
            Some(vec![
                Value::Int(i128::from(open.fd)),
                Value::Str(sockets::kind_name(socket.family, socket.kind)),
                Value::str(state),
                Value::Str(shown(local)),
                Value::Str(shown(remote)),
            ])
        })
        .collect();
    let mut output = Output::records(&["fd", "kind", "state", "local", "remote"], rows);
    // A Unix path may hold any byte but NUL and '/': in the table, where it
    // is printed as it is, a newline or an escape sequence would break the
    // line or drive the terminal. The value keeps the path itself.
    if let View::Table(table) = &mut output.view {
        for cell in table.rows.iter_mut().flatten() {
            *cell = address::escape_controls(cell);
        }
    }
    Ok(output)
}

pub const HEXDUMP: Command = Command {
    name: "hexdump",
    params: &[Param::required("data", ArgKind::Data)],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: None,
    summary: "Show bytes as offsets, hex and text, 16 a line",
    description: "Prints bytes the way network tools do: the offset of each line, 16 bytes in hex, and the printable characters (dots for the rest). Try it on what recv returns.",
    network: false,
    examples: &[Example {
        input: "hexdump b'GET / HTTP/1.0\\r\\n'",
        output: "00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 30 0d 0a  |GET / HTTP/1.0..|",
    }],
    run: hexdump,
};

fn hexdump(args: &Args) -> CommandResult<Output> {
    let data = convert::bytes_like(args.get(0).unwrap_or(&Value::None))?;
    Ok(Output::text(hexdump_text(data)))
}

pub fn hexdump_text(data: &[u8]) -> String {
    if data.is_empty() {
        return "(no bytes)".into();
    }
    let mut out = String::new();
    for (line, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{:08x} ", line * 16);
        for i in 0..16 {
            if i == 8 {
                out.push(' ');
            }
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, " {b:02x}");
                }
                None => out.push_str("   "),
            }
        }
        let text: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(out, "  |{text}|");
    }
    out.truncate(out.trim_end().len());
    out
}

pub const SERVE: Command = Command {
    name: "serve",
    params: &[
        Param::required("kind", ArgKind::Word),
        Param::optional("address", ArgKind::SocketAddress),
    ],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: None,
    summary: "Run a practice server in the background: serve echo|chat|time|http [host:port]",
    description: "Starts a server that keeps running while you type: echo (TCP, sends back whatever it receives; 127.0.0.1:9000), chat (TCP, a line-based room several netrepls can join with create_connection; 127.0.0.1:9001) time (UDP, answers any datagram with the time; 127.0.0.1:9002) or http (TCP, answers one HTTP request per connection, GET / or GET /time, then closes; 127.0.0.1:8080). Servers listen on loopback unless you give another address; port 0 picks a free one. Returns the address it listens on. `servers` lists them and `stop NAME` ends one.",
    network: true,
    examples: &[
        Example {
            input: "serve echo 127.0.0.1:0",
            output: "('127.0.0.1', [..])",
        },
        Example {
            input: "serve http 127.0.0.1:0",
            output: "('127.0.0.1', [..])",
        },
    ],
    run: serve,
};

fn serve(args: &Args) -> CommandResult<Output> {
    let word = convert::text(args.get(0).unwrap_or(&Value::None), "serve", 1)?;
    let kind = ServerKind::parse(&word).ok_or_else(|| {
        CommandError::value_error(format!(
            "unknown server {}",
            crate::python::value::str_repr(&word)
        ))
        .explain("The practice servers are echo, chat, time and http.")
    })?;
    let address = match args.get(1) {
        None | Some(Value::None) => kind.default_address(),
        Some(value) => socket_address(value)?,
    };
    if address.ip().is_unspecified() {
        eprintln!(
            "warning: listening on every interface: other machines on your network can reach this server"
        );
    }
    let (name, bound) = servers::start(kind, address)?;
    let text = format!(
        "{} server '{name}' listening on {} ({}); `stop {name}` ends it",
        kind.name(),
        address::text(&address::inet_tuple(&bound)),
        kind.protocol()
    );
    Ok(Output::with_view(
        address::inet_tuple(&bound),
        View::Report { text, json: None },
    ))
}

/// A (host, port) value as a numeric socket address.
fn socket_address(value: &Value) -> CommandResult<SocketAddr> {
    if let Value::Str(text) = value
        && let Some(tuple) = address::socket_address_word(text)
    {
        return socket_address(&tuple);
    }
    let Some([host, port]) = value.items() else {
        return Err(
            CommandError::type_error("address must be a pair (host, port)")
                .explain("Give host:port (127.0.0.1:9000) or a tuple ('127.0.0.1', 9000)."),
        );
    };
    let host = convert::host_name(host, "serve", 2)?;
    let port = u16::try_from(convert::c_int(port)?)
        .map_err(|_| CommandError::overflow("serve(): port must be 0-65535."))?;
    let ip = resolver::resolve_one(&host, libc::AF_UNSPEC)?;
    Ok(SocketAddr::new(ip, port))
}

pub const SERVERS: Command = Command {
    name: "servers",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: None,
    summary: "The practice servers running in the background",
    description: "Lists the servers started with serve: name, protocol, address, how many clients (or datagrams) they have served, for how long they have run, and their state: running, or stopped and why (a server that stopped by itself stays listed until `stop NAME`).",
    network: false,
    examples: &[Example {
        input: "servers",
        output: "[..]",
    }],
    run: list_servers,
};

fn list_servers(_: &Args) -> CommandResult<Output> {
    let rows = servers::list()
        .into_iter()
        .map(|s| {
            vec![
                Value::Str(s.name),
                Value::str(s.kind.protocol()),
                Value::Str(s.address.to_string()),
                Value::Int(i128::from(s.served)),
                Value::Int(i128::from(s.uptime_seconds)),
                Value::Str(match s.stopped {
                    None => "running".into(),
                    Some(why) => format!("stopped: {why}"),
                }),
            ]
        })
        .collect();
    Ok(Output::records(
        &["name", "proto", "address", "served", "seconds", "state"],
        rows,
    ))
}

pub const STOP: Command = Command {
    name: "stop",
    params: &[Param::required("name", ArgKind::Word)],
    style: CallStyle::Python,
    topic: Topic::Sockets,
    python: None,
    summary: "Stop a practice server by name",
    description: "Ends a server started with serve; its clients are disconnected. `servers` shows the names.",
    network: false,
    examples: &[Example {
        input: "stop nothing",
        output: "ValueError: no server called 'nothing'",
    }],
    run: stop,
};

fn stop(args: &Args) -> CommandResult<Output> {
    let name = convert::text(args.get(0).unwrap_or(&Value::None), "stop", 1)?;
    if servers::stop(&name) {
        Ok(Output::text(format!("stopped {name}")))
    } else {
        Err(CommandError::value_error(format!(
            "no server called {}",
            crate::python::value::str_repr(&name)
        ))
        .explain("`servers` lists the running servers by name."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexdump_shows_offsets_hex_and_text() {
        let dump = hexdump_text(b"hello, world\x00\x01\x02\x03\x04");
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with(
                "00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 00 01 02 03  |hello, world....|"
            ),
            "{dump}"
        );
        assert!(lines[1].starts_with("00000010  04"), "{dump}");
        assert!(lines[1].ends_with("|.|"), "{dump}");
    }
}
