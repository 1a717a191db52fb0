//! The methods of a socket object, with Python's names, arguments, results
//! and errors: `s.bind(...)`, `conn.recv(1024)`, `s.settimeout(2)`...

use std::io;
use std::net::Shutdown;
use std::time::Duration;

use socket2::{SockAddr, Socket};

use super::socket_address::{self as address, from_value};
use crate::commands::output::Output;
use crate::commands::registry::{ArgKind, Param};
use crate::net::ffi;
use crate::net::sockets::blocking::{self, Ready, os_error};
use crate::net::sockets::{self, Handle, MAX_RECEIVE, handle};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::{ShowSocket, SocketRef, Value};

/// The session's socket table, as the language sees it: numbers it can show.
struct SocketTable;

impl ShowSocket for SocketTable {
    fn repr(&self, id: u32) -> String {
        repr(id)
    }
}

/// A socket from the table as a Python value.
pub fn socket_value(id: u32) -> Value {
    Value::Socket(SocketRef::new(id, &SocketTable))
}

/// CPython's `repr()` of a socket object.
fn repr(id: u32) -> String {
    let Some(socket) = sockets::describe(id) else {
        return "<socket.socket [closed] fd=-1>".into();
    };
    let head = format!(
        "family={}, type={}, proto={}",
        socket.family, socket.kind, socket.proto
    );
    let Some(open) = socket.open else {
        return format!("<socket.socket [closed] fd=-1, {head}>");
    };
    let mut out = format!("<socket.socket fd={}, {head}", open.fd);
    // CPython formats addresses with str(): a Unix path shows without quotes.
    let shown = |addr: Option<SockAddr>| {
        addr.map(|a| address::to_value(&a))
            .filter(|a| !is_empty_address(a))
            .map(|a| match a {
                Value::Str(path) => path,
                other => other.repr(),
            })
    };
    if let Some(laddr) = shown(open.local) {
        out.push_str(&format!(", laddr={laddr}"));
    }
    if let Some(raddr) = shown(open.peer) {
        out.push_str(&format!(", raddr={raddr}"));
    }
    out.push('>');
    out
}

/// Python skips addresses that are empty (an unbound Unix socket's `''`).
fn is_empty_address(value: &Value) -> bool {
    matches!(value, Value::Str(s) if s.is_empty())
        || matches!(value, Value::Bytes(b) if b.is_empty())
}

/// How CPython checks a method's arguments, which decides its messages.
#[derive(Clone, Copy)]
pub enum Arity {
    /// `METH_NOARGS`: "socket.close() takes no arguments (1 given)"
    None,
    /// `METH_O`: "socket.bind() takes exactly one argument (0 given)"
    One,
    /// A parsed tuple: "recv() takes at least 1 argument (0 given)"
    Between(usize, usize),
    /// `sendto(data[, flags], address)`: "sendto() takes 2 or 3 arguments (1 given)"
    TwoOrThree,
}

pub struct Method {
    pub name: &'static str,
    pub params: &'static [Param],
    pub arity: Arity,
    pub summary: &'static str,
    run: fn(&Handle, &[Value]) -> CommandResult<Value>,
}

impl Method {
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                if p.required {
                    p.name.to_string()
                } else {
                    format!("[{}]", p.name)
                }
            })
            .collect();
        format!("s.{}({})", self.name, params.join(", "))
    }
}

const ADDRESS: Param = Param::required("address", ArgKind::SocketAddress);
const DATA: Param = Param::required("data", ArgKind::Data);
const FLAGS: Param = Param::optional("flags", ArgKind::Integer);
const BUFSIZE: Param = Param::required("bufsize", ArgKind::Integer);

