//! The lab's DNS server: authoritative for the zones whose master files
//! (`*.zone`, as `dns_zone` writes them) sit in one directory, served over
//! UDP and TCP with hickory-server's catalog. Names in its zones that do not
//! exist get NXDOMAIN with the zone's SOA; names outside them get REFUSED, as
//! an authoritative-only server should answer.
//!
//! The server runs on a thread and runtime of its own, so it keeps answering
//! while the session that started it waits on something else.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::{LowerName, Name};
use hickory_proto::serialize::txt::Parser;
use hickory_server::Server;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};

use crate::net::dns_zone::ZONE_FILE_EXTENSION;

/// How long a TCP client may stay silent before the server hangs up.
const TCP_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Responses queued per TCP connection.
const TCP_RESPONSE_BUFFER: usize = 16;
/// How long a stop waits for connections being answered.
const STOP_GRACE: Duration = Duration::from_secs(1);
/// More zone files than any lab has: a wrong directory fails instead of loading the disk.
const MAX_ZONE_FILES: usize = 256;
/// A master file larger than this is not a lab zone.
const MAX_ZONE_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// The zone directory or a file in it could not be read.
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A master file is not valid, or hickory refused its records.
    Zone { path: PathBuf, reason: String },
    /// The directory holds no `*.zone` file.
    NoZones(PathBuf),
    /// No address to listen on was given.
    NoAddress,
    /// An address could not be bound (in use, not on this host, no permission).
    Bind {
        address: SocketAddr,
        error: std::io::Error,
    },
    /// The runtime or the server thread could not be started.
    Runtime(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            StartError::Zone { path, reason } => {
                write!(f, "bad zone file {}: {reason}", path.display())
            }
            StartError::NoZones(dir) => write!(
                f,
                "no *.{ZONE_FILE_EXTENSION} master files in {}",
                dir.display()
            ),
            StartError::NoAddress => write!(f, "no address to listen on"),
            StartError::Bind { address, error } => write!(f, "cannot listen on {address}: {error}"),
            StartError::Runtime(error) => write!(f, "cannot start the server: {error}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A server that answers until it is stopped or dropped.
pub struct RunningServer {
    zones: Vec<String>,
    addresses: Vec<SocketAddr>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    /// The zones served, with their final dots: forward zones, then reverse.
    pub fn zones(&self) -> &[String] {
        &self.zones
    }

    /// The addresses it listens on (with the ports the kernel chose for port 0).
    pub fn addresses(&self) -> &[SocketAddr] {
        &self.addresses
    }

    /// `serving DNS for lab., 0.77.10.in-addr.arpa. on 10.77.0.2:53`
    pub fn describe(&self) -> String {
        let addresses: Vec<String> = self.addresses.iter().map(ToString::to_string).collect();
        format!(
            "serving DNS for {} on {}",
            self.zones.join(", "),
            addresses.join(", ")
        )
    }

    /// Stops answering and closes the sockets; returns once they are closed.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Loads every zone in `zone_dir` and serves them on each address, UDP and TCP.
pub fn start(zone_dir: &Path, listen: &[SocketAddr]) -> Result<RunningServer, StartError> {
    if listen.is_empty() {
        return Err(StartError::NoAddress);
    }
    let zones = load_zones(zone_dir)?;
    let mut catalog = Catalog::new();
    let mut names = Vec::new();
    for (origin, handler) in zones {
        names.push(origin.to_string());
        catalog.upsert(LowerName::from(&origin), vec![handler]);
    }
    let mut udp = Vec::new();
    let mut tcp = Vec::new();
    let mut addresses = Vec::new();
    for &address in listen {
        let bind_error = |error| StartError::Bind { address, error };
        let socket = std::net::UdpSocket::bind(address).map_err(bind_error)?;
        // TCP takes the port UDP got, so port 0 gives one port for both.
        let bound = socket.local_addr().map_err(bind_error)?;
        let listener = std::net::TcpListener::bind(bound).map_err(bind_error)?;
        socket.set_nonblocking(true).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        udp.push(socket);
        tcp.push(listener);
        addresses.push(bound);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(StartError::Runtime)?;
    let mut server = {
        let _inside = runtime.enter();
        let mut server = Server::new(catalog);
        for socket in udp {
            let socket = tokio::net::UdpSocket::from_std(socket).map_err(StartError::Runtime)?;
            server.register_socket(socket);
        }
        for listener in tcp {
            let listener =
                tokio::net::TcpListener::from_std(listener).map_err(StartError::Runtime)?;
            server.register_listener(listener, TCP_IDLE_TIMEOUT, TCP_RESPONSE_BUFFER);
        }
        server
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("netrepl-dns-server".into())
        .spawn(move || {
            runtime.block_on(async move {
                // A dropped sender (the owner went away) stops it too.
                let _ = stopped.await;
                // Bounded: a client holding a TCP connection open must not hold up the stop.
                let _ = tokio::time::timeout(STOP_GRACE, server.shutdown_gracefully()).await;
            });
        })
        .map_err(StartError::Runtime)?;
    Ok(RunningServer {
        zones: names,
        addresses,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// The origin a zone file's name gives: `lab.zone` -> `lab.`.
pub fn origin_from_file_name(path: &Path) -> Option<String> {
    let stem = path.file_name()?.to_str()?;
    let stem = stem.strip_suffix(ZONE_FILE_EXTENSION)?.strip_suffix('.')?;
    (!stem.is_empty()).then(|| format!("{stem}."))
}

type LoadedZone = (Name, Arc<dyn ZoneHandler>);

fn load_zones(dir: &Path) -> Result<Vec<LoadedZone>, StartError> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error_for(dir))? {
        let path = entry.map_err(read_error_for(dir))?.path();
        if origin_from_file_name(&path).is_some() && path.is_file() {
            paths.push(path);
        }
        if paths.len() > MAX_ZONE_FILES {
            return Err(StartError::Zone {
                path: dir.to_path_buf(),
                reason: format!("more than {MAX_ZONE_FILES} zone files"),
            });
        }
    }
    if paths.is_empty() {
        return Err(StartError::NoZones(dir.to_path_buf()));
    }
    // Forward zones first, then the reverse ones: `lab., 0.77.10.in-addr.arpa.`.
    paths.sort_by_key(|path| {
        let origin = origin_from_file_name(path).unwrap_or_default();
        (origin.ends_with(".arpa."), origin)
    });
    paths.iter().map(|path| load_zone(path)).collect()
}

fn load_zone(path: &Path) -> Result<LoadedZone, StartError> {
    let zone_error = |reason: String| StartError::Zone {
        path: path.to_path_buf(),
        reason,
    };
    let size = std::fs::metadata(path).map_err(read_error_for(path))?.len();
    if size > MAX_ZONE_FILE_BYTES {
        return Err(zone_error(format!(
            "{size} bytes is more than a lab zone needs"
        )));
    }
    let text = std::fs::read_to_string(path).map_err(read_error_for(path))?;
    // The file's name gives the origin; a `$ORIGIN` line inside wins.
    let default_origin = origin_from_file_name(path)
        .and_then(|name| Name::from_ascii(&name).ok())
        .ok_or_else(|| zone_error("its name does not give a zone name".into()))?;
    let (origin, records) = Parser::new(text, Some(path.to_path_buf()), Some(default_origin))
        .parse()
        .map_err(|e| zone_error(e.to_string()))?;
    let handler: InMemoryZoneHandler =
        InMemoryZoneHandler::new(origin.clone(), records, ZoneType::Primary, AxfrPolicy::Deny)
            .map_err(zone_error)?;
    Ok((origin, Arc::new(handler)))
}

fn read_error_for(path: &Path) -> impl FnOnce(std::io::Error) -> StartError {
    let path = path.to_path_buf();
    move |error| StartError::Read { path, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_come_from_file_names() {
        let origin = |name: &str| origin_from_file_name(Path::new(name));
        assert_eq!(origin("/z/lab.zone").as_deref(), Some("lab."));
        assert_eq!(
            origin("0.77.10.in-addr.arpa.zone").as_deref(),
            Some("0.77.10.in-addr.arpa.")
        );
        assert_eq!(origin(".zone"), None);
        assert_eq!(origin("lab.txt"), None);
        assert_eq!(origin("labzone"), None);
    }

    #[test]
    fn an_empty_directory_is_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("netrepl-dns-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let error = start(&dir, &["127.0.0.1:0".parse().unwrap()])
            .err()
            .expect("no zones must fail");
        assert!(error.to_string().contains("no *.zone"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
