//! The teaching lab against the real kernel: building the default lab and a
//! custom one from a TOML file, reading them back, crash recovery, DNS look-ups
//! inside the scanner (over the lab's DNS server, with no hosts entries),
//! TTLs across the router, the host that ignores ping, services, `lab dns
//! off|on`, the status drawing, bad lab files, the guards outside the lab, and
//! removal. Building needs root and iproute2; without them each such test says
//! why and passes without running.
//! Every test uses its own prefix, so they run in parallel without colliding,
//! and a guard removes its lab even when an assertion fails.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use netrepl::net::lab::Role;
use netrepl::net::lab::{self, DnsState, Lab, LabStatus};

const WAIT_LIMIT: Duration = Duration::from_secs(30);

/// Removes the lab when the test ends, however it ends.
struct LabGuard(Lab);

impl Drop for LabGuard {
    fn drop(&mut self) {
        if let Err(error) = self.0.down() {
            eprintln!("could not remove lab {}: {error}", self.0.prefix());
        }
    }
}

/// The lab for one test, or `None` (with the reason printed) when this
/// machine cannot build labs.
fn lab_for_test(prefix: &str) -> Option<LabGuard> {
    if let Err(reason) = lab::check_can_build() {
        eprintln!("skipping lab test: {reason}");
        return None;
    }
    let lab = Lab::new(prefix).expect("valid prefix");
    Some(LabGuard(lab.with_netrepl(env!("CARGO_BIN_EXE_netrepl"))))
}

/// Runs a command to completion, killing it after `WAIT_LIMIT`; returns
/// (success, stdout, stderr).
fn run_bounded(mut command: Command) -> (bool, String, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("command starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > WAIT_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish within {WAIT_LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    (
        status.success(),
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    )
}

/// `netrepl --format FORMAT -c LINE` inside the lab's scanner namespace.
fn netrepl_in_lab(lab: &Lab, format: &str, line: &str) -> (bool, String, String) {
    let mut command = lab.scanner_command(env!("CARGO_BIN_EXE_netrepl"));
    command.args(["--no-color", "--format", format, "-c", line]);
    run_bounded(command)
}

/// `netrepl -c LINE` here, outside any lab, for the lab named by `prefix`.
fn netrepl_outside(prefix: &str, format: &str, line: &str) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netrepl"));
    command
        .args(["--no-color", "--format", format, "-c", line])
        .env(lab::PREFIX_ENV, prefix);
    run_bounded(command)
}

/// Python's answer to LINE inside the lab, which must succeed.
fn python_in_lab(lab: &Lab, line: &str) -> String {
    let (ok, stdout, stderr) = netrepl_in_lab(lab, "python", line);
    assert!(ok, "{line}: {stderr}");
    stdout.trim().to_string()
}

fn ip_stdout(args: &[&str]) -> String {
    let mut command = Command::new("ip");
    command.args(args);
    let (ok, stdout, stderr) = run_bounded(command);
    assert!(ok, "ip {args:?} failed: {stderr}");
    stdout
}

/// The namespaces `ip netns list` shows that start with `PREFIX-`.
fn namespaces_of(prefix: &str) -> Vec<String> {
    let start = format!("{prefix}-");
    let mut names: Vec<String> = ip_stdout(&["netns", "list"])
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with(&start))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

