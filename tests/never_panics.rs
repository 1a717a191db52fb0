//! Nothing a user types may panic: arbitrary lines, and lines assembled from
//! the pieces of the language (command names, quotes, brackets, escapes,
//! numbers, `|`, `=`), go through `Session::run_line`.
//!
//! Deep nesting (brackets up to 5000, signs and operator chains up to
//! 20000) and huge sizes (shift counts, repetition counts, widths) must be
//! refused with an error, not a stack overflow or an allocation failure.
//!
//! Network rule: the lines never name a command that resolves names or
//! sends packets (gethostbyname, getaddrinfo, ping, ...) or changes the
//! machine (lab), so random text cannot become a DNS query for a random
//! name. Such lines are filtered out, and the pieces are drawn only from the
//! commands that stay on this machine.

use netrepl::commands;
use netrepl::commands::registry;
use netrepl::session::{Format, Outcome, Session};
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

/// Like `run_all`, then checks the session still answers, on a thread with the stack netrepl's main thread has
/// (8 MiB; test threads get 2), for lines as deep as netrepl accepts.
fn run_all_on_main_stack(lines: Vec<String>) {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let mut session = Session::new(Format::Python);
            for line in lines.iter().filter(|line| !mentions_unsafe_command(line)) {
                let _ = session.run_line(line);
            }
            // Refusing a line leaves the session as it was, still answering.
            match session.run_line("1 + 1") {
                Outcome::Shown(output) => assert_eq!(output.value.repr(), "2"),
                other => panic!("the session stopped answering: {other:?}"),
            }
        })
        .expect("spawn a thread")
        .join()
        .expect("the session survives");
}

/// An opening that nests: a bracket, a list, a call of a built-in, or a
/// call of a local command.
fn opener() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "(",
        "[",
        "str(",
        "len(",
        "repr(",
        "inet_aton(",
        "(1,",
        "[0]*(",
    ])
}

/// Up to 5000 nested openings around a token, closed, half closed or not at all.
fn deep_brackets() -> impl Strategy<Value = String> {
    (opener(), 0..5000usize, token(), 0..3u8, any::<bool>()).prop_map(
        |(open, depth, inner, closing, command_style)| {
            let close = if open.starts_with('[') && !open.ends_with('(') {
                "]"
            } else {
                ")"
            };
            let closes = match closing {
                0 => depth,
                1 => depth / 2,
                _ => 0,
            };
            let line = format!("{}{inner}{}", open.repeat(depth), close.repeat(closes));
            if command_style {
                format!("inet_aton {line}")
            } else {
                line
            }
        },
    )
}

/// Up to 20000 unary signs or chained binary operators.
fn long_chain() -> impl Strategy<Value = String> {
    let link = proptest::sample::select(vec![
        "-", "+", "- ", "~", "not ", "+-", "1+", "1-", "1*", "1**", "2**-", "1|", "1<<", "x.",
        "x[0]", "()",
    ]);
    (link, 0..20_000usize, token()).prop_map(|(link, n, end)| format!("{}{end}", link.repeat(n)))
}

/// Counts and widths at the edges of every integer size CPython or Rust uses.
fn huge_count() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "2**62",
            "2**63",
            "2**63-1",
            "2**64",
            "2**64-1",
            "-2**64",
            "18446744073709551615",
            "2**127-1",
            "10**10**10",
            "2**31",
            "2**32",
            "10**8",
            "67108864",
            "-1",
            "0",
        ])
        .prop_map(str::to_string),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i128>().prop_map(|n| n.to_string()),
        (0..70_000_000u64).prop_map(|n| n.to_string()),
    ]
}

/// A size computation with a huge count: shifts, powers, repetition,
/// `bytes(n)`, text methods and format widths.
fn huge_size() -> impl Strategy<Value = String> {
    let shape = proptest::sample::select(vec![
        "1 << {}",
        "-1 << {}",
        "0 << {}",
        "1 >> {}",
        "2 ** {}",
        "{} ** {}",
        "{} * {}",
        "'ab' * {}",
        "{} * 'x'",
        "b'xy' * {}",
        "[1, 'a'] * {}",
        "(0,) * {}",
        "[] * {}",
        "['a'*10**6] * {}",
        "[b'x'*2**20] * {}",
        "bytes({})",
        "str({})",
        "hex({})",
        "'x'.ljust({})",
        "'{{:>{}}}'.format(1)",
        "'{{:{}}}'.format('a')",
        "'x' * ({} % 2**27)",
        "('a' * ({} % 2**22)).replace('a', 'abc')",
        "'-'.join(['ab'] * ({} % 2**24))",
        "(b',' * ({} % 2**25)).split(b',')",
        "list('a' * ({} % 2**25))",
        "b'x'[{}:]",
        "'x'[{}]",
        "inet_ntoa(b'\\x00' * ({} % 8))",
    ]);
    (shape, huge_count(), huge_count())
        .prop_map(|(shape, a, b)| shape.replacen("{}", &a, 1).replacen("{}", &b, 1))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn deep_brackets_never_crash(lines in proptest::collection::vec(deep_brackets(), 1..4)) {
        run_all_on_main_stack(lines);
    }

    #[test]
    fn long_chains_never_crash(lines in proptest::collection::vec(long_chain(), 1..4)) {
        run_all_on_main_stack(lines);
    }

    #[test]
    fn huge_sizes_are_refused_not_allocated(lines in proptest::collection::vec(huge_size(), 1..6)) {
        run_all_on_main_stack(lines);
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
