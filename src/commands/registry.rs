//! The one list of commands. Help, completion, hints, the signature check on
//! calls, the book's reference and the example tests all read it.

use crate::commands::output::Output;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

/// Where a command sits in `help`, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Topic {
    HostNames,
    AddressInfo,
    Services,
    Packing,
    ThisMachine,
    Probing,
    Sockets,
    Constants,
    Tutorial,
}

impl Topic {
    pub const ALL: [Topic; 9] = [
        Topic::HostNames,
        Topic::AddressInfo,
        Topic::Services,
        Topic::Packing,
        Topic::ThisMachine,
        Topic::Probing,
        Topic::Sockets,
        Topic::Constants,
        Topic::Tutorial,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Topic::HostNames => "Host names and DNS",
            Topic::AddressInfo => "getaddrinfo and getnameinfo",
            Topic::Services => "Ports, services and protocols",
            Topic::Packing => "Packing addresses and byte order",
            Topic::ThisMachine => "This machine and its addresses",
            Topic::Probing => "Is it up? ping and network sweeps",
            Topic::Sockets => "Live sockets: clients, servers and practice servers",
            Topic::Constants => "Constants",
            Topic::Tutorial => "Lessons",
        }
    }
}

/// How a bare command-style word is read when it lands in a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// Always text: `inet_aton 10` passes the string "10".
    Text,
    /// A number, a constant or flags joined with `|`.
    Integer,
    /// A number if it looks like one, otherwise text (a port or service).
    NumberOrText,
    /// Packed bytes; bare words stay text so the error says what is wanted.
    Packed,
    /// A socket address: `host:port` or `[v6]:port` become a tuple.
    SocketAddress,
    /// Bytes to send: bare words are sent as their UTF-8 bytes.
    Data,
    /// A word netrepl itself defines (a server kind or name, a lesson id):
    /// always that word, even where a variable has the same name.
    Word,
}

#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: ArgKind,
    pub required: bool,
}

impl Param {
    pub const fn required(name: &'static str, kind: ArgKind) -> Param {
        Param {
            name,
            kind,
            required: true,
        }
    }

    pub const fn optional(name: &'static str, kind: ArgKind) -> Param {
        Param {
            name,
            kind,
            required: false,
        }
    }
}

/// How CPython checks a function's arguments, which decides its error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallStyle {
    /// A C function parsing a tuple: positional only, "takes exactly N arguments".
    CPositional,
    /// A C function of one argument (`METH_O`), named `_socket.NAME` in errors.
    COneArg,
    /// A C function of none (`METH_NOARGS`).
    CNoArgs,
    /// A function written in Python (`socket.py`) or one of netrepl's own:
    /// keywords allowed, "missing N required positional arguments".
    Python,
}

/// An example shown in `help` and run by the tests: the input line and the
/// expected `--format python` output (`[..]` matches any text within a line).
#[derive(Clone, Copy, Debug)]
pub struct Example {
    pub input: &'static str,
    pub output: &'static str,
}

pub type Run = fn(&Args) -> CommandResult<Output>;

pub struct Command {
    pub name: &'static str,
    pub params: &'static [Param],
    pub style: CallStyle,
    pub topic: Topic,
    /// The Python call it mirrors, or `None` for netrepl's own commands.
    pub python: Option<&'static str>,
    pub summary: &'static str,
    pub description: &'static str,
    /// Whether it may send packets (DNS counts): such examples need the network.
    pub network: bool,
    pub examples: &'static [Example],
    pub run: Run,
}

impl Command {
    /// `getaddrinfo host port [family] [type] [proto] [flags]`
    pub fn signature(&self) -> String {
        let mut out = self.name.to_string();
        for p in self.params {
            out.push(' ');
            if p.required {
                out.push_str(p.name);
            } else {
                out.push('[');
                out.push_str(p.name);
                out.push(']');
            }
        }
        out
    }

    fn required_count(&self) -> usize {
        self.params.iter().filter(|p| p.required).count()
    }
}

/// Close matches for a mistyped name, best first (for "did you mean").
pub fn suggestions<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    // Edit distance takes time in the product of the two lengths: a pasted
    // megabyte must not take seconds, and no name that long is a typo.
    if name.len() > MAX_SUGGESTED_NAME {
        return Vec::new();
    }
    let lower = name.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| {
            let limit = (name.len().max(c.len()) / 3).max(1);
            // The distance is at least the difference in length.
            if c.len() > MAX_SUGGESTED_NAME || name.len().abs_diff(c.len()) > limit {
                return None;
            }
            let d = edit_distance(&lower, &c.to_ascii_lowercase());
            (d <= limit).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, c)| c).take(3).collect()
}

/// Names longer than this get no "did you mean", and are not suggested.
const MAX_SUGGESTED_NAME: usize = 100;

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A call's arguments, matched to the command's parameters.
pub struct Args {
    pub command: &'static Command,
    values: Vec<Option<Value>>,
}

