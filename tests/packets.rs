//! `packets` for real, in namespaces these tests make and delete: a ping, a
//! TCP connect to an open and to a closed port, a DNS look-up answered by a
//! small responder, the python format, and an unprivileged user's error.
//! Each test skips (and passes) where it cannot make a namespace (not root).

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use support::Namespace;

/// A namespace named for the test and this process, so runs never collide.
fn namespace(test: &str) -> Option<Namespace> {
    Namespace::new(&format!("pk{}{test}", std::process::id()))
}

/// netrepl inside the namespace with `script` on stdin (one line each), its
/// output and errors together; bounded by `timeout`.
fn netrepl(ns: &Namespace, format: &str, script: &str) -> String {
    let mut command = Command::new("ip");
    command.args([
        "netns",
        "exec",
        &ns.0,
        "timeout",
        "30",
        env!("CARGO_BIN_EXE_netrepl"),
        "--no-color",
        "--format",
        format,
    ]);
    support::run_merged(command, script)
}

fn numbered_lines(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| {
            l.split_whitespace().nth(1).is_some_and(|w| w.contains('.')) && l.contains(" ms  ")
        })
        .collect()
}

#[test]
fn a_ping_shows_the_echo_request_and_its_reply() {
    let Some(ns) = namespace("ping") else { return };
    let out = netrepl(&ns, "pretty", "packets ping 127.0.0.1 count=1\n");
    assert!(out.contains("1 packets transmitted, 1 received"), "{out}");
    let lines = numbered_lines(&out);
    assert_eq!(
        lines.len(),
        2,
        "one request and one reply, each once:\n{out}"
    );
    assert!(
        lines[0].starts_with("1  0.000 ms  lo  127.0.0.1 > 127.0.0.1: ICMP echo request, id "),
        "{out}"
    );
    assert!(lines[0].ends_with(", seq 1, length 64"), "{out}");
    assert!(lines[1].contains("ICMP echo reply, id "), "{out}");
}

#[test]
fn a_connect_to_an_open_port_shows_the_three_way_handshake() {
    let Some(ns) = namespace("open") else { return };
    let out = netrepl(
        &ns,
        "pretty",
        "serve echo 127.0.0.1:7007\npackets create_connection(('127.0.0.1', 7007)) detail=2\n",
    );
    let lines = numbered_lines(&out);
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].contains(" > 127.0.0.1.7007: Flags [S], seq "),
        "{out}"
    );
    assert!(
        lines[1].contains("127.0.0.1.7007 > 127.0.0.1.") && lines[1].contains("Flags [S.], seq "),
        "{out}"
    );
    assert!(
        lines[2].contains(" > 127.0.0.1.7007: Flags [.], seq "),
        "{out}"
    );
    assert!(out.contains("Packet 2: 74 bytes on the wire"), "{out}");
    assert!(out.contains("    flags: [S.] (SYN, ACK)"), "{out}");
}

#[test]
fn a_connect_to_a_closed_port_shows_the_reset() {
    let Some(ns) = namespace("closed") else {
        return;
    };
    let out = netrepl(
        &ns,
        "pretty",
        "packets create_connection(('127.0.0.1', 7008))\n",
    );
    assert!(
        out.contains("ConnectionRefusedError: [Errno 111] Connection refused"),
        "{out}"
    );
    let lines = numbered_lines(&out);
    assert_eq!(
        lines.len(),
        2,
        "the packets before the error are still listed:\n{out}"
    );
    assert!(lines[0].contains("Flags [S], seq "), "{out}");
    assert!(
        lines[1].contains("127.0.0.1.7008 > ") && lines[1].contains("Flags [R.], seq 0, ack "),
        "{out}"
    );
}

#[test]
fn closing_a_socket_shows_the_fin_exchange_of_that_socket_only() {
    let Some(ns) = namespace("fin") else { return };
    let out = netrepl(
        &ns,
        "pretty",
        "serve echo 127.0.0.1:7009\nc = create_connection(('127.0.0.1', 7009))\nc.sendall(b'hi')\nc.recv(10)\npackets c.close()\n",
    );
    assert!(
        out.contains("captured: to or from 127.0.0.1:"),
        "the socket's ends are the filter:\n{out}"
    );
    let lines = numbered_lines(&out);
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].contains(" > 127.0.0.1.7009: Flags [F.], "),
        "{out}"
    );
    assert!(
        lines[1].contains("127.0.0.1.7009 > ") && lines[1].contains("Flags [F.], "),
        "{out}"
    );
    assert!(lines[2].contains(" > 127.0.0.1.7009: Flags [.], "), "{out}");
}