pub const METHODS: &[Method] = &[
    Method {
        name: "bind",
        params: &[ADDRESS],
        arity: Arity::One,
        summary: "Give the socket a local address: (host, port), or a path for AF_UNIX",
        run: bind,
    },
    Method {
        name: "listen",
        params: &[Param::optional("backlog", ArgKind::Integer)],
        arity: Arity::Between(0, 1),
        summary: "Start accepting connections (TCP and Unix stream servers)",
        run: listen,
    },
    Method {
        name: "accept",
        params: &[],
        arity: Arity::None,
        summary: "Wait for a client; returns (new socket, client address)",
        run: accept,
    },
    Method {
        name: "connect",
        params: &[ADDRESS],
        arity: Arity::One,
        summary: "Connect to a server's address (what a client does)",
        run: connect,
    },
    Method {
        name: "connect_ex",
        params: &[ADDRESS],
        arity: Arity::One,
        summary: "Like connect, but returns an error number instead of raising",
        run: connect_ex,
    },
    Method {
        name: "send",
        params: &[DATA, FLAGS],
        arity: Arity::Between(1, 2),
        summary: "Send bytes; returns how many were sent",
        run: send,
    },
    Method {
        name: "sendall",
        params: &[DATA, FLAGS],
        arity: Arity::Between(1, 2),
        summary: "Send all the bytes, waiting as needed",
        run: sendall,
    },
    Method {
        name: "recv",
        params: &[BUFSIZE, FLAGS],
        arity: Arity::Between(1, 2),
        summary: "Receive up to bufsize bytes (b'' means the peer closed)",
        run: recv,
    },
    Method {
        name: "sendto",
        params: &[DATA, ADDRESS],
        arity: Arity::TwoOrThree,
        summary: "Send a datagram to an address (UDP)",
        run: sendto,
    },
    Method {
        name: "recvfrom",
        params: &[BUFSIZE, FLAGS],
        arity: Arity::Between(1, 2),
        summary: "Receive a datagram; returns (bytes, sender address)",
        run: recvfrom,
    },
    Method {
        name: "shutdown",
        params: &[Param::required("how", ArgKind::Integer)],
        arity: Arity::One,
        summary: "Stop reading (SHUT_RD), writing (SHUT_WR) or both (SHUT_RDWR)",
        run: shutdown,
    },
    Method {
        name: "close",
        params: &[],
        arity: Arity::None,
        summary: "Close the socket",
        run: close,
    },
    Method {
        name: "settimeout",
        params: &[Param::required("value", ArgKind::Integer)],
        arity: Arity::One,
        summary: "Seconds blocking calls may wait (None: block, 0: never wait)",
        run: settimeout,
    },
    Method {
        name: "gettimeout",
        params: &[],
        arity: Arity::None,
        summary: "The socket's timeout in seconds, or None",
        run: gettimeout,
    },
    Method {
        name: "setblocking",
        params: &[Param::required("flag", ArgKind::Integer)],
        arity: Arity::One,
        summary: "True: calls wait; False: calls fail at once if they would wait",
        run: setblocking,
    },
    Method {
        name: "getblocking",
        params: &[],
        arity: Arity::None,
        summary: "Whether calls wait",
        run: getblocking,
    },
    Method {
        name: "setsockopt",
        params: &[
            Param::required("level", ArgKind::Integer),
            Param::required("optname", ArgKind::Integer),
            Param::required("value", ArgKind::Integer),
        ],
        arity: Arity::Between(3, 3),
        summary: "Set a socket option, e.g. SOL_SOCKET, SO_REUSEADDR, 1",
        run: setsockopt,
    },
    Method {
        name: "getsockopt",
        params: &[
            Param::required("level", ArgKind::Integer),
            Param::required("optname", ArgKind::Integer),
            Param::optional("buflen", ArgKind::Integer),
        ],
        arity: Arity::Between(2, 3),
        summary: "Read a socket option",
        run: getsockopt,
    },
    Method {
        name: "getsockname",
        params: &[],
        arity: Arity::None,
        summary: "The socket's own address",
        run: getsockname,
    },
    Method {
        name: "getpeername",
        params: &[],
        arity: Arity::None,
        summary: "The address of the other end",
        run: getpeername,
    },
    Method {
        name: "fileno",
        params: &[],
        arity: Arity::None,
        summary: "The file descriptor number",
        run: fileno,
    },
];

/// The data attributes of a socket object: `family` and `type` as the
/// module's enum members, `proto` as an int, `timeout` as `gettimeout()`.
pub const ATTRIBUTES: &[&str] = &["family", "proto", "timeout", "type"];

/// `s.family`, `s.type`, `s.proto`, `s.timeout`; `None` for other names.
pub fn attribute(id: u32, name: &str) -> Option<CommandResult<Value>> {
    use crate::commands::socket_constants::{ADDRESS_FAMILY, SOCKET_KIND, enum_value};
    if name == "timeout" {
        return Some(handle(id).and_then(|h| gettimeout(&h, &[])));
    }
    let socket = sockets::describe(id)?;
    Some(Ok(match name {
        "family" => enum_value(ADDRESS_FAMILY, i64::from(socket.family)),
        "type" => enum_value(SOCKET_KIND, i64::from(socket.kind)),
        "proto" => Value::Int(i128::from(socket.proto)),
        _ => return None,
    }))
}

