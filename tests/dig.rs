//! `dig` against `netrepl serve-dns` on loopback: every format, raw bytes,
//! TCP (asked for, and after a truncated UDP reply), the errors. Nothing
//! here leaves 127.0.0.1.

mod support;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use support::dns_lab::{DnsServer, MANY};

fn dig(server: &DnsServer, format: &str, line: &str) -> String {
    let line = format!("{line} {}", server.dig_args());
    let out = support::run_netrepl(&["--format", format, "-c", &line]);
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn pretty_output_is_dig_s() {
    let server = DnsServer::start("dig-pretty", "127.0.0.1:0", None);
    let out = dig(&server, "pretty", "dig www.lab");
    assert!(
        out.contains(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: "),
        "{out}"
    );
    assert!(
        out.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 3, AUTHORITY: 0"),
        "{out}"
    );
    assert!(out.contains(";; QUESTION SECTION:\n;www.lab."), "{out}");
    for host in 20..=22 {
        let line = format!("IN      A       10.77.0.{host}");
        assert!(out.contains(&line), "{line} missing:\n{out}");
    }
    assert!(out.contains("www.lab.                60      IN"), "{out}");
    assert!(
        out.contains(&format!(
            ";; SERVER: 127.0.0.1#{}(udp)",
            server.address.port()
        )),
        "{out}"
    );
    assert!(out.contains(";; Query time: "), "{out}");
    assert!(out.contains(";; MSG SIZE  sent: 25  rcvd: "), "{out}");
}

#[test]
fn every_record_type_and_nxdomain_in_python_form() {
    let server = DnsServer::start("dig-types", "127.0.0.1:0", None);
    let cases = [
        ("dig alpha.lab", "'data': '10.77.0.10'"),
        (
            "dig alpha.lab AAAA",
            "'type': 'AAAA', 'class': 'IN', 'ttl': 120, 'data': 'fd77::10'",
        ),
        (
            "dig lab MX",
            "'type': 'MX', 'class': 'IN', 'ttl': 300, 'data': '10 mail.lab.'",
        ),
        ("dig lab TXT", "'data': '\"netrepl teaching lab\"'"),
        (
            "dig lab NS",
            "'type': 'NS', 'class': 'IN', 'ttl': 300, 'data': 'ns.lab.'",
        ),
        (
            "dig lab SOA",
            "'data': 'ns.lab. hostmaster.lab. 1 3600 600 86400 300'",
        ),
        (
            "dig web.lab CNAME",
            "'type': 'CNAME', 'class': 'IN', 'ttl': 60, 'data': 'www.lab.'",
        ),
        // dig -x: a bare address asks for the PTR of its reverse name.
        (
            "dig 10.77.0.10",
            "'name': '10.0.77.10.in-addr.arpa.', 'type': 'PTR', 'class': 'IN', 'ttl': 120, 'data': 'alpha.lab.'",
        ),
        ("dig 10.77.0.20 PTR", "'data': 'www.lab.'"),
        ("dig 20.0.77.10.in-addr.arpa PTR", "'data': 'www.lab.'"),
    ];
    for (line, expected) in cases {
        let out = dig(&server, "python", line);
        assert!(out.starts_with("{'id': "), "{line}: {out}");
        assert!(
            out.contains("'status': 'NOERROR', 'flags': ['qr', 'aa', 'rd']"),
            "{line}: {out}"
        );
        assert!(
            out.contains(expected),
            "{line}: wanted {expected} in\n{out}"
        );
        assert!(
            out.contains("'protocol': 'udp', 'time_ms': "),
            "{line}: {out}"
        );
    }
    let nx = dig(&server, "python", "dig nothing.lab");
    assert!(nx.contains("'status': 'NXDOMAIN'"), "{nx}");
    assert!(
        nx.contains("'answer': [], 'authority': [{'name': 'lab.', 'type': 'SOA'"),
        "{nx}"
    );
    let refused = dig(&server, "python", "dig example.com");
    assert!(refused.contains("'status': 'REFUSED'"), "{refused}");
}

#[test]
fn an_alias_is_chased_in_the_answer() {
    let server = DnsServer::start("dig-cname", "127.0.0.1:0", None);
    let out = dig(&server, "python", "dig web.lab");
    let cname = out.find("'type': 'CNAME'").expect("the CNAME comes first");
    let a = out
        .find("'data': '10.77.0.20'")
        .expect("then www's addresses");
    assert!(cname < a, "{out}");
}

#[test]
fn json_is_one_object_with_the_same_fields() {
    let server = DnsServer::start("dig-json", "127.0.0.1:0", None);
    let out = dig(&server, "json", "dig www.lab tcp=True");
    let value: serde_json::Value = serde_json::from_str(out.trim()).expect(&out);
    assert_eq!(value["status"], "NOERROR");
    assert_eq!(value["protocol"], "tcp");
    assert_eq!(value["port"], server.address.port());
    assert_eq!(value["answer"].as_array().map(Vec::len), Some(3));
    assert_eq!(value["question"]["name"], "www.lab.");
    assert!(value["time_ms"].as_f64().is_some_and(|t| t >= 0.0));
}

#[test]
fn a_truncated_udp_answer_is_asked_again_over_tcp() {
    let server = DnsServer::start("dig-tc", "127.0.0.1:0", None);
    let out = dig(&server, "pretty", "dig many.lab");
    assert!(out.contains(";; Truncated, retrying in TCP mode."), "{out}");
    assert!(out.contains("(tcp)"), "{out}");
    assert!(out.contains(&format!("ANSWER: {MANY},")), "{out}");
    let value = dig(&server, "json", "dig many.lab");
    let value: serde_json::Value = serde_json::from_str(value.trim()).expect(&value);
    assert_eq!(
        value["answer"].as_array().map(Vec::len),
        Some(usize::from(MANY))
    );
    assert!(value["received"].as_u64().is_some_and(|n| n > 512));
}

#[test]
fn raw_shows_every_field_and_the_bytes() {
    let server = DnsServer::start("dig-raw", "127.0.0.1:0", None);
    let out = dig(&server, "pretty", "dig web.lab raw=True");
    assert!(
        out.contains(";; QUERY BYTES (25):") && out.contains(";; REPLY BYTES ("),
        "{out}"
    );
    assert!(out.contains("1... .... .... .... = QR: response"), "{out}");
    assert!(
        out.contains(".... .1.. .... .... = AA: authoritative answer"),
        "{out}"
    );
    assert!(out.contains("= pointer to offset 0x"), "{out}");
    assert!(out.contains("RDATA: www.lab."), "{out}");
    let py = dig(&server, "python", "dig web.lab raw=True");
    // A bytes repr takes double quotes when the bytes hold a single quote
    // (the random id may be 0x27).
    assert!(
        py.contains("'reply_bytes': b'") || py.contains("'reply_bytes': b\""),
        "{py}"
    );
    assert!(py.contains("'field': 'Flags', 'value': '0x8500'"), "{py}");
    // The fields cover the reply exactly.
    let json = dig(&server, "json", "dig web.lab raw=True");
    let value: serde_json::Value = serde_json::from_str(json.trim()).expect(&json);
    let covered: u64 = value["reply_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["length"].as_u64().unwrap())
        .sum();
    assert_eq!(covered, value["received"].as_u64().unwrap());
}

#[test]
fn errors_are_python_exceptions_with_plain_words() {
    let out = support::run_netrepl(&["-c", "dig www.lab AXFR server=127.0.0.1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("ValueError: unknown record type 'AXFR': dig knows A, AAAA"),
        "{err}"
    );
    let out = support::run_netrepl(&["-c", "dig www.lab server=localhost"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ValueError: server= takes an IP address"),
        "{err}"
    );
    let out = support::run_netrepl(&["-c", "dig www.lab server=127.0.0.1 port=70000"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("OverflowError"), "{err}");
    // Nothing listens on UDP port 1: the kernel's ICMP port unreachable.
    for tcp in ["False", "True"] {
        let line = format!("dig www.lab server=127.0.0.1 port=1 tcp={tcp}");
        let out = support::run_netrepl(&["-c", &line]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("ConnectionRefusedError: [Errno 111] Connection refused"),
            "{err}"
        );
        assert!(err.contains("nothing listens on that port"), "{err}");
    }
}

#[test]
fn a_silent_server_times_out_in_five_seconds() {
    let silent = UdpSocket::bind("127.0.0.1:0").expect("bind a silent port");
    let port = silent.local_addr().unwrap().port();
    let started = Instant::now();
    let line = format!("dig www.lab server=127.0.0.1 port={port}");
    let out = support::run_netrepl(&["-c", &line]);
    let took = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TimeoutError: timed out"), "{err}");
    assert!(
        err.contains(&format!(
            "No answer from 127.0.0.1#{port} within 5 s: is a DNS server running there?"
        )),
        "{err}"
    );
    assert!(
        took >= Duration::from_secs(5) && took < Duration::from_secs(8),
        "{took:?}"
    );
    // The query really reached the socket.
    let mut buf = [0u8; 512];
    silent.set_nonblocking(true).unwrap();
    assert!(silent.recv(&mut buf).is_ok_and(|n| n == 25));
}

#[test]
fn dig_uses_the_first_nameserver_of_resolv_conf() {
    let Some(ns) = support::Namespace::new("nrdns-dig-default") else {
        return;
    };
    let dir = format!("/etc/netns/{}", ns.0);
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("skipping: cannot write {dir}");
        return;
    }
    let _conf = support::dns_lab::EtcNetns(dir.clone());
    std::fs::write(
        format!("{dir}/resolv.conf"),
        "search lab\nnameserver 127.0.0.1\n",
    )
    .unwrap();
    let server = DnsServer::start("dig-default", "127.0.0.1:53", Some(&ns));
    assert!(server.line.ends_with("on 127.0.0.1:53"), "{}", server.line);
    let out = support::run_merged(
        {
            let mut c = ns.netrepl();
            c.args(["--no-color", "-c", "dig alpha.lab"]);
            c
        },
        "",
    );
    assert!(out.contains(";; SERVER: 127.0.0.1#53(udp)"), "{out}");
    assert!(out.contains("10.77.0.10"), "{out}");
}