impl Args {
    pub fn get(&self, index: usize) -> Option<&Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// How many arguments were given (used for Python's tuple-length checks).
    pub fn given(&self) -> usize {
        self.values.iter().filter(|v| v.is_some()).count()
    }
}

/// Matches positional and keyword arguments to parameters, failing exactly as
/// CPython does for the command's call style.
pub fn bind(
    command: &'static Command,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
) -> CommandResult<Args> {
    let name = command.name;
    let given = positional.len() + keywords.len();
    let max = command.params.len();
    let min = command.required_count();
    match command.style {
        CallStyle::CNoArgs if !keywords.is_empty() => {
            return Err(CommandError::type_error(format!(
                "_socket.{name}() takes no keyword arguments"
            )));
        }
        CallStyle::CNoArgs if given > 0 => {
            return Err(CommandError::type_error(format!(
                "_socket.{name}() takes no arguments ({given} given)"
            )));
        }
        CallStyle::COneArg if !keywords.is_empty() => {
            return Err(CommandError::type_error(format!(
                "_socket.{name}() takes no keyword arguments"
            )));
        }
        CallStyle::COneArg if given != 1 => {
            return Err(CommandError::type_error(format!(
                "_socket.{name}() takes exactly one argument ({given} given)"
            )));
        }
        CallStyle::CPositional if !keywords.is_empty() => {
            return Err(CommandError::type_error(format!(
                "{name}() takes no keyword arguments"
            )));
        }
        CallStyle::CPositional if given < min || given > max => {
            let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
            let message = if min == max {
                format!(
                    "{name}() takes exactly {min} {} ({given} given)",
                    plural(min)
                )
            } else if given < min {
                format!(
                    "{name}() takes at least {min} {} ({given} given)",
                    plural(min)
                )
            } else {
                format!(
                    "{name}() takes at most {max} {} ({given} given)",
                    plural(max)
                )
            };
            return Err(CommandError::type_error(message));
        }
        _ => {}
    }
    if positional.len() > max {
        let expected = if min == max {
            format!("{max}")
        } else {
            format!("from {min} to {max}")
        };
        let were = if positional.len() == 1 { "was" } else { "were" };
        let noun = if min == max && max == 1 {
            "argument"
        } else {
            "arguments"
        };
        return Err(CommandError::type_error(format!(
            "{name}() takes {expected} positional {noun} but {} {were} given",
            positional.len()
        )));
    }
    let mut values: Vec<Option<Value>> = vec![None; max];
    for (slot, value) in values.iter_mut().zip(positional) {
        *slot = Some(value);
    }
    for (key, value) in keywords {
        let Some(index) = command.params.iter().position(|p| p.name == key) else {
            return Err(CommandError::type_error(format!(
                "{name}() got an unexpected keyword argument '{key}'"
            )));
        };
        if values[index].is_some() {
            return Err(CommandError::type_error(format!(
                "{name}() got multiple values for argument '{key}'"
            )));
        }
        values[index] = Some(value);
    }
    let missing: Vec<String> = command
        .params
        .iter()
        .zip(&values)
        .filter(|(p, v)| p.required && v.is_none())
        .map(|(p, _)| format!("'{}'", p.name))
        .collect();
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            2 => format!("{} and {}", missing[0], missing[1]),
            n => format!("{}, and {}", missing[..n - 1].join(", "), missing[n - 1]),
        };
        let noun = if missing.len() == 1 {
            "argument"
        } else {
            "arguments"
        };
        return Err(CommandError::type_error(format!(
            "{name}() missing {} required positional {noun}: {list}",
            missing.len()
        )));
    }
    Ok(Args { command, values })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::all;

    #[test]
    fn every_command_is_described_and_named_uniquely() {
        let mut names: Vec<&str> = all().iter().map(|c| c.name).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate command names");
        for c in all() {
            assert!(
                !c.summary.is_empty() && c.summary.len() <= 80,
                "{}: summary",
                c.name
            );
            assert!(
                !c.summary.ends_with('.'),
                "{}: summaries have no full stop",
                c.name
            );
            assert!(!c.description.is_empty(), "{}: description", c.name);
            assert!(!c.examples.is_empty(), "{}: needs an example", c.name);
        }
    }

    #[test]
    fn suggestions_find_near_misses() {
        let names = all().iter().map(|c| c.name);
        assert_eq!(suggestions("gethostbynam", names)[0], "gethostbyname");
    }

    #[test]
    fn long_names_get_no_suggestion_and_are_not_compared() {
        let long = "gethostbyname".repeat(1000);
        assert!(suggestions(&long, all().iter().map(|c| c.name)).is_empty());
        let near_long = format!("{}x", &long[..99]);
        assert!(suggestions(&near_long, [long.as_str()].into_iter()).is_empty());
        assert!(
            suggestions("inet_aton_with_a_very_long_tail", ["inet_aton"].into_iter()).is_empty()
        );
    }
}
