//! The teaching lab against the real kernel: building, reading back, crash
//! recovery, name look-ups inside the scanner, and removal. These need root and
//! iproute2; without them each test says why and passes without running.
//! Every test uses its own prefix, so they run in parallel without colliding,
//! and a guard removes its lab even when an assertion fails.

use std::io::Read;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use netrepl::net::lab::{self, Lab, LabStatus};

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
    Some(LabGuard(Lab::new(prefix).expect("valid prefix")))
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

/// `netrepl --format python -c LINE` inside the lab's scanner namespace.
fn netrepl_in_lab(lab: &Lab, line: &str) -> (bool, String, String) {
    let mut command = lab.scanner_command(env!("CARGO_BIN_EXE_netrepl"));
    command.args(["--format", "python", "-c", line]);
    run_bounded(command)
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
    ip_stdout(&["netns", "list"])
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with(&start))
        .map(str::to_string)
        .collect()
}

/// The IPv4 addresses on a lab machine's `lab0`, one `ip -o` line each.
fn lab0_addresses(namespace: &str) -> String {
    ip_stdout(&["-n", namespace, "-4", "-o", "addr", "show", "dev", "lab0"])
}

fn short_names(hosts: impl Iterator<Item = impl AsRef<str>>) -> Vec<String> {
    let mut names: Vec<String> = hosts.map(|h| h.as_ref().to_string()).collect();
    names.sort();
    names
}

fn live_names(status: &LabStatus) -> Vec<String> {
    short_names(status.live_hosts().map(|h| h.name.clone()))
}

fn dead_names(status: &LabStatus) -> Vec<String> {
    short_names(status.dead_hosts().map(|h| h.name.clone()))
}

#[test]
fn lab_goes_up_reports_its_hosts_and_comes_down_without_a_trace() {
    let Some(guard) = lab_for_test("nrt1") else {
        return;
    };
    let lab = &guard.0;
    let built = lab.up(4).expect("lab up");
    assert_eq!(built.scanner.address, Ipv4Addr::new(10, 77, 0, 1));
    assert!(built.scanner.up);
    assert_eq!(live_names(&built), ["alpha.lab", "bravo.lab", "delta.lab"]);
    assert_eq!(dead_names(&built), ["charlie.lab"]);
    assert_eq!(built.hosts[3].address, Ipv4Addr::new(10, 77, 0, 13));
    assert_eq!(lab.status().as_ref(), Some(&built));
    assert_eq!(
        short_names(namespaces_of("nrt1").iter()),
        [
            "nrt1-alpha",
            "nrt1-bravo",
            "nrt1-charlie",
            "nrt1-delta",
            "nrt1-scanner",
            "nrt1-switch"
        ]
    );
    assert!(Path::new("/etc/netns/nrt1-scanner/hosts").exists());

    let removed = lab.down().expect("lab down");
    assert_eq!(removed.len(), 6);
    assert!(namespaces_of("nrt1").is_empty());
    assert!(!Path::new("/etc/netns/nrt1-scanner").exists());
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
    ip_stdout(&["netns", "add", "nrt2-golf"]);
    std::fs::create_dir_all("/etc/netns/nrt2-scanner").unwrap();
    std::fs::write("/etc/netns/nrt2-scanner/hosts", "stale\n").unwrap();

    let status = lab.up(3).expect("lab up over leftovers");
    assert_eq!(status.hosts.len(), 3, "the leftover golf host is gone");
    assert!(!namespaces_of("nrt2").contains(&"nrt2-golf".to_string()));
    let hosts = std::fs::read_to_string("/etc/netns/nrt2-scanner/hosts").unwrap();
    assert!(hosts.contains("10.77.0.10\talpha.lab alpha"), "{hosts}");

    // A lab left up (the process died before `down`) is rebuilt, not doubled.
    let again = lab.up(5).expect("second lab up");
    assert_eq!(again.hosts.len(), 5);
    assert_eq!(namespaces_of("nrt2").len(), 7);
}