/// The stdlib responder on 127.0.0.1:53 in the namespace, killed when dropped.
struct Responder(Child);

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn responder(ns: &Namespace) -> Option<Responder> {
    if !support::python_available() {
        eprintln!("skipping: no python3 for the DNS responder");
        return None;
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/dns_responder.py"
    );
    let mut child = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", script])
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut ready = String::new();
    BufReader::new(child.stdout.take()?)
        .read_line(&mut ready)
        .ok()?;
    let guard = Responder(child);
    (ready.trim() == "ready").then_some(guard)
}

/// Points the namespace's resolver at 127.0.0.1; removed when dropped.
struct ResolvConf(String);

impl Drop for ResolvConf {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_name_look_up_shows_the_dns_question_and_answer() {
    let Some(ns) = namespace("dns") else { return };
    let dir = format!("/etc/netns/{}", ns.0);
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("skipping: cannot write {dir}");
        return;
    }
    let _conf = ResolvConf(dir.clone());
    std::fs::write(format!("{dir}/resolv.conf"), "nameserver 127.0.0.1\n").unwrap();
    let Some(_responder) = responder(&ns) else {
        return;
    };
    let out = netrepl(&ns, "pretty", "packets gethostbyname('x.test') detail=2\n");
    assert!(out.contains("192.0.2.7"), "{out}");
    let lines = numbered_lines(&out);
    assert!(lines.len() >= 2, "{out}");
    assert!(
        lines[0].contains(" > 127.0.0.1.53: DNS query A x.test"),
        "{out}"
    );
    assert!(
        lines[1].contains("127.0.0.1.53 > ")
            && lines[1].ends_with("DNS response A x.test: 192.0.2.7"),
        "{out}"
    );
    assert!(out.contains("      x.test: IN A TTL 60 192.0.2.7"), "{out}");
}

#[test]
fn the_python_format_is_a_list_of_dicts_python_can_read() {
    let Some(ns) = namespace("python") else {
        return;
    };
    let out = netrepl(
        &ns,
        "python",
        "packets ping 127.0.0.1 count=1 detail=1 hex=2\n",
    );
    assert!(out.starts_with("[{'number': 1, 'time_ms': 0.0, 'interface': 'lo', 'direction': 'out', 'protocol': 'ICMP'"), "{out}");
    assert!(
        out.contains("'detail': {'Ethernet': {'destination': '00:00:00:00:00:00'"),
        "{out}"
    );
    // Double quotes when the frame holds a single quote (ids and checksums vary).
    assert!(
        out.contains("'bytes': b'") || out.contains("'bytes': b\""),
        "{out}"
    );
    if support::python_available() {
        let mut check = Command::new("python3");
        check.args(["-c", "import ast,sys; v = ast.literal_eval(sys.stdin.read()); assert len(v) == 2, v; print('ok')"]);
        assert_eq!(support::run_merged(check, &out).trim(), "ok", "{out}");
    }
}

#[test]
fn without_cap_net_raw_the_error_says_why_and_what_to_do() {
    let Some(ns) = namespace("unpriv") else {
        return;
    };
    let out = ns.run(&[
        "setpriv",
        "--reuid",
        "65534",
        "--regid",
        "65534",
        "--clear-groups",
        env!("CARGO_BIN_EXE_netrepl"),
        "--no-color",
        "-c",
        "packets ping 127.0.0.1 count=1",
    ]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("PermissionError: [Errno 1] Operation not permitted"),
        "{text}"
    );
    assert!(
        text.contains("CAP_NET_RAW") && text.contains("sudo netrepl"),
        "{text}"
    );
    assert!(
        !text.contains("packets transmitted"),
        "the line does not run without the capture:\n{text}"
    );
}

#[test]
fn a_capture_inside_a_capture_is_refused() {
    let Some(ns) = namespace("nested") else {
        return;
    };
    let out = netrepl(&ns, "pretty", "packets packets ping 127.0.0.1 count=1\n");
    assert!(
        out.contains("ValueError: packets cannot capture a line that runs packets"),
        "{out}"
    );
}
