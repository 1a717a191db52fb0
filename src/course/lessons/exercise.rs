//! What an exercise asks of the line a learner types, and the verdict on one
//! attempt: the command, how it was typed (a Python call or command style),
//! the arguments that matter (exactly, as a pattern, or inside a network),
//! keyword arguments required or left out, and what came back.
//!
//! Nudges say which part differs, never what the answer is: they name the
//! parameter, not its expected value, and never echo an expected result.

use std::net::IpAddr;

use crate::course::transcript::line_matches;
use crate::python::value::Value;
use crate::session::{Attempt, Format, Observed, Outcome, Session, Syntax};

/// What an exercise expects the command to produce.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// Any successful run.
    Success,
    /// The result's Python repr, with `[..]` wildcards.
    Result(String),
    /// The error's Python line, with `[..]` wildcards.
    Error(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    pub id: String,
    pub task: String,
    pub command: String,
    pub expect: Expect,
    pub hints: Vec<String>,
    /// `(command, nudge)` for likely wrong attempts.
    pub wrong: Vec<(String, String)>,
    /// How the call must be typed, when the task says so.
    pub syntax: Option<Syntax>,
    /// What the arguments that matter must be.
    pub arguments: Vec<ArgRule>,
    /// The name the task says to keep the result as (`keep: NAME`): later
    /// exercises use it, so a line that does not assign it does not pass.
    pub keep: Option<String>,
    /// Lines run before each `accept` and `reject` line, to set the scene.
    pub setup: Vec<String>,
    /// `(line in the file, typed line)`: each must complete the exercise.
    pub accept: Vec<(usize, String)>,
    /// `(line in the file, typed line)`: plausible mistakes that must not.
    pub reject: Vec<(usize, String)>,
    /// What checking the accept and reject lines needs (`lab`), if anything.
    pub needs: Option<String>,
    /// For a question (`command: answer`): the line whose result is the
    /// right answer, run when the answer is checked.
    pub compute: Option<String>,
    pub line: usize,
}

/// One `arg:` line: a parameter (by name, or by its position from 1) and
/// what its value must be.
#[derive(Clone, Debug, PartialEq)]
pub struct ArgRule {
    pub param: String,
    pub test: ArgTest,
    /// What to tell a learner whose value fails the test.
    pub nudge: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgTest {
    /// `NAME = TEXT`: the value's `str()` is exactly TEXT.
    Equals(String),
    /// `NAME ~ PATTERN`: the value's `str()` matches, `[..]` standing for anything.
    Matches(String),
    /// `NAME in NETWORK`: an address (or a network) inside NETWORK.
    Inside(Network),
    /// `NAME given`: any value, as long as there is one.
    Given,
    /// `NAME absent`: the parameter must be left out.
    Absent,
}

/// An IPv4 or IPv6 network, `address/prefix`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Network {
    pub address: IpAddr,
    pub prefix: u8,
}

impl Network {
    /// `10.0.0.0/8`, `::1/128`, or a bare address (a network of one).
    pub fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let address: IpAddr = address.trim().parse().ok()?;
        let most = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= most)?,
            None => most,
        };
        Some(Network { address, prefix })
    }

    fn bits(address: IpAddr) -> (u128, u32) {
        match address {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
            IpAddr::V6(v6) => (u128::from(v6), 128),
        }
    }

    /// Whether every address of `other` is in this network.
    pub fn contains(&self, other: &Network) -> bool {
        let (mine, width) = Network::bits(self.address);
        let (theirs, other_width) = Network::bits(other.address);
        if width != other_width || other.prefix < self.prefix {
            return false;
        }
        let host_bits = width - u32::from(self.prefix);
        let shift = |bits: u128| bits.checked_shr(host_bits).unwrap_or(0);
        shift(mine) == shift(theirs)
    }
}

