//! Practice servers that run in the background while the learner types:
//! `echo` (TCP, sends back what it gets), `chat` (TCP, a line-based room that
//! several REPLs can join), `time` (UDP, answers any datagram with the
//! time) and `http` (TCP, answers one HTTP request per connection). They run
//! on their own small tokio runtime, so they keep serving while the prompt
//! waits.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};
use tokio::runtime::Runtime;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use super::practice_http;
use crate::python::error::{CommandError, CommandResult};

/// Servers one session may run at once.
pub const MAX_SERVERS: usize = 8;
/// Clients one chat room holds.
const MAX_CHAT_CLIENTS: usize = 64;
/// The longest chat line; longer lines are cut.
const MAX_LINE: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    Echo,
    Chat,
    Time,
    Http,
}

impl ServerKind {
    pub fn parse(name: &str) -> Option<ServerKind> {
        match name {
            "echo" => Some(ServerKind::Echo),
            "chat" => Some(ServerKind::Chat),
            "time" => Some(ServerKind::Time),
            "http" => Some(ServerKind::Http),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Echo => "echo",
            ServerKind::Chat => "chat",
            ServerKind::Time => "time",
            ServerKind::Http => "http",
        }
    }

    pub fn protocol(self) -> &'static str {
        match self {
            ServerKind::Time => "udp",
            _ => "tcp",
        }
    }

    /// Where it listens unless told otherwise: loopback, a port per kind.
    pub fn default_address(self) -> SocketAddr {
        let port = match self {
            ServerKind::Echo => 9000,
            ServerKind::Chat => 9001,
            ServerKind::Time => 9002,
            ServerKind::Http => 8080,
        };
        SocketAddr::from(([127, 0, 0, 1], port))
    }
}

struct Server {
    name: String,
    kind: ServerKind,
    address: SocketAddr,
    started: Instant,
    served: Arc<AtomicU64>,
    /// Why and when the server stopped by itself; `None` while it serves.
    stopped: Arc<Mutex<Option<(String, Instant)>>>,
    task: JoinHandle<()>,
}

pub struct ServerSummary {
    pub name: String,
    pub kind: ServerKind,
    pub address: SocketAddr,
    pub served: u64,
    pub uptime_seconds: u64,
    /// Why it stopped by itself; `None` while it runs.
    pub stopped: Option<String>,
}

static SERVERS: Mutex<Vec<Server>> = Mutex::new(Vec::new());
static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

fn servers() -> MutexGuard<'static, Vec<Server>> {
    SERVERS.lock().unwrap_or_else(|p| p.into_inner())
}

fn runtime() -> CommandResult<&'static Runtime> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("netrepl-servers")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| CommandError::os_error(format!("cannot start the server runtime: {e}")))
}

fn io_error(e: &std::io::Error) -> CommandError {
    let error = CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EIO));
    match e.raw_os_error() {
        Some(libc::EADDRINUSE) => error.explain("Something already listens there (`servers` lists netrepl's); give another address, like serve echo 127.0.0.1:9100."),
        Some(libc::EACCES) => error.explain(super::LOW_PORT_HINT),
        _ => error,
    }
}

/// `netrepl serve-practice KIND --listen ADDR`, as the lab runs its services:
/// serves in the foreground, says `serving KIND on ADDR` once it listens, and
/// ends on SIGTERM or SIGINT.
pub fn serve_until_signalled(kind: ServerKind, address: SocketAddr) -> CommandResult<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use std::io::Write as _;
    // Set up before serving, so a signal that comes early is not lost.
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])
        .map_err(|e| CommandError::os_error(format!("cannot wait for signals: {e}")))?;
    let (_, bound) = start(kind, address)?;
    let mut out = std::io::stdout();
    let _ = writeln!(out, "serving {} on {bound}", kind.name());
    let _ = out.flush();
    let _ = signals.forever().next();
    stop_all();
    Ok(())
}

