//! Live sockets for the session: a table of the sockets a learner has made,
//! with Python's view of each (family, type, proto, timeout), limits on how
//! many may be open, and clean-up when the session ends.
//!
//! The OS sockets are always non-blocking; Python's blocking and timeout
//! behaviour is rebuilt on top (see `blocking`), so every wait can be cut
//! short by Ctrl-C or by the session's limit.

pub mod blocking;
pub mod practice_http;
pub mod servers;

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::python::error::{CommandError, CommandResult};

/// Open sockets one session may hold.
pub const MAX_OPEN: usize = 64;
/// The most bytes one `recv` may ask for.
pub const MAX_RECEIVE: usize = 1 << 20;
/// Why binding a low port fails (EACCES), for sockets and practice servers alike.
pub const LOW_PORT_HINT: &str = "Ports below 1024 need root; use a port from 1024 to 65535.";

struct Entry {
    socket: Option<Arc<Socket>>,
    family: i32,
    kind: i32,
    proto: i32,
    /// Python's timeout: `None` blocks, `Some(0)` never waits.
    timeout: Option<Duration>,
    /// A filesystem path this session bound, removed when the session ends.
    unix_path: Option<BoundPath>,
}

/// A Unix socket file netrepl made, and which file it was: the path may be
/// replaced later (by another server, or by the user), and only the file
/// netrepl made may be removed.
struct BoundPath {
    path: PathBuf,
    device: u64,
    inode: u64,
}

impl BoundPath {
    /// What is at `path` now, just after bind made it.
    fn record(path: PathBuf) -> Option<BoundPath> {
        let made = std::fs::symlink_metadata(&path).ok()?;
        Some(BoundPath {
            device: made.dev(),
            inode: made.ino(),
            path,
        })
    }

    /// Removes the file if it is still the socket bind made.
    fn remove_if_ours(&self) {
        let Ok(now) = std::fs::symlink_metadata(&self.path) else {
            return;
        };
        if now.file_type().is_socket() && now.dev() == self.device && now.ino() == self.inode {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

static TABLE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// `socket.setdefaulttimeout`: the timeout every new socket starts with.
static DEFAULT_TIMEOUT: Mutex<Option<Duration>> = Mutex::new(None);

pub fn default_timeout() -> Option<Duration> {
    *DEFAULT_TIMEOUT.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn set_default_timeout(timeout: Option<Duration>) {
    *DEFAULT_TIMEOUT.lock().unwrap_or_else(|p| p.into_inner()) = timeout;
}

fn table() -> MutexGuard<'static, Vec<Entry>> {
    TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What an operation needs to know about a socket, taken out of the table so
/// no lock is held while it waits.
#[derive(Clone)]
pub struct Handle {
    pub id: u32,
    pub socket: Arc<Socket>,
    pub family: i32,
    pub kind: i32,
    pub timeout: Option<Duration>,
}

fn bad_fd() -> CommandError {
    CommandError::from_errno(libc::EBADF)
        .explain("That socket is closed; make a new one with socket().")
}

pub fn handle(id: u32) -> CommandResult<Handle> {
    let table = table();
    let entry = table.get(id as usize).ok_or_else(bad_fd)?;
    let socket = entry.socket.clone().ok_or_else(bad_fd)?;
    Ok(Handle {
        id,
        socket,
        family: entry.family,
        kind: entry.kind,
        timeout: entry.timeout,
    })
}

fn open_count(table: &[Entry]) -> usize {
    table.iter().filter(|e| e.socket.is_some()).count()
}

/// Makes a socket as `socket.socket(family, type, proto)` does.
pub fn create(family: i32, kind: i32, proto: i32) -> CommandResult<u32> {
    let socket = Socket::new(
        Domain::from(family),
        Type::from(kind),
        (proto != 0).then(|| Protocol::from(proto)),
    )
    .map_err(|e| CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EINVAL)))?;
    adopt(socket, family, kind, proto)
}

/// Puts an OS socket in the table (made here or accepted).
pub fn adopt(socket: Socket, family: i32, kind: i32, proto: i32) -> CommandResult<u32> {
    let [id] = adopt_all([socket], family, kind, proto)?;
    Ok(id)
}

/// Puts both ends of a pair in the table, or neither: a pair half adopted
/// would leave one end open with no name to close it by.
pub fn adopt_pair(
    pair: (Socket, Socket),
    family: i32,
    kind: i32,
    proto: i32,
) -> CommandResult<(u32, u32)> {
    let [a, b] = adopt_all([pair.0, pair.1], family, kind, proto)?;
    Ok((a, b))
}

/// Adopts every socket under one lock, after checking there is room for all.
fn adopt_all<const N: usize>(
    sockets: [Socket; N],
    family: i32,
    kind: i32,
    proto: i32,
) -> CommandResult<[u32; N]> {
    for socket in &sockets {
        socket
            .set_nonblocking(true)
            .map_err(|e| CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EINVAL)))?;
    }
    let mut table = table();
    if open_count(&table) + N > MAX_OPEN {
        return Err(CommandError::os_error(format!(
            "netrepl allows {MAX_OPEN} open sockets in a session"
        ))
        .explain(
            "Close sockets you no longer need with s.close(); `sockets` lists the open ones.",
        ));
    }
    Ok(sockets.map(|socket| {
        table.push(Entry {
            socket: Some(Arc::new(socket)),
            family,
            kind,
            proto,
            timeout: default_timeout(),
            unix_path: None,
        });
        (table.len() - 1) as u32
    }))
}

