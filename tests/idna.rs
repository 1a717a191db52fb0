//! Host names through Python's `idna` codec, checked against CPython itself.
//!
//! Network rule: nothing here resolves a name. The codec is compared on its
//! own (`name.encode('idna')`), and the calls run through `socket` all use
//! names whose encoding fails, which CPython and netrepl report before any
//! look-up; the Python side refuses to run a call whose name would encode.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

/// Names from many scripts, with the mappings, separators and failures that
/// make IDNA 2003 differ from "UTF-8 with `xn--` in front".
fn varied_names() -> Vec<String> {
    let mut names: Vec<String> = [
        // German: umlauts, sharp s mapped to "ss", upper case folded.
        "bücher.example",
        "Bücher.EXAMPLE",
        "straße.de",
        "MÜNCHEN.de",
        // Greek: final sigma and capital sigma both become σ.
        "ελληνικά.gr",
        "σοφος.gr",
        "ΣΟΦΟΣ.gr",
        "ὈΔΥΣΣΕΎΣ",
        // Cyrillic, Chinese, Japanese, Korean.
        "правда.рф",
        "ПРИМЕР.испытание",
        "中文。中国",
        "例え.テスト",
        "한국어.kr",
        // Full-width letters and the three other dots.
        "ＥＸＡＭＰＬＥ．ｃｏｍ",
        "ｗｗｗ．ｂüｃｈｅｒ．ｄｅ",
        "bücher｡de",
        // Compatibility forms that NFKC turns into plain letters.
        "Ⅸ.ä",
        "ﬁle.ä",
        "㎏①.ä",
        // Emoji, a ZWJ sequence, joiners and soft hyphens mapped to nothing.
        "😀.example",
        "i❤.ws",
        "👨\u{200D}👩\u{200D}👧.family",
        "a\u{200D}b\u{200C}c.ä",
        "bü\u{AD}cher.de",
        "\u{200C}.ä",
        // Label lengths: the 63-octet limit applies to the xn-- form.
        "ä..de",
        "..ä",
        "ä..",
        "。ä",
        "bücher.de.",
        "bücher.de。",
        // Labels that already look like ACE.
        "xn--bcher-kva.ä",
        "XN--BCHER-KVA.ä",
        "xn--bücher.de",
        "XN--bücher.de",
        // Prohibited characters, and spaces NFKC makes ASCII.
        "a\u{200E}b.ä",
        "bü\u{1680}cher",
        "bü\u{E000}cher",
        "bü\u{E0001}",
        "bü\u{FFFD}",
        "bü\u{85}cher",
        "bü\u{2FF0}",
        "bü\u{3000}cher",
        "bü\tcher",
        "ä\0",
        // Right-to-left labels.
        "שלום.il",
        "aש.ä",
        "ש1.ä",
        "مثال.إختبار",
        // Where Unicode 3.2, which nameprep reads, differs from today's.
        "\u{1F130}.ä",
        "ẞ.de",
        "Ꭰ.ä",
        "Ⴀ.ä",
        "\u{2F868}.ä",
        "ä\u{2800}א",
        // ASCII names keep to the fast path.
        "LOCALHOST.",
        "",
    ]
    .iter()
    .map(|name| name.to_string())
    .collect();
    names.push(format!("{}ä.de", "a".repeat(55)));
    names.push(format!("{}ä.de", "a".repeat(56)));
    names.push("ü".repeat(30));
    names.push(format!("de.{}", "ä".repeat(60)));
    names
}

/// Reads names as a JSON list; prints per name the hex of its encoding or
/// the last traceback line. A failing name is also run through
/// `gethostbyname`, which fails in the codec before any look-up.
const PYTHON_CODEC: &str = r#"
import json, socket, sys
for name in json.load(sys.stdin):
    try:
        print("ok " + name.encode("idna").hex())
    except UnicodeError:
        try:
            socket.gethostbyname(name)
            print("LOOKED UP")
        except Exception as e:
            print(f"{type(e).__name__}: {e}")
"#;

/// Runs each line and prints `repr()` or the last traceback line, but only
/// for lines whose host name (the line after a tab) cannot be encoded.
const PYTHON_CALLS: &str = r#"
import socket, sys
for line in sys.stdin.read().splitlines():
    call, host = line.split("\t")
    host = eval(host)
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        encoded = None
    if encoded is not None and b"\0" not in encoded:
        print(f"REFUSED: {host!r} encodes, so the call would reach the resolver")
        continue
    try:
        print(repr(eval(call)))
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
"#;

