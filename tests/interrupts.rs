//! Ctrl-C on a real terminal: whatever a learner is waiting for (a DNS
//! server that never answers, a long computation, a yes/no question), one
//! Ctrl-C brings back `KeyboardInterrupt` and the prompt within a second, the
//! session goes on with its variables, and no interrupt is left over for the
//! next command.
//!
//! Each test runs netrepl on a pseudo-terminal (Python's pty module drives
//! it) inside a network namespace of its own with only loopback, whose
//! resolver is a UDP socket on 127.0.0.1:53 that reads queries and never
//! answers. Needs root (`ip netns`) and python3; skips without them.

mod support;

use std::process::Command;

use support::Namespace;

/// Binds the silent DNS server, starts netrepl on a pty, then for each step
/// types a line and, if asked, presses Ctrl-C after a pause and times the
/// prompt's return. Prints one `STEP` line per step for the test to read.
const PTY_DRIVER: &str = r#"
import json, os, pty, re, select, socket, sys, time
binary, data_dir, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
silent_dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
silent_dns.bind(('127.0.0.1', 53))
pid, fd = pty.fork()
if pid == 0:
    os.environ['NETREPL_DATA_DIR'] = data_dir
    os.execv(binary, [binary, '--no-color'])
def read_until(tokens, limit):
    seen, end = b'', time.time() + limit
    while time.time() < end:
        ready, _, _ = select.select([fd, silent_dns], [], [], 0.02)
        if silent_dns in ready:
            silent_dns.recvfrom(4096)  # read the query, never answer
        if fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return seen, False
            if not chunk:
                return seen, False
            seen += chunk
            if any(re.search(t.encode(), seen) for t in tokens):
                return seen, True
    return seen, False
# A fresh prompt starts a line; the editor's redraws while typing do not.
PROMPT = r'\n(\r|\x1b\[[0-9;?]*[a-zA-Z])*>>> '
_, ok = read_until([PROMPT], 20)
if not ok:
    print('NO_FIRST_PROMPT'); sys.exit(1)
for step in steps:
    os.write(fd, step['line'].encode() + b'\r')
    if step.get('interrupt_after') is not None:
        if step.get('wait_for'):
            seen, ok = read_until([re.escape(step['wait_for'])], 20)
            if not ok:
                print('STEP', json.dumps({'line': step['line'], 'error': 'never asked', 'seen': seen.decode(errors='replace')}))
                break
        time.sleep(step['interrupt_after'])
        pressed = time.time()
        os.write(fd, b'\x03')
        seen, ok = read_until([PROMPT], 10)
        took = round(time.time() - pressed, 3)
    else:
        seen, ok = read_until([PROMPT], 60)
        took = None
    alive = os.waitpid(pid, os.WNOHANG)[0] == 0
    print('STEP', json.dumps({'line': step['line'], 'prompt': ok, 'took': took, 'alive': alive,
                              'seen': seen.decode(errors='replace')}))
    if not alive:
        break
os.write(fd, b'\x04')
for _ in range(100):
    if os.waitpid(pid, os.WNOHANG)[0]:
        sys.exit(0)
    time.sleep(0.05)
os.kill(pid, 9)
"#;

/// What the driver saw of one step.
#[derive(Debug)]
struct Step {
    line: String,
    prompt: bool,
    took: Option<f64>,
    alive: bool,
    seen: String,
}

/// A namespace whose resolver is 127.0.0.1, with slow retries, and its
/// resolv.conf; both removed when dropped.
struct SilentDnsNamespace {
    namespace: Namespace,
}

impl SilentDnsNamespace {
    fn new(name: &str) -> Option<SilentDnsNamespace> {
        if Command::new("python3").arg("--version").output().is_err() {
            eprintln!("skipping: the pty driver needs python3");
            return None;
        }
        let namespace = Namespace::new(name)?;
        let etc = format!("/etc/netns/{name}");
        std::fs::create_dir_all(&etc).ok()?;
        // Five seconds a try, three tries: without an interruptible wait
        // Ctrl-C would sit out all fifteen.
        std::fs::write(
            format!("{etc}/resolv.conf"),
            "nameserver 127.0.0.1\noptions timeout:5 attempts:3\n",
        )
        .ok()?;
        Some(SilentDnsNamespace { namespace })
    }

    /// Runs the steps and returns what the driver saw of each.
    fn drive(&self, steps: &str) -> Vec<Step> {
        let data_dir = std::env::temp_dir().join(format!(
            "netrepl-interrupts-{}-{}",
            self.namespace.0,
            std::process::id()
        ));
        let out = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.namespace.0,
                "python3",
                "-c",
                PTY_DRIVER,
            ])
            .arg(env!("CARGO_BIN_EXE_netrepl"))
            .arg(&data_dir)
            .arg(steps)
            .output()
            .expect("the driver runs");
        let _ = std::fs::remove_dir_all(&data_dir);
        let report = String::from_utf8_lossy(&out.stdout);
        let steps: Vec<Step> = report
            .lines()
            .filter_map(|l| l.strip_prefix("STEP "))
            .map(parse_step)
            .collect();
        assert!(
            !steps.is_empty(),
            "the driver reported nothing: {report}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        steps
    }
}

impl Drop for SilentDnsNamespace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.namespace.0));
    }
}