/// Reads the value of an `arg:` line: `NAME OP VALUE [=> nudge]`.
pub fn parse_arg_rule(text: &str) -> Result<ArgRule, String> {
    let (rule, nudge) = match text.split_once("=>") {
        Some((rule, nudge)) => (rule.trim(), Some(nudge.trim().to_string())),
        None => (text.trim(), None),
    };
    let usage = "an arg line is `arg: NAME = TEXT`, `NAME ~ PATTERN`, `NAME in NETWORK`, `NAME given` or `NAME absent`, optionally followed by `=> what to tell the learner`";
    let (param, rest) = rule
        .split_once(char::is_whitespace)
        .ok_or_else(|| usage.to_string())?;
    let rest = rest.trim();
    let test = if let Some(value) = rest.strip_prefix('=') {
        ArgTest::Equals(value.trim().to_string())
    } else if let Some(pattern) = rest.strip_prefix('~') {
        ArgTest::Matches(pattern.trim().to_string())
    } else if let Some(network) = rest.strip_prefix("in ") {
        let network = network.trim();
        ArgTest::Inside(
            Network::parse(network)
                .ok_or_else(|| format!("`{network}` is not a network such as 127.0.0.0/8"))?,
        )
    } else if rest == "given" {
        ArgTest::Given
    } else if rest == "absent" {
        ArgTest::Absent
    } else {
        return Err(usage.to_string());
    };
    if nudge.as_deref() == Some("") {
        return Err("the nudge after `=>` is empty; say what to tell the learner".into());
    }
    Ok(ArgRule {
        param: param.to_string(),
        test,
        nudge,
    })
}

/// Reads the value of a `style:` line.
pub fn parse_syntax(text: &str) -> Result<Syntax, String> {
    match text.trim() {
        "python" => Ok(Syntax::Python),
        "command" => Ok(Syntax::Command),
        other => Err(format!(
            "`style: {other}` is not a style; use `style: python` (a call with parentheses) or `style: command`"
        )),
    }
}

/// The tutor's verdict on one attempt at an exercise.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Done,
    /// The attempt was at this exercise but differs; what to say.
    Nudge(String),
    /// Another command, with nothing to say about it.
    Unrelated,
}

/// The right answer to a question, worked out on this machine by running
/// the exercise's `compute:` line in a session of its own; `None` for an
/// exercise that is not a question.
pub fn expected_answer(exercise: &Exercise) -> Option<Result<Value, String>> {
    let line = exercise.compute.as_deref()?;
    let mut session = Session::new(Format::Python);
    Some(match session.run_line(line) {
        Outcome::Shown(output) => Ok(output.value),
        Outcome::Failed(error) => Err(error.python_line()),
        _ => Err(format!("`{line}` shows no value")),
    })
}

/// Whether an answer means the same as the expected value: equal, or the
/// same when printed (an enum member and its number, `'1024'` and 1024). Two
/// constants must be the same constant: SOCK_DGRAM and AF_INET are both 2,
/// but one is not the other's answer. A constant may be named in quotes.
fn same_answer(given: &Value, expected: &Value) -> bool {
    match (given, expected) {
        (Value::Enum(a), Value::Enum(b)) => a.class == b.class && a.value == b.value,
        (Value::Str(name), Value::Enum(member)) if member.names.contains(name) => true,
        _ => given == expected || given.to_python_str() == expected.to_python_str(),
    }
}

/// Judges one attempt. Nudges name what differs, never the expected value.
pub fn judge(exercise: &Exercise, attempt: &Attempt) -> Verdict {
    if exercise.compute.is_some() {
        if attempt.command.as_deref() != Some("answer") {
            return Verdict::Unrelated;
        }
        return judge_answer(attempt, expected_answer(exercise));
    }
    judge_call(exercise, attempt)
}

/// A question's verdict, given the right answer as this machine works it out.
pub fn judge_answer(attempt: &Attempt, expected: Option<Result<Value, String>>) -> Verdict {
    if attempt.command.as_deref() != Some("answer") {
        return Verdict::Unrelated;
    }
    let given = attempt.arguments.first().and_then(|(_, v)| v.as_ref());
    match (given, expected) {
        (None, _) => Verdict::Nudge("✗ Give your answer after the word: `answer 42`.".into()),
        (Some(given), Some(Ok(expected))) if same_answer(given, &expected) => Verdict::Done,
        (Some(_), Some(Ok(_))) => {
            Verdict::Nudge("✗ That is not it. Think it through again, or type hint.".into())
        }
        (Some(_), Some(Err(why))) => Verdict::Nudge(format!(
            "✗ This question could not be worked out on this machine ({why}); type next to go on."
        )),
        (Some(_), None) => Verdict::Unrelated,
    }
}

