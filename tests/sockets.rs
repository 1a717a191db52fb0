//! Live sockets, driven through the real binary: two netrepl processes talking
//! TCP and UDP over loopback, Unix sockets, multicast inside a namespace of the
//! test's own, the practice servers, errors next to CPython's, and Ctrl-C at a
//! blocking accept on a pseudo-terminal. Traffic stays on 127.0.0.1.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};

use support::Namespace;

const BIN: &str = env!("CARGO_BIN_EXE_netrepl");

/// A netrepl process fed line by line, whose answers are read as they come.
struct Repl {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Repl {
    fn start() -> Repl {
        let mut child = Command::new(BIN)
            .args(["--no-color", "--format", "python"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("netrepl starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Repl {
            child,
            stdin,
            stdout,
        }
    }

    fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("netrepl reads");
        self.stdin.flush().expect("flush");
    }

    /// Sends a line and reads the one line of output it prints.
    fn ask(&mut self, line: &str) -> String {
        self.send(line);
        self.read_line()
    }

    fn read_line(&mut self) -> String {
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).expect("an answer");
        answer.trim_end().to_string()
    }

    fn finish(mut self) {
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

fn run_script(lines: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(["--no-color", "--format", "python"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netrepl starts");
    let mut stdin = child.stdin.take().expect("stdin");
    for line in lines {
        writeln!(stdin, "{line}").expect("write");
    }
    drop(stdin);
    child.wait_with_output().expect("netrepl ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn two_netrepl_processes_talk_tcp_over_loopback() {
    let mut server = Repl::start();
    server.send("srv = socket tcp");
    server.send("srv.bind 127.0.0.1:0");
    server.send("srv.listen");
    let port = server.ask("srv.getsockname()[1]");
    assert!(port.parse::<u16>().is_ok(), "a port: {port}");
    server.send("conn, addr = srv.accept()");

    let mut client = Repl::start();
    client.send(&format!("c = create_connection(('127.0.0.1', {port}))"));
    client.send("c.sendall(b'ping')");
    assert_eq!(server.ask("conn.recv(100)"), "b'ping'");
    server.send("conn.sendall(b'pong')");
    assert_eq!(client.ask("c.recv(100)"), "b'pong'");
    assert_eq!(server.ask("addr[0]"), "'127.0.0.1'");
    client.send("c.close()");
    assert_eq!(
        server.ask("conn.recv(100)"),
        "b''",
        "a closed peer reads as b''"
    );
    client.finish();
    server.finish();
}

#[test]
fn udp_datagrams_go_both_ways_between_processes() {
    let mut a = Repl::start();
    a.send("u = socket udp");
    a.send("u.bind 127.0.0.1:0");
    let port = a.ask("u.getsockname()[1]");
    let mut b = Repl::start();
    b.send("v = socket udp");
    b.send("v.bind 127.0.0.1:0");
    assert_eq!(
        b.ask(&format!("v.sendto(b'hi', ('127.0.0.1', {port}))")),
        "2"
    );
    a.send("data, sender = u.recvfrom(100)");
    assert_eq!(a.ask("data"), "b'hi'");
    assert_eq!(a.ask("u.sendto(b'back', sender)"), "4");
    assert_eq!(
        b.ask("v.recvfrom(100)"),
        format!("(b'back', ('127.0.0.1', {port}))")
    );
    a.finish();
    b.finish();
}

#[test]
fn unix_sockets_by_path_abstract_name_and_pair() {
    let dir = std::env::temp_dir().join(format!("netrepl-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("server.sock");
    let path = path.to_string_lossy();
    let abstract_name = format!("\\x00netrepl-test-{}", std::process::id());
    let out = run_script(&[
        "a, b = socketpair()",
        "a.sendall(b'over the pair')",
        "b.recv(100)",
        "srv = socket unix",
        &format!("srv.bind('{path}')"),
        "srv.listen()",
        "c = socket unix",
        &format!("c.connect('{path}')"),
        "conn, addr = srv.accept()",
        "c.sendall(b'by path')",
        "conn.recv(100)",
        "srv.getsockname()",
        "hidden = socket unix",
        &format!("hidden.bind(b'{abstract_name}')"),
        "hidden.getsockname()",
    ]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "b'over the pair'",
        "{stdout}{}",
        text(&out.stderr)
    );
    assert_eq!(lines[1], "b'by path'");
    assert_eq!(lines[2], format!("'{path}'"));
    assert_eq!(lines[3], format!("b'{abstract_name}'"));
    assert!(
        !std::path::Path::new(path.as_ref()).exists(),
        "the socket file is removed when the session ends"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_echo_server_answers_in_the_same_session() {
    let out = run_script(&[
        "addr = serve echo 127.0.0.1:0",
        "c = create_connection(addr)",
        "c.sendall(b'echo me')",
        "c.recv(100)",
        "servers()[0]['name']",
        "stop echo",
        "servers()",
    ]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        ["b'echo me'", "'echo'", "stopped echo", "[]"],
        "{stdout}{}",
        text(&out.stderr)
    );
}

#[test]
fn the_chat_server_passes_lines_between_two_clients() {
    let out = run_script(&[
        "addr = serve chat 127.0.0.1:0",
        "alice = create_connection(addr)",
        "alice.settimeout(5)",
        "alice.recv(200)",
        "bob = create_connection(addr)",
        "bob.settimeout(5)",
        "bob.recv(200)",
        "alice.recv(200)",
        "bob.sendall(b'/nick bob\\n')",
        "alice.recv(200)",
        "bob.sendall(b'hello alice\\n')",
        "alice.recv(200)",
    ]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("b'* guest2 joined\\n'"),
        "{stdout}{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("b'* guest2 is now bob\\n'"), "{stdout}");
    assert!(stdout.contains("b'bob: hello alice\\n'"), "{stdout}");
}

#[test]
fn the_time_server_answers_a_datagram_with_the_time() {
    let out = run_script(&[
        "addr = serve time 127.0.0.1:0",
        "u = socket udp",
        "u.settimeout(5)",
        "u.sendto(b'time?', addr)",
        "u.recv(100)",
    ]);
    let stdout = text(&out.stdout);
    let reply = stdout.lines().nth(1).unwrap_or_default();
    assert!(
        reply.starts_with("b'20") && reply.ends_with(" UTC\\n'"),
        "{stdout}{}",
        text(&out.stderr)
    );
}

/// The same steps in CPython and netrepl give the same last lines.
#[test]
fn socket_errors_read_like_cpython() {
    let netrepl_steps = [
        "a = socket tcp",
        "a.bind(('127.0.0.1', 0))",
        "b = socket tcp",
        "b.bind(a.getsockname())",
        "a.listen()",
        "a.settimeout(0.2)",
        "a.accept()",
        "a.setblocking(False)",
        "a.accept()",
        "b.connect(('127.0.0.1', 1))",
        "b.connect('127.0.0.1:1')",
        "b.bind(('127.0.0.1', 'http'))",
        "b.connect(('a\\x00b', 1))",
        "b.connect(('\\u200e.com', 1))",
    ];
    let out = run_script(&netrepl_steps);
    let ours: Vec<String> = text(&out.stderr).lines().map(str::to_string).collect();
    let expected = [
        "OSError: [Errno 98] Address already in use",
        "TimeoutError: timed out",
        "BlockingIOError: [Errno 11] Resource temporarily unavailable",
        "ConnectionRefusedError: [Errno 111] Connection refused",
        "TypeError: connect(): AF_INET address must be tuple, not str",
        "TypeError: 'str' object cannot be interpreted as an integer",
        "TypeError: host name must not contain null character",
        "TypeError: encoding of hostname failed",
    ];
    assert_eq!(ours, expected, "netrepl's errors");

    let python = r#"
import socket, traceback
a = socket.socket(); a.bind(('127.0.0.1', 0)); b = socket.socket()
steps = [lambda: b.bind(a.getsockname()), lambda: (a.listen(), a.settimeout(0.2), a.accept()),
         lambda: (a.setblocking(False), a.accept()), lambda: b.connect(('127.0.0.1', 1)),
         lambda: b.connect('127.0.0.1:1'), lambda: b.bind(('127.0.0.1', 'http')),
         lambda: b.connect(('a\x00b', 1)), lambda: b.connect(('\u200e.com', 1))]
for step in steps:
    try:
        step()
    except Exception as e:
        print(traceback.format_exception_only(e)[-1].strip())
"#;
    let Ok(cpython) = Command::new("python3").args(["-c", python]).output() else {
        eprintln!("skipping the CPython half: no python3");
        return;
    };
    let theirs: Vec<String> = text(&cpython.stdout).lines().map(str::to_string).collect();
    assert_eq!(ours, theirs, "netrepl and CPython disagree");
}

/// A loopback port nothing listens on: bound for a moment, then let go.
fn closed_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.local_addr().expect("its address").port()
}

/// CPython's blocking socket is refused again on a second try, while one with a
/// timeout, left "connecting" by its poll, is told ECONNABORTED once.
#[test]
fn a_refused_connect_can_be_tried_again_like_cpython() {
    let port = closed_loopback_port();
    let closed = format!("('127.0.0.1', {port})");
    let refused_twice = format!("[e.connect_ex({closed}), e.connect_ex({closed})]");
    let out = run_script(&[
        "b = socket tcp",
        &format!("b.connect({closed})"),
        &format!("b.connect({closed})"),
        "t = socket tcp",
        "t.settimeout(2)",
        &format!("t.connect({closed})"),
        &format!("t.connect({closed})"),
        &format!("t.connect({closed})"),
        "e = socket tcp",
        &refused_twice,
    ]);
    let mut ours: Vec<String> = text(&out.stderr).lines().map(str::to_string).collect();
    ours.extend(text(&out.stdout).lines().map(str::to_string));
    let refused = "ConnectionRefusedError: [Errno 111] Connection refused";
    let aborted = "ConnectionAbortedError: [Errno 103] Software caused connection abort";
    let expected = [refused, refused, refused, aborted, refused, "[111, 111]"];
    assert_eq!(ours, expected, "netrepl's answers");

    let python = format!(
        r#"
import socket, traceback
b = socket.socket(); t = socket.socket(); t.settimeout(2); e = socket.socket()
for s in [b, b, t, t, t]:
    try:
        s.connect({closed})
    except Exception as error:
        print(traceback.format_exception_only(error)[-1].strip())
print({refused_twice})
"#
    );
    let Ok(cpython) = Command::new("python3").args(["-c", &python]).output() else {
        eprintln!("skipping the CPython half: no python3");
        return;
    };
    let theirs: Vec<String> = text(&cpython.stdout).lines().map(str::to_string).collect();
    assert_eq!(ours, theirs, "netrepl and CPython disagree");
}

#[test]
fn blocking_calls_give_up_at_the_session_limit() {
    let out = run_script(&[
        ":timeout 0.3",
        "srv = create_server(('127.0.0.1', 0))",
        "srv.accept()",
        "srv.getsockname()[0]",
    ]);
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("TimeoutError: timed out"), "{stderr}");
    assert!(
        text(&out.stdout).contains("'127.0.0.1'"),
        "the session goes on"
    );
}

/// A namespace of the test's own where loopback carries multicast.
fn multicast_namespace(name: &str) -> Option<Namespace> {
    let ns = Namespace::new(name)?;
    ns.run_ok(&["ip", "link", "set", "lo", "multicast", "on"]);
    ns.run_ok(&["ip", "route", "add", "224.0.0.0/4", "dev", "lo"]);
    Some(ns)
}

/// Multicast runs in a namespace where loopback is the only interface, so the
/// group's datagrams cannot reach any real network.
#[test]
fn multicast_on_loopback_delivers_our_own_datagram() {
    let Some(ns) = multicast_namespace("nrt-multicast") else {
        return;
    };
    let script = [
        "r = socket udp",
        "r.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)",
        "r.bind(('239.1.2.3', 5007))",
        "r.setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP, inet_aton('239.1.2.3') + inet_aton('127.0.0.1'))",
        "s = socket udp",
        "s.setsockopt(IPPROTO_IP, IP_MULTICAST_IF, inet_aton('127.0.0.1'))",
        "s.setsockopt(IPPROTO_IP, IP_MULTICAST_TTL, 0)",
        "s.setsockopt(IPPROTO_IP, IP_MULTICAST_LOOP, 1)",
        "s.sendto(b'hello group', ('239.1.2.3', 5007))",
        "r.settimeout(5)",
        "r.recvfrom(100)[0]",
    ];
    let mut child = ns
        .netrepl()
        .args(["--no-color", "--format", "python"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netrepl starts in the namespace");
    let mut stdin = child.stdin.take().expect("stdin");
    for line in script {
        writeln!(stdin, "{line}").expect("write");
    }
    drop(stdin);
    let out = child.wait_with_output().expect("ends");
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["11", "b'hello group'"],
        "{stdout}{}",
        text(&out.stderr)
    );
}

/// Drives an interactive session on a pseudo-terminal (through Python's pty
/// module) and presses Ctrl-C while `accept` waits.
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, time
binary, data_dir = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ['NETREPL_DATA_DIR'] = data_dir
    os.execv(binary, [binary, '--no-color'])
def read_until(token, limit):
    seen, end = b'', time.time() + limit
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
            if token in seen:
                return seen
    print('TIMEOUT waiting for', token, seen)
    sys.exit(1)
read_until(b'>>> ', 10)
os.write(fd, b"srv = create_server(('127.0.0.1', 0))\r")
read_until(b'>>> ', 10)
os.write(fd, b"srv.accept()\r")
time.sleep(0.5)
pressed = time.time()
os.write(fd, b'\x03')
seen = read_until(b'>>> ', 5)
print('PROMPT_AFTER', round(time.time() - pressed, 3))
print('KEYBOARD_INTERRUPT', b'KeyboardInterrupt' in seen)
os.write(fd, b"srv.getsockname()[0]\r")
read_until(b'127.0.0.1\r\n', 5)
print('SESSION_GOES_ON')
# Ctrl-D only once the prompt is back: typed earlier, the terminal may drop it.
read_until(b'>>> ', 5)
os.write(fd, b'\x04')
for _ in range(100):
    if os.waitpid(pid, os.WNOHANG)[0]:
        sys.exit(0)
    time.sleep(0.05)
os.kill(pid, 9)
print('DID_NOT_EXIT')
"#;

#[test]
fn ctrl_c_at_a_blocking_accept_returns_to_the_prompt() {
    let data_dir = std::env::temp_dir().join(format!("netrepl-pty-{}", std::process::id()));
    let Ok(out) = Command::new("python3")
        .args(["-c", PTY_DRIVER, BIN, &data_dir.to_string_lossy()])
        .output()
    else {
        eprintln!("skipping: the pty driver needs python3");
        return;
    };
    let _ = std::fs::remove_dir_all(&data_dir);
    let report = text(&out.stdout);
    let after: f64 = report
        .lines()
        .find_map(|l| l.strip_prefix("PROMPT_AFTER "))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no prompt after Ctrl-C: {report}{}", text(&out.stderr)));
    assert!(after < 1.0, "the prompt came back after {after} s");
    assert!(report.contains("KEYBOARD_INTERRUPT True"), "{report}");
    assert!(report.contains("SESSION_GOES_ON"), "{report}");
    assert!(
        !report.contains("DID_NOT_EXIT"),
        "Ctrl-D must end the session: {report}"
    );
}

/// Runs one Python expression per line in CPython and gives what its REPL
/// shows: the repr of each result but None, or the exception's last
/// traceback line. `None` without python3.
fn cpython_answers(setup: &str, expressions: &[&str]) -> Option<Vec<String>> {
    let program = format!(
        r#"
import socket, traceback
{setup}
for line in {expressions:?}:
    try:
        result = eval(line)
        if result is not None:
            print(repr(result))
    except Exception as e:
        print(traceback.format_exception_only(e)[-1].strip())
"#
    );
    let out = Command::new("python3")
        .args(["-c", &program])
        .output()
        .ok()?;
    Some(text(&out.stdout).lines().map(str::to_string).collect())
}

/// The same lines in netrepl (python format), answers and errors in order.
fn netrepl_answers(setup: &[&str], expressions: &[&str]) -> Vec<String> {
    let mut input: String = setup.iter().map(|l| format!("{l}\n")).collect();
    input.extend(expressions.iter().map(|l| format!("{l}\n")));
    let output = support::run_merged(support::netrepl("python"), &input);
    output.lines().map(str::to_string).collect()
}

/// `settimeout(2**63)` was taken, and the next recv panicked adding it to
/// an Instant. Every timeout is now read as CPython reads it.
#[test]
fn timeouts_are_checked_like_cpython() {
    let expressions = [
        "t.settimeout(2**63)",
        "t.settimeout(2**64)",
        "t.settimeout(2**200)",
        "t.settimeout(9223372037)",
        "t.settimeout(-9223372037)",
        "t.settimeout(-1)",
        "t.settimeout(-0.5)",
        "t.settimeout(1e20)",
        "t.settimeout(1e999)",
        "t.settimeout(-1e999)",
        "t.settimeout(1e999-1e999)",
        "t.settimeout(9223372036.9)",
        "t.settimeout('x')",
        "t.gettimeout()",
        "t.settimeout(9223372036)",
        "t.gettimeout()",
        "t.settimeout(9223372036.854775)",
        "t.gettimeout()",
        "t.settimeout(1e-10)",
        "t.gettimeout()",
        "t.settimeout(True)",
        "t.gettimeout()",
        "socket.create_connection(('127.0.0.1', 1), 2**63)",
        "socket.create_connection(('127.0.0.1', 1), -1)",
        "socket.create_connection(('127.0.0.1', 1), 1e999)",
    ];
    let ours = netrepl_answers(&["t = socket.socket()"], &expressions);
    assert_eq!(
        ours[0],
        "OverflowError: timestamp too large to convert to C _PyTime_t"
    );
    assert_eq!(ours[5], "ValueError: Timeout value out of range");
    if let Some(theirs) = cpython_answers("t = socket.socket()", &expressions) {
        assert_eq!(ours, theirs, "netrepl and CPython disagree");
    }
}

/// The longest timeout CPython keeps (292 years) is used without overflow,
/// and a bad create_connection timeout leaves no socket open.
#[test]
fn the_longest_timeout_works_and_a_refused_one_leaves_nothing_open() {
    let out = run_script(&[
        "a, b = socketpair()",
        "a.settimeout(9223372036.854775)",
        "b.sendall(b'soon')",
        "a.recv(10)",
        "a.settimeout(9223372036)",
        "b.sendall(b'later')",
        "a.recv(10)",
        "create_connection(('127.0.0.1', 1), 2**63)",
        "len(sockets())",
    ]);
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        ["b'soon'", "b'later'", "2"],
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr)
            .starts_with("OverflowError: timestamp too large to convert to C _PyTime_t"),
        "{}",
        text(&out.stderr)
    );
}

/// CPython answers recv(0) with b'' at once, even on a closed socket, but
/// recvfrom(0) really receives (a datagram is used up) or waits; sendall(b'')
/// still sends once, so an unconnected socket says BrokenPipeError.
#[test]
fn receiving_and_sending_nothing_is_answered_like_cpython() {
    let setup =
        "a, b = socket.socketpair(); a.settimeout(2); c, d = socket.socketpair(); c.close()";
    let expressions = [
        "a.recv(0)",
        "c.recv(0)",
        "a.recv(-1)",
        "a.recv(0, 'x')",
        "c.recvfrom(0)",
        "a.send(b'')",
        "a.sendall(b'')",
        "socket.socket().recv(0)",
        "socket.socket().send(b'')",
        "socket.socket().sendall(b'')",
    ];
    let started = std::time::Instant::now();
    let ours = netrepl_answers(
        &[
            "a, b = socketpair()",
            "a.settimeout(2)",
            "c, d = socketpair()",
            "c.close()",
        ],
        &expressions,
    );
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1500),
        "recv(0) waited"
    );
    assert_eq!(ours[0], "b''");
    if let Some(theirs) = cpython_answers(setup, &expressions) {
        assert_eq!(ours, theirs, "netrepl and CPython disagree");
    }
    let out = run_script(&[
        "u = socket udp",
        "u.bind(('127.0.0.1', 0))",
        "u.settimeout(0.3)",
        "v = socket udp",
        "v.sendto(b'abc', u.getsockname())",
        "u.recvfrom(0)[0]",
        "u.recv(100)",
    ]);
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        ["3", "b''"],
        "recvfrom(0) takes the datagram"
    );
    assert!(
        text(&out.stderr).starts_with("TimeoutError: timed out"),
        "{}",
        text(&out.stderr)
    );
}

/// At the cap of 64 sockets a pair that does not fit is not half made.
#[test]
fn a_socketpair_at_the_socket_cap_is_made_whole_or_not_at_all() {
    let mut lines: Vec<String> = (0..63).map(|i| format!("s{i} = socket()")).collect();
    lines.push("a, b = socketpair()".into());
    lines.push("len(sockets())".into());
    lines.push("s0.close()".into());
    lines.push("a, b = socketpair()".into());
    lines.push("len(sockets())".into());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let out = run_script(&lines);
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        ["63", "64"],
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).starts_with("OSError: netrepl allows 64 open sockets in a session"),
        "{}",
        text(&out.stderr)
    );
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("netrepl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// At exit netrepl removes the socket file it made, but not a file that has
/// taken its path since.
#[test]
fn a_socket_path_replaced_by_another_file_is_left_alone_at_exit() {
    let dir = scratch_dir("replaced");
    let path = dir.join("server.sock");
    let mut repl = Repl::start();
    repl.send("s = socket unix");
    repl.send(&format!("s.bind('{}')", path.display()));
    assert_eq!(repl.ask("s.getsockname()"), format!("'{}'", path.display()));
    std::fs::remove_file(&path).expect("the socket file is there");
    std::fs::write(&path, "someone else's file").expect("replace it");
    repl.finish();
    assert_eq!(
        std::fs::read_to_string(&path).ok().as_deref(),
        Some("someone else's file"),
        "the replacement must survive"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Control characters in a Unix path are escaped in the `sockets` table,
/// and bind's hints say what is really at a taken path.
#[test]
fn unix_paths_are_shown_safely_and_taken_paths_explained() {
    let dir = scratch_dir("paths");
    let dir_text = dir.display().to_string();
    let mut child = support::netrepl("pretty");
    child.current_dir(&dir);
    let output = support::run_merged(
        child,
        &format!(
            "s = socket unix\ns.bind('a\\nb\\x1b[2Jc.sock')\nsockets\nt = socket unix\nt.bind('{dir_text}')\nt.bind('a\\nb\\x1b[2Jc.sock')\n"
        ),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!output.contains('\x1b'), "{output:?}");
    assert!(output.contains("a\\nb\\x1b[2Jc.sock"), "{output}");
    let lines: Vec<&str> = output.lines().collect();
    let directory = lines
        .iter()
        .position(|l| l.starts_with("OSError: [Errno 98]"))
        .expect("binding a directory fails");
    assert!(
        lines[directory + 1].contains("That path is a directory"),
        "{output}"
    );
    assert!(
        lines[directory + 3].contains("A file already exists at that path, often left by a server"),
        "{output}"
    );
}

/// `serve` on a low port as a normal user explains as `bind` does; run in a
/// namespace of the test's own, as `nobody`.
#[test]
fn serve_on_a_low_port_says_ports_below_1024_need_root() {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| text(&o.stdout).trim() == "0");
    if !is_root {
        eprintln!("skipping: needs root to run as nobody in a namespace");
        return;
    }
    let Some(ns) = Namespace::new("nrt-lowport") else {
        return;
    };
    let out = ns.run(&[
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        BIN,
        "--no-color",
        "-c",
        "serve echo 127.0.0.1:80",
    ]);
    let err = text(&out.stderr);
    assert!(err.starts_with("PermissionError: [Errno 13]"), "{err}");
    assert!(err.contains("Ports below 1024 need root"), "{err}");
}

/// A netrepl whose process may hold at most `files` descriptors (soft and
/// hard, so raising the soft limit at start cannot lift it).
fn repl_with_file_limit(files: u32) -> Repl {
    let mut child = Command::new("sh")
        .args([
            "-c",
            &format!("ulimit -n {files} && exec \"$0\" --no-color --format python"),
            BIN,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("netrepl starts under sh");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    Repl {
        child,
        stdin,
        stdout,
    }
}

/// The port of a `serve` answer in python format: `('127.0.0.1', 40123)`.
fn served_port(answer: &str) -> u16 {
    answer
        .trim_end_matches(')')
        .rsplit(", ")
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("a served address: {answer}"))
}

/// Connects to the loopback port and checks one echo, within a few seconds.
fn echoes(port: u16, message: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut client) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let limit = Some(std::time::Duration::from_secs(5));
    let _ = client.set_read_timeout(limit);
    if client.write_all(message).is_err() {
        return false;
    }
    let mut back = vec![0u8; message.len()];
    client.read_exact(&mut back).is_ok() && back == message
}

/// More clients than the process has descriptors for: accept fails with
/// EMFILE, and the server waits for clients to leave instead of ending
/// while `servers` still says it runs.
#[test]
fn the_echo_server_outlives_running_out_of_file_descriptors() {
    let mut repl = repl_with_file_limit(40);
    let port = served_port(&repl.ask("serve echo 127.0.0.1:0"));
    assert!(echoes(port, b"before"), "the server answers at first");
    // 60 clients: the kernel completes their connections, the server runs
    // out of descriptors before it has accepted them all.
    let crowd: Vec<std::net::TcpStream> = (0..60)
        .filter_map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    assert!(crowd.len() > 40, "the backlog took the crowd");
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(crowd);
    let mut answered = false;
    for _ in 0..20 {
        if echoes(port, b"after") {
            answered = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(answered, "the server serves again once clients leave");
    let listing = repl.ask("servers()");
    assert!(listing.contains("'state': 'running'"), "{listing}");
    repl.finish();
}

/// A message from another client while one is half-way through a line must
/// not cut that line: A's whole line reaches B.
#[test]
fn the_chat_server_keeps_a_half_written_line_when_another_client_talks() {
    let mut repl = Repl::start();
    let port = served_port(&repl.ask("serve chat 127.0.0.1:0"));
    let connect = || {
        let client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("join the chat");
        client
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .expect("a read timeout");
        BufReader::new(client)
    };
    let read_line = |client: &mut BufReader<std::net::TcpStream>| {
        let mut line = String::new();
        client.read_line(&mut line).expect("a line from the room");
        line
    };
    let mut alice = connect();
    assert!(read_line(&mut alice).starts_with("* welcome, guest1"));
    let mut bob = connect();
    assert!(read_line(&mut bob).starts_with("* welcome, guest2"));
    assert_eq!(read_line(&mut alice), "* guest2 joined\n");
    let pause = || std::thread::sleep(std::time::Duration::from_millis(300));
    alice.get_mut().write_all(b"hello, ").expect("alice writes");
    pause();
    bob.get_mut().write_all(b"hi alice\n").expect("bob talks");
    assert_eq!(read_line(&mut alice), "guest2: hi alice\n");
    pause();
    alice
        .get_mut()
        .write_all(b"bob\n")
        .expect("alice ends her line");
    assert_eq!(read_line(&mut bob), "guest1: hello, bob\n");
    repl.finish();
}

/// The session's `:timeout` takes only a number of seconds it can wait.
#[test]
fn the_session_timeout_refuses_durations_that_mean_nothing() {
    let out = run_script(&[
        ":timeout nan",
        ":timeout inf",
        ":timeout 1e400",
        ":timeout -1",
        ":timeout 0",
        ":timeout 86400",
        "a, b = socketpair()",
        "b.sendall(b'x')",
        "a.recv(1)",
    ]);
    let errors: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("ValueError"))
        .map(str::to_string)
        .collect();
    assert_eq!(errors.len(), 5, "{errors:?}");
    assert!(
        errors[0].contains("is not a number of seconds from 0.1 to 86400"),
        "{errors:?}"
    );
    assert!(text(&out.stdout).contains("b'x'"), "{}", text(&out.stdout));
}

/// A Unix path in a directory the user may not write to is not a port
/// problem: the hint says so (as `nobody`, in a directory only root may write).
#[test]
fn binding_a_unix_path_in_a_closed_directory_says_why() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| text(&o.stdout).trim() == "0");
    if !is_root {
        eprintln!("skipping: needs root to run as nobody");
        return;
    }
    let dir = scratch_dir("closed");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let line = format!("socket(AF_UNIX).bind('{}')", dir.join("x.sock").display());
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "--no-color",
            "-c",
            &line,
        ])
        .output()
        .expect("setpriv runs");
    let _ = std::fs::remove_dir_all(&dir);
    let err = text(&out.stderr);
    assert!(err.starts_with("PermissionError: [Errno 13]"), "{err}");
    assert!(
        err.contains("You may not make files in that directory"),
        "{err}"
    );
}

/// A wait under the longest timeout CPython takes (292 years) must neither
/// panic nor end early: data that comes later is received.
#[test]
fn a_wait_under_the_longest_timeout_ends_when_data_comes() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
    let port = listener.local_addr().expect("its address").port();
    let peer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("netrepl connects");
        std::thread::sleep(std::time::Duration::from_millis(300));
        conn.write_all(b"late").expect("send");
        let mut rest = Vec::new();
        let _ = conn.read_to_end(&mut rest);
    });
    let out = run_script(&[
        &format!("c = create_connection(('127.0.0.1', {port}), 9223372036)"),
        "c.gettimeout()",
        "c.recv(10)",
    ]);
    peer.join().expect("the peer thread");
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        ["9223372036.0", "b'late'"],
        "{}",
        text(&out.stderr)
    );
}

