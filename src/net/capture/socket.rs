//! The capture itself: a packet socket opened before the line runs (so a
//! missing permission stops it before anything happens), read on a thread
//! until the line is done plus a short grace for replies in flight, within
//! bounds on packets and bytes.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::net::ffi;
use crate::python::error::{CommandError, CommandResult};

/// At most this many frames are kept.
pub const MAX_PACKETS: usize = 1000;
/// At most this many bytes of frames are kept.
pub const MAX_BYTES: usize = 4 << 20;
/// Each frame keeps at most this many bytes (an Ethernet frame with room to spare).
const SNAP_LENGTH: usize = 65_536;
/// How long the capture stays open after the line, for replies in flight.
pub const GRACE: Duration = Duration::from_millis(10);

/// One frame as the kernel handed it over.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// When it was read, from the start of the capture.
    pub at: Duration,
    pub interface: String,
    pub outgoing: bool,
    pub bytes: Vec<u8>,
    /// Its length on the wire; more than `bytes.len()` when cut at the snap length.
    pub wire_length: usize,
}

/// What a capture kept, and why it stopped early if it did.
#[derive(Debug, Default)]
pub struct Captured {
    pub frames: Vec<Frame>,
    /// "the 1000-packet limit", say: a bound that cut the capture short.
    pub cut_short: Option<String>,
    /// A read that failed part way (the frames before it are kept).
    pub failure: Option<String>,
}

/// A capture running on its own thread.
pub struct Capture {
    stop: Arc<AtomicBool>,
    reader: JoinHandle<Captured>,
}

/// Opens the packet socket (bound to `interface`, or to every interface) and
/// starts reading it.
pub fn start(interface: Option<&str>) -> CommandResult<Capture> {
    let index = match interface {
        Some(name) => Some(ffi::interface_index(name).ok_or_else(|| {
            CommandError::from_errno(libc::ENODEV).explain(format!(
                "There is no interface called '{name}' here; interfaces() lists them."
            ))
        })?),
        None => None,
    };
    let socket = ffi::packet_socket().map_err(permission_error)?;
    if let Some(index) = index {
        ffi::bind_packet_socket(socket.as_raw_fd(), index)
            .map_err(|e| CommandError::from_errno(e.raw_os_error().unwrap_or(libc::EINVAL)))?;
    }
    ffi::grow_receive_buffer(socket.as_raw_fd(), 8 << 20);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let reader = std::thread::Builder::new()
        .name("packets".into())
        .spawn(move || read_frames(&socket, &flag))
        .map_err(|e| CommandError::os_error(format!("could not start the capture: {e}")))?;
    Ok(Capture { stop, reader })
}

impl Capture {
    /// Waits the grace period, stops reading and hands back what was kept.
    pub fn finish(self) -> Captured {
        std::thread::sleep(GRACE);
        self.stop.store(true, Ordering::SeqCst);
        self.reader.join().unwrap_or_else(|_| Captured {
            failure: Some("the capture thread stopped unexpectedly".into()),
            ..Captured::default()
        })
    }
}

/// Why opening the socket failed, in words that say what to do.
fn permission_error(error: std::io::Error) -> CommandError {
    let errno = error.raw_os_error().unwrap_or(libc::EPERM);
    let failure = CommandError::from_errno(errno);
    if matches!(errno, libc::EPERM | libc::EACCES) {
        failure.explain(
            "Capturing packets opens an AF_PACKET socket, which needs root or the CAP_NET_RAW \
             capability. Run `sudo netrepl`, or give the program the capability once: \
             `sudo setcap cap_net_raw+ep $(which netrepl)`.",
        )
    } else {
        failure.explain("The packet socket could not be opened on this system.")
    }
}

/// Reads frames until told to stop, then drains what is already queued.
fn read_frames(socket: &OwnedFd, stop: &AtomicBool) -> Captured {
    let fd = socket.as_raw_fd();
    let started = Instant::now();
    let mut names: HashMap<i32, String> = HashMap::new();
    let mut buffer = vec![0u8; SNAP_LENGTH];
    let mut captured = Captured::default();
    let mut bytes = 0usize;
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        match ffi::receive_frame(fd, &mut buffer) {
            Ok(Some((kept, wire_length, origin))) => {
                // On loopback a frame passes out and back in: keep it once.
                if origin.loopback && !origin.outgoing {
                    continue;
                }
                if captured.frames.len() >= MAX_PACKETS {
                    captured.cut_short = Some(format!("the {MAX_PACKETS}-packet limit"));
                    break;
                }
                if bytes + kept > MAX_BYTES {
                    captured.cut_short = Some(format!("the {} MiB limit", MAX_BYTES >> 20));
                    break;
                }
                bytes += kept;
                let interface = names
                    .entry(origin.interface_index)
                    .or_insert_with(|| {
                        u32::try_from(origin.interface_index)
                            .ok()
                            .and_then(ffi::interface_name)
                            .unwrap_or_else(|| format!("if{}", origin.interface_index))
                    })
                    .clone();
                captured.frames.push(Frame {
                    at: started.elapsed(),
                    interface,
                    outgoing: origin.outgoing,
                    bytes: buffer[..kept].to_vec(),
                    wire_length,
                });
            }
            Ok(None) if stopping => break,
            Ok(None) => {
                if let Err(e) = ffi::wait_readable(fd, 2) {
                    captured.failure = Some(e.to_string());
                    break;
                }
            }
            Err(e) => {
                captured.failure = Some(e.to_string());
                break;
            }
        }
    }
    captured
}
