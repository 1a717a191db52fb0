//! Host names: this machine's name, and forward and reverse look-ups through the
//! system resolver (`/etc/hosts`, then DNS, as `/etc/nsswitch.conf` says).

use crate::commands::output::{Output, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::ffi;
use crate::net::resolver;
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::value::Value;

pub const GETHOSTNAME: Command = Command {
    name: "gethostname",
    params: &[],
    style: CallStyle::CNoArgs,
    topic: Topic::HostNames,
    python: Some("socket.gethostname()"),
    summary: "This machine's host name",
    description: "Asks the kernel for the name this machine calls itself. It is a label, not an address: it need not be in DNS, and it may change when the machine joins another network.",
    network: false,
    examples: &[Example {
        input: "gethostname",
        output: "'[..]'",
    }],
    run: gethostname,
};

fn gethostname(_: &Args) -> CommandResult<Output> {
    let name =
        ffi::host_name().map_err(|e| CommandError::from_errno(e.raw_os_error().unwrap_or(0)))?;
    Ok(Output::plain(Value::Str(name)))
}

pub const GETHOSTBYNAME: Command = Command {
    name: "gethostbyname",
    params: &[Param::required("hostname", ArgKind::Text)],
    style: CallStyle::CPositional,
    topic: Topic::HostNames,
    python: Some("socket.gethostbyname(hostname)"),
    summary: "The IPv4 address of a host name",
    description: "Resolves a name to one IPv4 address, the way programs do before they connect: /etc/hosts first, then DNS. A numeric address comes back unchanged. For every address of a name, use gethostbyname_ex; for IPv6, getaddrinfo.",
    network: true,
    examples: &[Example {
        input: "gethostbyname localhost",
        output: "'127.0.0.1'",
    }],
    run: gethostbyname,
};

fn gethostbyname(args: &Args) -> CommandResult<Output> {
    let name = host_argument(args, "gethostbyname")?;
    let ip = resolver::resolve_one(&name, libc::AF_INET)?;
    Ok(Output::plain(Value::Str(ip.to_string())))
}

fn host_argument(args: &Args, function: &str) -> CommandResult<Vec<u8>> {
    convert::host_name(args.get(0).unwrap_or(&Value::None), function, 1)
}

pub const GETHOSTBYNAME_EX: Command = Command {
    name: "gethostbyname_ex",
    params: &[Param::required("hostname", ArgKind::Text)],
    style: CallStyle::CPositional,
    topic: Topic::HostNames,
    python: Some("socket.gethostbyname_ex(hostname)"),
    summary: "A host's canonical name, aliases and every IPv4 address",
    description: "Like gethostbyname, but returns the whole entry: the official (canonical) name, the other names it is known by, and all of its IPv4 addresses. Services with several addresses let a client spread its load or fail over to another address.",
    network: true,
    examples: &[Example {
        input: "gethostbyname_ex localhost",
        output: "('localhost', [..], ['127.0.0.1'[..]])",
    }],
    run: gethostbyname_ex,
};

fn gethostbyname_ex(args: &Args) -> CommandResult<Output> {
    let name = host_argument(args, "gethostbyname_ex")?;
    resolver::resolve_one(&name, libc::AF_INET)?;
    let c_name = ffi::c_string(&name).unwrap_or_default();
    let entry = resolver::host_by_name(&c_name)?;
    Ok(host_entry(entry))
}

fn host_entry(entry: ffi::HostEntry) -> Output {
    let value = Value::Tuple(vec![
        Value::Str(entry.name),
        Value::List(entry.aliases.into_iter().map(Value::Str).collect()),
        Value::List(
            entry
                .addresses
                .iter()
                .map(|a| Value::Str(a.to_string()))
                .collect(),
        ),
    ]);
    Output::with_view(value, View::HostEntry)
}

pub const GETHOSTBYADDR: Command = Command {
    name: "gethostbyaddr",
    params: &[Param::required("ip_address", ArgKind::Text)],
    style: CallStyle::CPositional,
    topic: Topic::HostNames,
    python: Some("socket.gethostbyaddr(ip_address)"),
    summary: "Reverse look-up: the name behind an address",
    description: "Asks which name an address belongs to (a reverse look-up: /etc/hosts, then a DNS PTR record). Returns the same (name, aliases, addresses) entry as gethostbyname_ex. Many addresses have no reverse name; that is an error, not a sign the host is down.",
    network: true,
    examples: &[Example {
        input: "gethostbyaddr 127.0.0.1",
        output: "('localhost', [..], ['127.0.0.1'])",
    }],
    run: gethostbyaddr,
};

fn gethostbyaddr(args: &Args) -> CommandResult<Output> {
    let name = host_argument(args, "gethostbyaddr")?;
    let ip = resolver::resolve_one(&name, libc::AF_UNSPEC)?;
    let entry = resolver::host_by_addr(ip)?;
    Ok(host_entry(entry))
}

pub const GETFQDN: Command = Command {
    name: "getfqdn",
    params: &[Param::optional("name", ArgKind::Text)],
    style: CallStyle::Python,
    topic: Topic::HostNames,
    python: Some("socket.getfqdn(name='')"),
    summary: "The fully qualified domain name of a host",
    description: "Finds the full name (host plus domain) for a name, or for this machine when no name is given. It does a reverse look-up and picks the first name that contains a dot; if there is none it returns the host name as it is.",
    network: true,
    examples: &[Example {
        input: "getfqdn localhost",
        output: "'localhost'",
    }],
    run: getfqdn,
};

fn getfqdn(args: &Args) -> CommandResult<Output> {
    let name = match args.get(0) {
        None => Value::str(""),
        Some(Value::Str(s)) => Value::str(s.trim_matches(is_python_space)),
        Some(Value::Bytes(b)) => Value::Bytes(trim_ascii_space(b).to_vec()),
        Some(other) => {
            return Err(CommandError::new(
                PyException::AttributeError,
                format!("'{}' object has no attribute 'strip'", other.type_name()),
            ));
        }
    };
    // Python compares with str literals, so bytes only fall back when empty.
    let wildcard = match &name {
        Value::Str(s) => s.is_empty() || s == "0.0.0.0" || s == "::",
        Value::Bytes(b) => b.is_empty(),
        _ => false,
    };
    let name = if wildcard {
        Value::Str(ffi::host_name().unwrap_or_default())
    } else {
        name
    };
    let encoded = convert::host_name(&name, "gethostbyaddr", 1)?;
    let entry = resolver::resolve_one(&encoded, libc::AF_UNSPEC).and_then(resolver::host_by_addr);
    match entry {
        Ok(entry) => {
            let dotted = std::iter::once(&entry.name)
                .chain(&entry.aliases)
                .find(|n| n.contains('.'))
                .cloned();
            Ok(Output::plain(Value::Str(dotted.unwrap_or(entry.name))))
        }
        // `except error: pass`: a failed look-up returns the name as given.
        Err(e) if is_socket_error(&e) => Ok(Output::plain(name)),
        Err(e) => Err(e),
    }
}

/// `socket.error` is `OSError`, whose subclasses include herror and gaierror.
fn is_socket_error(error: &CommandError) -> bool {
    matches!(
        error.exception,
        PyException::OsError | PyException::HError | PyException::GaiError
    )
}

/// `str.strip()` removes what `str.isspace()` accepts, which also covers the
/// information separators U+001C to U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `bytes.strip()` removes ASCII whitespace, vertical tab included.
fn trim_ascii_space(bytes: &[u8]) -> &[u8] {
    let space = |b: &u8| b" \t\n\r\x0b\x0c".contains(b);
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}
