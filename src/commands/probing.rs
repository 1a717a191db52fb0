//! Is it up? `ping`, the notes' `pinger`, and `map_network`, a ping sweep of a
//! whole network: real ICMP echo (or TCP connects), never the system's ping.

use std::net::IpAddr;
use std::time::Duration;

use super::local::{ROUTE_PROBE_V4, outbound_address};
use crate::commands::context::{self, Format};
use crate::commands::output::{Output, Table, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::ping::{PingOptions, ping};
use crate::net::sweep::targets::{self, CONFIRM_ABOVE};
use crate::net::sweep::{Method, SweepOptions, SweepReport, sweep};
use crate::net::{icmp, live, resolver};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

/// A number of seconds from an int or a float, within bounds.
pub(super) fn seconds(
    args: &Args,
    index: usize,
    name: &str,
    default: f64,
    range: (f64, f64),
) -> CommandResult<Duration> {
    let value = match args.get(index) {
        None => default,
        Some(Value::Float(f)) => *f,
        Some(v) => convert::index(v).map_err(|_| {
            CommandError::type_error(format!(
                "{name} must be a number of seconds, not {}",
                v.type_name()
            ))
        })? as f64,
    };
    if !(range.0..=range.1).contains(&value) {
        return Err(CommandError::value_error(format!(
            "{name} must be between {} and {} seconds",
            range.0, range.1
        )));
    }
    Ok(Duration::from_secs_f64(value))
}

pub(super) fn whole(
    args: &Args,
    index: usize,
    name: &str,
    default: i128,
    range: (i128, i128),
) -> CommandResult<i128> {
    let value = args.get(index).map_or(Ok(default), convert::index)?;
    if !(range.0..=range.1).contains(&value) {
        return Err(CommandError::value_error(format!(
            "{name} must be between {} and {}",
            range.0, range.1
        )));
    }
    Ok(value)
}

pub(super) fn flag(args: &Args, index: usize, default: bool) -> bool {
    args.get(index).map_or(default, |v| match v {
        Value::Bool(b) => *b,
        Value::Str(s) => matches!(s.as_str(), "True" | "true" | "yes" | "1"),
        other => other.as_int().is_some_and(|n| n != 0),
    })
}

/// A host argument resolved to one address (names through the system resolver).
pub(super) fn resolve_target(args: &Args, function: &str) -> CommandResult<(String, IpAddr)> {
    let host = convert::host_name(args.get(0).unwrap_or(&Value::None), function, 1)?;
    let text = String::from_utf8_lossy(&host).into_owned();
    let address = resolver::resolve_one(&host, libc::AF_UNSPEC)?;
    Ok((text, address))
}

pub const PING: Command = Command {
    name: "ping",
    params: &[
        Param::required("host", ArgKind::Text),
        Param::optional("count", ArgKind::Integer),
        Param::optional("interval", ArgKind::Integer),
        Param::optional("timeout", ArgKind::Integer),
        Param::optional("size", ArgKind::Integer),
        Param::optional("ttl", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Probing,
    python: None,
    summary: "Send ICMP echo requests and time the replies, like ping(8)",
    description: "Sends count echo requests (ICMP, the protocol ping uses) one interval apart and prints each reply as it arrives, then ping's summary: packets sent and received, loss, and round-trip times. A name is resolved first (IPv4 or IPv6). No reply does not prove a host is down: many hosts and firewalls drop ICMP. Ctrl-C stops early and still prints the summary. Uses a raw ICMP socket when allowed, else Linux's unprivileged ICMP socket.",
    network: true,
    examples: &[Example {
        input: "ping 127.0.0.1 count=2 interval=0.2",
        output: "{'host': '127.0.0.1', 'address': '127.0.0.1', 'transmitted': 2, 'received': 2, 'rtt_ms': [[..], [..]]}",
    }],
    run: run_ping,
};

fn run_ping(args: &Args) -> CommandResult<Output> {
    let (host, address) = resolve_target(args, "ping")?;
    let options = PingOptions {
        count: whole(args, 1, "count", 4, (1, 100_000))? as u32,
        interval: seconds(args, 2, "interval", 1.0, (0.01, 3600.0))?,
        timeout: seconds(args, 3, "timeout", 1.0, (0.01, 60.0))?,
        size: whole(args, 4, "size", 56, (0, 65_507))? as usize,
        ttl: whole(args, 5, "ttl", 64, (1, 255))? as u32,
    };
    let report = ping(&host, address, options)?;
    let rtts = report
        .rtts
        .iter()
        .map(|d| Value::Float((d.as_secs_f64() * 1e6).round() / 1e3))
        .collect();
    let value = Value::Dict(vec![
        ("host".into(), Value::Str(report.host.clone())),
        ("address".into(), Value::Str(address.to_string())),
        (
            "transmitted".into(),
            Value::Int(i128::from(report.transmitted)),
        ),
        ("received".into(), Value::Int(i128::from(report.received))),
        ("rtt_ms".into(), Value::List(rtts)),
    ]);
    Ok(Output::with_view(
        value,
        View::Report {
            text: format!("\n{}", report.summary()),
            json: None,
        },
    ))
}

pub const PINGER: Command = Command {
    name: "pinger",
    params: &[Param::required("ip_address", ArgKind::Text)],
    style: CallStyle::Python,
    topic: Topic::Probing,
    python: None,
    summary: "True if a host answers one echo request within a second",
    description: "The notes' pinger helper, done with a real ICMP echo instead of running the ping program: sends one echo request and returns True if a reply comes back within one second, else False. False means no reply, not that the address is invalid: the host may be down or may ignore ICMP.",
    network: true,
    examples: &[Example {
        input: "pinger 127.0.0.1",
        output: "True",
    }],
    run: run_pinger,
};

fn run_pinger(args: &Args) -> CommandResult<Output> {
    let (_, address) = resolve_target(args, "pinger")?;
    let runtime = live::runtime()?;
    let answered = runtime.block_on(async {
        let echo_client = icmp::open(address, None)?;
        let outcome = icmp::echo(
            &echo_client.client,
            address,
            std::process::id() as u16,
            1,
            &[0u8; 56],
            Duration::from_secs(1),
        )
        .await?;
        Ok::<bool, CommandError>(matches!(outcome, icmp::EchoOutcome::Reply(_)))
    })?;
    Ok(Output::plain(Value::Bool(answered)))
}

/// Probes a second when sweeping a real network: a /24 goes out in 0.13 s at
/// about 1 Mbit/s with 64-byte packets, a trickle for any LAN or Wi-Fi, and its
/// ARP look-ups stay far below what switches and hosts handle.
const DEFAULT_RATE: f64 = 2000.0;

pub const MAP_NETWORK: Command = Command {
    name: "map_network",
    params: &[
        Param::optional("target", ArgKind::Text),
        Param::optional("timeout", ArgKind::Integer),
        Param::optional("retries", ArgKind::Integer),
        Param::optional("rate", ArgKind::Integer),
        Param::optional("resolve", ArgKind::Integer),
        Param::optional("tcp", ArgKind::Text),
        Param::optional("yes", ArgKind::Integer),
        Param::optional("allow_public", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Probing,
    python: None,
    summary: "Find the hosts that are up on a network: a fast, polite ping sweep",
    description: "Pings every address of a network at once and lists those that answer, with round-trip time and reverse name. TARGET is a CIDR block (10.0.0.0/24), a range (10.0.0.1-10.0.0.50) or addresses separated by commas; without one it sweeps the subnet of this machine's main interface. Probes go out at rate per second (default 2000 on real networks: a /24 in 0.13 s at about 1 Mbit/s; loopback is not paced), each silent address gets retries extra probes within its timeout, and the sweep ends when every address has answered or timed out. tcp=22,80,443 finds hosts by TCP connects instead, for when ICMP is not allowed. Scanning networks you do not own may break their rules: public ranges (also the carrier-grade NAT block 100.64.0.0/10, and IPv6 addresses that carry a public IPv4 address, like ::ffff:8.8.8.8) are refused unless allow_public=True; multicast, broadcast and reserved addresses are always refused, as no host answers for them alone; more than 65,536 addresses are refused, and more than 1,024 ask first (yes=True in scripts).",
    network: true,
    examples: &[Example {
        input: "map_network 127.0.0.1-3 resolve=False",
        output: "['127.0.0.1', '127.0.0.2', '127.0.0.3']",
    }],
    run: run_map_network,
};

fn run_map_network(args: &Args) -> CommandResult<Output> {
    let target = match args.get(0) {
        None | Some(Value::None) => default_target()?,
        Some(v) => convert::text(v, "map_network", 1)?,
    };
    let targets = targets::parse_target(&target)?;
    targets::check_scannable(&targets, flag(args, 7, false))?;
    if targets.len() > CONFIRM_ABOVE && !flag(args, 6, false) {
        let question = format!("Sweep {} addresses of {target}?", targets.len());
        match context::confirm(&question)? {
            Some(true) => {}
            Some(false) => return Err(CommandError::value_error("sweep cancelled")),
            None => {
                return Err(CommandError::value_error(format!(
                    "{} addresses is more than {CONFIRM_ABOVE}; add yes=True to sweep them",
                    targets.len()
                ))
                .explain("Large sweeps need a clear yes, so a typo cannot scan a whole campus."));
            }
        }
    }
    let all_loopback = targets.iter().all(|ip| ip.is_loopback());
    let rate = match args.get(3) {
        None | Some(Value::None) => (!all_loopback).then_some(DEFAULT_RATE),
        Some(v) => Some(probe_rate(v)?),
    };
    let method = match args.get(5) {
        None | Some(Value::None) => Method::Icmp,
        Some(v) => Method::Tcp(parse_ports(v)?),
    };
    let options = SweepOptions {
        timeout: seconds(args, 1, "timeout", 1.0, (0.01, 60.0))?,
        retries: whole(args, 2, "retries", 1, (0, 10))? as u32,
        rate,
        resolve: flag(args, 4, true),
        method,
    };
    let report = sweep(targets, options)?;
    let value = Value::List(
        report
            .hosts
            .iter()
            .map(|h| Value::Str(h.address.to_string()))
            .collect(),
    );
    // Only the shape the format shows is built: a /16 sweep can find 65,534 hosts.
    let (text, json) = match context::format() {
        Format::Pretty => (sweep_table(&report), None),
        Format::Json => (String::new(), Some(sweep_json(&report))),
        Format::Python => (String::new(), None),
    };
    Ok(Output::with_view(value, View::Report { text, json }))
}

fn sweep_table(report: &SweepReport) -> String {
    if report.hosts.is_empty() {
        return report.summary();
    }
    let rows = report
        .hosts
        .iter()
        .map(|h| {
            vec![
                h.address.to_string(),
                format!("{:.3} ms", h.rtt.as_secs_f64() * 1000.0),
                h.name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let table = Table {
        headers: vec!["address", "rtt", "name"],
        rows,
    };
    let style = crate::commands::output::Style {
        colour: context::colour(),
    };
    format!(
        "{}
{}",
        crate::commands::output::table_text(&table, style),
        report.summary()
    )
}

fn sweep_json(report: &SweepReport) -> Value {
    Value::List(
        report
            .hosts
            .iter()
            .map(|h| {
                Value::Dict(vec![
                    ("address".into(), Value::Str(h.address.to_string())),
                    (
                        "rtt_ms".into(),
                        Value::Float((h.rtt.as_secs_f64() * 1e6).round() / 1e3),
                    ),
                    (
                        "name".into(),
                        h.name.clone().map_or(Value::None, Value::Str),
                    ),
                ])
            })
            .collect(),
    )
}

/// The slowest and fastest rates a sweep takes, in probes a second: at the
/// slowest a /24 still ends within a day, and a million a second is more
/// than any socket sends.
const RATE_RANGE: (f64, f64) = (0.01, 1_000_000.0);

/// `rate=`: a number of probes a second within RATE_RANGE. Zero, negative,
/// NaN and infinite rates mean nothing, so they are errors, not a guess.
fn probe_rate(value: &Value) -> CommandResult<f64> {
    let rate = match value {
        Value::Float(f) => *f,
        Value::LargeInt(_) => f64::INFINITY,
        other => other.as_int().ok_or_else(|| {
            CommandError::type_error(format!(
                "rate must be a number of probes a second, not {}",
                other.type_name()
            ))
        })? as f64,
    };
    if !(RATE_RANGE.0..=RATE_RANGE.1).contains(&rate) {
        return Err(CommandError::value_error(format!(
            "rate must be from {} to {} probes a second, not {}",
            RATE_RANGE.0,
            RATE_RANGE.1,
            value.repr()
        ))
        .explain("rate=2000 sends 2000 probes a second; leave it out for the default (2000, or as fast as it goes on loopback)."));
    }
    Ok(rate)
}

/// `22,80,443` (or a list of ints) as ports.
fn parse_ports(value: &Value) -> CommandResult<Vec<u16>> {
    let bad = || {
        CommandError::value_error("tcp must list ports, like tcp=22,80,443")
            .explain("Ports are whole numbers from 1 to 65535, separated by commas.")
    };
    let numbers: Vec<i128> = match value {
        Value::Str(s) => s
            .split(',')
            .map(|p| p.trim().parse::<i128>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?,
        Value::Int(n) => vec![*n],
        Value::Tuple(items) | Value::List(items) => items
            .iter()
            .map(|v| v.as_int().ok_or_else(bad))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad()),
    };
    let ports: Vec<u16> = numbers
        .into_iter()
        .filter_map(|n| u16::try_from(n).ok().filter(|p| *p > 0))
        .collect();
    if ports.is_empty() || ports.len() > 64 {
        return Err(bad());
    }
    Ok(ports)
}

/// The subnet of the interface holding this machine's primary IPv4 address,
/// with that interface's real prefix.
fn default_target() -> CommandResult<String> {
    let no_subnet = || {
        CommandError::os_error("no IPv4 network to sweep")
            .explain("This machine has no IPv4 address with a route out. Give a target, like map_network 192.168.1.0/24.")
    };
    let primary = outbound_address(ROUTE_PROBE_V4).ok_or_else(no_subnet)?;
    let interfaces = crate::net::ffi::interface_addresses().map_err(|_| no_subnet())?;
    let prefix = interfaces
        .iter()
        .find(|i| i.address == primary)
        .map(|i| i.prefix)
        .ok_or_else(no_subnet)?;
    Ok(format!("{primary}/{prefix}"))
}
