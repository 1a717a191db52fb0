//! Packing addresses: text to the bytes that travel in packets and back
//! (`inet_aton`, `inet_pton`, ...), and byte-order swaps (`htons`, `ntohl`, ...).

use crate::commands::output::{Output, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::ffi::{self, PtonError};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

fn arg(args: &Args, index: usize) -> &Value {
    args.get(index).unwrap_or(&Value::None)
}

fn packed(bytes: Vec<u8>) -> Output {
    Output::with_view(Value::Bytes(bytes), View::Packed)
}

pub const INET_ATON: Command = Command {
    name: "inet_aton",
    params: &[Param::required("ip_string", ArgKind::Text)],
    style: CallStyle::CPositional,
    topic: Topic::Packing,
    python: Some("socket.inet_aton(ip_string)"),
    summary: "Pack a dotted IPv4 address into 4 bytes",
    description: "Turns IPv4 text into the 4 bytes (32 bits, network byte order) that go in a packet. It is the old, lenient parser: it also takes short and hex forms such as 127.1 and 0x7f.0.0.1. For strict parsing, and for IPv6, use inet_pton.",
    network: false,
    examples: &[
        Example {
            input: "inet_aton 192.168.1.1",
            output: "b'\\xc0\\xa8\\x01\\x01'",
        },
        Example {
            input: "inet_aton 127.1",
            output: "b'\\x7f\\x00\\x00\\x01'",
        },
        Example {
            input: "inet_aton 1.2.3.256",
            output: "OSError: illegal IP address string passed to inet_aton",
        },
    ],
    run: inet_aton,
};

fn inet_aton(args: &Args) -> CommandResult<Output> {
    let text = convert::text(arg(args, 0), "inet_aton", 1)?;
    let c_text = ffi::c_string(text.as_bytes()).unwrap_or_default();
    let bytes = ffi::parse_inet_aton(&c_text).ok_or_else(|| {
        CommandError::os_error("illegal IP address string passed to inet_aton").explain(
            "IPv4 addresses are four numbers from 0 to 255 separated by dots, like 192.168.1.1.",
        )
    })?;
    Ok(packed(bytes.to_vec()))
}

pub const INET_NTOA: Command = Command {
    name: "inet_ntoa",
    params: &[Param::required("packed_ip", ArgKind::Packed)],
    style: CallStyle::CPositional,
    topic: Topic::Packing,
    python: Some("socket.inet_ntoa(packed_ip)"),
    summary: "Unpack 4 bytes into a dotted IPv4 address",
    description: "The reverse of inet_aton: turns 4 packed bytes back into the dotted text people read.",
    network: false,
    examples: &[
        Example {
            input: "inet_ntoa b'\\x7f\\x00\\x00\\x01'",
            output: "'127.0.0.1'",
        },
        Example {
            input: "inet_ntoa(inet_aton(\"10.0.0.1\"))",
            output: "'10.0.0.1'",
        },
    ],
    run: inet_ntoa,
};

fn inet_ntoa(args: &Args) -> CommandResult<Output> {
    let bytes = convert::bytes_like(arg(args, 0)).map_err(|e| {
        e.explain("inet_ntoa takes packed bytes such as b'\\x7f\\x00\\x00\\x01'; pack text first with inet_aton.")
    })?;
    let octets: [u8; 4] = bytes
        .try_into()
        .map_err(|_| {
            CommandError::os_error("packed IP wrong length for inet_ntoa").explain(format!(
                "An IPv4 address packs into exactly 4 bytes; these are {}. For IPv6 (16 bytes) use inet_ntop(AF_INET6, ...).",
                bytes.len()
            ))
        })?;
    Ok(Output::plain(Value::Str(
        std::net::Ipv4Addr::from(octets).to_string(),
    )))
}

pub const INET_PTON: Command = Command {
    name: "inet_pton",
    params: &[
        Param::required("address_family", ArgKind::Integer),
        Param::required("ip_string", ArgKind::Text),
    ],
    style: CallStyle::CPositional,
    topic: Topic::Packing,
    python: Some("socket.inet_pton(address_family, ip_string)"),
    summary: "Pack an IPv4 or IPv6 address into bytes (strict)",
    description: "Turns address text of the given family into packed bytes: 4 for AF_INET, 16 for AF_INET6 (128 bits). It is strict: only the standard forms are accepted.",
    network: false,
    examples: &[
        Example {
            input: "inet_pton AF_INET6 2001:db8::1",
            output: "b' \\x01\\r\\xb8\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01'",
        },
        Example {
            input: "inet_pton AF_INET 127.1",
            output: "OSError: illegal IP address string passed to inet_pton",
        },
    ],
    run: inet_pton,
};

fn inet_pton(args: &Args) -> CommandResult<Output> {
    let family = convert::c_int(arg(args, 0))?;
    let text = convert::text(arg(args, 1), "inet_pton", 2)?;
    let c_text = ffi::c_string(text.as_bytes()).unwrap_or_default();
    match ffi::parse_inet_pton(family, &c_text) {
        Ok(bytes) => Ok(packed(bytes)),
        Err(PtonError::Invalid) => Err(CommandError::os_error("illegal IP address string passed to inet_pton")
            .explain(match family {
                libc::AF_INET => "AF_INET wants four decimal numbers 0-255 with no leading zeros, like 10.0.0.1.",
                _ => "AF_INET6 wants eight groups of hex digits separated by colons, with :: for one run of zero groups, like 2001:db8::1.",
            })),
        Err(PtonError::Family(errno)) => Err(CommandError::from_errno(errno)
            .explain("inet_pton knows AF_INET and AF_INET6 only.")),
    }
}

pub const INET_NTOP: Command = Command {
    name: "inet_ntop",
    params: &[
        Param::required("address_family", ArgKind::Integer),
        Param::required("packed_ip", ArgKind::Packed),
    ],
    style: CallStyle::CPositional,
    topic: Topic::Packing,
    python: Some("socket.inet_ntop(address_family, packed_ip)"),
    summary: "Unpack IPv4 or IPv6 bytes into text",
    description: "The reverse of inet_pton: turns 4 (AF_INET) or 16 (AF_INET6) packed bytes into the standard text form, with IPv6 zero runs shortened to ::.",
    network: false,
    examples: &[Example {
        input: "inet_ntop(AF_INET6, inet_pton(AF_INET6, '2001:0db8:0000:0000:0000:0000:0000:0001'))",
        output: "'2001:db8::1'",
    }],
    run: inet_ntop,
};

fn inet_ntop(args: &Args) -> CommandResult<Output> {
    let family = convert::c_int(arg(args, 0))?;
    let bytes = convert::bytes_like(arg(args, 1))?;
    let expected = match family {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        other => {
            return Err(CommandError::value_error(format!(
                "unknown address family {other}"
            )));
        }
    };
    if bytes.len() != expected {
        return Err(
            CommandError::value_error("invalid length of packed IP address string").explain(
                format!(
                    "That family needs exactly {expected} bytes; these are {}.",
                    bytes.len()
                ),
            ),
        );
    }
    let text = ffi::format_inet_ntop(family, bytes).map_err(CommandError::from_errno)?;
    Ok(Output::plain(Value::Str(text)))
}

/// The 16-bit swaps parse a C int first, then check the range themselves.
fn swap16(args: &Args, name: &str) -> CommandResult<Output> {
    let x = convert::c_int(arg(args, 0))?;
    if x < 0 {
        return Err(CommandError::overflow(format!(
            "{name}: can't convert negative Python int to C 16-bit unsigned integer"
        )));
    }
    let x = u16::try_from(x).map_err(|_| {
        CommandError::overflow(format!(
            "{name}: Python int too large to convert to C 16-bit unsigned integer"
        ))
    })?;
    Ok(Output::plain(Value::Int(i128::from(x.to_be()))))
}

/// The 32-bit swaps take an int object directly (`METH_O`).
fn swap32(args: &Args) -> CommandResult<Output> {
    let value = arg(args, 0);
    let x = match value {
        Value::Int(_) | Value::Bool(_) | Value::Enum(_) => value.as_int().unwrap_or(0),
        // Beyond i128 is beyond u64: the "too large" branch below.
        Value::LargeInt(n) if n.sign() == num_bigint::Sign::Minus => i128::MIN,
        Value::LargeInt(_) => i128::MAX,
        other => {
            return Err(CommandError::type_error(format!(
                "expected int, {} found",
                other.type_name()
            )));
        }
    };
    if x < 0 {
        return Err(CommandError::overflow(
            "can't convert negative value to unsigned int",
        ));
    }
    if x > i128::from(u64::MAX) {
        return Err(CommandError::overflow(
            "Python int too large to convert to C unsigned long",
        ));
    }
    let x = u32::try_from(x).map_err(|_| CommandError::overflow("int larger than 32 bits"))?;
    Ok(Output::plain(Value::Int(i128::from(x.to_be()))))
}

const BYTE_ORDER_NOTE: &str = "Networks send numbers big-endian (most significant byte first, \"network byte order\"); most computers store them little-endian. On a big-endian machine these swaps do nothing.";

pub const HTONS: Command = Command {
    name: "htons",
    params: &[Param::required("x", ArgKind::Integer)],
    style: CallStyle::CPositional,
    topic: Topic::Packing,
    python: Some("socket.htons(x)"),
    summary: "A 16-bit number from host to network byte order",
    description: BYTE_ORDER_NOTE,
    network: false,
    examples: &[Example {
        input: "htons 80",
        output: "20480",
    }],
    run: |args| swap16(args, "htons"),
};

pub const NTOHS: Command = Command {
    name: "ntohs",
    params: &[Param::required("x", ArgKind::Integer)],
    style: CallStyle::CPositional,
    topic: Topic::Packing,
    python: Some("socket.ntohs(x)"),
    summary: "A 16-bit number from network to host byte order",
    description: BYTE_ORDER_NOTE,
    network: false,
    examples: &[Example {
        input: "ntohs 20480",
        output: "80",
    }],
    run: |args| swap16(args, "ntohs"),
};

pub const HTONL: Command = Command {
    name: "htonl",
    params: &[Param::required("x", ArgKind::Integer)],
    style: CallStyle::COneArg,
    topic: Topic::Packing,
    python: Some("socket.htonl(x)"),
    summary: "A 32-bit number from host to network byte order",
    description: BYTE_ORDER_NOTE,
    network: false,
    examples: &[Example {
        input: "htonl 1",
        output: "16777216",
    }],
    run: swap32,
};

pub const NTOHL: Command = Command {
    name: "ntohl",
    params: &[Param::required("x", ArgKind::Integer)],
    style: CallStyle::COneArg,
    topic: Topic::Packing,
    python: Some("socket.ntohl(x)"),
    summary: "A 32-bit number from network to host byte order",
    description: BYTE_ORDER_NOTE,
    network: false,
    examples: &[Example {
        input: "ntohl 16777216",
        output: "1",
    }],
    run: swap32,
};
