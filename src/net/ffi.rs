//! The only module with `unsafe`: thin wrappers over the C library calls that no
//! crate covers (the netdb look-ups behind `gethostbyname_ex`, `gethostbyaddr`, the
//! services and protocols databases, the classic address converters, socket
//! options), the registration of a socket with tokio's reactor, and the
//! hook that seals a child process (a host name and a scratch directory of
//! its own).
//!
//! Every wrapper calls the reentrant (`_r`) form where one exists, so look-ups may
//! run on several threads at once, and copies the result out before returning.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::net::IpAddr;

/// glibc's `EAI_ADDRFAMILY`; the `libc` crate does not export this GNU extension.
pub const EAI_ADDRFAMILY: i32 = -9;

/// What `struct hostent` holds, copied into owned Rust values.
#[derive(Clone, Debug, PartialEq)]
pub struct HostEntry {
    pub name: String,
    pub aliases: Vec<String>,
    pub addresses: Vec<IpAddr>,
}

unsafe extern "C" {
    fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyaddr_r(
        addr: *const c_void,
        len: libc::socklen_t,
        family: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn getservbyname_r(
        name: *const c_char,
        proto: *const c_char,
        ret: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
    fn getservbyport_r(
        port: c_int,
        proto: *const c_char,
        ret: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
    fn getprotobyname_r(
        name: *const c_char,
        ret: *mut libc::protoent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::protoent,
    ) -> c_int;
    fn hstrerror(code: c_int) -> *const c_char;
    fn inet_aton(text: *const c_char, out: *mut libc::in_addr) -> c_int;
    fn inet_pton(family: c_int, text: *const c_char, out: *mut c_void) -> c_int;
    fn inet_ntop(
        family: c_int,
        src: *const c_void,
        dst: *mut c_char,
        size: libc::socklen_t,
    ) -> *const c_char;
}

/// Runs a reentrant look-up with a buffer that grows while the call says ERANGE.
fn with_growing_buffer(mut call: impl FnMut(&mut [c_char]) -> c_int) -> c_int {
    let mut size = 4096;
    loop {
        let mut buf = vec![0 as c_char; size];
        let rc = call(&mut buf);
        if rc != libc::ERANGE || size >= 1 << 20 {
            return rc;
        }
        size *= 4;
    }
}

/// Reads a NULL-terminated array of C strings.
///
/// # Safety
/// `list` must be NULL or point at a NULL-terminated array of valid C strings.
unsafe fn string_list(list: *mut *mut c_char) -> Vec<String> {
    let mut out = Vec::new();
    if list.is_null() {
        return out;
    }
    let mut at = list;
    // SAFETY: the caller guarantees the array is NULL-terminated.
    unsafe {
        while !(*at).is_null() {
            out.push(CStr::from_ptr(*at).to_string_lossy().into_owned());
            at = at.add(1);
        }
    }
    out
}

/// # Safety
/// `h` must point at a hostent filled in by the C library.
unsafe fn copy_hostent(h: *const libc::hostent) -> HostEntry {
    // SAFETY: the fields of a hostent from libc are valid C data.
    unsafe {
        let h = &*h;
        let name = if h.h_name.is_null() {
            String::new()
        } else {
            CStr::from_ptr(h.h_name).to_string_lossy().into_owned()
        };
        let aliases = string_list(h.h_aliases);
        let mut addresses = Vec::new();
        let mut at = h.h_addr_list;
        while !at.is_null() && !(*at).is_null() {
            let raw = *at as *const u8;
            match (h.h_addrtype, h.h_length) {
                (libc::AF_INET, 4) => {
                    let octets: [u8; 4] = std::ptr::read_unaligned(raw as *const [u8; 4]);
                    addresses.push(IpAddr::from(octets));
                }
                (libc::AF_INET6, 16) => {
                    let octets: [u8; 16] = std::ptr::read_unaligned(raw as *const [u8; 16]);
                    addresses.push(IpAddr::from(octets));
                }
                _ => {}
            }
            at = at.add(1);
        }
        HostEntry {
            name,
            aliases,
            addresses,
        }
    }
}

/// The resolver's error code (`h_errno`) after a failed host look-up.
pub type HErrno = i32;

/// The arguments every reentrant host look-up ends with: the entry to fill,
/// its buffer, where the result goes, and the resolver's error code.
type HostCall<'a> =
    dyn FnMut(*mut libc::hostent, &mut [c_char], *mut *mut libc::hostent, *mut c_int) -> c_int + 'a;

/// Runs `gethostbyname_r` or `gethostbyaddr_r` (through `call`) with a
/// buffer that grows as needed, and copies the entry out.
fn host_lookup(call: &mut HostCall<'_>) -> Result<HostEntry, HErrno> {
    let mut entry = None;
    let mut h_errno = 0;
    with_growing_buffer(|buf| {
        // SAFETY: every pointer is valid for the call; the result points into
        // `buf`, which lives until it is copied out here.
        unsafe {
            let mut ret: libc::hostent = std::mem::zeroed();
            let mut result: *mut libc::hostent = std::ptr::null_mut();
            let rc = call(&mut ret, buf, &mut result, &mut h_errno);
            if !result.is_null() {
                entry = Some(copy_hostent(result));
            }
            rc
        }
    });
    entry.ok_or(h_errno)
}

pub fn host_by_name(name: &CStr) -> Result<HostEntry, HErrno> {
    host_lookup(&mut |ret, buf, result, h_errno| {
        // SAFETY: `name` is a valid C string; the other pointers come from `host_lookup`.
        unsafe {
            gethostbyname_r(
                name.as_ptr(),
                ret,
                buf.as_mut_ptr(),
                buf.len(),
                result,
                h_errno,
            )
        }
    })
}

pub fn host_by_addr(addr: IpAddr) -> Result<HostEntry, HErrno> {
    let (family, octets): (c_int, Vec<u8>) = match addr {
        IpAddr::V4(a) => (libc::AF_INET, a.octets().to_vec()),
        IpAddr::V6(a) => (libc::AF_INET6, a.octets().to_vec()),
    };
    host_lookup(&mut |ret, buf, result, h_errno| {
        // SAFETY: `octets` outlives the call; the other pointers come from `host_lookup`.
        unsafe {
            gethostbyaddr_r(
                octets.as_ptr() as *const c_void,
                octets.len() as libc::socklen_t,
                family,
                ret,
                buf.as_mut_ptr(),
                buf.len(),
                result,
                h_errno,
            )
        }
    })
}

/// The resolver's message for an `h_errno` code, as `hstrerror(3)` gives it.
pub fn host_error_text(code: HErrno) -> String {
    // SAFETY: hstrerror returns a pointer to a static string.
    unsafe {
        let text = hstrerror(code);
        if text.is_null() {
            return format!("Resolver error {code}");
        }
        CStr::from_ptr(text).to_string_lossy().into_owned()
    }
}

/// The C library's message for a `getaddrinfo` error code.
pub fn gai_error_text(code: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static string.
    unsafe {
        let text = libc::gai_strerror(code);
        if text.is_null() {
            return format!("Unknown error {code}");
        }
        CStr::from_ptr(text).to_string_lossy().into_owned()
    }
}

fn optional_ptr(s: Option<&CStr>) -> *const c_char {
    s.map_or(std::ptr::null(), CStr::as_ptr)
}

/// A service entry: its official name and port in host byte order.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceEntry {
    pub name: String,
    pub port: u16,
    pub protocol: String,
    pub aliases: Vec<String>,
}

/// # Safety
/// `s` must point at a servent filled in by the C library.
unsafe fn copy_servent(s: *const libc::servent) -> ServiceEntry {
    // SAFETY: the fields of a servent from libc are valid C data.
    unsafe {
        let s = &*s;
        ServiceEntry {
            name: CStr::from_ptr(s.s_name).to_string_lossy().into_owned(),
            port: u16::from_be(s.s_port as u16),
            protocol: CStr::from_ptr(s.s_proto).to_string_lossy().into_owned(),
            aliases: string_list(s.s_aliases),
        }
    }
}

/// The arguments every reentrant service look-up ends with: the entry to
/// fill, its buffer, and where the result goes.
type ServiceCall<'a> =
    dyn FnMut(*mut libc::servent, &mut [c_char], *mut *mut libc::servent) -> c_int + 'a;

/// Runs `getservbyname_r` or `getservbyport_r` (through `call`) with a buffer
/// that grows as needed, and copies the entry out.
fn service_lookup(call: &mut ServiceCall<'_>) -> Option<ServiceEntry> {
    let mut entry = None;
    with_growing_buffer(|buf| {
        // SAFETY: every pointer is valid for the call; the result points into
        // `buf`, which lives until it is copied out here.
        unsafe {
            let mut ret: libc::servent = std::mem::zeroed();
            let mut result: *mut libc::servent = std::ptr::null_mut();
            let rc = call(&mut ret, buf, &mut result);
            if !result.is_null() {
                entry = Some(copy_servent(result));
            }
            rc
        }
    });
    entry
}

pub fn service_by_name(name: &CStr, proto: Option<&CStr>) -> Option<ServiceEntry> {
    service_lookup(&mut |ret, buf, result| {
        // SAFETY: `name` and `proto` are valid C strings (or null); the rest come from `service_lookup`.
        unsafe {
            getservbyname_r(
                name.as_ptr(),
                optional_ptr(proto),
                ret,
                buf.as_mut_ptr(),
                buf.len(),
                result,
            )
        }
    })
}

/// `port` is in host byte order; the C call wants network order.
pub fn service_by_port(port: u16, proto: Option<&CStr>) -> Option<ServiceEntry> {
    service_lookup(&mut |ret, buf, result| {
        // SAFETY: `proto` is a valid C string or null; the rest come from `service_lookup`.
        unsafe {
            getservbyport_r(
                c_int::from(port.to_be()),
                optional_ptr(proto),
                ret,
                buf.as_mut_ptr(),
                buf.len(),
                result,
            )
        }
    })
}

pub fn protocol_by_name(name: &CStr) -> Option<i32> {
    let mut number = None;
    with_growing_buffer(|buf| {
        // SAFETY: valid pointers for the call; the result points into `buf`.
        unsafe {
            let mut ret: libc::protoent = std::mem::zeroed();
            let mut result: *mut libc::protoent = std::ptr::null_mut();
            let rc = getprotobyname_r(
                name.as_ptr(),
                &mut ret,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            );
            if !result.is_null() {
                number = Some((*result).p_proto);
            }
            rc
        }
    });
    number
}

/// `inet_aton(3)`: accepts the classic short and hex forms (`127.1`, `0x7f.1`).
pub fn parse_inet_aton(text: &CStr) -> Option<[u8; 4]> {
    // SAFETY: valid pointers; in_addr is plain data.
    unsafe {
        let mut out: libc::in_addr = std::mem::zeroed();
        (inet_aton(text.as_ptr(), &mut out) != 0).then(|| out.s_addr.to_ne_bytes())
    }
}

/// Why `inet_pton(3)` failed.
#[derive(Debug, PartialEq)]
pub enum PtonError {
    /// The text is not an address of that family.
    Invalid,
    /// The family is not supported (the errno).
    Family(i32),
}

pub fn parse_inet_pton(family: c_int, text: &CStr) -> Result<Vec<u8>, PtonError> {
    let mut out = [0u8; 16];
    // SAFETY: `out` is large enough for either family.
    let rc = unsafe { inet_pton(family, text.as_ptr(), out.as_mut_ptr() as *mut c_void) };
    match rc {
        1 => Ok(match family {
            libc::AF_INET => out[..4].to_vec(),
            _ => out.to_vec(),
        }),
        0 => Err(PtonError::Invalid),
        _ => Err(PtonError::Family(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        )),
    }
}

/// `inet_ntop(3)`; the caller has checked the length for the family.
pub fn format_inet_ntop(family: c_int, packed: &[u8]) -> Result<String, i32> {
    let mut buf = [0 as c_char; 64];
    // SAFETY: `packed` has the length of the family's address; `buf` is large enough.
    unsafe {
        let text = inet_ntop(
            family,
            packed.as_ptr() as *const c_void,
            buf.as_mut_ptr(),
            buf.len() as libc::socklen_t,
        );
        if text.is_null() {
            return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
        }
        Ok(CStr::from_ptr(text).to_string_lossy().into_owned())
    }
}

/// This machine's host name, as `gethostname(2)` gives it.
pub fn host_name() -> std::io::Result<String> {
    let mut buf = [0 as c_char; 256];
    // SAFETY: `buf` is writable for its length; the name is NUL-terminated on success.
    unsafe {
        if libc::gethostname(buf.as_mut_ptr(), buf.len()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        buf[buf.len() - 1] = 0;
        Ok(CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned())
    }
}

/// Sends `signal` to process `pid` (`kill(2)`); the lab stops its servers so.
pub fn send_signal(pid: u32, signal: c_int) -> std::io::Result<()> {
    let pid = libc::pid_t::try_from(pid)
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| std::io::Error::from_raw_os_error(libc::ESRCH))?;
    // SAFETY: kill takes plain integers; a positive pid names one process only.
    if unsafe { libc::kill(pid, signal) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// The effective user id, whose files netrepl's own are.
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The login name of the user running netrepl (`getpwuid_r(3)` of the
/// effective uid); `None` when the password database has no entry.
pub fn user_name() -> Option<String> {
    let mut buf = vec![0 as c_char; 4096];
    // SAFETY: an all-zero passwd is a valid value for getpwuid_r to fill.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; on success `found` points
    // at `entry`, whose strings live in `buf`.
    unsafe {
        let status = libc::getpwuid_r(
            libc::geteuid(),
            &mut entry,
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        );
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        Some(CStr::from_ptr(entry.pw_name).to_string_lossy().into_owned())
    }
}

/// The name of the interface with this index (`if_indextoname(3)`), for showing an
/// IPv6 scope id as `%lo` rather than a bare number; `None` when there is no such
/// interface.
pub fn interface_name(index: u32) -> Option<String> {
    let mut buf = [0 as c_char; libc::IF_NAMESIZE];
    // SAFETY: `buf` has the IF_NAMESIZE bytes if_indextoname may write, NUL included.
    unsafe {
        if libc::if_indextoname(index, buf.as_mut_ptr()).is_null() {
            return None;
        }
        Some(CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned())
    }
}

/// A C string for a look-up, or `None` when the text holds a NUL byte.
pub fn c_string(bytes: &[u8]) -> Option<CString> {
    CString::new(bytes).ok()
}

/// Grows a socket's receive buffer (past the sysctl limit when privileged), so
/// a burst of replies to a sweep is not dropped before it is read.
pub fn grow_receive_buffer(fd: std::os::fd::RawFd, bytes: usize) {
    let size = c_int::try_from(bytes).unwrap_or(c_int::MAX);
    let len = std::mem::size_of::<c_int>() as libc::socklen_t;
    for option in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
        // SAFETY: `size` outlives the call and `len` is its size; a bad fd only makes
        // the call fail.
        let rc = unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                option,
                &size as *const c_int as *const c_void,
                len,
            )
        };
        if rc == 0 {
            return;
        }
    }
}

/// Raises the soft limit on open files to the hard limit and returns the
/// limit now in force. Practice servers hold a descriptor per client and the
/// session up to 64 sockets, and the usual soft limit (1024, or less) is
/// lower than the hard one for no reason that applies here.
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit for the call to fill in.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: `raised` is a valid rlimit that outlives the call.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        limit = raised;
    }
    Ok(limit.rlim_cur)
}

