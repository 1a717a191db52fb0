//! The routing and neighbour tables: where the kernel sends a packet, and
//! which MAC address the next hop on the local link has.

use crate::commands::output::Output;
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::routing::{self, Family};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

fn family(args: &Args, name: &str) -> CommandResult<Family> {
    let Some(value) = args.get(0) else {
        return Ok(Family::Any);
    };
    // `routes(4)` and `routes(AF_INET)` as well as the command-style words.
    let word = match value {
        Value::Int(n) => n.to_string(),
        Value::Enum(member) => member.names.join("|"),
        other => convert::text(other, name, 1)?,
    };
    match word.as_str() {
        "4" | "inet" | "ipv4" | "AF_INET" => Ok(Family::V4),
        "6" | "inet6" | "ipv6" | "AF_INET6" => Ok(Family::V6),
        other => Err(CommandError::value_error(format!(
            "unknown family {other:?}: use 4 or 6"
        ))),
    }
}

fn os_error(e: std::io::Error) -> CommandError {
    CommandError::from_errno(e.raw_os_error().unwrap_or(0))
}

fn optional_ip(ip: Option<std::net::IpAddr>) -> Value {
    ip.map_or(Value::None, |ip| Value::Str(ip.to_string()))
}

pub const ROUTES: Command = Command {
    name: "routes",
    params: &[Param::optional("family", ArgKind::Text)],
    style: CallStyle::Python,
    topic: Topic::ThisMachine,
    python: None,
    summary: "The kernel's routing table: where each destination's packets go",
    description: "Lists the routes the kernel chooses from, read over netlink (IPv4 first, then IPv6; the kernel's table of local addresses is left out). For each packet the most specific matching route wins: the one with the longest prefix. `default` (0.0.0.0/0 or ::/0) matches everything, so it is used when nothing more specific does; its gateway is the default gateway. Columns: dst, gateway (the next hop, empty when the destination is on the link itself), dev (the interface), src (the source address preferred), metric (lower wins between equal prefixes), proto (who added it: kernel, static, dhcp, ra) and scope (link: reached directly; universe: through a gateway). `routes 4` or `routes 6` shows one family. The dicts of --format python and json have these keys.",
    network: false,
    examples: &[Example {
        input: "routes 6",
        output: "[..]",
    }],
    run: |args| {
        let family = family(args, "routes")?;
        let rows = routing::routes(family)
            .map_err(os_error)?
            .into_iter()
            .map(|r| {
                vec![
                    Value::Str(r.destination_text()),
                    optional_ip(r.gateway),
                    r.interface.map_or(Value::None, Value::Str),
                    optional_ip(r.source),
                    r.metric.map_or(Value::None, |m| Value::Int(i128::from(m))),
                    Value::str(r.protocol),
                    Value::str(r.scope),
                ]
            })
            .collect();
        Ok(Output::records(
            &["dst", "gateway", "dev", "src", "metric", "proto", "scope"],
            rows,
        ))
    },
};

pub const NEIGHBOURS: Command = Command {
    name: "neighbours",
    params: &[Param::optional("family", ArgKind::Text)],
    style: CallStyle::Python,
    topic: Topic::ThisMachine,
    python: None,
    summary: "The neighbour table: MAC addresses of IPs on the local links (ARP, NDP)",
    description: "Before a packet leaves on Ethernet the kernel needs the MAC address of its next hop (the destination itself, or the route's gateway). It asks with ARP for IPv4 and Neighbour Discovery for IPv6, and remembers the answers here, read over netlink. Columns: address, lladdr (the link-layer MAC address), dev (the interface) and state: REACHABLE (confirmed recently), STALE (not confirmed lately; checked when next used), DELAY and PROBE (being checked), FAILED and INCOMPLETE (no answer), PERMANENT (set by hand), NOARP (needs no look-up). `neighbours 4` or `neighbours 6` shows one family.",
    network: false,
    examples: &[Example {
        input: "neighbours 4",
        output: "[..]",
    }],
    run: |args| {
        let family = family(args, "neighbours")?;
        let rows = routing::neighbours(family)
            .map_err(os_error)?
            .into_iter()
            .map(|n| {
                vec![
                    Value::Str(n.address.to_string()),
                    n.link_address.map_or(Value::None, Value::Str),
                    n.interface.map_or(Value::None, Value::Str),
                    Value::str(n.state),
                ]
            })
            .collect();
        Ok(Output::records(
            &["address", "lladdr", "dev", "state"],
            rows,
        ))
    },
};