pub fn find(name: &str) -> Option<&'static Method> {
    METHODS.iter().find(|m| m.name == name)
}

/// Calls `method` on socket `id`, checking arguments as CPython does.
pub fn call(
    id: u32,
    method: &Method,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
) -> CommandResult<Output> {
    let name = method.name;
    let given = positional.len() + keywords.len();
    if !keywords.is_empty() {
        return Err(CommandError::type_error(format!(
            "socket.{name}() takes no keyword arguments"
        )));
    }
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let arity_error = match method.arity {
        Arity::None if given > 0 => Some(format!(
            "socket.{name}() takes no arguments ({given} given)"
        )),
        Arity::One if given != 1 => Some(format!(
            "socket.{name}() takes exactly one argument ({given} given)"
        )),
        Arity::Between(min, max) if min == max && given != min => Some(format!(
            "{name}() takes exactly {min} {} ({given} given)",
            plural(min)
        )),
        Arity::Between(min, _) if given < min => Some(format!(
            "{name}() takes at least {min} {} ({given} given)",
            plural(min)
        )),
        Arity::Between(_, max) if given > max => Some(format!(
            "{name}() takes at most {max} {} ({given} given)",
            plural(max)
        )),
        Arity::TwoOrThree if !(2..=3).contains(&given) => {
            Some(format!("{name}() takes 2 or 3 arguments ({given} given)"))
        }
        _ => None,
    };
    if let Some(message) = arity_error {
        return Err(CommandError::type_error(message));
    }
    // A few methods work on a closed socket, as in Python.
    match name {
        "close" => {
            sockets::close(id);
            return Ok(Output::plain(Value::None));
        }
        "fileno" if handle(id).is_err() => return Ok(Output::plain(Value::Int(-1))),
        _ if asks_for_nothing(method, &positional)? => {
            return Ok(Output::plain(Value::Bytes(Vec::new())));
        }
        _ => {}
    }
    let handle = handle(id)?;
    Ok(Output::plain((method.run)(&handle, &positional)?))
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::None)
}

fn flags(args: &[Value], i: usize) -> CommandResult<i32> {
    args.get(i).map_or(Ok(0), convert::c_int)
}

fn bind(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let target = from_value(h.family, arg(args, 0), "bind")?;
    h.socket.bind(&target.address).map_err(|e| {
        let error = os_error(&e);
        match e.raw_os_error() {
            Some(libc::EADDRINUSE) if h.family == libc::AF_UNIX => {
                error.explain(unix_path_taken(target.unix_path.as_deref()))
            }
            Some(libc::EADDRINUSE) => error.explain("Another socket already has that address. Pick another port, or close the other socket (`sockets` lists yours)."),
            Some(libc::EACCES) if h.family == libc::AF_UNIX => error.explain("You may not make files in that directory; bind to a path in one of your own, like runtime_dir() + '/NAME.sock'."),
            Some(libc::EACCES) => error.explain(sockets::LOW_PORT_HINT),
            Some(libc::EADDRNOTAVAIL) => error.explain("That address is not one of this machine's; bind to 127.0.0.1, or to an address `interfaces` lists."),
            _ => error,
        }
    })?;
    if let Some(path) = target.unix_path {
        sockets::remember_unix_path(h.id, path);
    }
    if address::is_every_interface(&target.address) {
        eprintln!(
            "warning: bound to every interface: other machines on your network can reach this socket (bind to 127.0.0.1 to keep it on this machine)"
        );
    }
    Ok(Value::None)
}

/// Why a Unix socket path is taken, from what is there now.
fn unix_path_taken(path: Option<&std::path::Path>) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let found = path.and_then(|p| std::fs::symlink_metadata(p).ok());
    match found.map(|m| m.file_type()) {
        Some(t) if t.is_dir() => {
            "That path is a directory. A Unix socket is a new file of its own: give a path inside the directory, like DIR/server.sock."
        }
        Some(t) if t.is_socket() => {
            "A file already exists at that path, often left by a server that ended without removing it. Remove the file or pick another path."
        }
        Some(_) => {
            "A file that is not a socket already exists at that path; bind never replaces a file. Pick another path."
        }
        None => "Something already has that name; pick another path.",
    }
}