/// `stop echo` leaves the connection it served in TIME_WAIT (the server
/// closed first); with SO_REUSEADDR the same fixed port binds again at once.
#[test]
fn a_stopped_servers_port_is_free_again_at_once() {
    use std::io::Read;
    let mut repl = Repl::start();
    let port = served_port(&repl.ask("serve echo 127.0.0.1:0"));
    let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    client.write_all(b"hi").expect("sends");
    let mut back = [0u8; 2];
    client.read_exact(&mut back).expect("echoed");
    assert_eq!(repl.ask("stop echo"), "stopped echo");
    // The server's side closed first; the client reads the end and closes.
    let _ = client.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let _ = client.read(&mut back);
    drop(client);
    // A failure would go to stderr; the marker line keeps the read from waiting forever.
    repl.send(&format!("serve echo 127.0.0.1:{port}"));
    let again = repl.ask("'marker'");
    assert_eq!(again, format!("('127.0.0.1', {port})"));
    repl.ask("stop echo");
    repl.finish();
}

/// listen() on a socket never bound returns None as in CPython, and warns
/// that the kernel bound it to every interface; one bound to loopback first
/// does not warn.
#[test]
fn listen_without_bind_warns_that_it_is_bound_to_every_interface() {
    let out = run_script(&[
        "s = socket(AF_INET, SOCK_STREAM)",
        "s.listen()",
        "s.getsockname()[0]",
        "t = socket(AF_INET, SOCK_STREAM)",
        "t.bind(('127.0.0.1', 0))",
        "t.listen()",
    ]);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["'0.0.0.0'"],
        "{stdout}{stderr}"
    );
    assert_eq!(
        stderr
            .matches("warning: listen() without bind() bound to every interface")
            .count(),
        1,
        "{stderr}"
    );
}