/// Views an initialised byte buffer as the uninitialised kind socket2 reads into.
fn as_uninit(buf: &mut [u8]) -> &mut [std::mem::MaybeUninit<u8>] {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, and the reads only ever
    // write initialised bytes into it, so the buffer stays initialised.
    unsafe { &mut *(buf as *mut [u8] as *mut [std::mem::MaybeUninit<u8>]) }
}

/// `recv(2)` into a plain byte buffer.
pub fn receive(socket: &socket2::Socket, buf: &mut [u8], flags: c_int) -> std::io::Result<usize> {
    socket.recv_with_flags(as_uninit(buf), flags)
}

/// `recvfrom(2)` into a plain byte buffer.
pub fn receive_from(
    socket: &socket2::Socket,
    buf: &mut [u8],
    flags: c_int,
) -> std::io::Result<(usize, socket2::SockAddr)> {
    socket.recv_from_with_flags(as_uninit(buf), flags)
}

/// `setsockopt(2)` with the option's bytes, as Python passes an int or a buffer.
pub fn set_socket_option(
    fd: std::os::fd::RawFd,
    level: c_int,
    name: c_int,
    value: &[u8],
) -> std::io::Result<()> {
    // SAFETY: `value` is valid for `value.len()` bytes during the call.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            value.as_ptr() as *const c_void,
            value.len() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// `getsockopt(2)` into `length` bytes; returns the bytes the kernel wrote.
pub fn get_socket_option(
    fd: std::os::fd::RawFd,
    level: c_int,
    name: c_int,
    length: usize,
) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; length];
    let mut len = length as libc::socklen_t;
    // SAFETY: `buf` is writable for `len` bytes and `len` is updated by the kernel.
    let rc =
        unsafe { libc::getsockopt(fd, level, name, buf.as_mut_ptr() as *mut c_void, &mut len) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    buf.truncate(len as usize);
    Ok(buf)
}

