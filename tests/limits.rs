//! Issue 10: nothing a learner types may crash netrepl or take the
//! machine's memory. Deep nesting is refused before the parser, the
//! evaluator or `repr` recurse too far, and huge sizes before anything is
//! allocated, each with the error CPython gives where it gives one.
//!
//! Network rule: every line here is arithmetic, text or a local command
//! (`inet_aton`, `len`), so nothing reaches the network.

mod support;

use netrepl::session::{Format, Outcome, Session};

/// The stack of the main thread, where netrepl runs sessions (Linux's
/// default 8 MiB); test threads get less by default.
const MAIN_STACK: usize = 8 << 20;

/// Runs lines in one fresh session on a thread with the main thread's stack and
/// returns what each gave: its repr, its error's Python line, or "".
fn run_on_main_stack(lines: Vec<String>) -> Vec<String> {
    std::thread::Builder::new()
        .stack_size(MAIN_STACK)
        .spawn(move || {
            let mut session = Session::new(Format::Python);
            lines
                .iter()
                .map(|line| match session.run_line(line) {
                    Outcome::Shown(output) => output.value.repr(),
                    Outcome::Failed(error) => error.python_line(),
                    _ => String::new(),
                })
                .collect()
        })
        .expect("spawn a thread")
        .join()
        .expect("the session survives")
}

