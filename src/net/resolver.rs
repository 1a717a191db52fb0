//! Name resolution through the C library's `getaddrinfo`, shared by the
//! commands, with CPython's conventions for turning results and failures into
//! Python values and exceptions.

use std::ffi::CStr;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use dns_lookup::{AddrInfoHints, LookupError};

use crate::net::{ffi, lab};
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::interrupt;

/// Turns a `getaddrinfo`/`getnameinfo` failure into `socket.gaierror`, or an
/// `OSError` from errno for `EAI_SYSTEM`, as CPython's `set_gaierror` does.
pub fn gai_error(err: &LookupError) -> CommandError {
    gai_error_code(err.error_num())
}

/// `socket.gaierror` for a `getaddrinfo` error code.
pub fn gai_error_code(code: i32) -> CommandError {
    if code == libc::EAI_SYSTEM {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        return CommandError::from_errno(errno);
    }
    let message = ffi::gai_error_text(code);
    let explanation = match code {
        libc::EAI_NONAME => {
            "The resolver found no address for that name (or no such service). Check the spelling; names in /etc/hosts, like localhost, always work."
        }
        libc::EAI_AGAIN => {
            "No DNS answer came back: no server is configured, none can be reached, none answered in time, or one answered SERVFAIL (it could not find out). Names in /etc/hosts, like localhost, still resolve."
        }
        libc::EAI_SERVICE => {
            "The port is not a number and not a service name the services database knows for that socket type. Try a number, or getservbyname."
        }
        libc::EAI_FAMILY => {
            "That address family is not one getaddrinfo handles; use AF_INET, AF_INET6 or AF_UNSPEC (0)."
        }
        libc::EAI_SOCKTYPE => {
            "That socket type is not supported; use SOCK_STREAM, SOCK_DGRAM or SOCK_RAW."
        }
        libc::EAI_BADFLAGS => "That combination of AI_* flags is not valid.",
        libc::EAI_NODATA => "The name exists but has no address of the kind asked for.",
        ffi::EAI_ADDRFAMILY => "The name has no address in the requested family.",
        _ => "The resolver could not answer this look-up.",
    };
    CommandError::with_errno(PyException::GaiError, code, message).explain(explanation)
}

/// `socket.herror` from a failed `gethostbyname_r`/`gethostbyaddr_r`.
pub fn host_error(code: ffi::HErrno) -> CommandError {
    let explanation = match code {
        1 => {
            "No host has that address or name in /etc/hosts or DNS (a reverse look-up needs a PTR record)."
        }
        2 => {
            "No name server gave an answer (none is configured, none can be reached, none answered in time, or one answered SERVFAIL); try again, or check the network."
        }
        _ => "The resolver could not answer this look-up.",
    };
    CommandError::with_errno(PyException::HError, code, ffi::host_error_text(code))
        .explain(explanation)
}

/// The numeric text CPython shows for an address: `inet_ntop(3)`, so a
/// link-local IPv6 address has no `%interface` (its scope id is the tuple's
/// fourth item) and `::1.2.3.4` keeps its dotted tail.
pub fn numeric_host(addr: &SocketAddr) -> String {
    let text = match addr.ip() {
        IpAddr::V4(v4) => ffi::format_inet_ntop(libc::AF_INET, &v4.octets()),
        IpAddr::V6(v6) => ffi::format_inet_ntop(libc::AF_INET6, &v6.octets()),
    };
    text.unwrap_or_else(|_| addr.ip().to_string())
}

pub fn lookup(
    host: Option<&str>,
    service: Option<&str>,
    hints: AddrInfoHints,
) -> CommandResult<Vec<dns_lookup::AddrInfo>> {
    // glibc answers EAI_NONAME when both are missing; dns_lookup would refuse
    // the call with an error that has no code.
    if host.is_none() && service.is_none() {
        return Err(gai_error_code(libc::EAI_NONAME));
    }
    if let Some(name) = host {
        lab::guard::refuse_lab_name_outside_lab(name)?;
    }
    let host = host.map(str::to_string);
    let service = service.map(str::to_string);
    // On a worker, so Ctrl-C ends the wait for a DNS server that does not
    // answer; the error is read there too (errno belongs to that thread).
    interrupt::run_interruptible(move || {
        let results = dns_lookup::getaddrinfo(host.as_deref(), service.as_deref(), Some(hints))
            .map_err(|e| gai_error(&e))?;
        results
            .map(|item| item.map_err(|e| CommandError::os_error(e.to_string())))
            .collect()
    })?
}