/// What `sockets` needs of `struct tcp_info`: the state, and how many segments
/// the socket has sent, which tells a socket that never took part in a
/// connection from one whose connection has closed (both are `TCP_CLOSE`).
pub struct TcpInfo {
    /// `tcpi_state`: one of the `TCP_ESTABLISHED`..`TCP_CLOSING` numbers.
    pub state: u8,
    /// `tcpi_segs_out` (Linux 4.2 and later); `None` on older kernels.
    pub segments_sent: Option<u32>,
}

/// `getsockopt(TCP_INFO)` read by offset: the libc crate's `tcp_info` stops
/// before `tcpi_segs_out`, so the buffer is larger than that struct and the
/// kernel says how much it filled.
pub fn tcp_info(fd: std::os::fd::RawFd) -> std::io::Result<TcpInfo> {
    const SEGS_OUT: usize = 136;
    let info = get_socket_option(fd, libc::IPPROTO_TCP, libc::TCP_INFO, 256)?;
    let state = info
        .first()
        .copied()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "empty tcp_info"))?;
    let segments_sent = info
        .get(SEGS_OUT..SEGS_OUT + 4)
        .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
    Ok(TcpInfo {
        state,
        segments_sent,
    })
}

/// Waits up to `timeout_ms` for `fd` to have something to read (or to be
/// closed); `Ok(false)` when the time ran out or a signal came first.
pub fn wait_readable(fd: std::os::fd::RawFd, timeout_ms: i32) -> std::io::Result<bool> {
    wait_for(fd, libc::POLLIN, timeout_ms)
}

