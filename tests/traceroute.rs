//! `traceroute` across a real router: three namespaces of the test's own,
//! client -- veth -- router (forwarding on) -- veth -- far host, IPv4 and
//! IPv6, with names for the router and the far host in the client's own hosts
//! file. Needs root and `ip`; skips without them. Loopback runs anywhere.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use support::Namespace;

const ROUTER_V4: &str = "10.213.1.1";
const FAR_V4: &str = "10.213.2.2";
const ROUTER_V6: &str = "fd13:1::1";
const FAR_V6: &str = "fd13:2::2";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The three namespaces and the client's /etc/netns files, all removed on drop.
struct RoutedPath {
    client: Namespace,
    router: Namespace,
    far: Namespace,
    etc: PathBuf,
}

impl Drop for RoutedPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.etc);
    }
}

fn sh(ns: &Namespace, step: &str) {
    ns.run_ok(&step.split(' ').collect::<Vec<_>>());
}

fn routed_path(tag: &str) -> Option<RoutedPath> {
    let base = format!("nrtr-{}-{tag}", std::process::id());
    let client = Namespace::new(&format!("{base}-c"))?;
    let router = Namespace::new(&format!("{base}-r"))?;
    let far = Namespace::new(&format!("{base}-f"))?;
    let etc = PathBuf::from(format!("/etc/netns/{}", client.0));
    std::fs::create_dir_all(&etc).ok()?;
    let path = RoutedPath {
        client,
        router,
        far,
        etc,
    };
    std::fs::write(path.etc.join("resolv.conf"), "nameserver 127.0.0.1\n").ok()?;
    std::fs::write(
        path.etc.join("hosts"),
        format!(
            "127.0.0.1 localhost\n{ROUTER_V4} gw.trace\n{FAR_V4} far.trace\n{ROUTER_V6} gw6.trace\n{FAR_V6} far6.trace\n"
        ),
    )
    .ok()?;
    let (c, r, f) = (&path.client.0, &path.router.0, &path.far.0);
    let host = |argv: &str| {
        let out = Command::new("ip")
            .args(argv.split(' '))
            .output()
            .expect("ip runs");
        assert!(out.status.success(), "{argv}: {}", text(&out.stderr));
    };
    host(&format!(
        "-n {c} link add c0 type veth peer name r0 netns {r}"
    ));
    host(&format!(
        "-n {r} link add r1 type veth peer name f0 netns {f}"
    ));
    for step in [
        "ip addr add 10.213.1.2/24 dev c0",
        "ip addr add fd13:1::2/64 dev c0 nodad",
        "ip link set c0 up",
        "ip route add 10.213.2.0/24 via 10.213.1.1",
        "ip route add fd13:2::/64 via fd13:1::1",
    ] {
        sh(&path.client, step);
    }
    for step in [
        "ip addr add 10.213.1.1/24 dev r0",
        "ip addr add fd13:1::1/64 dev r0 nodad",
        "ip addr add 10.213.2.1/24 dev r1",
        "ip addr add fd13:2::1/64 dev r1 nodad",
        "ip link set r0 up",
        "ip link set r1 up",
        "sysctl -qw net.ipv4.ip_forward=1",
        "sysctl -qw net.ipv6.conf.all.forwarding=1",
    ] {
        sh(&path.router, step);
    }
    for step in [
        "ip addr add 10.213.2.2/24 dev f0",
        "ip addr add fd13:2::2/64 dev f0 nodad",
        "ip link set f0 up",
        "ip route add 10.213.1.0/24 via 10.213.2.1",
        "ip route add fd13:1::/64 via fd13:2::1",
    ] {
        sh(&path.far, step);
    }
    // Tests trace the same path many times a second: no ICMP rate limit.
    for ns in [&path.router, &path.far] {
        sh(ns, "sysctl -qw net.ipv4.icmp_ratelimit=0");
        sh(ns, "sysctl -qw net.ipv6.icmp.ratelimit=0");
    }
    settle(&path);
    Some(path)
}

/// Waits (a few seconds at most) until echo requests cross the router both
/// ways in both families: the first neighbour solicitations on links just
/// brought up can be lost, and a trace must not meet that.
fn settle(path: &RoutedPath) {
    for target in [FAR_V4, FAR_V6] {
        let line = format!("pinger {target}");
        let crossed = (0..10).any(|_| {
            let out = path.client.netrepl().args(["-c", &line]).output();
            out.is_ok_and(|o| text(&o.stdout).contains("True"))
        });
        assert!(crossed, "no echo reply from {target} through the router");
    }
}