/// Starts a server; returns its name and the address it really got (port 0 picks one).
pub fn start(kind: ServerKind, address: SocketAddr) -> CommandResult<(String, SocketAddr)> {
    if servers().len() >= MAX_SERVERS {
        return Err(CommandError::os_error(format!(
            "netrepl runs at most {MAX_SERVERS} servers at once"
        ))
        .explain("Stop one first: `servers` lists them, `stop NAME` ends one."));
    }
    let runtime = runtime()?;
    let served = Arc::new(AtomicU64::new(0));
    let counter = served.clone();
    let serving: Serving;
    let bound = match kind {
        ServerKind::Time => {
            let socket = runtime
                .block_on(UdpSocket::bind(address))
                .map_err(|e| io_error(&e))?;
            let bound = socket.local_addr().map_err(|e| io_error(&e))?;
            serving = Box::pin(serve_time(socket, counter));
            bound
        }
        ServerKind::Echo | ServerKind::Chat | ServerKind::Http => {
            let listener = runtime
                .block_on(async { reusable_listener(address) })
                .map_err(|e| io_error(&e))?;
            let bound = listener.local_addr().map_err(|e| io_error(&e))?;
            serving = match kind {
                ServerKind::Echo => Box::pin(serve_echo(listener, counter)),
                ServerKind::Http => Box::pin(serve_http(listener, counter)),
                _ => Box::pin(serve_chat(listener, counter)),
            };
            bound
        }
    };
    Ok((run(runtime, kind, bound, served, serving), bound))
}

/// A TCP listener with SO_REUSEADDR set, so a fixed port is free again right
/// after `stop`, while the connections it served sit in TIME_WAIT. (UDP has
/// no TIME_WAIT, and there the option would let two servers share a port.)
/// Runs inside the runtime, which registers the listener.
fn reusable_listener(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(1024)
}

/// A future that serves until it fails, and says why.
type Serving = std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>>;

/// Runs a bound server in the background and lists it; returns its name.
/// When `serving` ends by itself, the list keeps it, stopped, with the reason.
fn run(
    runtime: &Runtime,
    kind: ServerKind,
    address: SocketAddr,
    served: Arc<AtomicU64>,
    serving: Serving,
) -> String {
    let stopped = Arc::new(Mutex::new(None));
    let reason = stopped.clone();
    let task = runtime.spawn(async move {
        let why = serving.await;
        *reason.lock().unwrap_or_else(|p| p.into_inner()) = Some((why, Instant::now()));
    });
    let mut list = servers();
    let name = unique_name(&list, kind.name());
    list.push(Server {
        name: name.clone(),
        kind,
        address,
        started: Instant::now(),
        served,
        stopped,
        task,
    });
    name
}

fn unique_name(list: &[Server], base: &str) -> String {
    let taken = |n: &str| list.iter().any(|s| s.name == n);
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_string())
}

pub fn list() -> Vec<ServerSummary> {
    servers()
        .iter()
        .map(|s| {
            let mut stopped = s.stopped.lock().unwrap_or_else(|p| p.into_inner()).clone();
            // A task that ended with no reason panicked: it is no less stopped.
            if stopped.is_none() && s.task.is_finished() {
                stopped = Some(("it failed unexpectedly".into(), Instant::now()));
            }
            // A stopped server's time is how long it ran.
            let until = stopped.as_ref().map_or_else(Instant::now, |(_, at)| *at);
            ServerSummary {
                name: s.name.clone(),
                kind: s.kind,
                address: s.address,
                served: s.served.load(Ordering::Relaxed),
                uptime_seconds: until.saturating_duration_since(s.started).as_secs(),
                stopped: stopped.map(|(why, _)| why),
            }
        })
        .collect()
}

/// Stops the server called `name`; false if there is none.
pub fn stop(name: &str) -> bool {
    let mut list = servers();
    let Some(at) = list.iter().position(|s| s.name == name) else {
        return false;
    };
    list.remove(at).task.abort();
    true
}

pub fn stop_all() {
    for server in servers().drain(..) {
        server.task.abort();
    }
}

/// What to do after a failed accept or receive.
#[derive(Debug, PartialEq, Eq)]
enum AfterFailure {
    /// Out of file descriptors or memory (clients will leave), or a failure
    /// of one client's (it left before it was accepted): wait a little and
    /// go on. The wait keeps a failure that repeats from spinning the CPU.
    TryAgain,
    /// The socket itself is broken: the server cannot go on.
    Stop,
}