/// Waits up to `timeout_ms` for `fd` to be writable (a non-blocking connect
/// finished, or failed); `Ok(false)` when the time ran out or a signal came first.
pub fn wait_writable(fd: std::os::fd::RawFd, timeout_ms: i32) -> std::io::Result<bool> {
    wait_for(fd, libc::POLLOUT, timeout_ms)
}

fn wait_for(
    fd: std::os::fd::RawFd,
    events: libc::c_short,
    timeout_ms: i32,
) -> std::io::Result<bool> {
    poll_entries(
        &mut [libc::pollfd {
            fd,
            events,
            revents: 0,
        }],
        timeout_ms,
    )
}

/// Polls `entries` up to `timeout_ms`: `Ok(true)` when one is ready,
/// `Ok(false)` when the time ran out or a signal came first.
fn poll_entries(entries: &mut [libc::pollfd], timeout_ms: i32) -> std::io::Result<bool> {
    // SAFETY: `entries` is a valid array of its length for the call.
    let ready = unsafe {
        libc::poll(
            entries.as_mut_ptr(),
            entries.len() as libc::nfds_t,
            timeout_ms,
        )
    };
    match ready {
        n if n > 0 => Ok(true),
        0 => Ok(false),
        _ => {
            let error = std::io::Error::last_os_error();
            if error.kind() == std::io::ErrorKind::Interrupted {
                Ok(false)
            } else {
                Err(error)
            }
        }
    }
}