/// Runs netrepl in the client namespace, as root or (`as_nobody`) as nobody.
fn netrepl(path: &RoutedPath, as_nobody: bool, format: &str, line: &str) -> Output {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", &path.client.0]);
    if as_nobody {
        command.args([
            "setpriv",
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
        ]);
    }
    command
        .args([
            env!("CARGO_BIN_EXE_netrepl"),
            "--no-color",
            "--format",
            format,
        ])
        .args(["-c", line])
        .output()
        .expect("netrepl runs")
}

fn hops(path: &RoutedPath, as_nobody: bool, line: &str) -> Vec<Value> {
    let out = netrepl(path, as_nobody, "json", line);
    assert!(out.status.success(), "{line}: {}", text(&out.stderr));
    let parsed: Value = serde_json::from_str(&text(&out.stdout))
        .unwrap_or_else(|e| panic!("{line}: {e}: {}", text(&out.stdout)));
    parsed.as_array().expect("a list of hops").clone()
}

fn answered(hop: &Value, probes: usize) -> bool {
    let rtts = hop["rtts_ms"].as_array().expect("rtts_ms is a list");
    rtts.len() == probes && rtts.iter().all(Value::is_f64)
}

/// The router at TTL 1, then the far host, and nothing after it.
fn assert_router_then_far(
    found: &[Value],
    router: &str,
    far: &str,
    names: (&str, &str),
    line: &str,
) {
    assert_eq!(found.len(), 2, "{line}: {found:?}");
    assert_eq!(found[0]["ttl"], 1, "{line}");
    assert_eq!(found[0]["address"], router, "{line}: {found:?}");
    assert_eq!(found[0]["name"], names.0, "{line}: {found:?}");
    assert_eq!(found[1]["ttl"], 2, "{line}");
    assert_eq!(found[1]["address"], far, "{line}: {found:?}");
    assert_eq!(found[1]["name"], names.1, "{line}: {found:?}");
    assert!(found.iter().all(|h| answered(h, 3)), "{line}: {found:?}");
}

fn setpriv_available() -> bool {
    Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn udp_and_icmp_probes_list_the_router_then_the_far_host_in_both_families() {
    let Some(path) = routed_path("both") else {
        return;
    };
    for (target, router, far, names) in [
        (FAR_V4, ROUTER_V4, FAR_V4, ("gw.trace", "far.trace")),
        (FAR_V6, ROUTER_V6, FAR_V6, ("gw6.trace", "far6.trace")),
    ] {
        for mode in ["", " icmp=True"] {
            let line = format!("traceroute {target} timeout=2{mode}");
            assert_router_then_far(&hops(&path, false, &line), router, far, names, &line);
        }
    }
    let out = netrepl(&path, false, "pretty", &format!("traceroute {FAR_V4}"));
    let shown = text(&out.stdout);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "traceroute to {FAR_V4}, 30 hops max, 60 byte packets"
        )),
        "{shown}"
    );
    assert!(
        lines[1].starts_with(" 1  gw.trace (10.213.1.1)  "),
        "{shown}"
    );
    assert_eq!(lines[1].matches(" ms").count(), 3, "{shown}");
    assert!(
        lines[2].starts_with(" 2  far.trace (10.213.2.2)  "),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("reached {FAR_V4} in 2 hops")),
        "{shown}"
    );

    let python = netrepl(
        &path,
        false,
        "python",
        &format!("traceroute {FAR_V4} resolve=False probes=1"),
    );
    let python = text(&python.stdout);
    assert!(
        python.starts_with(&format!(
            "[{{'ttl': 1, 'address': '{ROUTER_V4}', 'name': None, 'rtts_ms': ["
        )),
        "{python}"
    );
    assert!(
        python.contains(&format!("{{'ttl': 2, 'address': '{FAR_V4}', 'name': None")),
        "{python}"
    );
}