fn run_python(script: &str, input: &str) -> Vec<String> {
    let mut child = Command::new("python3")
        .args(["-c", script])
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start python3");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("write to python3");
    let output = child.wait_with_output().expect("wait for python3");
    assert!(output.status.success(), "python3 failed");
    String::from_utf8(output.stdout)
        .expect("python3 prints UTF-8")
        .lines()
        .map(str::to_string)
        .collect()
}

fn netrepl_codec_answer(name: &str) -> String {
    match netrepl::python::convert::idna_encode(name) {
        Ok(bytes) => format!("ok {}", hex(&bytes)),
        Err(error) => error.python_line(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn idna_encoding_matches_python_for_varied_names() {
    if !support::python_available() {
        println!("SKIPPED: python3 is not installed, so there is no CPython to compare with");
        return;
    }
    let names = varied_names();
    let input = serde_json::to_string(&names).expect("names as JSON");
    let theirs = run_python(PYTHON_CODEC, &input);
    assert_eq!(theirs.len(), names.len(), "one answer per name");
    let differences: Vec<String> = names
        .iter()
        .zip(&theirs)
        .filter_map(|(name, expected)| {
            let actual = netrepl_codec_answer(name);
            (&actual != expected)
                .then(|| format!("name:     {name:?}\nexpected: {expected}\nactual:   {actual}\n"))
        })
        .collect();
    assert!(
        differences.is_empty(),
        "{} of {} names encode differently from CPython:\n\n{}",
        differences.len(),
        names.len(),
        differences.join("\n")
    );
}

/// A call whose host name fails in the codec, and that host as a literal.
struct FailingCall {
    call: String,
    host: String,
}

fn failing(call: &str, host: &str) -> FailingCall {
    FailingCall {
        call: call.replace("HOST", host),
        host: host.to_string(),
    }
}

/// Runs the calls through CPython: the last traceback line of each.
fn python_failures(calls: &[FailingCall]) -> Vec<String> {
    let input: String = calls
        .iter()
        .map(|failing| format!("{}\t{}\n", failing.call, failing.host))
        .collect();
    let answers = run_python(PYTHON_CALLS, &input);
    assert_eq!(
        answers.len(),
        calls.len(),
        "one answer per call: {answers:?}"
    );
    assert!(
        answers.iter().all(|line| line.contains("Error: ")),
        "every call should fail before any look-up: {answers:?}"
    );
    answers
}

#[test]
fn idna_failures_in_look_ups_print_like_python_tracebacks() {
    if !support::python_available() {
        println!("SKIPPED: python3 is not installed, so there is no CPython to compare with");
        return;
    }
    let long_emoji_label = format!("'{}.de'", "😀".repeat(64));
    let calls = [
        failing("socket.gethostbyname(HOST)", r"'a\u200eb.de'"),
        failing("socket.gethostbyname_ex(HOST)", "'ä..de'"),
        failing("socket.gethostbyaddr(HOST)", "'xn--bücher.de'"),
        failing("socket.getaddrinfo(HOST, 80)", "'aש.il'"),
        failing("socket.getaddrinfo(HOST, 80)", &long_emoji_label),
        failing("socket.getaddrinfo(HOST, 'http')", r"'bü\U000e0001'"),
        failing("socket.gethostbyname(HOST)", r"'bü\x00cher'"),
    ];
    let theirs = python_failures(&calls);
    let input: String = calls
        .iter()
        .map(|failing| format!("{}\n", failing.call))
        .collect();
    let ours = support::run_merged(support::netrepl("python"), &input);
    let ours: Vec<&str> = ours.lines().collect();
    assert_eq!(ours, theirs);
}

/// Socket address tuples go through `idna_converter`, whose failures differ
/// from the look-up functions' (a bare `TypeError`).
#[test]
fn idna_failures_in_address_tuples_match_python() {
    if !support::python_available() {
        println!("SKIPPED: python3 is not installed, so there is no CPython to compare with");
        return;
    }
    let calls = [
        failing("socket.socket().connect((HOST, 80))", r"'bü\ue000cher.de'"),
        failing(
            "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', (HOST, 9))",
            "'。ä'",
        ),
        failing("socket.socket().bind((HOST, 0))", "'xn--bücher.de'"),
    ];
    let theirs = python_failures(&calls);
    let hosts = ["bü\u{E000}cher.de", "。ä", "xn--bücher.de"];
    let ours: Vec<String> = hosts
        .iter()
        .map(
            |host| match netrepl::python::convert::idna_encode_for_address(host) {
                Ok(bytes) => format!("encoded {bytes:?}"),
                Err(error) => error.python_line(),
            },
        )
        .collect();
    assert_eq!(ours, theirs);
}