/// Judges a call: command, syntax, arguments, then what came back.
fn judge_call(exercise: &Exercise, attempt: &Attempt) -> Verdict {
    let Some(command) = attempt.command.as_deref() else {
        return Verdict::Unrelated;
    };
    if command != exercise.command {
        return exercise
            .wrong
            .iter()
            .find(|(wrong, _)| wrong == command)
            .map_or(Verdict::Unrelated, |(_, nudge)| {
                Verdict::Nudge(format!("✗ Not quite: {nudge}"))
            });
    }
    if let Some(wanted) = exercise.syntax
        && wanted != attempt.syntax
    {
        return Verdict::Nudge(match wanted {
            Syntax::Python => format!(
                "✗ Right command, but the task asks for it as Python writes it: `{command}(...)`, with parentheses."
            ),
            Syntax::Command => format!(
                "✗ Right command, but the task asks for command style: `{command} ...`, without parentheses."
            ),
        });
    }
    for rule in &exercise.arguments {
        if let Some(nudge) = argument_nudge(rule, &attempt.arguments) {
            return Verdict::Nudge(format!("✗ Not quite: {nudge}"));
        }
    }
    let passed = match (&exercise.expect, &attempt.observed) {
        (Expect::Success, Observed::Result(_)) => true,
        (Expect::Result(pattern), Observed::Result(repr)) => line_matches(pattern, repr),
        (Expect::Error(pattern), Observed::Error(line)) => line_matches(pattern, line),
        _ => false,
    };
    if passed
        && let Some(name) = &exercise.keep
        && !attempt.assigned_names.contains(name)
    {
        return Verdict::Nudge(format!(
            "✗ Right result, but the task asks you to keep it as {name}: type the line again with `{name} = ` in front."
        ));
    }
    if passed {
        return Verdict::Done;
    }
    Verdict::Nudge(match (&exercise.expect, &attempt.observed) {
        (Expect::Error(_), Observed::Result(got)) => format!(
            "✗ Right command, but got {got}; the task expects it to fail. Type hint if you are stuck."
        ),
        (_, Observed::Error(error)) => {
            format!("✗ Right command, but it raised {error}. Type hint if you are stuck.")
        }
        (_, Observed::Result(got)) => format!(
            "✗ Right command, but got {got}; that is not what the task asks for. Type hint if you are stuck."
        ),
    })
}

/// Where `rule` finds its parameter in a call's arguments: by name, or by
/// position counted from 1.
fn find_argument<'a>(
    param: &str,
    arguments: &'a [(&'static str, Option<Value>)],
) -> Option<(&'static str, Option<&'a Value>)> {
    let index = match param.parse::<usize>() {
        Ok(position) => position.checked_sub(1)?,
        Err(_) => arguments.iter().position(|(name, _)| *name == param)?,
    };
    arguments
        .get(index)
        .map(|(name, value)| (*name, value.as_ref()))
}

/// Stands, in an `arg:` rule's value, for the learner's own runtime
/// directory (what `runtime_dir()` returns), so that a rule can name a Unix
/// socket path that is each learner's own.
pub const RUNTIME_DIR_PLACEHOLDER: &str = "{runtime_dir}";

fn expand_runtime_dir(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(RUNTIME_DIR_PLACEHOLDER) {
        return text.into();
    }
    match crate::commands::user_dirs::runtime_dir() {
        Ok(dir) => text
            .replace(RUNTIME_DIR_PLACEHOLDER, &dir.to_string_lossy())
            .into(),
        // No runtime directory: no value can be in it.
        Err(_) => text.into(),
    }
}

