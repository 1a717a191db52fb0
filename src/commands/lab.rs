//! `lab`: builds (from the default lab or a TOML file), shows, enters and
//! removes the teaching network of [`crate::net::lab`], and turns its DNS
//! server off and on, so ping, map_network, DNS look-ups and traceroute have
//! machines to find.

use std::ffi::OsString;

use crate::commands::context::{self, Format};
use crate::commands::lab_topology;
use crate::commands::output::{Output, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::lab::{DnsState, Lab, LabError, LabStatus, MachineStatus, PREFIX_ENV};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

const ACTIONS: &str = "'up', 'status', 'down', 'shell' or 'dns'";

pub const LAB: Command = Command {
    name: "lab",
    params: &[
        Param::optional("action", ArgKind::Word),
        Param::optional("what", ArgKind::Text),
    ],
    style: CallStyle::Python,
    topic: Topic::Probing,
    python: None,
    summary: "Practice network: lab up [FILE], status, shell, dns on|off|servfail, down",
    description: "Builds a teaching network on this machine out of Linux network namespaces, from a small TOML file (`lab up FILE`) or the default lab: subnet near (10.77.0.0/24, fd77::/64) with scanner.lab at .1 (where netrepl runs), ns.lab at .2 (the lab's DNS server, authoritative for lab. and the reverse zones), alpha.lab .10 and bravo.lab .11, charlie.lab .12 (switched off, but DNS still names it), quiet.lab .20 (ignores ping but serves HTTP on port 80, so map_network misses it and tcp=80 finds it), services.lab .30 (echo on port 7, HTTP on 80) and router.lab .254, which joins subnet far (10.77.1.0/24) where far.lab .10 answers one hop further (its TTL arrives one lower). www.lab has three addresses (round robin), web.lab is an alias (CNAME) of www.lab, lab. has MX and TXT records, every address has a PTR, and unknown names get NXDOMAIN. No hosts file names a lab machine: inside the lab every look-up really goes to ns.lab. `lab up [FILE]` builds it (again, if left over from a crash), `lab status` draws it, `lab shell` runs netrepl inside the scanner until Ctrl-D, `lab dns off` silences the DNS server (a look-up then fails with socket.gaierror [Errno -3] Temporary failure in name resolution after the resolver's one-second timeout; dig times out), `lab dns servfail` makes it answer every query with SERVFAIL, as a resolver with a broken upstream does (dig shows status: SERVFAIL; getaddrinfo and gethostbyname fail with the same [Errno -3] at once, since the resolver takes SERVFAIL as \"try again\"), `lab dns on` brings the real server back, and `lab status` shows which of on, off and servfail it is; `lab down` removes it all. Outside the lab, ping, map_network and look-ups of lab addresses and .lab names are refused, since they would go to the real network: enter with `sudo netrepl --lab`. Building and entering need root. A lab file has `nameserver`, `ttl`, [[subnets]] (name, ipv4, ipv6: private ranges only), [[hosts]] (name, role = host|router|scanner, addresses = { SUBNET = [...] }, down, ignores_ping, services = [\"echo\", \"http\"]) and [[records]] (name, type A|AAAA|CNAME|MX|TXT, value, ttl); the book's lab chapter shows the default one.",
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
    let what = args
        .get(1)
        .map(|value| convert::text(value, "lab", 2))
        .transpose()?;
    let lab = Lab::from_env().map_err(lab_error)?;
    match action.as_str() {
        "up" => up(&lab, what.as_deref()),
        "status" => status(&lab),
        "down" => down(&lab),
        "shell" => shell(&lab),
        "dns" => dns(&lab, what.as_deref()),
        other => Err(CommandError::value_error(format!(
            "lab action must be {ACTIONS}, not {}",
            crate::python::value::str_repr(other)
        ))
        .explain("Try `lab up`, `lab status`, `lab shell`, `lab dns off` or `lab down`.")),
    }
}

fn up(lab: &Lab, file: Option<&str>) -> CommandResult<Output> {
    refuse_inside(lab, "up")?;
    let status = match file {
        None => lab.up_default(),
        Some(path) => lab.up_file(std::path::Path::new(path)),
    }
    .map_err(lab_error)?;
    Ok(status_output(&status))
}

/// Inside the lab, `ip netns exec` gave us a mount namespace of our own, so
/// namespaces made or removed here would change only this process's view.
fn refuse_inside(lab: &Lab, action: &str) -> CommandResult<()> {
    if !lab.contains_this_process() {
        return Ok(());
    }
    Err(CommandError::os_error(format!("lab {action} cannot run inside the lab"))
        .explain(format!("Leave the lab first (Ctrl-D, or exit), then run `lab {action}` from netrepl outside it, as root.")))
}

fn dns(lab: &Lab, switch: Option<&str>) -> CommandResult<Output> {
    let Some(wanted) = switch.and_then(DnsState::parse) else {
        let shown = switch.map_or("nothing".to_string(), crate::python::value::str_repr);
        return Err(CommandError::value_error(format!(
            "lab dns takes 'on', 'off' or 'servfail', not {shown}"
        ))
        .explain("`lab dns off` silences the lab's DNS server so look-ups time out; `lab dns servfail` makes it answer SERVFAIL so they fail at once; `lab dns on` brings the real server back."));
    };
    let before = lab.set_dns(wanted).map_err(lab_error)?;
    let text = if before == wanted {
        format!("The lab's DNS server was already {}.", wanted.name())
    } else {
        match wanted {
            DnsState::On => "The lab's DNS server is on again: look-ups of lab names work.",
            DnsState::Off => {
                "The lab's DNS server is off: it no longer answers, so a look-up of a lab name waits out the resolver's one-second timeout and fails with socket.gaierror: [Errno -3] Temporary failure in name resolution, and dig times out. `lab dns on` brings it back."
            }
            DnsState::Servfail => {
                "The lab's DNS server is up but broken: it answers every query with SERVFAIL, like a resolver whose upstream has failed. dig shows status: SERVFAIL, and a look-up of a lab name fails at once with socket.gaierror: [Errno -3] Temporary failure in name resolution (the resolver takes SERVFAIL as \"try again later\"). `lab dns on` brings the real server back."
            }
        }
        .to_string()
    };
    Ok(Output::text(text))
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
    refuse_inside(lab, "down")?;
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
    let scanner = lab.description().scanner().clone();
    let address = scanner
        .first_ipv4()
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    eprintln!(
        "Entering the lab '{}' as {}{address}; Ctrl-D brings you back.",
        lab.prefix(),
        scanner.full_name()
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

/// The drawing for people; for scripts a dict of the same facts.
fn status_output(status: &LabStatus) -> Output {
    let lab = &status.description;
    let subnets = lab
        .subnets
        .iter()
        .map(|s| {
            Value::Dict(vec![
                ("name".into(), Value::str(s.name.clone())),
                (
                    "ipv4".into(),
                    s.ipv4.map_or(Value::None, |p| Value::str(p.to_string())),
                ),
                (
                    "ipv6".into(),
                    s.ipv6.map_or(Value::None, |p| Value::str(p.to_string())),
                ),
            ])
        })
        .collect();
    let hosts = status
        .machines
        .iter()
        .map(|m| machine_value(status, m))
        .collect();
    let value = Value::Dict(vec![
        ("prefix".into(), Value::str(status.prefix.clone())),
        ("name".into(), Value::str(lab.name.clone())),
        ("dns".into(), Value::str(status.dns.name())),
        (
            "nameserver".into(),
            Value::str(lab.nameserver_host().full_name()),
        ),
        ("subnets".into(), Value::List(subnets)),
        ("hosts".into(), Value::List(hosts)),
    ]);
    Output::with_view(
        value,
        View::Report {
            text: lab_topology::draw(status),
            json: None,
        },
    )
}

fn machine_value(status: &LabStatus, machine: &MachineStatus) -> Value {
    let host = &machine.host;
    let strings = |items: Vec<String>| Value::List(items.into_iter().map(Value::str).collect());
    let subnets = host
        .attachments
        .iter()
        .map(|a| status.description.subnets[a.subnet].name.clone())
        .collect();
    Value::Dict(vec![
        ("name".into(), Value::str(machine.name())),
        ("role".into(), Value::str(host.role.name())),
        ("state".into(), Value::str(machine.state())),
        (
            "addresses".into(),
            strings(host.addresses().iter().map(ToString::to_string).collect()),
        ),
        ("subnets".into(), strings(subnets)),
        ("ignores_ping".into(), Value::Bool(machine.ignores_ping)),
        (
            "services".into(),
            strings(
                machine
                    .running
                    .iter()
                    .map(|s| s.name().to_string())
                    .collect(),
            ),
        ),
        ("namespace".into(), Value::str(machine.namespace.clone())),
    ])
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
        LabError::Description(error) => {
            let line = error.line.map(|n| format!(":{n}")).unwrap_or_default();
            return CommandError::value_error(format!("bad lab file: {}{line}", error.file))
                .explain(error.message.clone());
        }
        LabError::Io { path, source } => {
            let errno = source.raw_os_error().unwrap_or(libc::EIO);
            let text = source.to_string();
            let words = text.split(" (os error").next().unwrap_or(&text);
            return CommandError::with_errno(
                crate::python::error::PyException::OsError,
                errno,
                format!("{words}: {}", crate::python::value::str_repr(path)),
            )
            .explain("The lab needs this file: a lab file to read, or its own files under /run/netrepl and /etc/netns (as root).");
        }
        LabError::NotUp(prefix) => CommandError::os_error(format!("no lab '{prefix}' is up")),
        LabError::TimedOut { .. } => CommandError::from_errno(libc::ETIMEDOUT),
        _ => CommandError::os_error("the lab could not be built or changed"),
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
