//! This machine and its addresses: the notes' `get_ip_4`/`get_ip_6` helpers,
//! the interface list, and `ipinfo`, which explains any address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use crate::commands::address_reason::{address_reason, network_reason};
use crate::commands::output::{Output, Table, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::addressing::{self, prefix_mask_v4, prefix_mask_v6};
use crate::net::ffi;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::{Value, bytes_repr};

/// Documentation addresses (RFC 5737, RFC 3849): connecting a UDP socket to
/// them only asks the kernel for a route; no packet is sent anywhere.
pub(crate) const ROUTE_PROBE_V4: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 1)), 9);
const ROUTE_PROBE_V6: SocketAddr = SocketAddr::new(
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
    9,
);

/// The source address the kernel would use for outbound traffic.
pub(crate) fn outbound_address(probe: SocketAddr) -> Option<IpAddr> {
    let bind: SocketAddr = match probe {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(bind).ok()?;
    socket.connect(probe).ok()?;
    Some(socket.local_addr().ok()?.ip())
}

pub const GET_IP_4: Command = Command {
    name: "get_ip_4",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::ThisMachine,
    python: None,
    summary: "This machine's primary IPv4 address, found without sending a packet",
    description: "Connects a UDP socket to an outside address and reads which local address the kernel picked for it. A UDP connect only chooses a route, so nothing is sent. Without a route out it takes the first IPv4 address of an interface other than loopback.",
    network: false,
    examples: &[Example {
        input: "get_ip_4",
        output: "'[..].[..].[..].[..]'",
    }],
    run: |_| {
        let ip = match outbound_address(ROUTE_PROBE_V4) {
            Some(ip) => ip,
            None => interface_address(false)?,
        };
        Ok(Output::plain(Value::Str(ip.to_string())))
    },
};

pub const GET_IP_6: Command = Command {
    name: "get_ip_6",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::ThisMachine,
    python: None,
    summary: "This machine's primary IPv6 address, found without sending a packet",
    description: "The IPv6 twin of get_ip_4: asks the kernel which source address it would use to reach the IPv6 Internet. Without an IPv6 route it takes an interface's IPv6 address other than loopback, a global one before a link-local one.",
    network: false,
    examples: &[Example {
        input: "get_ip_6",
        output: "'[..]:[..]'",
    }],
    run: |_| {
        let ip = match outbound_address(ROUTE_PROBE_V6) {
            Some(ip) => ip,
            None => interface_address(true)?,
        };
        Ok(Output::plain(Value::Str(ip.to_string())))
    },
};

/// Without a route out, the address of an interface other than loopback,
/// read from the interfaces themselves. (The notes resolve the host's own
/// name instead, which can send a DNS query when the name is not in
/// /etc/hosts.)
fn interface_address(v6: bool) -> CommandResult<IpAddr> {
    let addresses =
        ffi::interface_addresses().map_err(|e| CommandError::os_error(e.to_string()))?;
    let mut candidates: Vec<IpAddr> = addresses
        .into_iter()
        .map(|a| a.address)
        .filter(|ip| ip.is_ipv6() == v6 && !ip.is_loopback())
        .collect();
    // Global addresses first; link-local ones (fe80::/10) last.
    candidates.sort_by_key(|ip| matches!(ip, IpAddr::V6(v6) if v6.is_unicast_link_local()));
    let family = if v6 { "IPv6" } else { "IPv4" };
    candidates.first().copied().ok_or_else(|| {
        CommandError::os_error(format!("no {family} address found")).explain(format!(
            "This machine has no {family} route out and no {family} address besides loopback."
        ))
    })
}

pub const INTERFACES: Command = Command {
    name: "interfaces",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::ThisMachine,
    python: None,
    summary: "This machine's network interfaces with their addresses and prefixes",
    description: "Lists every network interface and its addresses, with the prefix length that says how big its network is (a /24 holds 256 addresses). lo is the loopback interface every machine has.",
    network: false,
    examples: &[Example {
        input: "interfaces",
        output: "[..]{'name': 'lo', 'address': '127.0.0.1', 'prefix': 8, [..]",
    }],
    run: |_| {
        let list = ffi::interface_addresses()
            .map_err(|e| CommandError::from_errno(e.raw_os_error().unwrap_or(0)))?;
        let mut rows = Vec::new();
        let mut values = Vec::new();
        for iface in list {
            let (ip, prefix) = (iface.address, iface.prefix);
            let kind = addressing::classify(ip).0.name();
            let network = network_of(ip, prefix);
            rows.push(vec![
                iface.name.clone(),
                ip.to_string(),
                prefix.to_string(),
                network.clone(),
                kind.to_string(),
            ]);
            values.push(Value::Dict(vec![
                ("name".into(), Value::Str(iface.name)),
                ("address".into(), Value::Str(ip.to_string())),
                ("prefix".into(), Value::Int(i128::from(prefix))),
                ("network".into(), Value::Str(network)),
                ("kind".into(), Value::str(kind)),
            ]));
        }
        let table = Table {
            headers: vec!["interface", "address", "prefix", "network", "kind"],
            rows,
        };
        Ok(Output::with_view(Value::List(values), View::Table(table)))
    },
};

/// `10.1.2.3` with prefix 8 is on `10.0.0.0/8`.
fn network_of(ip: IpAddr, prefix: u8) -> String {
    match ip {
        IpAddr::V4(v4) => format!(
            "{}/{prefix}",
            Ipv4Addr::from(u32::from(v4) & prefix_mask_v4(prefix))
        ),
        IpAddr::V6(v6) => format!(
            "{}/{prefix}",
            Ipv6Addr::from(u128::from(v6) & prefix_mask_v6(prefix))
        ),
    }
}

pub const IPINFO: Command = Command {
    name: "ipinfo",
    params: &[Param::required("address", ArgKind::Text)],
    style: CallStyle::Python,
    topic: Topic::ThisMachine,
    python: None,
    summary: "Everything about an address: version, kind, network, binary and hex",
    description: "Explains an IPv4 or IPv6 address: its version and size in bits, what kind it is (loopback, private, link-local, multicast, documentation, shared, global...), the special block it belongs to, and its integer, hex, binary and packed forms. With a prefix (10.1.2.3/24) it also shows that network's range and size.",
    network: false,
    examples: &[
        Example {
            input: "ipinfo 192.168.1.10/24",
            output: "{'address': '192.168.1.10', 'version': 4, 'bits': 32, 'kind': 'private', 'block': '192.168.0.0/16', [..]'network': '192.168.1.0/24', [..]",
        },
        Example {
            input: "ipinfo ::1",
            output: "{'address': '::1', 'version': 6, 'bits': 128, 'kind': 'loopback', [..]",
        },
    ],
    run: ipinfo,
};

fn ipinfo(args: &Args) -> CommandResult<Output> {
    let text = crate::python::convert::text(args.get(0).unwrap_or(&Value::None), "ipinfo", 1)?;
    let (addr_text, prefix_text) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text.as_str(), None),
    };
    let scoped_text = addr_text;
    // A scoped IPv6 address (fe80::1%eth0) names the interface it belongs to.
    let (addr_text, scope) = match addr_text.split_once('%') {
        Some((a, s)) if !s.is_empty() => (a, Some(s)),
        _ => (addr_text, None),
    };
    let ip: IpAddr = addr_text.parse().map_err(|_| {
        // The line is ip_address's; the reason, IPv4Address's or
        // IPv6Address's, says which part is wrong.
        let reason = match prefix_text {
            // IPv4Network/IPv6Network name the address part's fault first.
            Some(_) => network_reason(&text, scoped_text.contains(':'), false),
            None => address_reason(scoped_text),
        };
        let explanation = reason.unwrap_or_else(|| {
            "Write an address like 192.168.1.10 or 2001:db8::1, optionally with a prefix such as /24.".into()
        });
        CommandError::value_error(format!(
            "{} does not appear to be an IPv4 or IPv6 address",
            crate::python::value::str_repr(addr_text)
        ))
        .explain(explanation)
    })?;
    let bits: u8 = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix_text {
        None => None,
        Some(p) => Some(p.parse::<u8>().ok().filter(|p| *p <= bits).ok_or_else(|| {
            CommandError::value_error(format!(
                "{} is not a valid netmask",
                crate::python::value::str_repr(p)
            ))
            .explain(format!("A prefix length is a number from 0 to {bits}."))
        })?),
    };
    let (kind, block) = addressing::classify(ip);
    let (integer, packed, binary) = match ip {
        IpAddr::V4(v4) => {
            let octets = v4.octets();
            let binary = octets
                .iter()
                .map(|o| format!("{o:08b}"))
                .collect::<Vec<_>>()
                .join(".");
            (u128::from(u32::from(v4)), octets.to_vec(), binary)
        }
        IpAddr::V6(v6) => {
            let binary = v6
                .segments()
                .iter()
                .map(|s| format!("{s:016b}"))
                .collect::<Vec<_>>()
                .join(":");
            (u128::from(v6), v6.octets().to_vec(), binary)
        }
    };
    let mut fields: Vec<(String, Value)> = vec![
        ("address".into(), Value::Str(ip.to_string())),
        (
            "version".into(),
            Value::Int(if ip.is_ipv4() { 4 } else { 6 }),
        ),
        ("bits".into(), Value::Int(i128::from(bits))),
        ("kind".into(), Value::str(kind.name())),
        (
            "block".into(),
            block.map_or(Value::None, |(net, p)| Value::Str(format!("{net}/{p}"))),
        ),
        ("meaning".into(), Value::str(kind.explanation())),
        ("integer".into(), Value::unsigned(integer)),
        (
            "hex".into(),
            Value::Str(format!(
                "0x{}",
                packed
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            )),
        ),
        ("binary".into(), Value::Str(binary)),
        ("packed".into(), Value::Bytes(packed)),
    ];
    if let Some(scope) = scope {
        fields.insert(1, ("scope".into(), Value::str(scope)));
    }
    if let Some(prefix) = prefix {
        fields.extend(network_fields(ip, prefix));
    }
    let rows = fields
        .iter()
        .filter(|(_, v)| *v != Value::None)
        .map(|(k, v)| {
            let shown = match v {
                Value::Str(s) => s.clone(),
                Value::Bytes(b) => bytes_repr(b),
                other => other.repr(),
            };
            vec![k.clone(), shown]
        })
        .collect();
    let table = Table {
        headers: vec!["field", "value"],
        rows,
    };
    Ok(Output::with_view(Value::Dict(fields), View::Table(table)))
}

