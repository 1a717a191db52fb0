//! Ports, services and protocols: the system's services and protocols databases
//! (`/etc/services`, `/etc/protocols`), and the well-known ports worth knowing.

use std::path::Path;

use crate::commands::output::{Output, Table, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::net::ffi;
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

const SERVICES_FILE: &str = "/etc/services";
const PROTOCOLS_FILE: &str = "/etc/protocols";

/// A failed look-up, explained; a missing database is the usual cause in containers.
fn not_found(message: &str, database: &str, what: &str) -> CommandError {
    let explanation = if Path::new(database).exists() {
        let check = if what == "port" {
            "Not every port has a registered service"
        } else {
            "Check the spelling"
        };
        format!(
            "{database} has no entry for that {what}. {check}; `ports` lists the well-known ones."
        )
    } else {
        format!(
            "This system has no {database}, so no {what} can be found by name (minimal containers often lack it; on Debian install the netbase package)."
        )
    };
    CommandError::os_error(message).explain(explanation)
}

fn optional_protocol(args: &Args, function: &str) -> CommandResult<Option<std::ffi::CString>> {
    match args.get(1) {
        None => Ok(None),
        Some(v) => {
            let text = convert::text(v, function, 2)?;
            Ok(ffi::c_string(text.as_bytes()))
        }
    }
}

pub const GETSERVBYNAME: Command = Command {
    name: "getservbyname",
    params: &[
        Param::required("servicename", ArgKind::Text),
        Param::optional("protocolname", ArgKind::Text),
    ],
    style: CallStyle::CPositional,
    topic: Topic::Services,
    python: Some("socket.getservbyname(servicename[, protocolname])"),
    summary: "The port number of a service name such as http or ssh",
    description: "Looks a service name up in the services database and returns its port. It takes a bare service name like \"https\", not a URL. The optional protocol (\"tcp\" or \"udp\") narrows the look-up; without it any protocol matches.",
    network: false,
    examples: &[
        Example {
            input: "getservbyname https",
            output: "443",
        },
        Example {
            input: "getservbyname ssh tcp",
            output: "22",
        },
    ],
    run: getservbyname,
};

fn getservbyname(args: &Args) -> CommandResult<Output> {
    let name = convert::text(args.get(0).unwrap_or(&Value::None), "getservbyname", 1)?;
    let proto = optional_protocol(args, "getservbyname")?;
    let c_name = ffi::c_string(name.as_bytes()).unwrap_or_default();
    let entry = ffi::service_by_name(&c_name, proto.as_deref())
        .ok_or_else(|| not_found("service/proto not found", SERVICES_FILE, "service"))?;
    Ok(Output::plain(Value::Int(i128::from(entry.port))))
}

pub const GETSERVBYPORT: Command = Command {
    name: "getservbyport",
    params: &[
        Param::required("port", ArgKind::Integer),
        Param::optional("protocolname", ArgKind::Text),
    ],
    style: CallStyle::CPositional,
    topic: Topic::Services,
    python: Some("socket.getservbyport(port[, protocolname])"),
    summary: "The service name registered for a port number",
    description: "The reverse of getservbyname: looks a port number (0 to 65535) up in the services database and returns the service's name.",
    network: false,
    examples: &[
        Example {
            input: "getservbyport 443",
            output: "'https'",
        },
        Example {
            input: "getservbyport 70000",
            output: "OverflowError: getservbyport: port must be 0-65535.",
        },
    ],
    run: getservbyport,
};

fn getservbyport(args: &Args) -> CommandResult<Output> {
    let port = convert::c_int(args.get(0).unwrap_or(&Value::None))?;
    let proto = optional_protocol(args, "getservbyport")?;
    let port = u16::try_from(port).map_err(|_| {
        CommandError::overflow("getservbyport: port must be 0-65535.")
            .explain("Ports are 16-bit numbers, so they run from 0 to 65535.")
    })?;
    let entry = ffi::service_by_port(port, proto.as_deref())
        .ok_or_else(|| not_found("port/proto not found", SERVICES_FILE, "port"))?;
    Ok(Output::plain(Value::Str(entry.name)))
}

pub const GETPROTOBYNAME: Command = Command {
    name: "getprotobyname",
    params: &[Param::required("protocolname", ArgKind::Text)],
    style: CallStyle::CPositional,
    topic: Topic::Services,
    python: Some("socket.getprotobyname(protocolname)"),
    summary: "The IP protocol number of a protocol name such as tcp",
    description: "Looks a protocol name up in the protocols database and returns the number IP packets carry in their protocol field: 1 for icmp, 6 for tcp, 17 for udp. The same numbers are the IPPROTO_* constants.",
    network: false,
    examples: &[Example {
        input: "getprotobyname udp",
        output: "17",
    }],
    run: getprotobyname,
};

fn getprotobyname(args: &Args) -> CommandResult<Output> {
    let name = convert::text(args.get(0).unwrap_or(&Value::None), "getprotobyname", 1)?;
    let c_name = ffi::c_string(name.as_bytes()).unwrap_or_default();
    let number = ffi::protocol_by_name(&c_name)
        .ok_or_else(|| not_found("protocol not found", PROTOCOLS_FILE, "protocol"))?;
    Ok(Output::plain(Value::Int(i128::from(number))))
}

/// The well-known ports every networking course starts with.
const WELL_KNOWN_PORTS: &[(u16, &str, &str)] = &[
    (20, "tcp", "FTP data transfer"),
    (21, "tcp", "FTP control"),
    (22, "tcp", "SSH remote login"),
    (23, "tcp", "Telnet (unencrypted remote login)"),
    (25, "tcp", "SMTP mail transfer"),
    (53, "udp", "DNS name look-ups (also TCP)"),
    (67, "udp", "DHCP server"),
    (68, "udp", "DHCP client"),
    (80, "tcp", "HTTP web"),
    (110, "tcp", "POP3 mail retrieval"),
    (119, "tcp", "NNTP news"),
    (123, "udp", "NTP time"),
    (143, "tcp", "IMAP mail access"),
    (161, "udp", "SNMP network management"),
    (194, "tcp", "IRC chat"),
    (443, "tcp", "HTTPS secure web"),
];

pub const PORTS: Command = Command {
    name: "ports",
    params: &[],
    style: CallStyle::Python,
    topic: Topic::Services,
    python: None,
    summary: "The well-known ports, checked against this system's services database",
    description: "Lists the ports a networking course starts with, what each is for, and the name this system's services database gives it (looked up with getservbyport, so a missing or different entry shows).",
    network: false,
    examples: &[Example {
        input: "ports",
        output: "[(20, 'tcp', [..]), [..], (443, 'tcp', 'https', 'HTTPS secure web')]",
    }],
    run: ports,
};

fn ports(_: &Args) -> CommandResult<Output> {
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for &(port, proto, purpose) in WELL_KNOWN_PORTS {
        let c_proto = ffi::c_string(proto.as_bytes());
        let name = ffi::service_by_port(port, c_proto.as_deref()).map(|e| e.name);
        rows.push(vec![
            port.to_string(),
            proto.to_string(),
            name.clone().unwrap_or_else(|| "(not in database)".into()),
            purpose.to_string(),
        ]);
        values.push(Value::Tuple(vec![
            Value::Int(i128::from(port)),
            Value::str(proto),
            name.map_or(Value::None, Value::Str),
            Value::str(purpose),
        ]));
    }
    let table = Table {
        headers: vec!["port", "proto", "service", "used for"],
        rows,
    };
    Ok(Output::with_view(Value::List(values), View::Table(table)))
}