fn listen(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let backlog = match args.first() {
        Some(v) => convert::c_int(v)?.max(0),
        None => libc::SOMAXCONN.min(128),
    };
    // An IP socket never bound has port 0; listen() then binds it to every
    // interface on a random port, as bind to 0.0.0.0 would, so it gets the
    // same warning.
    let unbound = h
        .socket
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .is_some_and(|a| a.port() == 0);
    h.socket.listen(backlog).map_err(|e| os_error(&e))?;
    if unbound {
        let port = h
            .socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map_or(0, |a| a.port());
        eprintln!(
            "warning: listen() without bind() bound to every interface on port {port}: other machines on your network can reach this socket (bind to ('127.0.0.1', PORT) first to keep it on this machine)"
        );
    }
    Ok(Value::None)
}

fn accept(h: &Handle, _: &[Value]) -> CommandResult<Value> {
    let (socket, peer) = blocking::run(h, Ready::Read, |s| s.accept())?;
    let proto = 0;
    let conn = sockets::adopt(socket, h.family, h.kind, proto)?;
    Ok(Value::Tuple(vec![
        socket_value(conn),
        address::to_value(&peer),
    ]))
}

/// Starts a connect and waits for it as CPython would; `Ok(errno)`, 0 for
/// success.
///
/// How CPython waits decides what the next connect on the same socket sees. A
/// blocking socket connects inside the kernel, which leaves it connected, or
/// refused and ready to try again. A socket with a timeout polls and reads
/// SO_ERROR, which leaves the kernel's socket "connecting": after a refusal
/// the next connect says ECONNABORTED, and after a success it succeeds once
/// more. Each mode below copies its own.
fn connect_errno(h: &Handle, args: &[Value], caller: &str) -> CommandResult<i32> {
    let target = from_value(h.family, arg(args, 0), caller)?;
    let address = &target.address;
    match h.timeout {
        None => blocking::run(h, Ready::Write, |s| connect_step(s, address)),
        Some(Duration::ZERO) => Ok(connect_once(&h.socket, address)),
        Some(limit) => {
            let started = connect_once(&h.socket, address);
            if started != libc::EINPROGRESS {
                return Ok(started);
            }
            blocking::wait(&h.socket, Ready::Write, limit, false)?;
            match h.socket.take_error() {
                Ok(None) => Ok(0),
                Ok(Some(e)) | Err(e) => Ok(errno(&e)),
            }
        }
    }
}

/// One try of a blocking connect. Once the socket is writable, asking again
/// lets the kernel end the connect as its own blocking connect does.
/// A Unix socket whose server's backlog is full says EAGAIN, and nothing
/// tells us when to try again, so that is reported instead of waited for.
fn connect_step(socket: &Socket, address: &SockAddr) -> io::Result<i32> {
    match connect_once(socket, address) {
        libc::EINPROGRESS | libc::EALREADY => Err(io::ErrorKind::WouldBlock.into()),
        libc::EINTR => Err(io::ErrorKind::Interrupted.into()),
        errno => Ok(errno),
    }
}

/// One connect(), as an errno (0 for success).
fn connect_once(socket: &Socket, address: &SockAddr) -> i32 {
    match socket.connect(address) {
        Ok(()) => 0,
        Err(e) => errno(&e),
    }
}

