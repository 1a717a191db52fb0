//! Nothing a user types may panic: arbitrary lines, and lines assembled from
//! the pieces of the language (command names, quotes, brackets, escapes,
//! numbers, `|`, `=`), go through `Session::run_line`.
//!
//! Network rule: the lines never name a command that resolves names or
//! sends packets (gethostbyname, getaddrinfo, ping, ...) or changes the
//! machine (lab), so random text cannot become a DNS query for a random
//! name. Such lines are filtered out, and the pieces are drawn only from the
//! commands that stay on this machine.

use netrepl::commands;
use netrepl::commands::registry;
use netrepl::session::{Format, Session};
use proptest::prelude::*;

/// Commands the registry marks as local that must not be fuzzed anyway: lab
/// changes the machine, the tutorial commands write the learner's progress, and get_ip_4/get_ip_6 fall back to resolving this
/// host's own name, which may not be in /etc/hosts (they take no arguments,
/// so there is nothing to fuzz).
const NOT_FUZZED: &[&str] = &[
    "lab", "get_ip_4", "get_ip_6", "lessons", "lesson", "next", "back", "hint", "check", "reset",
];

fn is_safe_command(command: &registry::Command) -> bool {
    !command.network && !NOT_FUZZED.contains(&command.name)
}

fn safe_command_names() -> Vec<&'static str> {
    commands::all()
        .iter()
        .filter(|c| is_safe_command(c))
        .map(|c| c.name)
        .collect()
}

/// Whether a line mentions a command that may reach the network (as any
/// substring, so `socket.getaddrinfo(` and `x=getfqdn` are caught too).
fn mentions_unsafe_command(line: &str) -> bool {
    commands::all()
        .iter()
        .filter(|c| !is_safe_command(c))
        .any(|c| line.contains(c.name))
}

/// Literal pieces of the language: quotes, brackets, escapes, operators,
/// settings, addresses and words that reach the parser's corners.
const PIECES: &[&str] = &[
    "'",
    "\"",
    "b'",
    "b\"",
    "r'",
    "rb'",
    "(",
    ")",
    "[",
    "]",
    ",",
    "=",
    "==",
    "|",
    "-",
    "?",
    "#",
    ":",
    "::",
    ".",
    "_",
    "\\",
    "\\x",
    "\\x4",
    "\\u12",
    "\\U0001f600",
    "\\N",
    "\\0",
    "\\777",
    "socket.",
    "help",
    ":format",
    ":vars",
    ":quit",
    "None",
    "True",
    "False",
    "0x",
    "0o",
    "0b",
    "1e",
    "1e309",
    "1.5",
    "-0",
    "00",
    "1_000",
    "9999999999999999999999999999999999999999",
    "170141183460469231731687303715884105727",
    "127.0.0.1",
    "127.1",
    "::1",
    "[::1]:22",
    "127.0.0.1:80",
    "fe80::1%lo",
    "localhost",
    "10.0.0.0/8",
    "::/0",
    "ffff::/1",
    "AF_INET",
    "AF_INET6",
    "SOCK_STREAM",
    "AI_PASSIVE",
    "NI_NUMERICHOST",
    "IPPROTO_TCP",
    "x",
    "é",
    "\t",
];

/// One token: a safe command name, a piece, a number or a short word.
fn token() -> impl Strategy<Value = String> {
    let names = safe_command_names();
    prop_oneof![
        3 => proptest::sample::select(names).prop_map(str::to_string),
        4 => proptest::sample::select(PIECES).prop_map(str::to_string),
        2 => any::<i128>().prop_map(|n| n.to_string()),
        1 => any::<u16>().prop_map(|n| n.to_string()),
        1 => "[a-z0-9_.:%/]{1,8}",
    ]
}

/// A line assembled from tokens, with or without spaces between them.
fn assembled_line() -> impl Strategy<Value = String> {
    proptest::collection::vec((token(), prop_oneof![Just(""), Just(" ")]), 0..12).prop_map(
        |parts| {
            parts
                .into_iter()
                .map(|(token, gap)| format!("{token}{gap}"))
                .collect()
        },
    )
}

/// Runs lines in one session (so variables and `_` carry over), skipping
/// any line that could reach the network.
fn run_all(lines: &[String]) {
    let mut session = Session::new(Format::Python);
    for line in lines {
        if !mentions_unsafe_command(line) {
            let _ = session.run_line(line);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(lines in proptest::collection::vec(any::<String>(), 1..4)) {
        run_all(&lines);
    }

    #[test]
    fn printable_ascii_never_panics(lines in proptest::collection::vec("[ -~]{0,40}", 1..4)) {
        run_all(&lines);
    }

    #[test]
    fn lines_built_from_the_language_never_panic(
        lines in proptest::collection::vec(assembled_line(), 1..6)
    ) {
        run_all(&lines);
    }

    #[test]
    fn calls_with_assembled_arguments_never_panic(
        name in proptest::sample::select(safe_command_names()),
        python_style in any::<bool>(),
        args in proptest::collection::vec(assembled_line(), 0..4),
    ) {
        let line = if python_style {
            format!("socket.{name}({})", args.join(", "))
        } else {
            format!("{name} {}", args.join(" "))
        };
        run_all(&[line]);
    }
}

#[test]
fn the_network_filter_catches_every_spelling() {
    assert!(mentions_unsafe_command("gethostbyname x"));
    assert!(mentions_unsafe_command("y = socket.getaddrinfo('a', 1)"));
    assert!(mentions_unsafe_command("inet_aton(getfqdn())"));
    assert!(mentions_unsafe_command("lab up"));
    assert!(!mentions_unsafe_command("inet_aton 127.0.0.1"));
}
