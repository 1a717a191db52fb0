//! `get_ip_4` and `get_ip_6` on a machine with no route out: they read an
//! interface's address, and never look up the host's own name (which could
//! send a DNS query). Runs in namespaces of its own; needs root, and skips
//! without it.

mod support;

use support::Namespace;

fn run(ns: &Namespace, line: &str) -> (bool, String) {
    let out = ns
        .netrepl()
        .args(["--no-color", "--format", "python", "-c", line])
        .output()
        .expect("netrepl runs");
    let text = String::from_utf8_lossy(if out.status.success() {
        &out.stdout
    } else {
        &out.stderr
    });
    (out.status.success(), text.trim().to_string())
}

#[test]
fn without_a_route_out_the_address_comes_from_an_interface() {
    let Some(ns) = Namespace::new("nrt-noroute") else {
        return;
    };
    // A veth pair kept inside the namespace: addresses, but no default route.
    ns.run_ok(&[
        "ip", "link", "add", "nrt0", "type", "veth", "peer", "name", "nrt1",
    ]);
    ns.run_ok(&["ip", "addr", "add", "10.99.0.5/24", "dev", "nrt0"]);
    ns.run_ok(&[
        "ip",
        "-6",
        "addr",
        "add",
        "2001:db8:1::5/64",
        "dev",
        "nrt0",
        "nodad",
    ]);
    ns.run_ok(&["ip", "link", "set", "nrt0", "up"]);
    ns.run_ok(&["ip", "link", "set", "nrt1", "up"]);

    assert_eq!(run(&ns, "get_ip_4"), (true, "'10.99.0.5'".to_string()));
    assert_eq!(run(&ns, "get_ip_6"), (true, "'2001:db8:1::5'".to_string()));
}

#[test]
fn with_only_loopback_the_error_says_there_is_no_address() {
    let Some(ns) = Namespace::new("nrt-loonly") else {
        return;
    };
    let (ok, error) = run(&ns, "get_ip_4");
    assert!(!ok);
    assert_eq!(error, "OSError: no IPv4 address found");
    let (ok, error) = run(&ns, "get_ip_6");
    assert!(!ok);
    assert_eq!(error, "OSError: no IPv6 address found");
}