fn errno(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

fn connect(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    match connect_errno(h, args, "connect")? {
        0 => Ok(Value::None),
        errno => {
            let error = CommandError::from_errno(errno);
            Err(match errno {
                libc::ECONNREFUSED => error.explain("Nothing is listening at that address: start a server there first (s.listen(), or serve echo)."),
                libc::EISCONN => error.explain("This socket is already connected; make a new one for another connection."),
                _ => error,
            })
        }
    }
}

fn connect_ex(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    Ok(Value::Int(i128::from(connect_errno(
        h,
        args,
        "connect_ex",
    )?)))
}

fn send(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let data = convert::bytes_like(arg(args, 0))?.to_vec();
    let flags = flags(args, 1)? | libc::MSG_NOSIGNAL;
    let sent = blocking::run(h, Ready::Write, |s| s.send_with_flags(&data, flags))?;
    Ok(Value::Int(sent as i128))
}

fn sendall(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let data = convert::bytes_like(arg(args, 0))?.to_vec();
    let flags = flags(args, 1)? | libc::MSG_NOSIGNAL;
    // At least one send, as CPython's loop does: sendall(b'') on an
    // unconnected socket is a BrokenPipeError there, not a quiet None.
    let mut at = 0;
    loop {
        at += blocking::run(h, Ready::Write, |s| s.send_with_flags(&data[at..], flags))?;
        if at >= data.len() {
            return Ok(Value::None);
        }
    }
}

/// `recv`'s and `recvfrom`'s (bufsize[, flags]), checked in CPython's order:
/// both converted, then the size's range.
fn receive_arguments(args: &[Value], caller: &str) -> CommandResult<(usize, i32)> {
    let size = convert::c_int(arg(args, 0))?;
    let flags = flags(args, 1)?;
    if size < 0 {
        return Err(CommandError::value_error(format!(
            "negative buffersize in {caller}"
        )));
    }
    let size = size as usize;
    if size > MAX_RECEIVE {
        return Err(CommandError::value_error(format!(
            "netrepl receives at most {MAX_RECEIVE} bytes at a time"
        ))
        .explain("Ask for less, and call recv again for the rest."));
    }
    Ok((size, flags))
}

/// CPython's `recv(0)` is `b''` at once, without asking the socket (so even
/// a closed one answers); `recvfrom(0)` does ask, and waits like any receive.
fn asks_for_nothing(method: &Method, args: &[Value]) -> CommandResult<bool> {
    Ok(method.name == "recv" && receive_arguments(args, "recv")?.0 == 0)
}

fn recv(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let (size, flags) = receive_arguments(args, "recv")?;
    let mut buf = vec![0u8; size];
    let n = blocking::run(h, Ready::Read, |s| ffi::receive(s, &mut buf, flags))?;
    buf.truncate(n);
    Ok(Value::Bytes(buf))
}

fn recvfrom(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let (size, flags) = receive_arguments(args, "recvfrom")?;
    let mut buf = vec![0u8; size];
    let (n, from) = blocking::run(h, Ready::Read, |s| ffi::receive_from(s, &mut buf, flags))?;
    buf.truncate(n);
    Ok(Value::Tuple(vec![
        Value::Bytes(buf),
        address::to_value(&from),
    ]))
}

fn sendto(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let (flags, address) = match args {
        [_, address] => (0, address),
        [_, flags, address] => (convert::c_int(flags)?, address),
        _ => return Err(CommandError::type_error("sendto() takes 2 or 3 arguments")),
    };
    let data = convert::bytes_like(arg(args, 0))?.to_vec();
    let target = from_value(h.family, address, "sendto")?;
    let flags = flags | libc::MSG_NOSIGNAL;
    let sent = blocking::run(h, Ready::Write, |s| {
        s.send_to_with_flags(&data, &target.address, flags)
    })?;
    Ok(Value::Int(sent as i128))
}

fn shutdown(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let how = match convert::c_int(arg(args, 0))? {
        libc::SHUT_RD => Shutdown::Read,
        libc::SHUT_WR => Shutdown::Write,
        libc::SHUT_RDWR => Shutdown::Both,
        _ => return Err(CommandError::from_errno(libc::EINVAL)),
    };
    h.socket.shutdown(how).map_err(|e| os_error(&e))?;
    Ok(Value::None)
}

fn close(_: &Handle, _: &[Value]) -> CommandResult<Value> {
    Ok(Value::None)
}

fn settimeout(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    sockets::set_timeout(h.id, python_timeout(arg(args, 0))?)?;
    Ok(Value::None)
}

/// The largest timeout CPython keeps: it counts in nanoseconds in a signed
/// 64-bit integer (`_PyTime_t`).
const MAX_TIMEOUT_NANOS: i128 = i64::MAX as i128;

/// A timeout in seconds as CPython's `settimeout` reads it (also the
/// `timeout=` of `create_connection`): `None` blocks; otherwise an int or a
/// float, rounded up to whole nanoseconds, which must fit in `_PyTime_t` and
/// not be negative, with CPython's errors in CPython's order.
pub fn python_timeout(value: &Value) -> CommandResult<Option<Duration>> {
    let too_large = || CommandError::overflow("timestamp too large to convert to C _PyTime_t");
    let nanos: i128 = match value {
        Value::None => return Ok(None),
        Value::Float(f) if f.is_nan() => {
            return Err(CommandError::value_error(
                "Invalid value NaN (not a number)",
            ));
        }
        Value::Float(f) => {
            // CPython rounds a timeout away from zero (_PyTime_ROUND_TIMEOUT).
            let scaled = f * 1e9;
            let rounded = if scaled >= 0.0 {
                scaled.ceil()
            } else {
                scaled.floor()
            };
            if !(-(MAX_TIMEOUT_NANOS as f64)..(MAX_TIMEOUT_NANOS as f64)).contains(&rounded) {
                return Err(CommandError::overflow(
                    "timestamp out of range for platform time_t",
                ));
            }
            rounded as i128
        }
        Value::LargeInt(_) => return Err(too_large()),
        other => convert::index(other)?
            .checked_mul(1_000_000_000)
            .filter(|n| (-MAX_TIMEOUT_NANOS - 1..=MAX_TIMEOUT_NANOS).contains(n))
            .ok_or_else(too_large)?,
    };
    if nanos < 0 {
        return Err(CommandError::value_error("Timeout value out of range"));
    }
    Ok(Some(Duration::from_nanos(nanos as u64)))
}

/// A timeout as CPython's `gettimeout` shows it (`_PyTime_AsSecondsDouble`).
pub fn timeout_seconds(timeout: Duration) -> f64 {
    if timeout.subsec_nanos() == 0 {
        timeout.as_secs() as f64
    } else {
        timeout.as_nanos() as f64 / 1e9
    }
}

fn gettimeout(h: &Handle, _: &[Value]) -> CommandResult<Value> {
    Ok(h.timeout
        .map_or(Value::None, |t| Value::Float(timeout_seconds(t))))
}

fn setblocking(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let blocking = match arg(args, 0) {
        Value::Bool(b) => *b,
        Value::None => false,
        other => convert::index(other)? != 0,
    };
    sockets::set_timeout(h.id, if blocking { None } else { Some(Duration::ZERO) })?;
    Ok(Value::None)
}

fn getblocking(h: &Handle, _: &[Value]) -> CommandResult<Value> {
    Ok(Value::Bool(h.timeout != Some(Duration::ZERO)))
}

fn setsockopt(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let level = convert::c_int(arg(args, 0))?;
    let name = convert::c_int(arg(args, 1))?;
    let bytes = match arg(args, 2) {
        Value::Bytes(b) => b.clone(),
        other => convert::c_int(other)?.to_ne_bytes().to_vec(),
    };
    ffi::set_socket_option(sockets::raw_fd(&h.socket), level, name, &bytes)
        .map_err(|e| os_error(&e))?;
    Ok(Value::None)
}

fn getsockopt(h: &Handle, args: &[Value]) -> CommandResult<Value> {
    let level = convert::c_int(arg(args, 0))?;
    let name = convert::c_int(arg(args, 1))?;
    let fd = sockets::raw_fd(&h.socket);
    match args.get(2) {
        None => {
            let bytes = ffi::get_socket_option(fd, level, name, 4).map_err(|e| os_error(&e))?;
            let mut word = [0u8; 4];
            word[..bytes.len().min(4)].copy_from_slice(&bytes[..bytes.len().min(4)]);
            Ok(Value::Int(i128::from(i32::from_ne_bytes(word))))
        }
        Some(len) => {
            let len = convert::c_int(len)?;
            if !(1..=1024).contains(&len) {
                return Err(CommandError::os_error("getsockopt buflen out of range"));
            }
            let bytes =
                ffi::get_socket_option(fd, level, name, len as usize).map_err(|e| os_error(&e))?;
            Ok(Value::Bytes(bytes))
        }
    }
}

fn getsockname(h: &Handle, _: &[Value]) -> CommandResult<Value> {
    let local = h.socket.local_addr().map_err(|e| os_error(&e))?;
    Ok(address::to_value(&local))
}

fn getpeername(h: &Handle, _: &[Value]) -> CommandResult<Value> {
    let peer = h.socket.peer_addr().map_err(|e| os_error(&e))?;
    Ok(address::to_value(&peer))
}

fn fileno(h: &Handle, _: &[Value]) -> CommandResult<Value> {
    Ok(Value::Int(i128::from(sockets::raw_fd(&h.socket))))
}