#[test]
fn max_hops_and_first_ttl_bound_the_trace() {
    let Some(path) = routed_path("max") else {
        return;
    };
    for target in [FAR_V4, FAR_V6] {
        let only_router = hops(&path, false, &format!("traceroute {target} max_hops=1"));
        assert_eq!(only_router.len(), 1, "{only_router:?}");
        assert_ne!(only_router[0]["address"], target);
        let from_two = hops(
            &path,
            false,
            &format!("traceroute {target} first_ttl=2 probes=2"),
        );
        assert_eq!(from_two.len(), 1, "{from_two:?}");
        assert_eq!(from_two[0]["ttl"], 2);
        assert_eq!(from_two[0]["address"], target);
        assert!(answered(&from_two[0], 2), "{from_two:?}");
    }
    let out = netrepl(
        &path,
        false,
        "pretty",
        &format!("traceroute {FAR_V4} max_hops=1 resolve=False"),
    );
    let shown = text(&out.stdout);
    assert!(shown.contains(&format!(" 1  {ROUTER_V4}  ")), "{shown}");
    assert!(
        shown.contains(&format!("{FAR_V4} not reached within 1 hop")),
        "{shown}"
    );
}

#[test]
fn a_far_host_that_ignores_echo_shows_stars_until_max_hops() {
    let Some(path) = routed_path("quiet") else {
        return;
    };
    sh(&path.far, "sysctl -qw net.ipv4.icmp_echo_ignore_all=1");
    sh(&path.far, "sysctl -qw net.ipv6.icmp.echo_ignore_all=1");
    for (target, router) in [(FAR_V4, ROUTER_V4), (FAR_V6, ROUTER_V6)] {
        let line = format!("traceroute {target} icmp=True max_hops=3 timeout=0.3 probes=2");
        let found = hops(&path, false, &line);
        assert_eq!(found.len(), 3, "{line}: {found:?}");
        assert_eq!(found[0]["address"], router, "{line}: {found:?}");
        for silent in &found[1..] {
            assert_eq!(silent["address"], Value::Null, "{line}: {found:?}");
            assert_eq!(silent["rtts_ms"], serde_json::json!([null, null]), "{line}");
        }
        // UDP still reaches it: ignoring echo is not being down.
        let udp = hops(&path, false, &format!("traceroute {target} max_hops=3"));
        assert_eq!(udp.len(), 2, "{udp:?}");
        assert_eq!(udp[1]["address"], target);
    }
    let out = netrepl(
        &path,
        false,
        "pretty",
        &format!("traceroute {FAR_V4} icmp=True max_hops=2 timeout=0.2 probes=3 resolve=False"),
    );
    let shown = text(&out.stdout);
    assert!(shown.contains(" 2  * * *"), "{shown}");
}

#[test]
fn an_unreachable_host_gets_a_mark_and_ends_the_trace() {
    let Some(path) = routed_path("mark") else {
        return;
    };
    // The router has no route to 10.213.9.0/24 and says so: net unreachable.
    sh(&path.client, "ip route add 10.213.9.0/24 via 10.213.1.1");
    sh(&path.router, "ip route add unreachable 10.213.9.0/24");
    let out = netrepl(
        &path,
        false,
        "pretty",
        "traceroute 10.213.9.9 resolve=False timeout=0.5",
    );
    let shown = text(&out.stdout);
    assert!(shown.contains(&format!(" 1  {ROUTER_V4}  ")), "{shown}");
    assert!(shown.contains(" !H") || shown.contains(" !N"), "{shown}");
    assert!(
        shown.contains("10.213.9.9 is unreachable (1 hop)"),
        "{shown}"
    );
}

