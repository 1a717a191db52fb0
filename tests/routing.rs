//! `routes` and `neighbours` read the kernel's tables over netlink. Needs root
//! (a namespace of the test's own, with a veth pair, routes and neighbour
//! entries set up by `ip`); skips without it.

mod support;

use support::Namespace;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The namespace: 10.99.0.2/24 on `va`, a default route and a /16 via 10.99.0.1,
/// a permanent neighbour entry for the gateway and a stale one for .3.
fn wired(name: &str) -> Option<Namespace> {
    let ns = Namespace::new(name)?;
    for step in [
        "ip link add va type veth peer name vb",
        "ip addr add 10.99.0.2/24 dev va",
        "ip link set va up",
        "ip link set vb up",
        "ip route add default via 10.99.0.1",
        "ip route add 10.98.0.0/16 via 10.99.0.1 metric 7",
        "ip neigh add 10.99.0.1 lladdr 02:00:00:00:00:01 dev va nud permanent",
        "ip neigh add 10.99.0.3 lladdr 02:00:00:00:00:03 dev va nud stale",
    ] {
        ns.run_ok(&step.split(' ').collect::<Vec<_>>());
    }
    Some(ns)
}

fn netrepl_in(ns: &Namespace, format: &str, line: &str) -> String {
    let out = ns
        .netrepl()
        .args(["--no-color", "--format", format, "-c", line])
        .output()
        .expect("netrepl runs");
    assert!(out.status.success(), "{line}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn routes_show_the_default_gateway_and_every_route_of_the_main_table() {
    let Some(ns) = wired(&format!("nrroute-{}", std::process::id())) else {
        return;
    };
    let python = netrepl_in(&ns, "python", "routes 4");
    assert!(
        python.contains("{'dst': 'default', 'gateway': '10.99.0.1', 'dev': 'va'"),
        "{python}"
    );
    assert!(
        python.contains("'dst': '10.98.0.0/16', 'gateway': '10.99.0.1'"),
        "{python}"
    );
    assert!(python.contains("'metric': 7"), "{python}");
    assert!(python.contains("'dst': '10.99.0.0/24'"), "{python}");
    assert!(python.contains("'src': '10.99.0.2'"), "{python}");
    assert!(
        !python.contains("127.0.0.1"),
        "the local table is left out: {python}"
    );

    let json = netrepl_in(&ns, "json", "routes 4");
    let rows: serde_json::Value = serde_json::from_str(&json).expect("routes json parses");
    let rows = rows.as_array().expect("a list");
    assert_eq!(rows.len(), 3, "{json}");
    assert!(
        rows.iter()
            .any(|r| r["dst"] == "default" && r["gateway"] == "10.99.0.1")
    );

    let table = netrepl_in(&ns, "pretty", "routes");
    let default = table
        .lines()
        .find(|l| l.starts_with("default"))
        .unwrap_or_else(|| panic!("no default route in {table}"));
    assert!(
        default.contains("10.99.0.1") && default.contains("va"),
        "{table}"
    );
}

#[test]
fn neighbours_show_link_layer_addresses_and_states() {
    let Some(ns) = wired(&format!("nrneigh-{}", std::process::id())) else {
        return;
    };
    let python = netrepl_in(&ns, "python", "neighbours");
    assert!(
        python.contains(
            "{'address': '10.99.0.1', 'lladdr': '02:00:00:00:00:01', 'dev': 'va', 'state': 'PERMANENT'}"
        ),
        "{python}"
    );
    assert!(python.contains("'address': '10.99.0.3'"), "{python}");
    assert!(python.contains("'state': 'STALE'"), "{python}");
    let table = netrepl_in(&ns, "pretty", "neighbours 4");
    assert!(
        table
            .lines()
            .any(|l| l.contains("10.99.0.1") && l.contains("PERMANENT")),
        "{table}"
    );
}

#[test]
fn an_unknown_family_is_a_clear_error() {
    let out = support::run_netrepl(&["-c", "routes 5"]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("ValueError: unknown family"), "{all}");
}