/// The pids in the lab's run directory (its servers).
fn server_pids(lab: &Lab) -> Vec<u32> {
    std::fs::read_dir(lab.run_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".pid"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .filter_map(|text| text.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn process_exists(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
            !matches!(state.and_then(|s| s.chars().next()), Some('Z') | None)
        })
        .unwrap_or(false)
}

/// The TTL of the first reply in ping's pretty output (`... ttl=63 ...`).
fn reply_ttl(stdout: &str) -> u32 {
    stdout
        .split_whitespace()
        .find_map(|w| w.strip_prefix("ttl="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no ttl= in {stdout}"))
}

/// A python-format list of quoted strings, as a sorted Vec.
fn sorted_strings(python: &str) -> Vec<String> {
    let mut items: Vec<String> = python
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|s| s.trim().trim_matches('\'').to_string())
        .filter(|s| !s.is_empty())
        .collect();
    items.sort();
    items
}

#[test]
fn the_default_lab_goes_up_as_described_and_comes_down_without_a_trace() {
    let Some(guard) = lab_for_test("nrt1") else {
        return;
    };
    let lab = &guard.0;
    let built = lab.up_default().expect("lab up");
    assert_eq!(built.dns, DnsState::On);
    assert_eq!(built.machines.len(), 9);
    let dead: Vec<String> = built.dead_hosts().map(|m| m.name()).collect();
    assert_eq!(dead, ["charlie.lab"]);
    assert!(built.machine("quiet").unwrap().ignores_ping);
    assert!(built.machine("quiet").unwrap().up);
    assert_eq!(built.machine("services").unwrap().running.len(), 2);
    assert_eq!(built.machine("router").unwrap().host.role, Role::Router);
    assert_eq!(lab.status().as_ref(), Some(&built));
    let expected: Vec<String> = [
        "alpha", "bravo", "charlie", "far", "ns", "quiet", "router", "scanner", "services",
        "switch",
    ]
    .iter()
    .map(|n| format!("nrt1-{n}"))
    .collect();
    assert_eq!(namespaces_of("nrt1"), expected);
    // Names come from DNS only: no hosts file in the lab names a lab machine.
    for host in &built.machines {
        let dir = Path::new("/etc/netns").join(&host.namespace);
        let hosts = std::fs::read_to_string(dir.join("hosts")).unwrap();
        assert!(!hosts.contains(".lab"), "{}: {hosts}", host.namespace);
        let resolv = std::fs::read_to_string(dir.join("resolv.conf")).unwrap();
        assert!(resolv.contains("nameserver 10.77.0.2\n"), "{resolv}");
        assert!(resolv.contains("timeout:1 attempts:1"), "{resolv}");
    }
    let pids = server_pids(lab);
    assert_eq!(pids.len(), 4, "dns, quiet's http, services' echo and http");
    assert!(pids.iter().all(|p| process_exists(*p)));

    let removed = lab.down().expect("lab down");
    assert_eq!(removed.len(), 10);
    assert!(namespaces_of("nrt1").is_empty());
    for namespace in &expected {
        assert!(
            !Path::new("/etc/netns").join(namespace).exists(),
            "{namespace}"
        );
    }
    assert!(!lab.run_dir().exists());
    for pid in pids {
        assert!(!process_exists(pid), "server {pid} outlived the lab");
    }
    assert_eq!(lab.status(), None);
    assert!(
        lab.down().expect("second down").is_empty(),
        "down is idempotent"
    );
}

#[test]
fn lab_up_after_a_crash_cleans_up_first() {
    let Some(guard) = lab_for_test("nrt2") else {
        return;
    };
    let lab = &guard.0;
    lab.down().expect("clear an earlier run");
    // What a crash half-way through `up` leaves: stray namespaces and files.
    ip_stdout(&["netns", "add", "nrt2-switch"]);
    ip_stdout(&["netns", "add", "nrt2-bravo"]);
    // And a host of the NATO lab older versions built.
    ip_stdout(&["netns", "add", "nrt2-golf"]);
    std::fs::create_dir_all("/etc/netns/nrt2-scanner").unwrap();
    std::fs::write("/etc/netns/nrt2-scanner/hosts", "stale\n").unwrap();
    std::fs::create_dir_all(lab.run_dir()).unwrap();
    std::fs::write(lab.run_dir().join("dns.pid"), "999999999\n").unwrap();

    let status = lab.up_default().expect("lab up over leftovers");
    assert_eq!(status.dns, DnsState::On);
    let hosts = std::fs::read_to_string("/etc/netns/nrt2-scanner/hosts").unwrap();
    assert!(!hosts.contains("stale"), "{hosts}");
    assert!(!namespaces_of("nrt2").contains(&"nrt2-golf".to_string()));

    // A lab left up (the process died before `down`) is rebuilt, not doubled.
    let old_pids = server_pids(lab);
    let again = lab.up_default().expect("second lab up");
    assert_eq!(again.machines.len(), 9);
    assert_eq!(namespaces_of("nrt2").len(), 10);
    for pid in old_pids {
        assert!(
            !process_exists(pid),
            "the first lab's server {pid} is still there"
        );
    }
}

#[test]
fn look_ups_inside_the_lab_go_over_its_dns_server() {
    let Some(guard) = lab_for_test("nrt3") else {
        return;
    };
    let lab = &guard.0;
    lab.up_default().expect("lab up");

    assert_eq!(
        python_in_lab(lab, "gethostbyname('alpha.lab')"),
        "'10.77.0.10'"
    );
    assert_eq!(
        python_in_lab(lab, "gethostbyname('far.lab')"),
        "'10.77.1.10'"
    );
    // charlie is switched off, but DNS still names it.
    assert_eq!(
        python_in_lab(lab, "gethostbyname('charlie.lab')"),
        "'10.77.0.12'"
    );
    let infos = python_in_lab(lab, "getaddrinfo('alpha.lab', 80, type=SOCK_STREAM)");
    assert!(infos.contains("('10.77.0.10', 80)"), "{infos}");
    assert!(infos.contains("('fd77::10', 80, 0, 0)"), "{infos}");
    // Round robin: all three addresses, in some order.
    let www = python_in_lab(lab, "gethostbyname_ex('www.lab')[2]");
    assert_eq!(
        sorted_strings(&www),
        ["10.77.0.10", "10.77.0.11", "10.77.0.30"]
    );
    let web = python_in_lab(lab, "gethostbyname_ex('web.lab')[:2]");
    assert_eq!(web, "('www.lab', ['web.lab'])");
    assert_eq!(
        python_in_lab(lab, "gethostbyaddr('10.77.0.10')"),
        "('alpha.lab', [], ['10.77.0.10'])"
    );
    assert_eq!(
        python_in_lab(lab, "gethostbyaddr('10.77.1.10')[0]"),
        "'far.lab'"
    );
    let (ok, _, stderr) = netrepl_in_lab(lab, "python", "gethostbyname('nobody.lab')");
    assert!(!ok);
    assert!(
        stderr.contains("socket.gaierror: [Errno -2]"),
        "NXDOMAIN: {stderr}"
    );

    // With the server off, a look-up waits out the resolver's one-second
    // timeout (queries get no answer at all), then fails with EAI_AGAIN.
    lab.set_dns(DnsState::Off).expect("dns off");
    assert_eq!(lab.status().unwrap().dns, DnsState::Off);
    let started = Instant::now();
    let (ok, _, stderr) = netrepl_in_lab(lab, "python", "gethostbyname('alpha.lab')");
    assert!(!ok);
    assert!(stderr.contains("socket.gaierror: [Errno -3]"), "{stderr}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "no timeout: {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");

    // SERVFAIL: a server that answers at once, only to say it cannot; the
    // resolver takes that as "try again", so the error is the same -3.
    let (ok, stdout, stderr) = netrepl_in_lab(lab, "pretty", "lab dns servfail");
    assert!(ok, "{stderr}");
    assert!(stdout.contains("SERVFAIL"), "{stdout}");
    assert_eq!(lab.status().unwrap().dns, DnsState::Servfail);
    for line in ["dig alpha.lab", "dig alpha.lab tcp=True"] {
        let (ok, stdout, stderr) = netrepl_in_lab(lab, "pretty", line);
        assert!(ok, "{line}: {stderr}");
        assert!(stdout.contains("status: SERVFAIL"), "{line}: {stdout}");
        assert!(
            stdout.contains("alpha.lab."),
            "{line}: the question: {stdout}"
        );
    }
    for line in ["gethostbyname('alpha.lab')", "getaddrinfo('alpha.lab', 80)"] {
        let started = Instant::now();
        let (ok, _, stderr) = netrepl_in_lab(lab, "python", line);
        let waited = started.elapsed();
        assert!(!ok, "{line}");
        assert!(
            stderr.contains("socket.gaierror: [Errno -3] Temporary failure in name resolution"),
            "{line}: {stderr}"
        );
        // No resolver timeout: the answer came at once.
        assert!(waited < Duration::from_millis(900), "{line}: {waited:?}");
    }
    // The command, from inside the lab as a learner would type it.
    let (ok, stdout, stderr) = netrepl_in_lab(lab, "pretty", "lab dns on");
    assert!(ok, "{stderr}");
    assert!(stdout.contains("on again"), "{stdout}");
    // Removing the lab from inside it would only change this process's view.
    let (ok, _, stderr) = netrepl_in_lab(lab, "pretty", "lab down");
    assert!(
        !ok && stderr.contains("cannot run inside the lab"),
        "{stderr}"
    );
    assert!(lab.status().is_some(), "the lab is still up");
    assert_eq!(
        python_in_lab(lab, "gethostbyname('alpha.lab')"),
        "'10.77.0.10'"
    );
}

#[test]
fn the_router_costs_one_ttl_and_the_quiet_host_is_found_by_tcp_only() {
    let Some(guard) = lab_for_test("nrt4") else {
        return;
    };
    let lab = &guard.0;
    lab.up_default().expect("lab up");
    // At once after up, IPv6 across the router too (no address waits for DAD).
    let far6 = python_in_lab(
        lab,
        "ping('fd77:0:0:1::10', count=1, timeout=1)['received']",
    );
    assert_eq!(far6, "1");
    let (ok, near, stderr) = netrepl_in_lab(lab, "pretty", "ping alpha.lab count=1");
    assert!(ok, "{stderr}");
    let (ok, far, stderr) = netrepl_in_lab(lab, "pretty", "ping far.lab count=1");
    assert!(ok, "{stderr}");
    assert_eq!(reply_ttl(&far) + 1, reply_ttl(&near), "{near}\n{far}");

    // traceroute: the router, then far.lab, in both families.
    let path = python_in_lab(
        lab,
        "t = traceroute('far.lab', probes=1); (len(t), t[0]['name'], t[1]['name'], t[1]['ttl'])",
    );
    assert_eq!(path, "(2, 'router.lab', 'far.lab', 2)");
    let path6 = python_in_lab(
        lab,
        "t = traceroute('fd77:0:0:1::10', probes=1); (len(t), t[0]['address'], t[1]['address'])",
    );
    assert_eq!(path6, "(2, 'fd77::fe', 'fd77:0:0:1::10')");
    let quiet = python_in_lab(lab, "ping('quiet.lab', count=1, timeout=1)['received']");
    assert_eq!(quiet, "0");
    let swept = python_in_lab(lab, "map_network('10.77.0.0/24', timeout=0.5)");
    assert!(!swept.contains("'10.77.0.20'"), "{swept}");
    assert!(swept.contains("'10.77.0.10'"), "{swept}");
    assert!(!swept.contains("'10.77.0.12'"), "charlie is down: {swept}");
    let by_tcp = python_in_lab(lab, "map_network('10.77.0.0/24', tcp=80, timeout=0.5)");
    assert!(by_tcp.contains("'10.77.0.20'"), "{by_tcp}");

    let echoed = python_in_lab(
        lab,
        "s = create_connection(('services.lab', 7), 5); s.sendall(b'hello lab'); s.recv(100)",
    );
    assert_eq!(echoed, "b'hello lab'");
    let page = python_in_lab(
        lab,
        "s = create_connection(('quiet.lab', 80), 5); s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n'); s.recv(12)",
    );
    assert_eq!(page, "b'HTTP/1.1 200'");
}

#[test]
fn lab_status_draws_the_topology_and_gives_a_dict() {
    let Some(guard) = lab_for_test("nrt5") else {
        return;
    };
    let lab = &guard.0;
    lab.up_default().expect("lab up");
    let (ok, drawing, stderr) = netrepl_outside("nrt5", "pretty", "lab status");
    assert!(ok, "{stderr}");
    assert!(
        drawing.contains("'nrt5'  dns on (ns.lab 10.77.0.2)"),
        "{drawing}"
    );
    assert!(
        drawing.contains("near  10.77.0.0/24  fd77::/64\n━━┯━"),
        "{drawing}"
    );
    assert!(
        drawing.contains("far  10.77.1.0/24  fd77:0:0:1::/64\n━━┯━"),
        "{drawing}"
    );
    let line = |name: &str| {
        drawing
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} missing: {drawing}"))
            .to_string()
    };
    assert!(line("charlie.lab").contains("down"), "{drawing}");
    assert!(line("quiet.lab").contains("ignores ping"), "{drawing}");
    assert!(
        line("services.lab").contains("echo on 7; http on 80"),
        "{drawing}"
    );
    assert!(line("far.lab ").contains("10.77.1.10"), "{drawing}");

    lab.set_dns(DnsState::Servfail).unwrap();
    let (ok, drawing, stderr) = netrepl_outside("nrt5", "pretty", "lab status");
    assert!(ok, "{stderr}");
    assert!(
        drawing.lines().next().unwrap().contains("dns servfail"),
        "{drawing}"
    );
    let (ok, json, _) = netrepl_outside("nrt5", "json", "lab status");
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(json.trim()).unwrap()["dns"],
        "servfail"
    );
    lab.set_dns(DnsState::Off).unwrap();
    let (ok, json, stderr) = netrepl_outside("nrt5", "json", "lab status");
    assert!(ok, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(json.trim()).expect("json");
    assert_eq!(value["dns"], "off");
    assert_eq!(value["hosts"].as_array().unwrap().len(), 9);
    let charlie = &value["hosts"][5];
    assert_eq!(charlie["name"], "charlie.lab");
    assert_eq!(charlie["state"], "down");
    assert_eq!(value["subnets"][1]["ipv4"], "10.77.1.0/24");
}

const SMALL_LAB: &str = r#"
name = "a test lab"
nameserver = "dns"
ttl = 30

[[subnets]]
name = "class"
ipv4 = "192.168.77.0/24"

[[hosts]]
name = "desk"
role = "scanner"
addresses = { class = ["192.168.77.5"] }

[[hosts]]
name = "dns"
addresses = { class = ["192.168.77.53"] }

[[hosts]]
name = "board"
addresses = { class = ["192.168.77.100"] }
services = ["echo"]

[[records]]
name = "teacher"
type = "CNAME"
value = "board"
"#;

#[test]
fn a_custom_lab_from_a_file_is_built_as_written() {
    let Some(guard) = lab_for_test("nrt6") else {
        return;
    };
    let lab = &guard.0;
    let file = std::env::temp_dir().join("netrepl-test-nrt6.toml");
    std::fs::write(&file, SMALL_LAB).unwrap();
    let (ok, drawing, stderr) =
        netrepl_outside("nrt6", "pretty", &format!("lab up '{}'", file.display()));
    let _ = std::fs::remove_file(&file);
    assert!(ok, "{stderr}");
    assert!(
        drawing.contains("a test lab 'nrt6'  dns on (dns.lab 192.168.77.53)"),
        "{drawing}"
    );
    assert_eq!(
        namespaces_of("nrt6"),
        ["nrt6-board", "nrt6-desk", "nrt6-dns", "nrt6-switch"]
    );
    assert_eq!(
        python_in_lab(lab, "gethostbyname('board.lab')"),
        "'192.168.77.100'"
    );
    assert_eq!(
        python_in_lab(lab, "gethostbyname_ex('teacher.lab')"),
        "('board.lab', ['teacher.lab'], ['192.168.77.100'])"
    );
    assert_eq!(
        python_in_lab(lab, "gethostbyaddr('192.168.77.5')[0]"),
        "'desk.lab'"
    );
    assert_eq!(
        python_in_lab(
            lab,
            "s = create_connection(('board.lab', 7), 5); s.sendall(b'x'); s.recv(9)"
        ),
        "b'x'"
    );
    // The scanner's own address, and no default lab inside this one.
    assert_eq!(python_in_lab(lab, "get_ip_4"), "'192.168.77.5'");
    let (ok, _, stderr) = netrepl_in_lab(lab, "python", "gethostbyname('alpha.lab')");
    assert!(!ok && stderr.contains("gaierror"), "{stderr}");
    // Unprivileged ICMP is allowed, and can be switched off, in the scanner.
    let range = || {
        let mut command = lab.scanner_command("cat");
        command.arg("/proc/sys/net/ipv4/ping_group_range");
        let (ok, stdout, stderr) = run_bounded(command);
        assert!(ok, "{stderr}");
        stdout.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert_eq!(range(), "0 2147483647");
    lab.set_unprivileged_icmp(false).unwrap();
    assert_eq!(range(), "1 0");
    let mut command = lab.scanner_command_as_user(65534, 65534, "id");
    command.arg("-u");
    let (ok, stdout, stderr) = run_bounded(command);
    assert!(ok, "{stderr}");
    assert_eq!(stdout.trim(), "65534");
}

/// Bad lab files, each with the line and words its error must have. These
/// are refused before anything is built, so they need no root.
#[test]
fn bad_lab_files_are_refused_with_the_line_and_what_to_do() {
    let small = |from: &str, to: &str| SMALL_LAB.replace(from, to);
    let cases: [(String, &str, &str); 7] = [
        (
            "name = \"x\"\nnameserver = \"dns\"\ncolour = \"red\"\n".into(),
            ":3",
            "unknown field `colour`",
        ),
        (
            small("192.168.77.100", "192.168.78.100"),
            ":21",
            "outside the subnet",
        ),
        (
            small("192.168.77.0/24", "8.8.8.0/24"),
            ":8",
            "not a private range",
        ),
        (
            small("\"192.168.77.53\"", "\"192.168.77.5\""),
            ":17",
            "given to both desk and dns",
        ),
        (
            small("name = \"board\"", "name = \"dns\""),
            ":20",
            "two hosts named \"dns\"",
        ),
        (
            small("value = \"board\"", "value = \"board\"\nttl = 999999"),
            ":28",
            "a TTL is 0 to 86400",
        ),
        ("nameserver = \"dns\"\n[[subnets]\n".into(), ":2", ""),
    ];
    for (index, (text, line, words)) in cases.iter().enumerate() {
        let file = std::env::temp_dir().join(format!("netrepl-bad-lab-{index}.toml"));
        std::fs::write(&file, text).unwrap();
        let (ok, stdout, stderr) =
            netrepl_outside("nrtbad", "pretty", &format!("lab up '{}'", file.display()));
        let _ = std::fs::remove_file(&file);
        assert!(!ok, "case {index} was accepted: {stdout}");
        let shown = format!("ValueError: bad lab file: {}{line}\n", file.display());
        assert!(
            stderr.contains(&shown),
            "case {index} must name {shown}: {stderr}"
        );
        assert!(
            stderr.contains(words),
            "case {index} must say {words:?}: {stderr}"
        );
    }
    assert!(
        namespaces_of_if_ip("nrtbad").is_empty(),
        "nothing was built"
    );
}

/// Like [`namespaces_of`], but empty where `ip` is missing or refuses.
fn namespaces_of_if_ip(prefix: &str) -> Vec<String> {
    let mut command = Command::new("ip");
    command.args(["netns", "list"]);
    match command.output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with(&format!("{prefix}-")))
            .map(str::to_string)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Whether this network namespace has an address in the default lab's
/// ranges; then "outside the lab" cannot be tested here.
fn here_has_a_lab_address() -> bool {
    let description = netrepl::net::lab::Description::default_lab();
    netrepl::net::ffi::interface_addresses()
        .map(|all| all.iter().any(|a| description.contains(a.address)))
        .unwrap_or(true)
}

fn here_has_only_loopback() -> bool {
    netrepl::net::ffi::interface_addresses()
        .map(|all| all.iter().all(|a| a.address.is_loopback()))
        .unwrap_or(true)
}

#[test]
fn outside_the_lab_its_addresses_and_names_are_refused_without_sending() {
    if here_has_a_lab_address() {
        eprintln!("skipping: this namespace has an address in 10.77.0.0/16 or fd77::/48");
        return;
    }
    for line in [
        "ping 10.77.0.10 count=1",
        "pinger 10.77.0.10",
        "map_network 10.77.0.0/24",
        "map_network 10.77.1.0/24 tcp=80",
        "ping fd77::10 count=1",
        "dig alpha.lab server=10.77.0.2",
        "traceroute 10.77.1.10",
    ] {
        let started = Instant::now();
        let (ok, stdout, stderr) = netrepl_outside("nrtout", "pretty", line);
        assert!(!ok, "{line} ran: {stdout}");
        assert!(
            stderr.contains("OSError: [Errno 101] Network is unreachable"),
            "{line}: {stderr}"
        );
        assert!(stderr.contains("sudo netrepl --lab"), "{line}: {stderr}");
        assert!(stderr.contains("nothing was sent"), "{line}: {stderr}");
        assert!(!stdout.contains("bytes from"), "{line}: {stdout}");
        assert!(started.elapsed() < Duration::from_secs(5), "{line} waited");
    }
    if here_has_only_loopback() {
        eprintln!("skipping the names: with only loopback here, no look-up can leave");
        return;
    }
    for line in [
        "gethostbyname('alpha.lab')",
        "getaddrinfo('www.lab', 80)",
        "gethostbyname_ex('WEB.LAB.')",
    ] {
        let (ok, _, stderr) = netrepl_outside("nrtout", "pretty", line);
        assert!(!ok, "{line} was looked up");
        assert!(
            stderr.contains("socket.gaierror: [Errno -2]"),
            "{line}: {stderr}"
        );
        assert!(stderr.contains("sudo netrepl --lab"), "{line}: {stderr}");
    }
    let (ok, _, stderr) = netrepl_outside("nrtout", "pretty", "gethostbyaddr('10.77.0.10')");
    assert!(!ok);
    assert!(
        stderr.contains("sudo netrepl --lab"),
        "PTR look-up: {stderr}"
    );
}

#[test]
fn lab_adds_nothing_to_the_root_namespace() {
    let Some(guard) = lab_for_test("nrt7") else {
        return;
    };
    let links_before = ip_stdout(&["-o", "link", "show"]);
    let routes_before = ip_stdout(&["-4", "route", "show"]);
    let routes6_before = ip_stdout(&["-6", "route", "show"]);
    guard.0.up_default().expect("lab up");
    let addresses = ip_stdout(&["-o", "addr", "show"]);
    assert!(!addresses.contains("10.77."), "{addresses}");
    assert!(!addresses.contains("fd77:"), "{addresses}");
    let link_names = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.split(':').nth(1))
            .map(|n| n.trim().to_string())
            .collect()
    };
    let links_after = ip_stdout(&["-o", "link", "show"]);
    assert_eq!(link_names(&links_before), link_names(&links_after));
    assert_eq!(routes_before, ip_stdout(&["-4", "route", "show"]));
    assert_eq!(routes6_before, ip_stdout(&["-6", "route", "show"]));
}

/// The sweep as JSON: (address, name) for every host that answered.
fn swept_hosts(stdout: &str) -> Vec<(String, String)> {
    let found: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON list");
    let mut hosts: Vec<(String, String)> = found
        .as_array()
        .expect("a list")
        .iter()
        .map(|h| {
            let field = |key: &str| h[key].as_str().unwrap_or_default().to_string();
            (field("address"), field("name"))
        })
        .collect();
    hosts.sort();
    hosts
}

/// What a ping sweep of the near subnet must find: every host there that is
/// up and answers ping, named by its PTR record.
fn expected_sweep(status: &LabStatus) -> Vec<(String, String)> {
    let near = &status.description.subnets[0];
    let mut hosts: Vec<(String, String)> = status
        .live_hosts()
        .filter_map(|m| {
            let address = m
                .host
                .addresses()
                .into_iter()
                .find(|a| a.is_ipv4() && near.ipv4.is_some_and(|p| p.contains(*a)))?;
            Some((address.to_string(), m.name()))
        })
        .collect();
    hosts.sort();
    hosts
}

#[test]
fn an_unprivileged_user_can_sweep_the_lab_only_while_ping_group_range_allows_it() {
    let Some(guard) = lab_for_test("nrt8") else {
        return;
    };
    let lab = &guard.0;
    let status = lab.up_default().expect("lab up");
    let as_nobody = |format: &str, line: &str| {
        let mut command = lab.scanner_command_as_user(65534, 65534, env!("CARGO_BIN_EXE_netrepl"));
        command.args(["--format", format, "-c", line]);
        run_bounded(command)
    };
    let (ok, stdout, stderr) = as_nobody("json", "map_network 10.77.0.0/24");
    assert!(ok, "{stderr}");
    assert_eq!(swept_hosts(&stdout), expected_sweep(&status));

    lab.set_unprivileged_icmp(false).unwrap();
    let (ok, stdout, stderr) = as_nobody("pretty", "map_network 10.77.0.0/24");
    assert!(!ok, "swept without ICMP: {stdout}");
    assert!(stderr.contains("PermissionError"), "{stderr}");
    assert!(stderr.contains("ping_group_range"), "says why: {stderr}");
}

/// The sweep's own figure from its summary line: `... scanned in T s`.
fn sweep_seconds(stdout: &str) -> f64 {
    let summary = stdout
        .lines()
        .find(|l| l.contains(" scanned in "))
        .expect("a summary line");
    let after = summary.split(" scanned in ").nth(1).unwrap_or_default();
    after
        .trim_end_matches(" s")
        .trim()
        .parse()
        .expect("seconds")
}

#[test]
fn a_sweep_with_dead_hosts_takes_its_timeout_plus_pacing_not_more() {
    let Some(guard) = lab_for_test("nrt9") else {
        return;
    };
    let lab = &guard.0;
    lab.up_default().expect("lab up");
    let (ok, stdout, stderr) = netrepl_in_lab(
        lab,
        "pretty",
        "map_network 10.77.0.0/24 timeout=0.5 resolve=False",
    );
    assert!(ok, "{stderr}");
    let seconds = sweep_seconds(&stdout);
    // 254 probes at the default 2000 a second take 0.127 s to send; every dead
    // address then waits its 0.5 s. Retries fall inside that timeout.
    let pacing = 254.0 / 2000.0;
    assert!(
        seconds >= 0.5,
        "dead hosts must get their whole timeout: {seconds} s"
    );
    assert!(
        seconds < 0.5 + pacing + 0.5,
        "a sweep must end at its timeout plus pacing: {seconds} s"
    );
}

/// A lab server started by hand on loopback: its first line, and the child.
fn start_server(args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_netrepl"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut first = String::new();
    let stdout = child.stdout.take().unwrap();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    (child, first.trim().to_string())
}

/// Sends SIGTERM and waits (bounded) for the server to end cleanly.
fn terminate(mut child: std::process::Child) {
    let (ok, _, stderr) = run_bounded({
        let mut kill = Command::new("kill");
        kill.args(["-TERM", &child.id().to_string()]);
        kill
    });
    assert!(ok, "{stderr}");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "ended with {status}");
            return;
        }
        if started.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            panic!("the server did not end on SIGTERM");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn serve_practice_echoes_on_loopback_until_sigterm() {
    use std::io::Write;
    let (child, first) = start_server(&["serve-practice", "echo", "--listen", "127.0.0.1:0"]);
    let address = first
        .strip_prefix("serving echo on ")
        .unwrap_or_else(|| panic!("{first}"));
    let mut stream = std::net::TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(b"ping").unwrap();
    let mut back = [0u8; 4];
    stream.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"ping");
    terminate(child);
}

