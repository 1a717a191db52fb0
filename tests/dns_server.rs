//! The lab's DNS server: `netrepl serve-dns` and `net::dns_server` on
//! loopback, and, in a namespace of the test's own whose resolver is that
//! server, the C library's look-ups going over it.

mod support;

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;
use netrepl::net::dns_query::{self, Question, Transport};
use netrepl::net::dns_server;
use netrepl::net::dns_zone::write_zone_files;
use support::dns_lab::{DnsServer, EtcNetns, zones};

fn question(server: SocketAddr, name: &str, record_type: RecordType, tcp: bool) -> Question {
    Question {
        name: dns_query::parse_name(name).unwrap(),
        record_type,
        server,
        tcp,
        timeout: Duration::from_secs(2),
    }
}

fn zone_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("netrepl-dns-lib-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_zone_files(&zones(), &dir).unwrap();
    dir
}

#[test]
fn the_library_server_answers_over_udp_and_tcp_then_stops() {
    let dir = zone_dir("stop");
    let server = dns_server::start(&dir, &["127.0.0.1:0".parse().unwrap()]).unwrap();
    assert_eq!(server.zones(), ["lab.", "0.77.10.in-addr.arpa."]);
    let address = server.addresses()[0];
    for tcp in [false, true] {
        let exchange = dns_query::ask(&question(address, "www.lab", RecordType::A, tcp)).unwrap();
        assert_eq!(exchange.reply.metadata.response_code, ResponseCode::NoError);
        assert!(exchange.reply.metadata.authoritative);
        assert_eq!(exchange.reply.answers.len(), 3);
        let expected = if tcp { Transport::Tcp } else { Transport::Udp };
        assert_eq!(exchange.transport, expected);
    }
    server.stop();
    // Stopped: the port is closed, so the kernel refuses.
    let error = dns_query::ask(&question(address, "www.lab", RecordType::A, false)).unwrap_err();
    assert_eq!(error.class_name(), "ConnectionRefusedError", "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_names_get_nxdomain_with_the_soa_and_other_zones_refused() {
    let dir = zone_dir("codes");
    let server = dns_server::start(&dir, &["127.0.0.1:0".parse().unwrap()]).unwrap();
    let address = server.addresses()[0];
    let nx = dns_query::ask(&question(address, "nobody.lab", RecordType::A, false)).unwrap();
    assert_eq!(nx.reply.metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(nx.reply.authorities.len(), 1);
    assert_eq!(nx.reply.authorities[0].record_type(), RecordType::SOA);
    // A name that exists without the type asked: NOERROR, no answer, the SOA.
    let nodata = dns_query::ask(&question(address, "www.lab", RecordType::AAAA, false)).unwrap();
    assert_eq!(nodata.reply.metadata.response_code, ResponseCode::NoError);
    assert!(nodata.reply.answers.is_empty());
    let refused = dns_query::ask(&question(address, "example.com", RecordType::A, false)).unwrap();
    assert_eq!(refused.reply.metadata.response_code, ResponseCode::Refused);
    let reverse = dns_query::ask(&question(
        address,
        &dns_query::reverse_name("10.77.0.10".parse().unwrap()),
        RecordType::PTR,
        false,
    ))
    .unwrap();
    assert_eq!(reverse.reply.answers[0].data.to_string(), "alpha.lab.");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_zone_files_and_addresses_are_clear_errors() {
    let dir = zone_dir("bad");
    std::fs::write(
        dir.join("broken.zone"),
        "$ORIGIN broken.\n@ IN A not-an-address\n",
    )
    .unwrap();
    let error = dns_server::start(&dir, &["127.0.0.1:0".parse().unwrap()])
        .err()
        .expect("a broken zone must fail");
    assert!(error.to_string().contains("broken.zone"), "{error}");
    std::fs::remove_file(dir.join("broken.zone")).unwrap();
    let first = dns_server::start(&dir, &["127.0.0.1:0".parse().unwrap()]).unwrap();
    let taken = first.addresses()[0];
    let error = dns_server::start(&dir, &[taken])
        .err()
        .expect("a port in use must fail");
    assert!(
        error
            .to_string()
            .contains(&format!("cannot listen on {taken}")),
        "{error}"
    );
    assert!(dns_server::start(&dir, &[]).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_dns_prints_its_line_serves_every_address_and_ends_on_sigterm() {
    let mut server = DnsServer::start("serve", "127.0.0.1:0", None);
    let port = server.address.port();
    assert_eq!(
        server.line,
        format!("serving DNS for lab., 0.77.10.in-addr.arpa. on 127.0.0.1:{port}")
    );
    let exchange =
        dns_query::ask(&question(server.address, "mail.lab", RecordType::A, false)).unwrap();
    assert_eq!(exchange.reply.answers[0].data.to_string(), "10.77.0.25");
    let status = server.terminate().expect("serve-dns ends on SIGTERM");
    assert!(status.success(), "{status:?}");
}

#[test]
fn serve_dns_listens_on_each_address_given() {
    let dir = zone_dir("multi");
    let mut child = Command::new(env!("CARGO_BIN_EXE_netrepl"))
        .args(["serve-dns", "--zones"])
        .arg(&dir)
        .args(["--listen", "127.0.0.1:0", "--listen", "127.0.0.2:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addresses: Vec<SocketAddr> = line
        .trim()
        .rsplit(" on ")
        .next()
        .unwrap()
        .split(", ")
        .map(|a| a.parse().unwrap())
        .collect();
    assert_eq!(addresses.len(), 2, "{line}");
    for address in addresses {
        let exchange = dns_query::ask(&question(address, "lab", RecordType::MX, false));
        assert!(
            exchange.is_ok_and(|e| e.reply.answers.len() == 1),
            "{address}"
        );
    }
    // SAFETY: signals our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_dns_usage_and_start_errors_exit_non_zero() {
    let usage = Command::new(env!("CARGO_BIN_EXE_netrepl"))
        .args(["serve-dns", "--zones"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("usage: netrepl serve-dns"));
    let missing = Command::new(env!("CARGO_BIN_EXE_netrepl"))
        .args([
            "serve-dns",
            "--zones",
            "/nonexistent/zones",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/zones"));
}

/// A namespace whose C library resolves over the server on its 127.0.0.1:53.
struct ResolvingNamespace {
    // Dropped in this order: the server, the files, then the namespace.
    server: DnsServer,
    _etc: EtcNetns,
    ns: support::Namespace,
}

fn resolving_namespace(tag: &str) -> Option<ResolvingNamespace> {
    let ns = support::Namespace::new(&format!("nrdns-{tag}"))?;
    let dir = format!("/etc/netns/{}", ns.0);
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("skipping: cannot write {dir}");
        return None;
    }
    let etc = EtcNetns(dir.clone());
    std::fs::write(format!("{dir}/resolv.conf"), "nameserver 127.0.0.1\n").unwrap();
    // Files, then DNS: no NSS module that could reach the host's own resolver.
    std::fs::write(format!("{dir}/nsswitch.conf"), "hosts: files dns\n").unwrap();
    let server = DnsServer::start(tag, "127.0.0.1:53", Some(&ns));
    Some(ResolvingNamespace {
        server,
        _etc: etc,
        ns,
    })
}

fn netrepl_in(lab: &ResolvingNamespace, line: &str) -> String {
    let out = lab.ns.run(&[
        env!("CARGO_BIN_EXE_netrepl"),
        "--format",
        "python",
        "-c",
        line,
    ]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_c_library_resolves_lab_names_over_this_server() {
    let Some(lab) = resolving_namespace("libc") else {
        return;
    };
    assert!(lab.server.line.ends_with("on 127.0.0.1:53"));
    let entry = netrepl_in(&lab, "gethostbyname_ex('www.lab')");
    assert!(entry.starts_with("('www.lab', [], ["), "{entry}");
    for host in 20..=22 {
        assert!(entry.contains(&format!("'10.77.0.{host}'")), "{entry}");
    }
    let alias = netrepl_in(&lab, "gethostbyname_ex('web.lab')");
    assert!(alias.starts_with("('www.lab', ['web.lab'], ["), "{alias}");
    let info = netrepl_in(&lab, "getaddrinfo('alpha.lab', 80, 0, SOCK_STREAM)");
    assert!(info.contains("('10.77.0.10', 80)"), "{info}");
    assert!(info.contains("('fd77::10', 80, 0, 0)"), "{info}");
    let reverse = netrepl_in(&lab, "gethostbyaddr('10.77.0.10')");
    assert_eq!(reverse.trim(), "('alpha.lab', [], ['10.77.0.10'])");
    let unknown = netrepl_in(&lab, "gethostbyname('nobody.lab')");
    assert!(unknown.contains("socket.gaierror: [Errno -2]"), "{unknown}");
    if support::python_available() {
        // CPython asks the same C library: the same answers.
        let out = lab.ns.run(&[
            "python3",
            "-c",
            "import socket; n, a, ips = socket.gethostbyname_ex('www.lab'); print(sorted(ips))",
        ]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "['10.77.0.20', '10.77.0.21', '10.77.0.22']"
        );
    }
}
