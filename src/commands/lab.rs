//! `lab`: builds, shows, enters and removes the teaching network of
//! [`crate::net::lab`], so ping, map_network and gethostbyaddr have machines to find.

use std::ffi::OsString;

use crate::commands::context::{self, Format};
use crate::commands::output::{Output, Table, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::lab::{
    DEFAULT_HOSTS, Lab, LabError, LabHost, LabStatus, MAX_HOSTS, PREFIX_ENV, SUBNET,
};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

const ACTIONS: &str = "'up', 'status', 'down' or 'shell'";

pub const LAB: Command = Command {
    name: "lab",
    params: &[
        Param::optional("action", ArgKind::Word),
        Param::optional("hosts", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::Probing,
    python: None,
    summary: "A small practice network of namespaces: lab up, lab status, lab shell, lab down",
    description: "Builds a teaching network on this machine out of Linux network namespaces: a switch, a scanner at 10.77.0.1 (scanner.lab) and hosts at 10.77.0.10 and up named alpha.lab, bravo.lab, charlie.lab and so on. Every third host is switched off on purpose, so a sweep has something to miss. `lab up [hosts=5]` builds it (again, if it was left over from a crash), `lab status` shows it, `lab shell` runs netrepl inside the scanner until you leave with Ctrl-D, and `lab down` removes it all. Inside the lab only lab machines can be reached and their names come from the scanner's own /etc/hosts, so nothing leaves this machine. Building and entering need root.",
    network: false,
    examples: &[Example {
        input: "lab status",
        output: "[[..]]",
    }],
    run: run_lab,
};

fn run_lab(args: &Args) -> CommandResult<Output> {
    let action = match args.get(0) {
        None => "status".to_string(),
        Some(value) => convert::text(value, "lab", 1)?,
    };
    let lab = Lab::from_env().map_err(lab_error)?;
    match action.as_str() {
        "up" => up(&lab, args),
        "status" => status(&lab),
        "down" => down(&lab),
        "shell" => shell(&lab),
        other => Err(CommandError::value_error(format!(
            "lab action must be {ACTIONS}, not {}",
            crate::python::value::str_repr(other)
        ))
        .explain("Try `lab up`, `lab status`, `lab shell` or `lab down`.")),
    }
}

fn up(lab: &Lab, args: &Args) -> CommandResult<Output> {
    let hosts = match args.get(1) {
        None => DEFAULT_HOSTS,
        Some(value) => {
            let count = convert::index(value)?;
            usize::try_from(count)
                .ok()
                .filter(|n| (1..=MAX_HOSTS).contains(n))
                .ok_or_else(|| {
                    CommandError::value_error(format!(
                        "hosts must be between 1 and {MAX_HOSTS}, not {count}"
                    ))
                    .explain("Hosts are named after the NATO alphabet, alpha to zulu.")
                })?
        }
    };
    let status = lab.up(hosts).map_err(lab_error)?;
    Ok(status_output(&status))
}

fn status(lab: &Lab) -> CommandResult<Output> {
    match lab.try_status().map_err(lab_error)? {
        Some(status) => Ok(status_output(&status)),
        None => Ok(Output::with_view(
            Value::List(Vec::new()),
            View::Report {
                text: format!(
                    "No lab is up (prefix '{}'); `lab up` builds one (needs root).",
                    lab.prefix()
                ),
                json: None,
            },
        )),
    }
}

fn down(lab: &Lab) -> CommandResult<Output> {
    let removed = lab.down().map_err(lab_error)?;
    let text = if removed.is_empty() {
        format!(
            "No lab with prefix '{}' was up; nothing to remove.",
            lab.prefix()
        )
    } else {
        format!(
            "Removed lab '{}': {} namespaces and its files in /etc/netns.",
            lab.prefix(),
            removed.len()
        )
    };
    Ok(Output::text(text))
}

fn shell(lab: &Lab) -> CommandResult<Output> {
    if lab.contains_this_process() {
        return Ok(Output::text(
            "You are already inside the lab; Ctrl-D leaves it.".into(),
        ));
    }
    if lab.try_status().map_err(lab_error)?.is_none() {
        return Err(lab_error(LabError::NotUp(lab.prefix().to_string())));
    }
    // A script's later lines would be read by this process, outside the lab.
    if !context::is_interactive() {
        return Err(CommandError::os_error("lab shell needs a person at a terminal")
            .explain("To run a script inside the lab, use: netrepl --lab SCRIPT (or netrepl --lab -c LINE)."));
    }
    // Said before the child takes the terminal, so the change of place shows.
    eprintln!(
        "Entering the lab '{}' as scanner.lab (10.77.0.1); Ctrl-D brings you back.",
        lab.prefix()
    );
    let settings = inner_repl_args(context::format(), context::colour());
    let exit = lab.run_netrepl_inside(settings).map_err(lab_error)?;
    let text = match exit.code() {
        Some(0) => "Back from the lab.".to_string(),
        _ => format!("Back from the lab (netrepl inside ended with {exit})."),
    };
    Ok(Output::text(text))
}

/// The inner netrepl's arguments, so it shows results as this one does. Its
/// own check of the terminal would turn colour back on, hence `--no-color`.
fn inner_repl_args(format: Format, colour: bool) -> Vec<OsString> {
    let mut args = vec!["--format".into(), Format::NAMES[format as usize].into()];
    if !colour {
        args.push("--no-color".into());
    }
    args
}

/// The scanner first, then the hosts: one row and one dict each.
fn status_output(status: &LabStatus) -> Output {
    let machines: Vec<&LabHost> = std::iter::once(&status.scanner)
        .chain(&status.hosts)
        .collect();
    let rows = machines
        .iter()
        .map(|m| {
            vec![
                m.name.clone(),
                m.address.to_string(),
                m.state().to_string(),
                role(status, m).to_string(),
                m.namespace.clone(),
            ]
        })
        .collect();
    let values = machines
        .iter()
        .map(|m| {
            Value::Dict(vec![
                ("name".into(), Value::str(m.name.clone())),
                ("address".into(), Value::str(m.address.to_string())),
                ("state".into(), Value::str(m.state())),
                ("role".into(), Value::str(role(status, m))),
                ("namespace".into(), Value::str(m.namespace.clone())),
            ])
        })
        .collect();
    let table = Table {
        headers: vec!["name", "address", "state", "role", "namespace"],
        rows,
    };
    Output::with_view(Value::List(values), View::Table(table))
}

fn role(status: &LabStatus, machine: &LabHost) -> &'static str {
    if machine == &status.scanner {
        "scanner"
    } else {
        "host"
    }
}

/// A lab failure as the Python exception closest to it, with the lab's own
/// sentence (which says how to fix it) as the plain-words line.
fn lab_error(error: LabError) -> CommandError {
    let explanation = error.to_string();
    let python = match &error {
        LabError::NotPrivileged => CommandError::from_errno(libc::EPERM),
        LabError::IpMissing => CommandError::with_errno(
            crate::python::error::PyException::OsError,
            libc::ENOENT,
            "No such file or directory: 'ip'",
        ),
        LabError::InvalidPrefix(prefix) => CommandError::value_error(format!(
            "invalid lab prefix {} (from ${PREFIX_ENV})",
            crate::python::value::str_repr(prefix)
        )),
        LabError::InvalidHostCount(count) => CommandError::value_error(format!(
            "hosts must be between 1 and {MAX_HOSTS}, not {count}"
        )),
        LabError::NotUp(prefix) => CommandError::os_error(format!("no lab '{prefix}' is up")),
        LabError::TimedOut { .. } => CommandError::from_errno(libc::ETIMEDOUT),
        _ => CommandError::os_error(format!("the lab on {SUBNET} could not be built or changed")),
    };
    python.explain(explanation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_errors_read_like_python_and_say_how_to_fix_them() {
        let error = lab_error(LabError::NotPrivileged);
        assert_eq!(
            error.python_line(),
            "PermissionError: [Errno 1] Operation not permitted"
        );
        assert!(error.explanation.unwrap().contains("root"));
        let error = lab_error(LabError::IpMissing);
        assert!(
            error
                .python_line()
                .starts_with("FileNotFoundError: [Errno 2]")
        );
        assert!(error.explanation.unwrap().contains("iproute2"));
    }

    #[test]
    fn lab_shell_passes_the_format_and_no_colour_on() {
        assert_eq!(
            inner_repl_args(Format::Json, false),
            ["--format", "json", "--no-color"]
        );
        assert_eq!(
            inner_repl_args(Format::Pretty, true),
            ["--format", "pretty"]
        );
        for format in [Format::Pretty, Format::Python, Format::Json] {
            let args = inner_repl_args(format, true);
            let name = args[1].to_str().unwrap();
            assert_eq!(Format::parse(name), Some(format), "{name} names its format");
        }
    }

    #[test]
    fn lab_is_in_the_registry() {
        assert!(crate::commands::find("lab").is_some());
    }
}