/// Registers a socket with the running tokio reactor, to wait until it is
/// readable or writable.
pub fn watch_socket(
    socket: std::sync::Arc<socket2::Socket>,
    interest: tokio::io::Interest,
) -> std::io::Result<tokio::io::unix::AsyncFd<std::sync::Arc<socket2::Socket>>> {
    // SAFETY: the `Arc` keeps the socket, and so its descriptor, open for as
    // long as the `AsyncFd` holds it, and a socket's descriptor never changes.
    unsafe { tokio::io::unix::AsyncFd::register_with_interest(socket, interest) }
        .map_err(|e| e.into_parts().1)
}

/// One address of a network interface, as `getifaddrs(3)` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct InterfaceAddress {
    pub name: String,
    pub address: IpAddr,
    pub prefix: u8,
    /// The interface's index, which link-local IPv6 addresses need as a scope.
    pub index: u32,
}

/// Every IPv4 and IPv6 address of every interface, link-local ones included.
pub fn interface_addresses() -> std::io::Result<Vec<InterfaceAddress>> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list we free below.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let mut found = Vec::new();
    let mut at = list;
    // SAFETY: each node and the sockaddrs it points to are valid until freeifaddrs.
    unsafe {
        while !at.is_null() {
            let entry = &*at;
            at = entry.ifa_next;
            if entry.ifa_addr.is_null() || entry.ifa_name.is_null() {
                continue;
            }
            let name = CStr::from_ptr(entry.ifa_name)
                .to_string_lossy()
                .into_owned();
            let (address, prefix) = match c_int::from((*entry.ifa_addr).sa_family) {
                libc::AF_INET => {
                    let addr = &*(entry.ifa_addr as *const libc::sockaddr_in);
                    let prefix = if entry.ifa_netmask.is_null() {
                        32
                    } else {
                        (*(entry.ifa_netmask as *const libc::sockaddr_in))
                            .sin_addr
                            .s_addr
                            .count_ones() as u8
                    };
                    (IpAddr::from(addr.sin_addr.s_addr.to_ne_bytes()), prefix)
                }
                libc::AF_INET6 => {
                    let addr = &*(entry.ifa_addr as *const libc::sockaddr_in6);
                    let prefix = if entry.ifa_netmask.is_null() {
                        128
                    } else {
                        let mask = &*(entry.ifa_netmask as *const libc::sockaddr_in6);
                        mask.sin6_addr
                            .s6_addr
                            .iter()
                            .map(|b| b.count_ones())
                            .sum::<u32>() as u8
                    };
                    (IpAddr::from(addr.sin6_addr.s6_addr), prefix)
                }
                _ => continue,
            };
            let index = libc::if_nametoindex(entry.ifa_name);
            found.push(InterfaceAddress {
                name,
                address,
                prefix,
                index,
            });
        }
        libc::freeifaddrs(list);
    }
    Ok(found)
}