fn after_failure(e: &std::io::Error) -> AfterFailure {
    match e.raw_os_error() {
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM) => AfterFailure::TryAgain,
        // accept(2): errors already pending on the new connection come back
        // from accept, and are to be treated like EAGAIN.
        Some(
            libc::ECONNABORTED
            | libc::ECONNRESET
            | libc::ECONNREFUSED
            | libc::EINTR
            | libc::EAGAIN
            | libc::EPROTO
            | libc::EPERM
            | libc::ENETDOWN
            | libc::ENOPROTOOPT
            | libc::EHOSTDOWN
            | libc::ENONET
            | libc::EHOSTUNREACH
            | libc::EOPNOTSUPP
            | libc::ENETUNREACH
            | libc::ETIMEDOUT,
        ) => AfterFailure::TryAgain,
        _ if e.kind() == std::io::ErrorKind::Interrupted => AfterFailure::TryAgain,
        _ => AfterFailure::Stop,
    }
}

/// How a server says why it stopped: `accept failed: [Errno 9] Bad file descriptor`.
fn stop_reason(what: &str, e: &std::io::Error) -> String {
    format!("{what} failed: {}", io_error(e).python_line())
}

/// Waits between tries after a failure: short at first, so the server is
/// back soon after clients leave, and never long.
struct Backoff(Duration);

impl Backoff {
    const FIRST: Duration = Duration::from_millis(10);
    const MOST: Duration = Duration::from_millis(500);

    fn new() -> Backoff {
        Backoff(Backoff::FIRST)
    }

    async fn wait(&mut self) {
        tokio::time::sleep(self.0).await;
        self.0 = (self.0 * 2).min(Backoff::MOST);
    }

    fn reset(&mut self) {
        self.0 = Backoff::FIRST;
    }
}

/// Accepts clients and runs `client` for each; the clients' tasks belong to
/// this one, so stopping the server disconnects them too. A failed accept
/// does not end it: with too many clients the process runs out of file
/// descriptors (EMFILE), and once some leave it serves again. Returns why it
/// stopped, if the listening socket itself fails.
async fn accept_clients<F, Fut>(listener: TcpListener, served: Arc<AtomicU64>, client: F) -> String
where
    F: Fn(TcpStream, u64) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut clients = tokio::task::JoinSet::new();
    let mut backoff = Backoff::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    backoff.reset();
                    let number = served.fetch_add(1, Ordering::Relaxed) + 1;
                    clients.spawn(client(stream, number));
                }
                Err(e) => match after_failure(&e) {
                    // Clients that leave meanwhile are reaped, freeing their descriptors.
                    AfterFailure::TryAgain => {
                        let pause = backoff.wait();
                        tokio::pin!(pause);
                        loop {
                            tokio::select! {
                                _ = &mut pause => break,
                                Some(_) = clients.join_next(), if !clients.is_empty() => {}
                            }
                        }
                    }
                    AfterFailure::Stop => return stop_reason("accept", &e),
                },
            },
            Some(_) = clients.join_next(), if !clients.is_empty() => {}
        }
    }
}

async fn serve_echo(listener: TcpListener, served: Arc<AtomicU64>) -> String {
    accept_clients(listener, served, |stream, _| async move {
        let (mut reader, mut writer) = stream.into_split();
        let mut buf = vec![0u8; 16 * 1024];
        while let Ok(n) = reader.read(&mut buf).await {
            if n == 0 || writer.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    })
    .await
}

async fn serve_http(listener: TcpListener, served: Arc<AtomicU64>) -> String {
    accept_clients(listener, served, |stream, _| http_client(stream)).await
}

/// How long a client may take to send its request head.
const HTTP_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads one request head (at most `MAX_HEAD` bytes, within the timeout),
/// answers it and closes: a silent or endless client is cut off.
async fn http_client(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    let reading = async {
        loop {
            if let Some(end) = practice_http::head_end(&head) {
                head.truncate(end);
                return true;
            }
            if head.len() >= practice_http::MAX_HEAD {
                return false;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return !head.is_empty(),
                Ok(n) => head.extend_from_slice(&chunk[..n]),
            }
        }
    };
    let read = tokio::time::timeout(HTTP_READ_TIMEOUT, reading).await;
    if head.is_empty() {
        return;
    }
    let answer = match read {
        Ok(true) => practice_http::answer(&head, &utc_now()),
        Ok(false) => practice_http::too_large(),
        Err(_) => practice_http::too_slow(),
    };
    let _ = stream
        .write_all(&practice_http::response(&answer, &http_date()))
        .await;
    let _ = stream.shutdown().await;
    // Closing with unread bytes would reset the connection, and the client
    // could lose the answer: read a little of what is left, briefly.
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut left: usize = 64 * 1024;
        while left > 0 {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    })
    .await;
}