/// `gethostbyname_r`, where Ctrl-C can cut the wait short.
pub fn host_by_name(name: &CStr) -> CommandResult<ffi::HostEntry> {
    lab::guard::refuse_lab_name_outside_lab(&name.to_string_lossy())?;
    let name = name.to_owned();
    interrupt::run_interruptible(move || ffi::host_by_name(&name).map_err(host_error))?
}

/// `gethostbyaddr_r`, where Ctrl-C can cut the wait short.
pub fn host_by_addr(address: IpAddr) -> CommandResult<ffi::HostEntry> {
    // Its PTR query would go to the real resolver.
    lab::guard::refuse_lab_reverse_outside_lab(address)?;
    interrupt::run_interruptible(move || ffi::host_by_addr(address).map_err(host_error))?
}

/// `getnameinfo`, where Ctrl-C can cut the wait short.
pub fn name_info(address: SocketAddr, flags: i32) -> CommandResult<(String, String)> {
    if flags & libc::NI_NUMERICHOST == 0 {
        lab::guard::refuse_lab_reverse_outside_lab(address.ip())?;
    }
    interrupt::run_interruptible(move || {
        dns_lookup::getnameinfo(&address, flags).map_err(|e| gai_error(&e))
    })?
}

/// CPython's `setipaddr`: the one address a host argument stands for, with its
/// special cases (empty means the wildcard, `<broadcast>`, numeric fast path).
pub fn resolve_one(name: &[u8], family: i32) -> CommandResult<IpAddr> {
    let text = String::from_utf8_lossy(name);
    if text.is_empty() {
        let hints = AddrInfoHints {
            flags: libc::AI_PASSIVE,
            address: family,
            socktype: libc::SOCK_DGRAM,
            protocol: 0,
        };
        let results = lookup(None, Some("0"), hints)?;
        if results.len() > 1 {
            return Err(CommandError::os_error(
                "wildcard resolved to multiple address",
            ));
        }
        return results
            .first()
            .map(|r| r.sockaddr.ip())
            .ok_or_else(|| CommandError::os_error("unsupported address family"));
    }
    if text == "255.255.255.255" || text == "<broadcast>" {
        if family != libc::AF_INET && family != libc::AF_UNSPEC {
            return Err(CommandError::os_error("address family mismatched"));
        }
        return Ok(IpAddr::V4(Ipv4Addr::BROADCAST));
    }
    if let Some(c_text) = ffi::c_string(name) {
        if (family == libc::AF_INET || family == libc::AF_UNSPEC)
            && let Ok(packed) = ffi::parse_inet_pton(libc::AF_INET, &c_text)
        {
            return Ok(ip_from_packed(&packed));
        }
        if (family == libc::AF_INET6 || family == libc::AF_UNSPEC)
            && !text.contains('%')
            && let Ok(packed) = ffi::parse_inet_pton(libc::AF_INET6, &c_text)
        {
            return Ok(ip_from_packed(&packed));
        }
    }
    let hints = AddrInfoHints {
        flags: 0,
        address: family,
        socktype: 0,
        protocol: 0,
    };
    let results = lookup(Some(&text), None, hints)?;
    results
        .first()
        .map(|r| r.sockaddr.ip())
        .ok_or_else(|| CommandError::os_error("unknown address family"))
}

pub fn ip_from_packed(packed: &[u8]) -> IpAddr {
    match <[u8; 4]>::try_from(packed) {
        Ok(v4) => IpAddr::from(v4),
        Err(_) => {
            let mut v6 = [0u8; 16];
            v6.copy_from_slice(&packed[..16]);
            IpAddr::from(v6)
        }
    }
}