#[test]
fn lab_names_resolve_inside_the_scanner_and_other_names_do_not_leave() {
    let Some(guard) = lab_for_test("nrt3") else {
        return;
    };
    let lab = &guard.0;
    lab.up(5).expect("lab up");

    let (ok, stdout, stderr) = netrepl_in_lab(lab, "gethostbyaddr 10.77.0.10");
    assert!(ok, "{stderr}");
    assert_eq!(stdout.trim(), "('alpha.lab', ['alpha'], ['10.77.0.10'])");

    let (ok, stdout, stderr) = netrepl_in_lab(lab, "gethostbyname charlie.lab");
    assert!(ok, "{stderr}");
    assert_eq!(stdout.trim(), "'10.77.0.12'");

    let (ok, stdout, _) = netrepl_in_lab(lab, "get_ip_4");
    assert!(ok);
    assert_eq!(stdout.trim(), "'10.77.0.1'", "the scanner's own address");

    // DNS points at 127.0.0.1 inside the lab, where nothing listens.
    let started = Instant::now();
    let (ok, _, stderr) = netrepl_in_lab(lab, "gethostbyname example.com");
    assert!(!ok);
    assert!(stderr.contains("socket.gaierror"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn dead_hosts_are_reported_down_and_have_no_address() {
    let Some(guard) = lab_for_test("nrt4") else {
        return;
    };
    let lab = &guard.0;
    let status = lab.up(6).expect("lab up");
    assert_eq!(dead_names(&status), ["charlie.lab", "foxtrot.lab"]);
    for host in status.dead_hosts() {
        let addresses = lab0_addresses(&host.namespace);
        assert!(addresses.trim().is_empty(), "{}: {addresses}", host.name);
    }
    for host in status.live_hosts() {
        let addresses = lab0_addresses(&host.namespace);
        assert!(
            addresses.contains(&format!("{}/24", host.address)),
            "{addresses}"
        );
    }
}

#[test]
fn lab_adds_nothing_to_the_root_namespace() {
    let Some(guard) = lab_for_test("nrt5") else {
        return;
    };
    let links_before = ip_stdout(&["-o", "link", "show"]);
    let routes_before = ip_stdout(&["-4", "route", "show"]);
    guard.0.up(3).expect("lab up");
    let addresses = ip_stdout(&["-o", "addr", "show"]);
    assert!(!addresses.contains("10.77.0."), "{addresses}");
    let link_names = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.split(':').nth(1))
            .map(|n| n.trim().to_string())
            .collect()
    };
    let links_after = ip_stdout(&["-o", "link", "show"]);
    assert_eq!(link_names(&links_before), link_names(&links_after));
    assert_eq!(routes_before, ip_stdout(&["-4", "route", "show"]));
}

#[test]
fn unprivileged_icmp_can_be_switched_off_and_on_in_the_scanner() {
    let Some(guard) = lab_for_test("nrt6") else {
        return;
    };
    let lab = &guard.0;
    lab.up(1).expect("lab up");
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
    lab.set_unprivileged_icmp(true).unwrap();
    assert_eq!(range(), "0 2147483647");
}

#[test]
fn programs_can_run_in_the_scanner_as_an_unprivileged_user() {
    let Some(guard) = lab_for_test("nrt7") else {
        return;
    };
    let lab = &guard.0;
    lab.up(1).expect("lab up");
    let mut command = lab.scanner_command_as_user(65534, 65534, "id");
    command.arg("-u");
    let (ok, stdout, stderr) = run_bounded(command);
    assert!(ok, "{stderr}");
    assert_eq!(stdout.trim(), "65534");
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

fn expected_sweep(status: &LabStatus) -> Vec<(String, String)> {
    let mut hosts: Vec<(String, String)> = std::iter::once(&status.scanner)
        .chain(status.live_hosts())
        .map(|h| (h.address.to_string(), h.name.clone()))
        .collect();
    hosts.sort();
    hosts
}

#[test]
fn map_network_in_the_lab_finds_exactly_the_live_hosts_with_their_names() {
    let Some(guard) = lab_for_test("nrt8") else {
        return;
    };
    let lab = &guard.0;
    let status = lab.up(7).expect("lab up");
    let mut command = lab.scanner_command(env!("CARGO_BIN_EXE_netrepl"));
    command.args(["--format", "json", "-c", "map_network 10.77.0.0/24"]);
    let (ok, stdout, stderr) = run_bounded(command);
    assert!(ok, "{stderr}");
    let found = swept_hosts(&stdout);
    assert_eq!(found, expected_sweep(&status));
    for dead in status.dead_hosts() {
        assert!(
            !found
                .iter()
                .any(|(address, _)| *address == dead.address.to_string()),
            "{} is down but was reported",
            dead.name
        );
    }
}

#[test]
fn an_unprivileged_user_can_sweep_the_lab_only_while_ping_group_range_allows_it() {
    let Some(guard) = lab_for_test("nrt9") else {
        return;
    };
    let lab = &guard.0;
    let status = lab.up(4).expect("lab up");
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
    let Some(guard) = lab_for_test("nrt10") else {
        return;
    };
    let lab = &guard.0;
    lab.up(5).expect("lab up");
    let mut command = lab.scanner_command(env!("CARGO_BIN_EXE_netrepl"));
    command.args([
        "--no-color",
        "-c",
        "map_network 10.77.0.0/24 timeout=0.5 resolve=False",
    ]);
    let (ok, stdout, stderr) = run_bounded(command);
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
