//! `help` and `help NAME`, written from the command registry and the constants.

use std::fmt::Write;

use crate::commands;
use crate::commands::output::Output;
use crate::commands::registry::{self, Command, Topic};
use crate::commands::socket_constants;
use crate::commands::socket_methods;
use crate::commands::tutorial;
use crate::python::builtins;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::text_methods;

const WIDTH: usize = 78;

pub fn help(topic: Option<&str>) -> CommandResult<Output> {
    let Some(name) = topic else {
        return Ok(Output::text(overview()));
    };
    if let Some(command) = commands::find(name) {
        let mut text = command_help(command);
        if let Some(lesson) = tutorial::teaching_lesson(command.name) {
            let _ = write!(text, "\n  Lesson:   {lesson}");
        }
        if command.name == "socket" {
            text.push_str("\n\n  Methods (help socket.NAME tells more):");
            for m in socket_methods::METHODS {
                let _ = write!(text, "\n    {:<34} {}", m.signature(), m.summary);
            }
        }
        return Ok(Output::text(text));
    }
    if let Some(method) = socket_methods::find(name) {
        return Ok(Output::text(format!(
            "{}\n  {}\n\n  Python:   socket.socket.{}; see help socket for making one.",
            method.signature(),
            method.summary,
            method.name
        )));
    }
    if let Some(c) = socket_constants::find(name) {
        let shown = socket_constants::constant_value(c);
        return Ok(Output::text(format!(
            "{} = {}\n  {}\n  Python: socket.{}",
            c.name,
            c.value,
            c.meaning,
            if c.class.is_some() {
                format!("{} -> {}", c.name, shown.repr())
            } else {
                c.name.to_string()
            }
        )));
    }
    if builtins::is_builtin(name) || crate::python::iterables::is_builtin(name) || name == "python"
    {
        return Ok(Output::text(python_help()));
    }
    let candidates = commands::all()
        .iter()
        .map(|c| c.name)
        .chain(socket_constants::CONSTANTS.iter().map(|c| c.name));
    let suggestion = registry::suggestions(name, candidates)
        .first()
        .map(|s| s.to_string());
    let mut message = format!("no help for '{name}'");
    if let Some(s) = &suggestion {
        message.push_str(&format!(". Did you mean: '{s}'?"));
    }
    Err(CommandError::new(PyException::NameError, message)
        .explain("Type help to list every command."))
}

fn overview() -> String {
    let mut out = String::from("Commands, by topic (help NAME, or NAME?, tells more):\n");
    for topic in Topic::ALL {
        let _ = write!(out, "\n{}\n", topic.title());
        for c in commands::all().iter().filter(|c| c.topic == topic) {
            let _ = writeln!(out, "  {:<18} {}", c.name, c.summary);
        }
    }
    out.push_str(
        "\nType commands like a shell (inet_aton 10.0.0.1) or paste Python\n\
         (socket.inet_aton(\"10.0.0.1\")). _ is the last result; x = ... keeps one.\n\
         Settings: :format pretty|python|json, :timeout SECONDS, :vars, :quit (or Ctrl-D).\n\
         The Python around socket calls works too: help python.",
    );
    out
}

/// Names joined with commas, wrapped under the help text's second column.
fn listed(names: &[&str]) -> String {
    wrap(&names.join(", "), 58).join(&format!("\n{:18}", ""))
}

/// What of plain Python a pasted line may use besides the socket module.
fn python_help() -> String {
    let mut all_builtins: Vec<&str> = builtins::NAMES
        .iter()
        .chain(crate::python::iterables::NAMES)
        .copied()
        .collect();
    all_builtins.sort_unstable();
    format!(
        "Besides the socket module, pasted lines may use:\n\
         \n  Built-ins:      {}\
         \n  str methods:    {}\
         \n  bytes methods:  {}\
         \n  list methods:   {}\
         \n  dict methods:   {}\
         \n  set methods:    {}\
         \n  Operators:      + - * / // % ** << >> & | ^ ~, == != < <= > >=,\
         \n                  chained (1 < x < 9), in, not in, is, is not, and, or,\
         \n                  not, x if c else y, indexing and slicing (data[::-1])\
         \n  Expressions:    [x for x in ...], {{k: v for ...}}, {{x for ...}},\
         \n                  f(x for x in ...), lambda a, b=2: ..., dict and set\
         \n                  displays, f(*args), f(key=value)\
         \n  Assignments:    x = 1, a, b = ..., first, *rest = ..., x += 1,\
         \n                  d['k'] = v, a = b = 0\
         \n  Statements:     for, while (break, continue, else), if/elif/else, pass,\
         \n                  with socket(...) as s: (closes s at its end), on one\
         \n                  line or indented; typed, a block ends at an empty line\
         \n  Ints:           any size; n.bit_length(), n.to_bytes(4, 'big'),\
         \n                  int.from_bytes(b, 'big'), bytes.fromhex('7f00'), data.hex(':'),\
         \n                  binascii.hexlify/unhexlify (after import binascii)\
         \n  Formatting:     f'{{x!r:>8}} {{n=}}', '{{:>6}}'.format(...), format(n, '08b'),\
         \n                  '%5d %-10s %x' % (...), and the same % on bytes\
         \n  Module names:   AF_INET.name and .value, AddressFamily(2), socket.error,\
         \n                  dir(socket), getattr(socket, NAME), s.family, s.type,\
         \n                  s.proto, s.timeout\
         \n\n  Not run: def (except that a pasted def of a notes' helper, such as get_ip_4,\
         \n  says how to call the built-in one), class, try/except, return, yield, del,\
         \n  import of modules other than socket and binascii (os, subprocess, ...).\
         \n\n  print(...) shows its text in every format; the rest return values like any\
         \n  command. map, filter, zip, enumerate and reversed give iterators, taken once\
         \n  (list(...) shows them); d.keys(), .values() and .items() give views;\
         \n  memoryview(b'...') goes wherever bytes do. Example:\
         \n  {{getattr(socket, n): n for n in dir(socket) if n.startswith('IPPROTO_')}}",
        listed(&all_builtins),
        listed(text_methods::STR_METHODS),
        listed(text_methods::BYTES_METHODS),
        listed(crate::python::containers::LIST_METHODS),
        listed(crate::python::containers::DICT_METHODS),
        listed(crate::python::containers::SET_METHODS),
    )
}

pub fn command_help(c: &Command) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", c.signature());
    let _ = writeln!(out, "  {}\n", c.summary);
    for line in wrap(c.description, WIDTH - 2) {
        let _ = writeln!(out, "  {line}");
    }
    out.push('\n');
    match c.python {
        Some(py) => {
            let _ = writeln!(out, "  Python:   {py}");
        }
        None => {
            let _ = writeln!(
                out,
                "  Python:   (netrepl's own; no socket function of that name)"
            );
        }
    }
    for example in c.examples {
        let _ = writeln!(out, "  Example:  >>> {}", example.input);
        for line in example.output.lines() {
            let _ = writeln!(out, "            {}", line.replace("[..]", "…"));
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Greedy word wrap.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