fn network_fields(ip: IpAddr, prefix: u8) -> Vec<(String, Value)> {
    // `total` is None for ::/0, whose 2**128 addresses overflow even u128.
    let (first, last, total, mask) = match ip {
        IpAddr::V4(v4) => {
            let mask = prefix_mask_v4(prefix);
            let net = u32::from(v4) & mask;
            let last = net | !mask;
            (
                IpAddr::V4(net.into()),
                IpAddr::V4(last.into()),
                Some(1u128 << (32 - u32::from(prefix))),
                Ipv4Addr::from(mask).to_string(),
            )
        }
        IpAddr::V6(v6) => {
            let mask = prefix_mask_v6(prefix);
            let net = u128::from(v6) & mask;
            let total = 1u128.checked_shl(128 - u32::from(prefix));
            (
                IpAddr::V6(net.into()),
                IpAddr::V6((net | !mask).into()),
                total,
                Ipv6Addr::from(mask).to_string(),
            )
        }
    };
    vec![
        ("network".into(), Value::Str(format!("{first}/{prefix}"))),
        ("netmask".into(), Value::Str(mask)),
        ("first".into(), Value::Str(first.to_string())),
        ("last".into(), Value::Str(last.to_string())),
        (
            "addresses".into(),
            total.map_or_else(
                // 2**128, the size of ::/0.
                || Value::integer(num_bigint::BigInt::from(1u8) << 128),
                Value::unsigned,
            ),
        ),
    ]
}
