//! `constants [PREFIX]`: the module's constants by name, as the notes list
//! `IPPROTO_*` by looping over `dir(socket)`.

use crate::commands::output::{Output, Table, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::commands::socket_constants::{self, constant_value};
use crate::python::error::CommandResult;
use crate::python::value::Value;

pub const CONSTANTS: Command = Command {
    name: "constants",
    params: &[Param::optional("prefix", ArgKind::Text)],
    style: CallStyle::Python,
    topic: Topic::Constants,
    python: Some("{n: getattr(socket, n) for n in dir(socket) if n.startswith(prefix)}"),
    summary: "List the socket module's constants, optionally by prefix (AF_, IPPROTO_, ...)",
    description: "Shows constants with their values and what each means. Give a prefix to narrow the list: AF_ (address families), SOCK_ (socket types), IPPROTO_ (protocol numbers), AI_ and NI_ (getaddrinfo and getnameinfo flags), SO_, TCP_, IP_ (socket options). Any constant can also be typed on its own, like AF_INET.",
    network: false,
    examples: &[Example {
        input: "constants SOCK_S",
        output: "{'SOCK_SEQPACKET': <SocketKind.SOCK_SEQPACKET: 5>, 'SOCK_STREAM': <SocketKind.SOCK_STREAM: 1>}",
    }],
    run: list_constants,
};

fn list_constants(args: &Args) -> CommandResult<Output> {
    let prefix = match args.get(0) {
        None | Some(Value::None) => String::new(),
        Some(v) => crate::python::convert::text(v, "constants", 1)?,
    };
    let prefix = prefix
        .strip_prefix("socket.")
        .unwrap_or(&prefix)
        .to_string();
    let mut rows = Vec::new();
    let mut entries = Vec::new();
    for c in socket_constants::with_prefix(&prefix) {
        rows.push(vec![
            c.name.to_string(),
            c.value.to_string(),
            c.meaning.to_string(),
        ]);
        entries.push((c.name.to_string(), constant_value(c)));
    }
    // The value is keyed in `dir(socket)` order, as Python's comprehension
    // builds it; the table keeps the curated order, related constants together.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let table = Table {
        headers: vec!["name", "value", "meaning"],
        rows,
    };
    Ok(Output::with_view(Value::Dict(entries), View::Table(table)))
}