#[test]
fn without_privilege_udp_and_unprivileged_icmp_sockets_still_trace() {
    let Some(path) = routed_path("nobody") else {
        return;
    };
    if !setpriv_available() {
        println!("skipping: setpriv is not installed");
        return;
    }
    for (target, router, far, names) in [
        (FAR_V4, ROUTER_V4, FAR_V4, ("gw.trace", "far.trace")),
        (FAR_V6, ROUTER_V6, FAR_V6, ("gw6.trace", "far6.trace")),
    ] {
        let line = format!("traceroute {target}");
        assert_router_then_far(&hops(&path, true, &line), router, far, names, &line);
    }
    // No raw socket and unprivileged ICMP off: a clear error, not a hang.
    path.client
        .run_ok(&["sysctl", "-qw", "net.ipv4.ping_group_range=1 0"]);
    let out = netrepl(
        &path,
        true,
        "pretty",
        &format!("traceroute {FAR_V4} icmp=True"),
    );
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("PermissionError") && all.contains("ping_group_range"),
        "{all}"
    );

    path.client
        .run_ok(&["sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"]);
    for (target, router, far, names) in [
        (FAR_V4, ROUTER_V4, FAR_V4, ("gw.trace", "far.trace")),
        (FAR_V6, ROUTER_V6, FAR_V6, ("gw6.trace", "far6.trace")),
    ] {
        let line = format!("traceroute {target} icmp=True");
        assert_router_then_far(&hops(&path, true, &line), router, far, names, &line);
    }
    let out = netrepl(
        &path,
        true,
        "pretty",
        &format!("traceroute {FAR_V4} icmp=True"),
    );
    assert!(
        text(&out.stdout).contains("unprivileged ICMP sockets"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bad_arguments_and_unknown_hosts_are_python_errors() {
    for (line, expected) in [
        (
            "traceroute 127.0.0.1 max_hops=0",
            "ValueError: max_hops must be between 1 and 255",
        ),
        (
            "traceroute 127.0.0.1 max_hops=256",
            "ValueError: max_hops must be between 1 and 255",
        ),
        (
            "traceroute 127.0.0.1 probes=11",
            "ValueError: probes must be between 1 and 10",
        ),
        (
            "traceroute 127.0.0.1 timeout='x'",
            "TypeError: timeout must be a number of seconds",
        ),
        (
            "traceroute 127.0.0.1 first_ttl=5 max_hops=4",
            "ValueError: first_ttl must be between 1 and 4",
        ),
        (
            "traceroute 224.0.0.1",
            "ValueError: 224.0.0.1 is a multicast address",
        ),
        (
            "traceroute 255.255.255.255",
            "ValueError: 255.255.255.255 is a",
        ),
        (
            "traceroute()",
            "TypeError: traceroute() missing 1 required positional argument: 'host'",
        ),
    ] {
        let out = support::run_netrepl(&["-c", line]);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(all.contains(expected), "{line}: {all}");
    }
    // A name look-up only inside a namespace whose resolver is 127.0.0.1.
    let Some(path) = routed_path("gai") else {
        return;
    };
    let out = netrepl(&path, false, "pretty", "traceroute no-such-host.invalid");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("socket.gaierror"), "{all}");
}

#[test]
fn loopback_is_one_hop() {
    let out = support::run_netrepl(&[
        "--format",
        "json",
        "-c",
        "traceroute 127.0.0.1 resolve=False",
    ]);
    let found: Value = serde_json::from_str(&text(&out.stdout)).expect("json");
    let found = found.as_array().expect("a list");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["ttl"], 1);
    assert_eq!(found[0]["address"], "127.0.0.1");
    assert!(answered(&found[0], 3), "{found:?}");
    let out = support::run_netrepl(&["-c", "traceroute ::1 resolve=False probes=1"]);
    let shown = text(&out.stdout);
    if shown.contains("Errno") {
        println!("skipping ::1: no IPv6 loopback here");
        return;
    }
    assert!(
        shown.contains(" 1  ::1  ") && shown.contains("reached ::1 in 1 hop"),
        "{shown}"
    );
}

#[test]
fn ctrl_c_ends_a_silent_trace_at_once_with_the_hops_so_far() {
    let Some(path) = routed_path("int") else {
        return;
    };
    // The router drops everything for 10.213.8.0/24 without a word.
    sh(&path.client, "ip route add 10.213.8.0/24 via 10.213.1.1");
    sh(&path.router, "ip route add blackhole 10.213.8.0/24");
    let child = Command::new("ip")
        .args([
            "netns",
            "exec",
            &path.client.0,
            env!("CARGO_BIN_EXE_netrepl"),
        ])
        .args([
            "--no-color",
            "-c",
            "traceroute 10.213.8.8 timeout=5 resolve=False",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("netrepl starts");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let pressed = std::time::Instant::now();
    // `ip netns exec` runs netrepl in its own place, so the pid is netrepl's.
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let out = child.wait_with_output().expect("netrepl ends");
    let took = pressed.elapsed();
    let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        took < std::time::Duration::from_secs(1),
        "took {took:?}: {shown}"
    );
    assert!(shown.contains("traceroute to 10.213.8.8"), "{shown}");
    assert!(shown.contains("interrupted after 0 hops"), "{shown}");
}
