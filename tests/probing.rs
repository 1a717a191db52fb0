//! ping, pinger and map_network against loopback, plus the ICMP permission
//! paths in throwaway network namespaces. Nothing here leaves the machine:
//! targets are 127.0.0.0/8 and ::1 only, and `resolve=False` keeps reverse
//! look-ups of loopback addresses from reaching DNS.

mod support;

use std::process::{Command, Output};

use support::Namespace;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// ICMP needs root, CAP_NET_RAW or ping_group_range; say why when a test cannot run.
fn icmp_available() -> bool {
    let out = support::run_netrepl(&["-c", "pinger 127.0.0.1"]);
    let ok = out.status.success();
    if !ok {
        eprintln!(
            "skipping: this process may not send ICMP ({})",
            stderr(&out).trim()
        );
    }
    ok
}

fn is_root() -> bool {
    // SAFETY-free check through the id program, which every Linux has.
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn ping_loopback_reports_every_reply_in_json() {
    if !icmp_available() {
        return;
    }
    let out = support::run_netrepl(&[
        "--format",
        "json",
        "-c",
        "ping 127.0.0.1 count=3 interval=0.05",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_str(stdout(&out).trim()).expect("one JSON value");
    assert_eq!(report["address"], "127.0.0.1");
    assert_eq!(report["transmitted"], 3);
    assert_eq!(report["received"], 3);
    assert_eq!(report["rtt_ms"].as_array().map(Vec::len), Some(3));
}

#[test]
fn ping_streams_lines_like_ping8_and_summarises() {
    if !icmp_available() {
        return;
    }
    let out = support::run_netrepl(&["-c", "ping localhost count=2 interval=0.05"]);
    let text = stdout(&out);
    assert!(
        text.starts_with("PING localhost (127.0.0.1) 56(84) bytes of data"),
        "{text}"
    );
    assert!(
        text.contains("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time="),
        "{text}"
    );
    assert!(text.contains("icmp_seq=2"), "{text}");
    assert!(text.contains("--- localhost ping statistics ---"), "{text}");
    assert!(
        text.contains("2 packets transmitted, 2 received, 0% packet loss"),
        "{text}"
    );
    assert!(text.contains("rtt min/avg/max/mdev = "), "{text}");
}

#[test]
fn ping_ipv6_loopback() {
    if !icmp_available() {
        return;
    }
    let out = support::run_netrepl(&["--format", "python", "-c", "ping ::1 count=1"]);
    let text = stdout(&out);
    assert!(
        text.contains("'address': '::1'") && text.contains("'received': 1"),
        "{text} {}",
        stderr(&out)
    );
}

#[test]
fn pinger_answers_true_for_loopback() {
    if !icmp_available() {
        return;
    }
    let out = support::run_netrepl(&["--format", "python", "-c", "socket.pinger('127.0.0.1')"]);
    assert_eq!(stdout(&out).trim(), "True");
}

#[test]
fn map_network_finds_every_loopback_address_of_a_slash_24() {
    if !icmp_available() {
        return;
    }
    let out = support::run_netrepl(&[
        "--format",
        "python",
        "-c",
        "map_network 127.0.0.0/24 resolve=False",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected: Vec<String> = (1..=254).map(|i| format!("'127.0.0.{i}'")).collect();
    assert_eq!(stdout(&out).trim(), format!("[{}]", expected.join(", ")));
}

#[test]
fn map_network_json_has_address_rtt_and_name() {
    if !icmp_available() {
        return;
    }
    let out = support::run_netrepl(&[
        "--format",
        "json",
        "-c",
        "map_network 127.0.0.1-2 resolve=False",
    ]);
    let hosts: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    let hosts = hosts.as_array().expect("a list");
    assert_eq!(hosts.len(), 2);
    assert_eq!(hosts[0]["address"], "127.0.0.1");
    assert!(hosts[0]["rtt_ms"].as_f64().is_some());
    assert!(hosts[0]["name"].is_null());
}

#[test]
fn map_network_pretty_ends_with_a_summary_line() {
    if !icmp_available() {
        return;
    }
    let out = support::run_netrepl(&["-c", "map_network 127.0.0.10-14 resolve=False"]);
    let text = stdout(&out);
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("5 hosts up out of 5 scanned in "),
        "{text}"
    );
    assert!(text.starts_with("address"), "{text}");
}

#[test]
fn map_network_by_tcp_counts_a_refused_connection_as_up() {
    // Port 1 is closed on loopback: the kernel answers with a reset, so the host is there.
    let out = support::run_netrepl(&[
        "--format",
        "python",
        "-c",
        "map_network 127.0.0.1-3 tcp=1 resolve=False",
    ]);
    assert_eq!(
        stdout(&out).trim(),
        "['127.0.0.1', '127.0.0.2', '127.0.0.3']",
        "{}",
        stderr(&out)
    );
}

#[test]
fn map_network_refuses_bad_large_and_public_targets() {
    let cases = [
        (
            "map_network banana",
            "ValueError: 'banana' is not a network, range or address",
        ),
        (
            "map_network 10.0.0.0/15",
            "ValueError: 131072 addresses is more than the 65536 a sweep may scan",
        ),
        (
            "map_network 10.0.0.9-10.0.0.1",
            "ValueError: the range ends before it starts",
        ),
        (
            "map_network 8.8.8.0/30",
            "PermissionError: 8.8.8.1 is a public (globally routed) address; refusing to scan it",
        ),
        (
            "map_network 10.1.0.0/20",
            "ValueError: 4094 addresses is more than 1024; add yes=True to sweep them",
        ),
    ];
    for (line, error) in cases {
        let out = support::run_netrepl(&["-c", line]);
        assert_eq!(out.status.code(), Some(1), "{line}");
        let first = stderr(&out).lines().next().unwrap_or_default().to_string();
        assert_eq!(first, error, "{line}");
    }
}

#[test]
fn ping_rejects_out_of_range_options() {
    let out = support::run_netrepl(&["-c", "ping 127.0.0.1 count=0"]);
    assert_eq!(
        stderr(&out).lines().next(),
        Some("ValueError: count must be between 1 and 100000")
    );
    let out = support::run_netrepl(&["-c", "ping 127.0.0.1 interval=x"]);
    assert_eq!(
        stderr(&out).lines().next(),
        Some("TypeError: interval must be a number of seconds, not str")
    );
}

fn set_ping_group_range(ns: &Namespace, range: &str) {
    ns.run_ok(&[
        "sysctl",
        "-w",
        &format!("net.ipv4.ping_group_range={range}"),
    ]);
}

/// Runs netrepl inside the namespace as the unprivileged user `nobody`.
fn netrepl_as_nobody(ns: &Namespace, line: &str) -> Output {
    ns.run(&[
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        env!("CARGO_BIN_EXE_netrepl"),
        "--no-color",
        "-c",
        line,
    ])
}

fn namespaces_available() -> bool {
    if !is_root() {
        eprintln!("skipping: needs root to create network namespaces");
        return false;
    }
    let has_tools = ["ip", "setpriv"]
        .iter()
        .all(|tool| Command::new(tool).arg("--version").output().is_ok());
    if !has_tools {
        eprintln!("skipping: needs the ip (iproute2) and setpriv (util-linux) programs");
    }
    has_tools
}

#[test]
fn unprivileged_user_pings_through_an_icmp_datagram_socket() {
    if !namespaces_available() {
        return;
    }
    let Some(ns) = Namespace::new("nrt-unpriv-ok") else {
        return;
    };
    set_ping_group_range(&ns, "0 2147483647");
    let out = netrepl_as_nobody(&ns, "ping 127.0.0.1 count=1");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(text.contains("unprivileged ICMP datagram socket"), "{text}");
    assert!(text.contains("1 packets transmitted, 1 received"), "{text}");
}

#[test]
fn no_icmp_at_all_gives_an_error_that_says_how_to_fix_it() {
    if !namespaces_available() {
        return;
    }
    let Some(ns) = Namespace::new("nrt-unpriv-no") else {
        return;
    };
    set_ping_group_range(&ns, "1 0");
    let out = netrepl_as_nobody(&ns, "ping 127.0.0.1 count=1");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("PermissionError: [Errno 1] Operation not permitted"),
        "{err}"
    );
    assert!(
        err.contains("ping_group_range") && err.contains("setcap cap_net_raw+ep"),
        "{err}"
    );
    assert!(
        err.contains("tcp="),
        "the error points to TCP probing: {err}"
    );
}

/// Refusals that hold even if the guard were broken, without a packet sent:
/// every target is either more than 1,024 addresses without yes=True (the
/// confirmation would stop it) or loopback.
#[test]
fn map_network_refuses_hidden_public_groups_and_nonsense_rates() {
    let cases = [
        (
            "map_network ::ffff:8.8.0.0/112",
            "PermissionError: ::ffff:8.8.0.0 carries the IPv4 address 8.8.0.0, a public (globally routed) address; refusing to scan it",
        ),
        (
            "map_network 64:ff9b::8.8.0.0/112",
            "PermissionError: 64:ff9b::808:0 carries the IPv4 address 8.8.0.0, a public (globally routed) address; refusing to scan it",
        ),
        (
            "map_network 100.64.0.0/21",
            "PermissionError: 100.64.0.1 is a shared (carrier-grade NAT) address; refusing to scan it",
        ),
        (
            "map_network 224.0.0.0/21 allow_public=True",
            "ValueError: 224.0.0.1 is a multicast address; a sweep cannot scan it",
        ),
        (
            "map_network 240.0.0.0/21 allow_public=True",
            "ValueError: 240.0.0.1 is a reserved address; a sweep cannot scan it",
        ),
        (
            "map_network 10.0.0.0/21,255.255.255.255 allow_public=True",
            "ValueError: 255.255.255.255 is a broadcast address; a sweep cannot scan it",
        ),
        (
            "map_network ff02::/117 allow_public=True",
            "ValueError: ff02:: is a multicast address; a sweep cannot scan it",
        ),
        (
            "map_network ,,,",
            "ValueError: ',,,' is not a network, range or address",
        ),
        (
            "map_network 127.0.0.1 rate=0",
            "ValueError: rate must be from 0.01 to 1000000 probes a second, not 0",
        ),
        (
            "map_network 127.0.0.1 rate=-1",
            "ValueError: rate must be from 0.01 to 1000000 probes a second, not -1",
        ),
        (
            "map_network('127.0.0.1', rate=1e999)",
            "ValueError: rate must be from 0.01 to 1000000 probes a second, not inf",
        ),
        (
            "map_network('127.0.0.1', rate=1e999-1e999)",
            "ValueError: rate must be from 0.01 to 1000000 probes a second, not nan",
        ),
    ];
    for (line, error) in cases {
        let out = support::run_netrepl(&["-c", line]);
        assert_eq!(out.status.code(), Some(1), "{line}");
        let text = stderr(&out);
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap_or_default(), error, "{line}");
        assert!(
            lines.next().is_some_and(|l| l.contains('↳')),
            "{line} explains why: {text}"
        );
    }
}

/// The issue's own example, run where a broken guard could reach nothing: a
/// namespace of the test's own with only loopback.
#[test]
fn map_network_refuses_a_public_slash_24_written_as_ipv4_mapped() {
    if !namespaces_available() {
        return;
    }
    let Some(ns) = Namespace::new("nrt-guard-mapped") else {
        return;
    };
    let out = ns.run(&[
        env!("CARGO_BIN_EXE_netrepl"),
        "--no-color",
        "-c",
        "map_network ::ffff:8.8.8.0/120 tcp=80",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).starts_with(
            "PermissionError: ::ffff:8.8.8.0 carries the IPv4 address 8.8.8.0, a public (globally routed) address"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ping_rejects_durations_that_mean_nothing() {
    for line in [
        "ping('127.0.0.1', interval=1e999)",
        "ping('127.0.0.1', interval=1e999-1e999)",
        "ping('127.0.0.1', timeout=-1)",
        "ping('127.0.0.1', timeout=2**64)",
    ] {
        let out = support::run_netrepl(&["-c", line]);
        assert_eq!(out.status.code(), Some(1), "{line}");
        let first = stderr(&out).lines().next().unwrap_or_default().to_string();
        assert!(
            first.starts_with("ValueError: interval must be between")
                || first.starts_with("ValueError: timeout must be between"),
            "{line}: {first}"
        );
    }
}
