//! `getaddrinfo` and `getnameinfo`: the modern, family-neutral look-ups that
//! turn (host, port) into socket addresses and back.

use std::net::SocketAddr;

use dns_lookup::AddrInfoHints;

use crate::commands::output::{Output, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::commands::socket_address;
use crate::commands::socket_constants::{ADDRESS_FAMILY, SOCKET_KIND, enum_value};
use crate::net::resolver;
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

pub const GETADDRINFO: Command = Command {
    name: "getaddrinfo",
    params: &[
        Param::required("host", ArgKind::Text),
        Param::required("port", ArgKind::NumberOrText),
        Param::optional("family", ArgKind::Integer),
        Param::optional("type", ArgKind::Integer),
        Param::optional("proto", ArgKind::Integer),
        Param::optional("flags", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::AddressInfo,
    python: Some("socket.getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)"),
    summary: "Every socket address for a host and port, IPv4 and IPv6",
    description: "The look-up a modern client makes before it connects: for a host and a port (number or service name) it returns one entry per usable combination of address family, socket type and protocol, each with a socket address ready for connect or bind. Narrow it with family (AF_INET, AF_INET6), type (SOCK_STREAM, SOCK_DGRAM), proto, and flags such as AI_CANONNAME (also return the canonical name) or AI_NUMERICHOST (no DNS). host=None with AI_PASSIVE gives the wildcard address a server binds to.",
    network: true,
    examples: &[
        Example {
            input: "getaddrinfo 127.0.0.1 80 family=AF_INET type=SOCK_STREAM",
            output: "[(<AddressFamily.AF_INET: 2>, <SocketKind.SOCK_STREAM: 1>, 6, '', ('127.0.0.1', 80))]",
        },
        Example {
            input: "socket.getaddrinfo(\"::1\", \"http\", type=socket.SOCK_STREAM)",
            output: "[(<AddressFamily.AF_INET6: 10>, <SocketKind.SOCK_STREAM: 1>, 6, '', ('::1', 80, 0, 0))]",
        },
    ],
    run: getaddrinfo,
};

fn getaddrinfo(args: &Args) -> CommandResult<Output> {
    // CPython parses the integer arguments first, then the host, then the port.
    let int_or_zero = |i: usize| args.get(i).map_or(Ok(0), convert::c_int);
    let hints = AddrInfoHints {
        address: int_or_zero(2)?,
        socktype: int_or_zero(3)?,
        protocol: int_or_zero(4)?,
        flags: int_or_zero(5)?,
    };
    let host = match args.get(0).unwrap_or(&Value::None) {
        Value::None => None,
        Value::Str(s) => Some(convert::idna_encode(s)?),
        Value::Bytes(b) => Some(b.clone()),
        _ => {
            return Err(CommandError::type_error(
                "getaddrinfo() argument 1 must be string or None",
            ));
        }
    };
    let port = match args.get(1).unwrap_or(&Value::None) {
        Value::None => None,
        // Only an exact int: bools and enum members are refused below.
        Value::Int(n) => Some(
            i64::try_from(*n)
                .map_err(|_| CommandError::overflow("Python int too large to convert to C long"))?
                .to_string()
                .into_bytes(),
        ),
        Value::LargeInt(_) => {
            return Err(CommandError::overflow(
                "Python int too large to convert to C long",
            ));
        }
        Value::Str(s) => Some(s.clone().into_bytes()),
        Value::Bytes(b) => Some(b.clone()),
        _ => return Err(CommandError::os_error("Int or String expected")),
    };
    let host_text = host.as_deref().map(c_string_text);
    let port_text = port.as_deref().map(c_string_text);
    let results = resolver::lookup(host_text.as_deref(), port_text.as_deref(), hints)?;
    let entries = results
        .iter()
        .map(|r| {
            Value::Tuple(vec![
                enum_value(ADDRESS_FAMILY, i64::from(r.address)),
                enum_value(SOCKET_KIND, i64::from(r.socktype)),
                Value::Int(i128::from(r.protocol)),
                Value::Str(r.canonname.clone().unwrap_or_default()),
                socket_address::inet_tuple(&r.sockaddr),
            ])
        })
        .collect();
    Ok(Output::with_view(Value::List(entries), View::AddressInfo))
}

/// What C sees of a Python string: CPython hands `getaddrinfo` a `char *`,
/// so the text ends at the first NUL.
fn c_string_text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

pub const GETNAMEINFO: Command = Command {
    name: "getnameinfo",
    params: &[
        Param::required("sockaddr", ArgKind::SocketAddress),
        Param::required("flags", ArgKind::Integer),
    ],
    style: CallStyle::CPositional,
    topic: Topic::AddressInfo,
    python: Some("socket.getnameinfo(sockaddr, flags)"),
    summary: "The host and service names for a socket address",
    description: "The reverse of getaddrinfo: for a numeric socket address (host, port) it returns the host name and the service name. Flags choose numbers instead of names (NI_NUMERICHOST, NI_NUMERICSERV), demand a name (NI_NAMEREQD) or name UDP services (NI_DGRAM). In command style a socket address may be written 127.0.0.1:80 or [::1]:22.",
    network: true,
    examples: &[
        Example {
            input: "getnameinfo 127.0.0.1:22 NI_NUMERICHOST|NI_NUMERICSERV",
            output: "('127.0.0.1', '22')",
        },
        Example {
            input: "getnameinfo(('127.0.0.1', 80, 0, 0), 0)",
            output: "OSError: IPv4 sockaddr must be 2 tuple",
        },
    ],
    run: getnameinfo,
};

fn getnameinfo(args: &Args) -> CommandResult<Output> {
    let sockaddr = args.get(0).unwrap_or(&Value::None);
    let flags = convert::c_int(args.get(1).unwrap_or(&Value::None))?;
    let Value::Tuple(items) = sockaddr else {
        return Err(CommandError::type_error(
            "getnameinfo() argument 1 must be a tuple",
        ));
    };
    let illegal = || CommandError::type_error("getnameinfo(): illegal sockaddr argument");
    if !(2..=4).contains(&items.len()) {
        return Err(illegal());
    }
    let Value::Str(host) = &items[0] else {
        return Err(illegal());
    };
    if host.contains('\0') {
        return Err(CommandError::value_error("embedded null character"));
    }
    let port = convert::c_int(&items[1])?;
    let unsigned = |i: usize| -> CommandResult<u32> {
        match items.get(i) {
            None => Ok(0),
            Some(v) => convert::unsigned_int_mask(v),
        }
    };
    let flowinfo = unsigned(2)?;
    let scope_id = unsigned(3)?;
    if flowinfo > 0xfffff {
        return Err(CommandError::overflow(
            "getnameinfo(): flowinfo must be 0-1048575.",
        ));
    }
    let hints = AddrInfoHints {
        flags: libc::AI_NUMERICHOST,
        address: libc::AF_UNSPEC,
        socktype: libc::SOCK_DGRAM,
        protocol: 0,
    };
    let port_text = port.to_string();
    let results = resolver::lookup(Some(host), Some(&port_text), hints)?;
    if results.len() > 1 {
        return Err(CommandError::os_error(
            "sockaddr resolved to multiple addresses",
        ));
    }
    let Some(first) = results.first() else {
        return Err(CommandError::os_error("sockaddr resolved to no address"));
    };
    let address = match first.sockaddr {
        SocketAddr::V4(_) if items.len() != 2 => {
            return Err(CommandError::os_error("IPv4 sockaddr must be 2 tuple"));
        }
        SocketAddr::V6(mut v6) => {
            v6.set_flowinfo(flowinfo);
            v6.set_scope_id(scope_id);
            SocketAddr::V6(v6)
        }
        v4 => v4,
    };
    let (host, service) = resolver::name_info(address, flags)?;
    Ok(Output::plain(Value::Tuple(vec![
        Value::Str(host),
        Value::Str(service),
    ])))
}