/// The `state` of each socket `sockets()` lists, in the order they were made.
fn socket_states(repl: &mut Repl) -> Vec<String> {
    let listing = repl.ask("sockets()");
    listing
        .split("'state': '")
        .skip(1)
        .map(|rest| rest.split('\'').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn sockets_shows_the_kernels_tcp_states_as_a_connection_closes() {
    let mut repl = Repl::start();
    for line in [
        "srv = create_server(('127.0.0.1', 0))",
        "u = socket(AF_INET, SOCK_DGRAM)",
        "c = create_connection(srv.getsockname())",
        "conn, addr = srv.accept()",
    ] {
        repl.send(line);
    }
    assert_eq!(
        socket_states(&mut repl),
        ["LISTEN", "new", "ESTAB", "ESTAB"]
    );
    // conn closes its sending side first: c sees the FIN (CLOSE-WAIT), and
    // conn waits in FIN-WAIT-1 until c's ACK (which may be delayed) comes.
    repl.send("conn.shutdown(SHUT_WR)");
    let mut states = Vec::new();
    for _ in 0..40 {
        states = socket_states(&mut repl);
        if states.get(3).is_some_and(|s| s == "FIN-WAIT-2") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(states, ["LISTEN", "new", "CLOSE-WAIT", "FIN-WAIT-2"]);
    assert_eq!(repl.ask("c.recv(10)"), "b''");
    // Once c closes too, conn's end of the connection becomes a TIME-WAIT
    // entry the kernel keeps by itself: the socket conn still holds is CLOSE.
    repl.send("c.shutdown(SHUT_WR)");
    for _ in 0..40 {
        states = socket_states(&mut repl);
        if states.get(2).is_some_and(|s| s == "CLOSE") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(states, ["LISTEN", "new", "CLOSE", "CLOSE"]);
    repl.finish();
}

/// Everything the practice HTTP server sends for one raw request, read until it closes.
fn http_exchange(port: u16, request: &[u8]) -> String {
    use std::io::Read;
    let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    let _ = client.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    client.write_all(request).expect("sends");
    let mut answer = Vec::new();
    let _ = client.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn the_http_server_answers_requests_sent_by_hand() {
    let out = run_script(&[
        "addr = serve http 127.0.0.1:0",
        "c = create_connection(addr)",
        "c.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')",
        "c.settimeout(5)",
        "c.recv(4096).split(b'\\r\\n')[0]",
        "servers()[0]['name']",
    ]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        ["b'HTTP/1.1 200 OK'", "'http'"],
        "{stdout}{}",
        text(&out.stderr)
    );

    let mut repl = Repl::start();
    let port = served_port(&repl.ask("serve http 127.0.0.1:0"));
    let ok = http_exchange(port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let (head, body) = ok
        .split_once("\r\n\r\n")
        .expect("a blank line ends the head");
    let headers: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(headers[0], "HTTP/1.1 200 OK", "{ok}");
    for wanted in [
        "Server: netrepl-practice",
        "Content-Type: text/html; charset=utf-8",
        "Connection: close",
    ] {
        assert!(headers.contains(&wanted), "{wanted} in {ok}");
    }
    assert!(
        headers.contains(&format!("Content-Length: {}", body.len()).as_str()),
        "{ok}"
    );
    let date = headers
        .iter()
        .find_map(|h| h.strip_prefix("Date: "))
        .expect("a Date");
    assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
    let head_only = http_exchange(port, b"HEAD / HTTP/1.0\r\n\r\n");
    assert!(
        head_only.starts_with("HTTP/1.1 200 OK\r\n") && head_only.ends_with("\r\n\r\n"),
        "{head_only}"
    );
    assert!(
        http_exchange(port, b"GET /nowhere HTTP/1.0\r\n\r\n")
            .starts_with("HTTP/1.1 404 Not Found\r\n")
    );
    let refused = http_exchange(port, b"POST / HTTP/1.0\r\n\r\n");
    assert!(
        refused.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")
            && refused.contains("\r\nAllow: GET, HEAD\r\n"),
        "{refused}"
    );
    assert!(
        http_exchange(port, b"hello there\r\n\r\n").starts_with("HTTP/1.1 400 Bad Request\r\n")
    );
    let endless = vec![b'a'; 20 * 1024];
    assert!(http_exchange(port, &endless).starts_with("HTTP/1.1 431 "));

    // A real HTTP client agrees (python3's http.client), when there is one.
    let script = format!(
        "import http.client\nc = http.client.HTTPConnection('127.0.0.1', {port}, timeout=10)\nc.request('GET', '/time')\nr = c.getresponse()\nprint(r.status, r.getheader('Server'), r.read().count(b'The time here is'))\n"
    );
    if let Ok(run) = Command::new("python3").args(["-c", &script]).output() {
        assert_eq!(
            text(&run.stdout).trim(),
            "200 netrepl-practice 1",
            "{}",
            text(&run.stderr)
        );
    }
    repl.finish();
}