// ---- packet capture ----
// An AF_PACKET socket sees every frame an interface sends or receives; what
// the kernel says about each one (interface, direction, link type) comes back
// in a `sockaddr_ll` that no crate wraps.

/// Where a captured frame was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameOrigin {
    pub interface_index: i32,
    /// Sent by this host (`PACKET_OUTGOING`), rather than received.
    pub outgoing: bool,
    /// Seen on a loopback interface (`ARPHRD_LOOPBACK`), where each frame
    /// passes twice: once going out, once coming in.
    pub loopback: bool,
}

/// A raw AF_PACKET socket for every protocol (`ETH_P_ALL`), outgoing frames
/// included (`PACKET_IGNORE_OUTGOING` is left unset). Needs CAP_NET_RAW.
pub fn packet_socket() -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    let protocol = c_int::from((libc::ETH_P_ALL as u16).to_be());
    // SAFETY: plain socket(2) call; the descriptor is owned at once.
    let fd = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            protocol,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// Limits a packet socket to one interface.
pub fn bind_packet_socket(fd: std::os::fd::RawFd, interface_index: i32) -> std::io::Result<()> {
    // SAFETY: an all-zero sockaddr_ll is valid; the fields are set below.
    let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    address.sll_family = libc::AF_PACKET as u16;
    address.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    address.sll_ifindex = interface_index;
    let len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: `address` outlives the call and `len` is its size.
    let rc = unsafe {
        libc::bind(
            fd,
            &address as *const libc::sockaddr_ll as *const libc::sockaddr,
            len,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Every interface's index and name (`if_nameindex(3)`).
pub fn interface_indexes() -> std::io::Result<Vec<(u32, String)>> {
    // SAFETY: if_nameindex returns an array ended by a zero entry, or null.
    let list = unsafe { libc::if_nameindex() };
    if list.is_null() {
        return Err(std::io::Error::last_os_error());
    }
    let mut out = Vec::new();
    let mut at = list;
    // SAFETY: each entry up to the zero one is valid, with a C string name;
    // the array is freed once, after the last read.
    unsafe {
        while (*at).if_index != 0 && !(*at).if_name.is_null() && out.len() < 4096 {
            let name = std::ffi::CStr::from_ptr((*at).if_name);
            out.push(((*at).if_index, name.to_string_lossy().into_owned()));
            at = at.add(1);
        }
        libc::if_freenameindex(list);
    }
    Ok(out)
}

/// The index of the interface with this name (`if_nametoindex(3)`).
pub fn interface_index(name: &str) -> Option<i32> {
    let name = c_string(name.as_bytes())?;
    // SAFETY: `name` is a valid C string for the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index as i32).filter(|i| *i > 0)
}

/// Reads one frame without waiting: `Ok(None)` when none is queued. Gives
/// the bytes kept in `buffer`, the frame's length on the wire (which may be
/// more) and where it was seen.
pub fn receive_frame(
    fd: std::os::fd::RawFd,
    buffer: &mut [u8],
) -> std::io::Result<Option<(usize, usize, FrameOrigin)>> {
    // SAFETY: an all-zero sockaddr_ll is valid for the kernel to fill in.
    let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: `buffer` and `address` are valid for writes of the sizes given.
    let n = unsafe {
        libc::recvfrom(
            fd,
            buffer.as_mut_ptr() as *mut c_void,
            buffer.len(),
            libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            &mut address as *mut libc::sockaddr_ll as *mut libc::sockaddr,
            &mut len,
        )
    };
    if n < 0 {
        let error = std::io::Error::last_os_error();
        return match error.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted => Ok(None),
            _ => Err(error),
        };
    }
    let wire = n as usize;
    let origin = FrameOrigin {
        interface_index: address.sll_ifindex,
        outgoing: address.sll_pkttype == libc::PACKET_OUTGOING,
        loopback: address.sll_hatype == libc::ARPHRD_LOOPBACK,
    };
    Ok(Some((wire.min(buffer.len()), wire, origin)))
}

/// Makes `command` start in UTS and mount namespaces of its own: its host
/// name is `name`, and a fresh tmpfs (mode 0700) covers the directory
/// `scratch` when one is given, so what it writes there is its alone, gone
/// when it ends, and at the same path in every run. Needs root
/// (`CAP_SYS_ADMIN`); without it the spawn fails with the errno of
/// `unshare`. A path with a NUL byte leaves the tmpfs out.
pub fn spawn_sealed(
    command: &mut std::process::Command,
    name: &str,
    scratch: Option<&std::path::Path>,
) {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;
    let name = name.as_bytes().to_vec();
    let scratch = scratch.and_then(|path| CString::new(path.as_os_str().as_bytes()).ok());
    let root = c"/";
    let tmpfs = c"tmpfs";
    let options = c"mode=0700";
    // SAFETY: between fork and exec the hook only makes system calls on
    // memory it owns, made before the fork (no allocation, no lock), which
    // is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            let failed = |rc: c_int| rc != 0;
            if failed(libc::unshare(libc::CLONE_NEWUTS | libc::CLONE_NEWNS))
                || failed(libc::sethostname(name.as_ptr().cast(), name.len()))
            {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(scratch) = &scratch {
                // Private first, so the tmpfs is seen by this process alone.
                if failed(libc::mount(
                    std::ptr::null(),
                    root.as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                )) || failed(libc::mount(
                    tmpfs.as_ptr(),
                    scratch.as_ptr(),
                    tmpfs.as_ptr(),
                    libc::MS_NOSUID | libc::MS_NODEV,
                    options.as_ptr().cast(),
                )) {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
}

// ---- traceroute: the socket error queue ----
// With IP_RECVERR (IPV6_RECVERR) on, the ICMP errors a probe draws (a router's
// time exceeded, the host's port unreachable) queue on the socket that sent it,
// unprivileged; `recvmsg(MSG_ERRQUEUE)` reads each with a `sock_extended_err`
// and the offender's address in a control message, which no crate wraps.

/// Asks the kernel to queue the ICMP errors a socket's packets draw.
pub fn enable_error_queue(fd: std::os::fd::RawFd, ipv6: bool) -> std::io::Result<()> {
    let (level, name) = if ipv6 {
        (libc::IPPROTO_IPV6, libc::IPV6_RECVERR)
    } else {
        (libc::IPPROTO_IP, libc::IP_RECVERR)
    };
    set_socket_option(fd, level, name, &1i32.to_ne_bytes())
}

/// One control message read with a queued error: its level, type and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlMessage {
    pub level: c_int,
    pub kind: c_int,
    pub data: Vec<u8>,
}

/// Reads one queued error without waiting: `Ok(None)` when none is queued.
/// Gives its control messages (the caller decodes them); the quoted payload
/// is not needed, as each probe has a socket of its own.
pub fn read_error_queue(fd: std::os::fd::RawFd) -> std::io::Result<Option<Vec<ControlMessage>>> {
    let mut payload = [0u8; 64];
    // Room for a sock_extended_err and a sockaddr_in6, several times over.
    let mut control = [0u64; 64];
    let mut iov = libc::iovec {
        iov_base: payload.as_mut_ptr() as *mut c_void,
        iov_len: payload.len(),
    };
    // SAFETY: an all-zero msghdr is valid; the pointers are set below.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut iov;
    header.msg_iovlen = 1;
    header.msg_control = control.as_mut_ptr() as *mut c_void;
    header.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: every buffer `header` points at lives until the call returns.
    let n = unsafe { libc::recvmsg(fd, &mut header, libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT) };
    if n < 0 {
        let error = std::io::Error::last_os_error();
        return match error.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted => Ok(None),
            _ => Err(error),
        };
    }
    let mut messages = Vec::new();
    // SAFETY: the kernel filled `msg_controllen` bytes of `control` with
    // well-formed cmsghdrs; the CMSG macros stay within that length.
    unsafe {
        let mut at = libc::CMSG_FIRSTHDR(&header);
        while !at.is_null() {
            let entry = &*at;
            let start = libc::CMSG_DATA(at);
            let length = (entry.cmsg_len as usize).saturating_sub(libc::CMSG_LEN(0) as usize);
            messages.push(ControlMessage {
                level: entry.cmsg_level,
                kind: entry.cmsg_type,
                data: std::slice::from_raw_parts(start, length).to_vec(),
            });
            at = libc::CMSG_NXTHDR(&header, at);
        }
    }
    Ok(Some(messages))
}

/// Waits up to `timeout_ms` until any of `fds` has data or a queued error;
/// `Ok(false)` when the time ran out or a signal came first.
pub fn wait_any_readable(fds: &[std::os::fd::RawFd], timeout_ms: i32) -> std::io::Result<bool> {
    let mut entries: Vec<libc::pollfd> = fds
        .iter()
        .map(|&fd| libc::pollfd {
            fd,
            events: libc::POLLIN | libc::POLLERR,
            revents: 0,
        })
        .collect();
    poll_entries(&mut entries, timeout_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_aton_accepts_short_forms() {
        let text = c_string(b"127.1").unwrap();
        assert_eq!(parse_inet_aton(&text), Some([127, 0, 0, 1]));
        let bad = c_string(b"1.2.3.256").unwrap();
        assert_eq!(parse_inet_aton(&bad), None);
    }

    #[test]
    fn inet_pton_rejects_wrong_family_text() {
        let text = c_string(b"::1").unwrap();
        assert_eq!(
            parse_inet_pton(libc::AF_INET, &text),
            Err(PtonError::Invalid)
        );
        assert_eq!(parse_inet_pton(libc::AF_INET6, &text).unwrap().len(), 16);
    }

    #[test]
    fn inet_ntop_formats_both_families() {
        assert_eq!(
            format_inet_ntop(libc::AF_INET, &[10, 0, 0, 1]).unwrap(),
            "10.0.0.1"
        );
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(format_inet_ntop(libc::AF_INET6, &v6).unwrap(), "::1");
    }
}