/// What is wrong with the argument `rule` looks at, if anything.
fn argument_nudge(rule: &ArgRule, arguments: &[(&'static str, Option<Value>)]) -> Option<String> {
    let found = find_argument(&rule.param, arguments);
    let name = found.map_or(rule.param.as_str(), |(name, _)| name);
    let value = found.and_then(|(_, value)| value);
    let fits = match (&rule.test, value) {
        (ArgTest::Absent, value) => value.is_none(),
        (_, None) => false,
        (ArgTest::Given, Some(_)) => true,
        (ArgTest::Equals(text), Some(v)) => v.to_python_str() == expand_runtime_dir(text),
        (ArgTest::Matches(pattern), Some(v)) => {
            line_matches(&expand_runtime_dir(pattern), &v.to_python_str())
        }
        (ArgTest::Inside(network), Some(v)) => {
            Network::parse(&v.to_python_str()).is_some_and(|typed| network.contains(&typed))
        }
    };
    if fits {
        return None;
    }
    Some(
        rule.nudge
            .clone()
            .unwrap_or_else(|| match (&rule.test, value) {
                (ArgTest::Absent, _) => format!("leave out {name} this time."),
                (_, None) => format!("the task needs {name} as well."),
                (ArgTest::Inside(_), Some(_)) => {
                    format!("{name} is outside the range the task names.")
                }
                _ => format!("{name} is not the one the task names."),
            }),
    )
}

/// Problems with an exercise that only the command's parameters reveal.
pub fn parameter_problems(exercise: &Exercise, params: &[&str]) -> Vec<(usize, String)> {
    exercise
        .arguments
        .iter()
        .filter(|rule| match rule.param.parse::<usize>() {
            Ok(position) => position == 0 || position > params.len(),
            Err(_) => !params.contains(&rule.param.as_str()),
        })
        .map(|rule| {
            (
                exercise.line,
                format!(
                    "exercise `{}`: `{}` has no parameter `{}`; its parameters are {}",
                    exercise.id,
                    exercise.command,
                    rule.param,
                    if params.is_empty() {
                        "none".to_string()
                    } else {
                        params.join(", ")
                    }
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(rules: &[&str], syntax: Option<Syntax>, expect: Expect) -> Exercise {
        Exercise {
            id: "x".into(),
            task: "t".into(),
            command: "ipinfo".into(),
            expect,
            hints: vec!["h".into()],
            wrong: vec![("gethostbyname".into(), "that looks up a name".into())],
            syntax,
            arguments: rules.iter().map(|r| parse_arg_rule(r).unwrap()).collect(),
            keep: None,
            setup: Vec::new(),
            accept: Vec::new(),
            reject: Vec::new(),
            needs: None,
            compute: None,
            line: 1,
        }
    }

    fn attempt(command: &str, syntax: Syntax, args: &[(&'static str, Option<&str>)]) -> Attempt {
        Attempt {
            line: String::new(),
            command: Some(command.into()),
            syntax,
            arguments: args.iter().map(|(n, v)| (*n, v.map(Value::str))).collect(),
            assigned_names: Vec::new(),
            observed: Observed::Result("{'addresses': 65536}".into()),
        }
    }

    #[test]
    fn the_argument_must_be_the_one_the_task_names() {
        let e = exercise(
            &["address = 10.20.0.0/16 => that is a different network from the one the task names"],
            None,
            Expect::Result("{[..]'addresses': 65536}".into()),
        );
        let right = attempt(
            "ipinfo",
            Syntax::Command,
            &[("address", Some("10.20.0.0/16"))],
        );
        assert_eq!(judge(&e, &right), Verdict::Done);
        let other = attempt(
            "ipinfo",
            Syntax::Command,
            &[("address", Some("10.99.0.0/16"))],
        );
        let Verdict::Nudge(nudge) = judge(&e, &other) else {
            panic!("a nudge")
        };
        assert!(nudge.contains("different network"), "{nudge}");
        assert!(!nudge.contains("10.20"), "never the answer: {nudge}");
    }

    #[test]
    fn networks_patterns_keywords_and_syntax_are_checked() {
        let e = exercise(
            &["1 in 127.0.0.0/8", "resolve = False", "yes absent"],
            Some(Syntax::Python),
            Expect::Success,
        );
        let call = |syntax, host, resolve, yes| {
            attempt(
                "ipinfo",
                syntax,
                &[("address", host), ("resolve", resolve), ("yes", yes)],
            )
        };
        let good = call(Syntax::Python, Some("127.0.0.0/24"), Some("False"), None);
        assert_eq!(judge(&e, &good), Verdict::Done);
        for bad in [
            call(Syntax::Command, Some("127.0.0.0/24"), Some("False"), None),
            call(Syntax::Python, Some("10.0.0.0/24"), Some("False"), None),
            call(Syntax::Python, Some("127.0.0.0/4"), Some("False"), None),
            call(Syntax::Python, Some("127.0.0.1"), None, None),
            call(
                Syntax::Python,
                Some("127.0.0.1"),
                Some("False"),
                Some("True"),
            ),
        ] {
            assert!(
                matches!(judge(&e, &bad), Verdict::Nudge(_)),
                "{bad:?} must not pass"
            );
        }
    }

    #[test]
    fn a_wrong_result_is_named_without_the_expected_one() {
        let e = exercise(&[], None, Expect::Result("{'integer': 167772161}".into()));
        let got = attempt("ipinfo", Syntax::Command, &[]);
        let Verdict::Nudge(nudge) = judge(&e, &got) else {
            panic!("a nudge")
        };
        assert!(!nudge.contains("167772161"), "{nudge}");
        let other = attempt("gethostbyname", Syntax::Command, &[]);
        assert_eq!(
            judge(&e, &other),
            Verdict::Nudge("✗ Not quite: that looks up a name".into())
        );
        let unrelated = attempt("htons", Syntax::Command, &[]);
        assert_eq!(judge(&e, &unrelated), Verdict::Unrelated);
    }

    #[test]
    fn a_question_is_checked_against_what_the_machine_works_out() {
        let mut question = exercise(&[], None, Expect::Success);
        question.command = "answer".into();
        question.compute = Some("2**(32 - 22)".into());
        let answer = |value: Value| Attempt {
            line: String::new(),
            command: Some("answer".into()),
            syntax: Syntax::Command,
            arguments: vec![("value", Some(value))],
            assigned_names: Vec::new(),
            observed: Observed::Result("None".into()),
        };
        assert_eq!(judge(&question, &answer(Value::Int(1024))), Verdict::Done);
        assert_eq!(judge(&question, &answer(Value::str("1024"))), Verdict::Done);
        let Verdict::Nudge(nudge) = judge(&question, &answer(Value::Int(1000))) else {
            panic!("a nudge")
        };
        assert!(!nudge.contains("1024"), "{nudge}");
        let other = attempt("htons", Syntax::Command, &[]);
        assert_eq!(judge(&question, &other), Verdict::Unrelated);
    }

    #[test]
    fn a_constant_is_only_the_answer_when_it_is_the_same_constant() {
        let constant = |class: &'static str, name: &str, value| {
            Value::Enum(crate::python::value::EnumMember {
                class,
                names: vec![name.to_string()],
                value,
            })
        };
        let dgram = constant("SocketKind", "SOCK_DGRAM", 2);
        assert!(same_answer(&dgram.clone(), &dgram));
        assert!(same_answer(&Value::Int(2), &dgram));
        assert!(same_answer(&Value::str("SOCK_DGRAM"), &dgram));
        assert!(!same_answer(
            &constant("AddressFamily", "AF_INET", 2),
            &dgram
        ));
        assert!(!same_answer(&Value::str("AF_INET"), &dgram));
    }

    #[test]
    fn arg_lines_are_read_or_refused_with_the_fix() {
        assert!(parse_arg_rule("address").is_err());
        assert!(parse_arg_rule("address in 300.0.0.0/8").is_err());
        assert!(parse_arg_rule("address = x =>").is_err());
        assert_eq!(
            parse_arg_rule("2 ~ 12[..]").unwrap().test,
            ArgTest::Matches("12[..]".into())
        );
        let v6 = Network::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(&Network::parse("2001:db8:1::5").unwrap()));
        assert!(!v6.contains(&Network::parse("2001:db9::1").unwrap()));
        assert!(
            Network::parse("0.0.0.0/0")
                .unwrap()
                .contains(&Network::parse("8.8.8.8").unwrap())
        );
    }
}