async fn serve_time(socket: UdpSocket, served: Arc<AtomicU64>) -> String {
    let mut buf = [0u8; 512];
    let mut backoff = Backoff::new();
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((_, from)) => {
                backoff.reset();
                served.fetch_add(1, Ordering::Relaxed);
                let _ = socket
                    .send_to(format!("{}\n", utc_now()).as_bytes(), from)
                    .await;
            }
            Err(e) => match after_failure(&e) {
                AfterFailure::TryAgain => backoff.wait().await,
                AfterFailure::Stop => return stop_reason("receive", &e),
            },
        }
    }
}

/// The room: who is in it, and the channel every line goes out on.
struct Room {
    names: Mutex<HashMap<u64, String>>,
    lines: broadcast::Sender<(u64, String)>,
}

async fn serve_chat(listener: TcpListener, served: Arc<AtomicU64>) -> String {
    let (lines, _) = broadcast::channel(256);
    let room = Arc::new(Room {
        names: Mutex::new(HashMap::new()),
        lines,
    });
    accept_clients(listener, served, move |stream, id| {
        chat_client(stream, id, room.clone())
    })
    .await
}

/// Bytes a client has sent that do not yet end a line. It lives outside the
/// `select!` that reads, and bytes enter it only by `read`, which is cancel
/// safe: a message from another client arriving mid-line loses nothing.
#[derive(Default)]
struct LineBuffer(Vec<u8>);

