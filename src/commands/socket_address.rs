//! Socket addresses between Python's forms and the OS's: `(host, port)` for
//! AF_INET, `(host, port, flowinfo, scope_id)` for AF_INET6, a path (or an
//! abstract name starting with a NUL byte) for AF_UNIX, with CPython's errors.

use std::fmt::Write;
use std::net::{IpAddr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use socket2::SockAddr;

use crate::net::resolver;
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

/// An address ready for the OS, and the file it names for a Unix socket path.
pub struct Target {
    pub address: SockAddr,
    pub unix_path: Option<PathBuf>,
}

/// Python's address argument for `family`, as `caller()` (bind, connect...) sees it.
pub fn from_value(family: i32, value: &Value, caller: &str) -> CommandResult<Target> {
    match family {
        libc::AF_INET => inet(value, caller),
        libc::AF_INET6 => inet6(value, caller),
        libc::AF_UNIX => unix(value),
        other => Err(CommandError::os_error(format!(
            "{caller}(): bad family {other}"
        ))),
    }
}

fn host_bytes(value: &Value) -> CommandResult<Vec<u8>> {
    let host = match value {
        Value::Str(s) => convert::idna_encode_for_address(s)?,
        Value::Bytes(b) => b.clone(),
        other => {
            return Err(CommandError::type_error(format!(
                "str, bytes or bytearray expected, not {}",
                other.type_name()
            )));
        }
    };
    if host.contains(&0) {
        return Err(CommandError::type_error(
            "host name must not contain null character",
        ));
    }
    Ok(host)
}

fn port(value: &Value, caller: &str) -> CommandResult<u16> {
    let port = convert::c_int(value)?;
    u16::try_from(port)
        .map_err(|_| CommandError::overflow(format!("{caller}(): port must be 0-65535.")))
}

fn inet(value: &Value, caller: &str) -> CommandResult<Target> {
    let Value::Tuple(items) = value else {
        return Err(CommandError::type_error(format!(
            "{caller}(): AF_INET address must be tuple, not {}",
            value.type_name()
        ))
        .explain("Write the address as a (host, port) tuple, like ('127.0.0.1', 9000), or host:port in command style."));
    };
    let [host, port_value] = items.as_slice() else {
        return Err(CommandError::type_error(
            "AF_INET address must be a pair (host, port)",
        ));
    };
    let host = host_bytes(host)?;
    let port = port(port_value, caller)?;
    let IpAddr::V4(ip) = resolver::resolve_one(&host, libc::AF_INET)? else {
        return Err(CommandError::os_error("address family mismatched"));
    };
    Ok(Target {
        address: SockAddr::from(SocketAddrV4::new(ip, port)),
        unix_path: None,
    })
}

fn inet6(value: &Value, caller: &str) -> CommandResult<Target> {
    let shape = || {
        CommandError::type_error(
            "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])",
        )
    };
    let Value::Tuple(items) = value else {
        return Err(CommandError::type_error(format!(
            "{caller}(): AF_INET6 address must be tuple, not {}",
            value.type_name()
        )));
    };
    if !(2..=4).contains(&items.len()) {
        return Err(shape());
    }
    let host = host_bytes(&items[0])?;
    let port = port(&items[1], caller)?;
    let unsigned = |i: usize| {
        items
            .get(i)
            .map_or(Ok(0), |v| convert::index(v).map(|n| n as u32))
    };
    let flowinfo = unsigned(2)?;
    let scope_id = unsigned(3)?;
    if flowinfo > 0xfffff {
        return Err(CommandError::overflow(format!(
            "{caller}(): flowinfo must be 0-1048575."
        )));
    }
    let IpAddr::V6(ip) = resolver::resolve_one(&host, libc::AF_INET6)? else {
        return Err(CommandError::os_error("address family mismatched"));
    };
    Ok(Target {
        address: SockAddr::from(SocketAddrV6::new(ip, port, flowinfo, scope_id)),
        unix_path: None,
    })
}

fn unix(value: &Value) -> CommandResult<Target> {
    let bytes = match value {
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Bytes(b) => b.clone(),
        other => {
            return Err(CommandError::type_error(format!(
                "a bytes-like object is required, not '{}'",
                other.type_name()
            )));
        }
    };
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
    let address = SockAddr::unix(&path).map_err(|_| {
        CommandError::os_error("AF_UNIX path too long")
            .explain("Unix socket paths must be shorter than 108 bytes.")
    })?;
    let abstract_name = bytes.first() == Some(&0);
    Ok(Target {
        address,
        unix_path: (!abstract_name && !bytes.is_empty()).then_some(path),
    })
}

/// A socket address as Python shows it: `(host, port)` for IPv4 and
/// `(host, port, flowinfo, scope_id)` for IPv6.
pub fn inet_tuple(addr: &SocketAddr) -> Value {
    let host = Value::Str(resolver::numeric_host(addr));
    match addr {
        SocketAddr::V4(a) => Value::Tuple(vec![host, Value::Int(i128::from(a.port()))]),
        SocketAddr::V6(a) => Value::Tuple(vec![
            host,
            Value::Int(i128::from(a.port())),
            Value::Int(i128::from(a.flowinfo())),
            Value::Int(i128::from(a.scope_id())),
        ]),
    }
}

/// The Python value of an address the OS gave back.
pub fn to_value(address: &SockAddr) -> Value {
    if let Some(socket) = address.as_socket() {
        return inet_tuple(&socket);
    }
    if address.is_unix() {
        if let Some(path) = address.as_pathname() {
            return Value::Str(path.to_string_lossy().into_owned());
        }
        if let Some(name) = address.as_abstract_namespace() {
            let mut bytes = vec![0u8];
            bytes.extend_from_slice(name);
            return Value::Bytes(bytes);
        }
        return Value::Str(String::new());
    }
    Value::None
}

/// An address no one has bound: port 0 on the wildcard, or an empty Unix name.
pub fn is_unbound(value: &Value) -> bool {
    match value.items() {
        Some([_, Value::Int(0), ..]) => true,
        Some(_) => false,
        None => matches!(value, Value::Str(s) if s.is_empty()),
    }
}

/// `127.0.0.1:80`, `[::1]:80` or the Unix path, for tables.
pub fn text(value: &Value) -> String {
    match value.items() {
        Some([Value::Str(host), Value::Int(port)]) => format!("{host}:{port}"),
        Some([Value::Str(host), Value::Int(port), rest @ ..]) => {
            format!("[{}]:{port}", scoped_host(host, rest.get(1)))
        }
        _ => match value {
            Value::Str(s) => s.clone(),
            other => other.repr(),
        },
    }
}

/// An IPv6 host with its scope id, as `fe80::1%lo`: the 4-tuple keeps the scope as a
/// number in its last field, which a table should not drop, since a link-local
/// address means nothing without its link. Hosts that already carry a `%` and
/// scope 0 are left alone.
pub fn scoped_host(host: &str, scope: Option<&Value>) -> String {
    match scope {
        Some(Value::Int(id)) if *id > 0 && !host.contains('%') => {
            let zone = u32::try_from(*id)
                .ok()
                .and_then(crate::net::ffi::interface_name)
                .unwrap_or_else(|| id.to_string());
            format!("{host}%{zone}")
        }
        _ => host.to_string(),
    }
}

/// Control characters (and the backslash that starts an escape) as Python
/// writes them in a string literal: `\n`, `\x1b`, `\u2028`...
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // Line separators and the marks that reorder text on screen, too.
            c if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether binding here makes a server reachable from other machines.
pub fn is_every_interface(address: &SockAddr) -> bool {
    address
        .as_socket()
        .is_some_and(|a: SocketAddr| a.ip().is_unspecified())
}

/// `127.0.0.1:80` or `[::1]:22` as a socket address tuple.
pub fn socket_address_word(word: &str) -> Option<Value> {
    let (host, port) = if let Some(rest) = word.strip_prefix('[') {
        let (host, port) = rest.split_once("]:")?;
        (host, port)
    } else {
        let (host, port) = word.rsplit_once(':')?;
        if host.contains(':') {
            return None;
        }
        (host, port)
    };
    let port: i128 = port.parse().ok()?;
    Some(Value::Tuple(vec![Value::str(host), Value::Int(port)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_a_path_are_escaped_for_the_table() {
        assert_eq!(escape_controls("/tmp/a.sock"), "/tmp/a.sock");
        assert_eq!(
            escape_controls("/tmp/a\nb\x1b[31m\t\\c\u{85}\u{2028}"),
            "/tmp/a\\nb\\x1b[31m\\t\\\\c\\x85\\u2028"
        );
    }
}