/// Reads the driver's JSON line with the crate's own JSON dependency.
fn parse_step(line: &str) -> Step {
    let json: serde_json::Value = serde_json::from_str(line).expect("the driver prints JSON");
    if let Some(error) = json.get("error") {
        panic!("{}: {error}: {}", json["line"], json["seen"]);
    }
    Step {
        line: json["line"].as_str().unwrap_or_default().to_string(),
        prompt: json["prompt"].as_bool().unwrap_or(false),
        took: json["took"].as_f64(),
        alive: json["alive"].as_bool().unwrap_or(false),
        seen: json["seen"].as_str().unwrap_or_default().to_string(),
    }
}

/// Asserts that Ctrl-C at `step` gave KeyboardInterrupt and the prompt in
/// under a second, with netrepl still running.
fn assert_interrupted(step: &Step) {
    assert!(
        step.alive,
        "{}: netrepl ended on Ctrl-C: {}",
        step.line, step.seen
    );
    assert!(
        step.prompt,
        "{}: no prompt after Ctrl-C: {}",
        step.line, step.seen
    );
    let took = step.took.expect("timed");
    assert!(took < 1.0, "{}: the prompt took {took} s", step.line);
    assert!(
        step.seen.contains("KeyboardInterrupt"),
        "{}: {}",
        step.line,
        step.seen
    );
}

/// Asserts that a plain step ran and printed `expected`.
fn assert_answered(step: &Step, expected: &str) {
    assert!(step.alive && step.prompt, "{}: {}", step.line, step.seen);
    assert!(
        step.seen.contains(expected),
        "{}: expected {expected}: {}",
        step.line,
        step.seen
    );
    assert!(
        !step.seen.contains("KeyboardInterrupt"),
        "{}: an interrupt was left over: {}",
        step.line,
        step.seen
    );
}

#[test]
fn ctrl_c_during_the_first_dns_wait_of_a_fresh_session_returns_to_the_prompt() {
    let Some(ns) = SilentDnsNamespace::new("nrint-dns") else {
        return;
    };
    let steps = ns.drive(
        r#"[{"line": "kept = 41 + 1"},
            {"line": "gethostbyname('nowhere.example')", "interrupt_after": 0.5},
            {"line": "kept"},
            {"line": "gethostbyname('localhost')"}]"#,
    );
    assert_eq!(steps.len(), 4, "{steps:?}");
    assert_interrupted(&steps[1]);
    assert_answered(&steps[2], "42");
    assert_answered(&steps[3], "127.0.0.1");
}

#[test]
fn ctrl_c_during_a_dns_wait_after_the_runtime_started_is_not_held_back() {
    let Some(ns) = SilentDnsNamespace::new("nrint-rt") else {
        return;
    };
    // A blocking accept with a timeout starts the async runtime first.
    let steps = ns.drive(
        r#"[{"line": "srv = create_server(('127.0.0.1', 0))"},
            {"line": "srv.settimeout(0.2)"},
            {"line": "srv.accept()"},
            {"line": "getaddrinfo('nowhere.example', 80)", "interrupt_after": 0.5},
            {"line": "gethostbyaddr('192.0.2.1')", "interrupt_after": 0.5},
            {"line": "srv.getsockname()[0]"}]"#,
    );
    assert_eq!(steps.len(), 6, "{steps:?}");
    assert!(steps[2].seen.contains("TimeoutError"), "{:?}", steps[2]);
    assert_interrupted(&steps[3]);
    assert_interrupted(&steps[4]);
    assert_answered(&steps[5], "127.0.0.1");
}

#[test]
fn ctrl_c_during_a_long_computation_returns_to_the_prompt() {
    let Some(ns) = SilentDnsNamespace::new("nrint-calc") else {
        return;
    };
    // Text of 60 MB, changed four times over: seconds of work, in steps that
    // each take a while.
    let steps = ns.drive(
        r#"[{"line": "len(bytes(30 << 20).hex().upper().lower().upper().lower())", "interrupt_after": 0.3},
            {"line": "6 * 7"}]"#,
    );
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_interrupted(&steps[0]);
    assert_answered(&steps[1], "42");
}

#[test]
fn ctrl_c_at_the_question_before_a_big_sweep_returns_to_the_prompt() {
    let Some(ns) = SilentDnsNamespace::new("nrint-ask") else {
        return;
    };
    // Loopback only, in a namespace of our own, and the answer is never yes.
    let steps = ns.drive(
        r#"[{"line": "map_network 127.0.0.0/16", "interrupt_after": 0.3, "wait_for": "[y/N]"},
            {"line": "6 * 7"}]"#,
    );
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_interrupted(&steps[0]);
    assert!(
        !steps[0].seen.contains("hosts up"),
        "no sweep ran: {}",
        steps[0].seen
    );
    assert_answered(&steps[1], "42");
}

#[test]
fn ctrl_c_during_a_dig_wait_returns_to_the_prompt() {
    let Some(ns) = SilentDnsNamespace::new("nrint-dig") else {
        return;
    };
    // dig asks resolv.conf's 127.0.0.1, which reads the query and never answers.
    let steps = ns.drive(
        r#"[{"line": "kept = 6 * 7"},
            {"line": "dig www.lab", "interrupt_after": 0.5},
            {"line": "dig www.lab tcp=True"},
            {"line": "kept"}]"#,
    );
    assert_eq!(steps.len(), 4, "{steps:?}");
    assert_interrupted(&steps[1]);
    // Nothing listens on TCP port 53 there: refused at once, no interrupt left over.
    assert_answered(&steps[2], "ConnectionRefusedError");
    assert_answered(&steps[3], "42");
}