/// A DNS query for alpha.lab A, id 0xBEEF, recursion desired.
const ALPHA_QUERY: &[u8] =
    b"\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05alpha\x03lab\x00\x00\x01\x00\x01";

/// Checks a reply to [`ALPHA_QUERY`]: same id, QR, RD and RA set, SERVFAIL,
/// the question echoed.
fn assert_servfail_for_alpha(reply: &[u8]) {
    assert_eq!(&reply[..2], b"\xbe\xef", "{reply:?}");
    assert_eq!(reply[2], 0x81, "QR and RD: {reply:?}");
    assert_eq!(reply[3], 0x82, "RA and rcode 2 (SERVFAIL): {reply:?}");
    assert_eq!(&reply[4..12], b"\x00\x01\x00\x00\x00\x00\x00\x00");
    assert_eq!(&reply[12..], &ALPHA_QUERY[12..], "the question");
}

#[test]
fn serve_silent_servfail_answers_every_query_over_udp_and_tcp() {
    use std::io::Write as _;
    let (child, first) = start_server(&["serve-silent", "--servfail", "--listen", "127.0.0.1:0"]);
    let address = first
        .strip_prefix("serving SERVFAIL on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    client.connect(&address).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // Not DNS: no answer; then a query: SERVFAIL.
    client.send(b"anyone?").unwrap();
    client.send(ALPHA_QUERY).unwrap();
    let mut buf = [0u8; 512];
    let length = client.recv(&mut buf).expect("a reply");
    assert_servfail_for_alpha(&buf[..length]);

    let mut stream = std::net::TcpStream::connect(&address).expect("TCP too");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    for _ in 0..2 {
        let length = u16::try_from(ALPHA_QUERY.len()).unwrap();
        stream.write_all(&length.to_be_bytes()).unwrap();
        stream.write_all(ALPHA_QUERY).unwrap();
        let mut length = [0u8; 2];
        stream.read_exact(&mut length).unwrap();
        let mut reply = vec![0u8; usize::from(u16::from_be_bytes(length))];
        stream.read_exact(&mut reply).unwrap();
        assert_servfail_for_alpha(&reply);
    }
    terminate(child);
}

#[test]
fn serve_silent_holds_a_port_without_answering() {
    let port = {
        let probe = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let listen = format!("127.0.0.1:{port}");
    let (child, first) = start_server(&["serve-silent", "--listen", &listen]);
    assert_eq!(first, format!("serving silence on {listen}"));
    let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    client.connect(&listen).unwrap();
    client
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    client.send(b"anyone?").unwrap();
    let mut buf = [0u8; 16];
    let error = client.recv(&mut buf).expect_err("no answer");
    // A timeout, not "connection refused": no ICMP port unreachable came back.
    assert!(
        matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{error}"
    );
    terminate(child);
    let (ok, _, stderr) = run_bounded({
        let mut bad = Command::new(env!("CARGO_BIN_EXE_netrepl"));
        bad.args(["serve-silent", "--listen"]);
        bad
    });
    assert!(
        !ok && stderr.contains("usage: netrepl serve-silent"),
        "{stderr}"
    );
}