pub fn set_timeout(id: u32, timeout: Option<Duration>) -> CommandResult<()> {
    let mut table = table();
    let entry = table.get_mut(id as usize).ok_or_else(bad_fd)?;
    entry.timeout = timeout;
    Ok(())
}

/// Records the socket file `bind` just made for socket `id`, to remove at the end.
pub fn remember_unix_path(id: u32, path: PathBuf) {
    let bound = BoundPath::record(path);
    if let Some(entry) = table().get_mut(id as usize) {
        entry.unix_path = bound;
    }
}

/// Closes a socket; closing twice is fine, as in Python.
pub fn close(id: u32) {
    if let Some(entry) = table().get_mut(id as usize) {
        entry.socket = None;
    }
}

/// Closes every socket and removes the Unix socket files the session bound.
pub fn close_all() {
    let mut table = table();
    for entry in table.iter_mut() {
        entry.socket = None;
        if let Some(bound) = entry.unix_path.take() {
            bound.remove_if_ours();
        }
    }
}

pub fn raw_fd(socket: &Socket) -> i32 {
    use std::os::fd::AsRawFd;
    socket.as_raw_fd()
}

/// What the table knows of one socket, for showing it.
pub struct Description {
    pub id: u32,
    pub family: i32,
    pub kind: i32,
    pub proto: i32,
    /// The open socket's state; `None` once it is closed.
    pub open: Option<OpenState>,
}

pub struct OpenState {
    pub fd: i32,
    pub local: Option<SockAddr>,
    pub peer: Option<SockAddr>,
    pub listening: bool,
    /// The kernel's TCP state; `None` for sockets that are not TCP.
    pub tcp_state: Option<TcpState>,
}

/// The states of TCP's state machine as Linux numbers them (`include/net/tcp_states.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpState {
    Established,
    SynSent,
    SynReceived,
    FinWait1,
    FinWait2,
    TimeWait,
    Close,
    CloseWait,
    LastAck,
    Listen,
    Closing,
}

impl TcpState {
    pub fn from_kernel(number: u8) -> Option<TcpState> {
        use TcpState::*;
        Some(match number {
            1 => Established,
            2 => SynSent,
            3 => SynReceived,
            4 => FinWait1,
            5 => FinWait2,
            6 => TimeWait,
            7 => Close,
            8 => CloseWait,
            9 => LastAck,
            10 => Listen,
            11 => Closing,
            _ => return None,
        })
    }

    /// The state's name as `ss` prints it, except that `ss` calls a closed
    /// socket `UNCONN` where the kernel (and RFC 9293's CLOSED) says CLOSE.
    pub fn name(self) -> &'static str {
        use TcpState::*;
        match self {
            Established => "ESTAB",
            SynSent => "SYN-SENT",
            SynReceived => "SYN-RECV",
            FinWait1 => "FIN-WAIT-1",
            FinWait2 => "FIN-WAIT-2",
            TimeWait => "TIME-WAIT",
            Close => "CLOSE",
            CloseWait => "CLOSE-WAIT",
            LastAck => "LAST-ACK",
            Listen => "LISTEN",
            Closing => "CLOSING",
        }
    }
}

/// A TCP socket's state from the kernel; `None` for other sockets.
fn tcp_state_of(socket: &Socket, entry: &Entry) -> Option<TcpState> {
    let inet = entry.family == libc::AF_INET || entry.family == libc::AF_INET6;
    let tcp = entry.proto == 0 || entry.proto == libc::IPPROTO_TCP;
    if !inet || !tcp || entry.kind != libc::SOCK_STREAM {
        return None;
    }
    let info = crate::net::ffi::tcp_info(raw_fd(socket)).ok()?;
    let state = TcpState::from_kernel(info.state)?;
    // A socket made or bound but never connected is TCP_CLOSE too; it has sent
    // nothing, and `new` or `bound` says more to a learner than CLOSE.
    if state == TcpState::Close && info.segments_sent == Some(0) {
        return None;
    }
    Some(state)
}

fn describe_entry(id: u32, entry: &Entry) -> Description {
    Description {
        id,
        family: entry.family,
        kind: entry.kind,
        proto: entry.proto,
        open: entry.socket.as_ref().map(|socket| OpenState {
            fd: raw_fd(socket),
            local: socket.local_addr().ok(),
            peer: socket.peer_addr().ok(),
            listening: socket.is_listener().unwrap_or(false),
            tcp_state: tcp_state_of(socket, entry),
        }),
    }
}

/// One socket as the table knows it; `None` for a number it never gave out.
pub fn describe(id: u32) -> Option<Description> {
    table()
        .get(id as usize)
        .map(|entry| describe_entry(id, entry))
}

/// The open sockets, in the order they were made.
pub fn open_sockets() -> Vec<Description> {
    table()
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.socket.is_some())
        .map(|(id, entry)| describe_entry(id as u32, entry))
        .collect()
}

/// `tcp`, `udp6`, `unix-stream`...
pub fn kind_name(family: i32, kind: i32) -> String {
    let base = match (family, kind) {
        (libc::AF_INET, libc::SOCK_STREAM) => "tcp",
        (libc::AF_INET, libc::SOCK_DGRAM) => "udp",
        (libc::AF_INET6, libc::SOCK_STREAM) => "tcp6",
        (libc::AF_INET6, libc::SOCK_DGRAM) => "udp6",
        (libc::AF_UNIX, libc::SOCK_STREAM) => "unix stream",
        (libc::AF_UNIX, libc::SOCK_DGRAM) => "unix datagram",
        (libc::AF_UNIX, libc::SOCK_SEQPACKET) => "unix seqpacket",
        _ => return format!("family {family} type {kind}"),
    };
    base.to_string()
}