fn run_one(line: String) -> String {
    run_on_main_stack(vec![line]).remove(0)
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

const TOO_MANY_BRACKETS: &str = "SyntaxError: too many nested parentheses";
const TOO_DEEP: &str = "RecursionError: maximum recursion depth exceeded during compilation";

#[test]
fn brackets_stop_at_cpythons_two_hundred_levels() {
    assert_eq!(run_one(nested("(", "1", ")", 200)), "1");
    assert_eq!(run_one(nested("[", "1", "]", 3)), "[[[1]]]");
    for line in [
        nested("(", "1", ")", 201),
        nested("(", "1", ")", 2500),
        nested("[", "1", "]", 2500),
        nested("str(", "1", ")", 2500),
        nested("([", "1", "])", 5000),
        "(".repeat(2500),
        format!("{}1", "[".repeat(2500)),
        format!("len {}", nested("(", "'x'", ")", 2500)),
        format!("inet_aton {}", "[".repeat(2500)),
        format!("x = {}", nested("(", "1", ")", 300)),
    ] {
        assert_eq!(run_one(line), TOO_MANY_BRACKETS);
    }
}

#[test]
fn long_chains_are_refused_by_depth_not_by_the_stack() {
    assert_eq!(run_one(format!("{}1", "-".repeat(998))), "1");
    assert_eq!(run_one(format!("{}1", "-".repeat(999))), "-1");
    assert_eq!(run_one(["1"; 1000].join("+")), "1000");
    assert_eq!(run_one(format!("{}1", "+".repeat(20_000))), "1");
    for line in [
        format!("{}1", "-".repeat(1000)),
        format!("{}1", "-".repeat(20_000)),
        format!("{}1", "- ".repeat(5000)),
        ["1"; 100_000].join("+"),
        ["1"; 100_000].join("-"),
        ["1"; 100_000].join("*"),
        ["1"; 100_000].join("**"),
        ["2"; 5000].join("**-"),
        ["1"; 100_000].join("|"),
        ["1"; 100_000].join("<<0<<"),
        format!("b'x'{}", "[0:]".repeat(5000)),
        format!("'x'{}", "[0]".repeat(5000)),
        format!("'x'{}", ".upper()".repeat(5000)),
        format!("x{}", "()".repeat(5000)),
        format!("x{}", ".a".repeat(5000)),
    ] {
        assert_eq!(run_one(line), TOO_DEEP);
    }
}

#[test]
fn the_deepest_accepted_expressions_evaluate_on_the_main_stack() {
    let deepest = [
        format!("{}1", "-".repeat(999)),
        ["1"; 1000].join("+"),
        ["1"; 1000].join("**"),
        format!("'ab'{}", ".upper()".repeat(499)),
        format!("b'x'{}", "[0:]".repeat(998)),
        nested("str(", "1", ")", 200),
        nested("len(str(", "1", "))", 100),
        format!("inet_aton {}", nested("str(", "'1.2.3.4'", ")", 199)),
        nested("[", "1", "]", 200),
    ];
    for line in deepest {
        let answer = run_one(line.clone());
        assert!(
            !answer.starts_with("RecursionError") && !answer.starts_with("SyntaxError"),
            "{}...: {answer}",
            &line[..40.min(line.len())]
        );
    }
}

#[test]
fn values_nested_one_line_at_a_time_stop_before_repr_and_drop_recurse_too_far() {
    let mut lines = vec!["a = []".to_string()];
    lines.extend(std::iter::repeat_n("a = [a]".to_string(), 600));
    lines.push("len(a)".to_string());
    lines.push("a == a".to_string());
    lines.push("b = (a, a)".to_string());
    let answers = run_on_main_stack(lines);
    assert_eq!(answers[499], "", "500 levels are fine");
    assert_eq!(
        answers[500],
        "RecursionError: netrepl nests lists and tuples at most 500 deep"
    );
    assert_eq!(answers[601], "1");
    assert_eq!(answers[602], "True");
    assert_eq!(
        answers[603],
        "RecursionError: netrepl nests lists and tuples at most 500 deep"
    );
}

/// Every line and what netrepl answers in `--format python`, through the
/// real binary.
fn answers(lines: &[&str]) -> Vec<String> {
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    support::run_merged(support::netrepl("python"), &input)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_binary_survives_deep_lines_in_every_style() {
    let deep_brackets = nested("(", "1", ")", 2500);
    let deep_signs = format!("{}1", "-".repeat(10_000));
    let deep_sum = ["1"; 10_000].join("+");
    let unclosed = "[".repeat(2500);
    let command = format!("inet_aton {}", nested("(", "'1.2.3.4'", ")", 2500));
    let lines = [
        deep_brackets.as_str(),
        deep_signs.as_str(),
        deep_sum.as_str(),
        unclosed.as_str(),
        command.as_str(),
        "1 + 1",
    ];
    assert_eq!(
        answers(&lines),
        [
            TOO_MANY_BRACKETS,
            TOO_DEEP,
            TOO_DEEP,
            TOO_MANY_BRACKETS,
            TOO_MANY_BRACKETS,
            "2"
        ]
    );
}

const NUMBER_LIMIT: &str =
    "OverflowError: netrepl keeps numbers under 8388608 bits; that result would be larger";

fn value_budget(needs: &str) -> String {
    format!("MemoryError: netrepl keeps each value under 64 MiB; this one would need {needs}")
}

#[test]
fn size_computations_near_the_integer_limits_never_wrap() {
    let lines = [
        "1 << 18446744073709551615",
        "1 << 18446744073709551616",
        "-1 << 18446744073709551615",
        "2**(2**22) * 2**(2**22)",
        "10**10**10",
        "(2**64) ** (2**64)",
        "'ab' * 2**62",
        "'a' * 2**62",
        "[1, 2] * 2**62",
        "(1,) * (2**63 - 1)",
        "bytes(2**62)",
        "bytes(2**63 - 1)",
    ];
    let expected = [
        NUMBER_LIMIT.to_string(),
        NUMBER_LIMIT.to_string(),
        NUMBER_LIMIT.to_string(),
        NUMBER_LIMIT.to_string(),
        NUMBER_LIMIT.to_string(),
        NUMBER_LIMIT.to_string(),
        "OverflowError: repeated string is too long".to_string(),
        value_budget("4294967296.0 GiB"),
        value_budget("more bytes than the machine can address"),
        value_budget("more bytes than the machine can address"),
        value_budget("4294967296.0 GiB"),
        value_budget("8589934592.0 GiB"),
    ];
    assert_eq!(answers(&lines), expected);
}

#[test]
fn results_are_refused_by_their_bytes_before_they_are_allocated() {
    let lines = [
        "['a'*10**6]*10**6",
        "[b'x'*2**20]*2**20",
        "('a'*10**6).replace('a', 'a'*1000)",
        "(b'a'*10**6).replace(b'a', b'a'*1000)",
        "'-'.join(['a'*10**6]*70)",
        "b'-'.join([b'a'*10**6]*70)",
        "'{}{}'.format('a'*40000000, 'b'*40000000)",
        "(','*50000000).split(',')",
        "(b','*50000000).split(b',')",
        "(' a'*20000000).split()",
        "list('a'*10**7)",
        "tuple(b'x'*10**7)",
        "(b'x'*40000000).hex()",
        "repr(b'\\x00'*2**25)",
        "str(b'\\x00'*2**25)",
        "print(b'x'*2**25, b'x'*2**25)",
        "[b'x'*2**25, b'x'*2**25]",
        "b'x'*2**25 + b'x'*2**25",
        "'x'*10**6 + 'y'",
        "len(b'x'*(2**26 - 100))",
        "len(b'x'*2**26)",
    ];
    let answers = answers(&lines);
    let mut expected = vec!["MemoryError: netrepl keeps each value under 64 MiB; "; lines.len()];
    expected[18] = "'xxxxxxxxxx";
    expected[19] = "67108764";
    assert_eq!(answers.len(), lines.len(), "{answers:?}");
    for ((line, answer), start) in lines.iter().zip(&answers).zip(expected) {
        assert!(
            answer.starts_with(start),
            "{line}: {}",
            &answer[..answer.len().min(80)]
        );
    }
    assert_eq!(answers[20], value_budget("64.1 MiB"));
}

#[test]
fn variables_together_stay_under_the_session_budget() {
    let lines = [
        "x = b'x' * 60_000_000",
        "a = x",
        "b = x",
        "c = x",
        "d = x",
        "a = b'small'",
        "d = x",
        "len(d)",
    ];
    let over = "MemoryError: netrepl keeps all variables together under 256 MiB; \
                they would need 286.2 MiB";
    assert_eq!(answers(&lines), [over, "60000000"]);
}

#[test]
fn a_pretty_memory_error_says_why_in_plain_words() {
    let output = support::run_merged(support::netrepl("pretty"), "'a' * 10**9\n");
    assert!(output.contains("MemoryError: netrepl keeps each value under 64 MiB"));
    assert!(output.contains("refuses before allocating"), "{output}");
}

#[test]
fn a_mistyped_name_of_a_megabyte_gets_no_suggestion() {
    let long = "gethostbynam".repeat(100_000);
    let lines = [
        format!("{long} localhost"),
        format!("socket.{long}"),
        "gethostbynam x".into(),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let answers = answers(&lines);
    assert!(answers[0].starts_with("NameError: name 'gethostbynamgethostbynam"));
    assert!(!answers[0].contains("Did you mean"));
    assert!(answers[1].starts_with("AttributeError: module 'socket' has no attribute"));
    assert!(!answers[1].contains("Did you mean"));
    assert_eq!(
        answers[2],
        "NameError: name 'gethostbynam' is not defined. Did you mean: 'gethostbyname'?"
    );
}
