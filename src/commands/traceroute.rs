//! `traceroute`: the routers on the way to a host, found with a rising TTL.

use crate::commands::output::{Output, View};
use crate::commands::probing::{flag, resolve_target, seconds, whole};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::addressing::{self, AddressKind};
use crate::net::traceroute::{Hop, ProbeMethod, TraceOptions, traceroute};
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

pub const TRACEROUTE: Command = Command {
    name: "traceroute",
    params: &[
        Param::required("host", ArgKind::Text),
        Param::optional("max_hops", ArgKind::Integer),
        Param::optional("probes", ArgKind::Integer),
        Param::optional("timeout", ArgKind::Integer),
        Param::optional("icmp", ArgKind::Integer),
        Param::optional("resolve", ArgKind::Integer),
        Param::optional("port", ArgKind::Integer),
        Param::optional("first_ttl", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Probing,
    python: None,
    summary: "List the routers on the way to a host, like traceroute(8)",
    description: "Sends probes with TTL 1, 2, 3 and so on (probes of each, default 3). Every router lowers a packet's TTL by one and, where it reaches zero, drops it and answers with ICMP time exceeded: so the probe with TTL n finds the n-th router. It stops when the host itself answers or at max_hops (default 30). Each hop shows its address, the round trip of each probe (* for no answer within timeout seconds), its name (resolve=False skips the reverse look-ups), and !H, !N, !P or !X when a router says the host, its network or the protocol cannot be reached or is prohibited. Probes are UDP to ports 33434 and up (port=), as traceroute(8) sends them, which needs no privilege: the answers are read from the socket's error queue (IP_RECVERR). icmp=True sends echo requests instead, on a raw ICMP socket when allowed, else Linux's unprivileged ICMP socket. Ctrl-C stops early with the hops so far.",
    network: true,
    examples: &[Example {
        input: "traceroute 127.0.0.1 resolve=False",
        output: "[{'ttl': 1, 'address': '127.0.0.1', 'name': None, 'rtts_ms': [[..], [..], [..]]}]",
    }],
    run: run_traceroute,
};

fn run_traceroute(args: &Args) -> CommandResult<Output> {
    let max_hops = whole(args, 1, "max_hops", 30, (1, 255))? as u8;
    let options = TraceOptions {
        max_hops,
        probes: whole(args, 2, "probes", 3, (1, 10))? as u8,
        timeout: seconds(args, 3, "timeout", 1.0, (0.01, 10.0))?,
        method: if flag(args, 4, false) {
            ProbeMethod::Icmp
        } else {
            ProbeMethod::Udp {
                port: whole(args, 6, "port", 33434, (1, 65535))? as u16,
            }
        },
        resolve: flag(args, 5, true),
        first_ttl: whole(args, 7, "first_ttl", 1, (1, i128::from(max_hops)))? as u8,
    };
    let (host, address) = resolve_target(args, "traceroute")?;
    // ::ffff:10.0.0.1 travels as IPv4, so it is traced with IPv4's TTL.
    let address = address.to_canonical();
    check_traceable(address)?;
    let report = traceroute(&host, address, options)?;
    let hops = report.hops.iter().map(hop_value).collect();
    Ok(Output::with_view(
        Value::List(hops),
        View::Report {
            text: report.summary(),
            json: None,
        },
    ))
}

/// Refuses what names no one host: a trace towards a group, a broadcast or
/// nothing cannot end at a host.
fn check_traceable(address: std::net::IpAddr) -> CommandResult<()> {
    let kind = addressing::classify(address).0;
    if kind.is_not_a_host() || matches!(kind, AddressKind::Unspecified | AddressKind::ThisNetwork) {
        let name = kind.name();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        return Err(CommandError::value_error(format!(
            "{address} is {article} {name} address; traceroute traces the path to one host"
        ))
        .explain(kind.explanation()));
    }
    Ok(())
}

fn hop_value(hop: &Hop) -> Value {
    let rtts = hop
        .probes
        .iter()
        .map(|p| match p {
            Some(answer) => Value::Float((answer.rtt.as_secs_f64() * 1e6).round() / 1e3),
            None => Value::None,
        })
        .collect();
    Value::Dict(vec![
        ("ttl".into(), Value::Int(i128::from(hop.ttl))),
        (
            "address".into(),
            hop.address()
                .map_or(Value::None, |a| Value::Str(a.to_string())),
        ),
        (
            "name".into(),
            hop.name()
                .map_or(Value::None, |n| Value::Str(n.to_string())),
        ),
        ("rtts_ms".into(), Value::List(rtts)),
    ])
}