impl LineBuffer {
    fn push(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// The next whole line without its ending, or a cut of MAX_LINE bytes if
    /// a line runs that long with no newline.
    fn next_line(&mut self) -> Option<String> {
        let end = match self.0.iter().position(|&b| b == b'\n') {
            Some(at) if at < MAX_LINE => at + 1,
            _ if self.0.len() >= MAX_LINE => MAX_LINE,
            _ => return None,
        };
        let line: Vec<u8> = self.0.drain(..end).collect();
        Some(String::from_utf8_lossy(&line).trim_end().to_string())
    }
}

async fn chat_client(stream: TcpStream, id: u64, room: Arc<Room>) {
    let (mut reader, mut writer) = stream.into_split();
    let full = room
        .names
        .lock()
        .map(|n| n.len() >= MAX_CHAT_CLIENTS)
        .unwrap_or(true);
    if full {
        let _ = writer.write_all(b"* the room is full\n").await;
        return;
    }
    let mut name = format!("guest{id}");
    if let Ok(mut names) = room.names.lock() {
        names.insert(id, name.clone());
    }
    let mut inbox = room.lines.subscribe();
    let welcome = format!(
        "* welcome, {name}. Type to talk; /nick NAME renames you, /who lists the room, /quit leaves.\n"
    );
    if writer.write_all(welcome.as_bytes()).await.is_err() {
        return;
    }
    let _ = room.lines.send((id, format!("* {name} joined")));
    let mut pending = LineBuffer::default();
    let mut chunk = [0u8; 1024];
    'session: loop {
        tokio::select! {
            read = reader.read(&mut chunk) => {
                let n = match read {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                pending.push(&chunk[..n]);
                while let Some(text) = pending.next_line() {
                    if text == "/quit" {
                        break 'session;
                    } else if let Some(new) = text.strip_prefix("/nick ") {
                        let new = new.trim().chars().take(32).collect::<String>();
                        if !new.is_empty() {
                            let _ = writer.write_all(format!("* you are now {new}\n").as_bytes()).await;
                            let _ = room.lines.send((id, format!("* {name} is now {new}")));
                            name = new;
                            if let Ok(mut names) = room.names.lock() {
                                names.insert(id, name.clone());
                            }
                        }
                    } else if text == "/who" {
                        let mut who: Vec<String> = room.names.lock().map(|n| n.values().cloned().collect()).unwrap_or_default();
                        who.sort();
                        let _ = writer.write_all(format!("* here: {}\n", who.join(", ")).as_bytes()).await;
                    } else if !text.is_empty() {
                        let _ = room.lines.send((id, format!("{name}: {text}")));
                    }
                }
            }
            message = inbox.recv() => match message {
                Ok((from, text)) if from != id => {
                    if writer.write_all(format!("{text}\n").as_bytes()).await.is_err() {
                        break;
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    if let Ok(mut names) = room.names.lock() {
        names.remove(&id);
    }
    let _ = room.lines.send((id, format!("* {name} left")));
}

/// `2026-11-23 03:40:00 UTC`, from the system clock.
pub fn utc_now() -> String {
    let secs = unix_seconds();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `Wed, 02 Dec 2026 20:31:00 GMT`: the date as HTTP writes it (RFC 7231).
pub fn http_date() -> String {
    http_date_at(unix_seconds())
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn http_date_at(secs: u64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month as usize).saturating_sub(1).min(11)],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's method.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_split_across_reads_comes_out_whole() {
        let mut pending = LineBuffer::default();
        pending.push(b"hel");
        assert_eq!(pending.next_line(), None);
        pending.push(b"lo\r\nsecond\nthi");
        assert_eq!(pending.next_line().as_deref(), Some("hello"));
        assert_eq!(pending.next_line().as_deref(), Some("second"));
        assert_eq!(pending.next_line(), None);
        pending.push(b"rd\n");
        assert_eq!(pending.next_line().as_deref(), Some("third"));
    }

    #[test]
    fn an_endless_line_is_cut_at_the_limit() {
        let mut pending = LineBuffer::default();
        pending.push(&vec![b'a'; MAX_LINE + 10]);
        assert_eq!(pending.next_line().map(|l| l.len()), Some(MAX_LINE));
        assert_eq!(pending.next_line(), None);
        pending.push(b"\n");
        assert_eq!(pending.next_line().as_deref(), Some("aaaaaaaaaa"));
    }

    #[test]
    fn running_out_of_descriptors_is_waited_out_and_a_broken_socket_stops() {
        let of = |errno| after_failure(&std::io::Error::from_raw_os_error(errno));
        assert_eq!(of(libc::EMFILE), AfterFailure::TryAgain);
        assert_eq!(of(libc::ENFILE), AfterFailure::TryAgain);
        assert_eq!(of(libc::ECONNABORTED), AfterFailure::TryAgain);
        assert_eq!(of(libc::EBADF), AfterFailure::Stop);
        assert_eq!(of(libc::EINVAL), AfterFailure::Stop);
        let reason = stop_reason("accept", &std::io::Error::from_raw_os_error(libc::EBADF));
        assert_eq!(
            reason,
            "accept failed: OSError: [Errno 9] Bad file descriptor"
        );
    }

    #[test]
    fn a_server_that_stops_by_itself_is_listed_as_stopped_with_the_reason() {
        let runtime = runtime().expect("the server runtime");
        let address = SocketAddr::from(([127, 0, 0, 1], 0));
        let failing: Serving =
            Box::pin(async { "accept failed: OSError: [Errno 9] Bad file descriptor".to_string() });
        let name = run(
            runtime,
            ServerKind::Echo,
            address,
            Arc::new(AtomicU64::new(0)),
            failing,
        );
        let mut state = None;
        for _ in 0..100 {
            state = list()
                .into_iter()
                .find(|s| s.name == name)
                .and_then(|s| s.stopped);
            if state.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            state.as_deref(),
            Some("accept failed: OSError: [Errno 9] Bad file descriptor")
        );
        assert!(stop(&name), "a stopped server is still there to remove");
    }

    #[test]
    fn http_dates_name_the_weekday_and_month() {
        assert_eq!(http_date_at(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date_at(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn civil_dates_come_out_right() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
