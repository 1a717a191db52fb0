//! `dig NAME [TYPE]`: one DNS query, shown as dig(1) shows it (header, flags,
//! the four sections with TTLs, server and time), as a dict for scripts, and
//! with `raw=True` the message bytes field by field.

use std::net::{IpAddr, SocketAddr};

use crate::commands::output::{Output, View};
use crate::commands::registry::{ArgKind, Args, CallStyle, Command, Example, Param, Topic};
use crate::commands::sockets::hexdump_text;
use crate::net::dns_query::{self, Exchange, Question};
use crate::net::dns_wire::{self, Field};
use crate::python::convert;
use crate::python::error::{CommandError, CommandResult};
use crate::python::value::Value;

use hickory_proto::op::Message;
use hickory_proto::rr::{Record, RecordType};

pub const DIG: Command = Command {
    name: "dig",
    params: &[
        Param::required("name", ArgKind::Text),
        Param::optional("type", ArgKind::Text),
        Param::optional("server", ArgKind::Text),
        Param::optional("port", ArgKind::Integer),
        Param::optional("tcp", ArgKind::Integer),
        Param::optional("raw", ArgKind::Integer),
    ],
    style: CallStyle::Python,
    topic: Topic::HostNames,
    python: None,
    summary: "Ask a DNS server one question and show its whole answer, like dig(1)",
    description: "Builds one DNS query for NAME and TYPE (A by default; also AAAA, CNAME, MX, NS, PTR, SOA, TXT, SRV, ANY), sends it over UDP to server (the first nameserver of /etc/resolv.conf unless given; an IP address, as dig looks no names up to find its server) on port (53), and shows the reply as dig does: the header with its id, status (NOERROR, NXDOMAIN for a name that does not exist, SERVFAIL, REFUSED for a zone the server does not serve) and flags (qr: a response, aa: from the zone's own server, tc: truncated, rd: recursion desired, ra: recursion available), the question, then the answer, authority and additional sections with each record's TTL, the server, the time taken and the message sizes. A bare IP address asks for its PTR record, as dig -x does: dig 10.77.0.10 asks about 10.0.77.10.in-addr.arpa. tcp=True asks over TCP; a reply truncated over UDP (tc) is asked again over TCP, as dig does. raw=True adds the bytes of the query and the reply, field by field: flags bit by bit, and where names point back to earlier ones (compression). A reply must come within 5 seconds (TimeoutError otherwise); Ctrl-C stops the wait. In the lab: dig www.lab, dig web.lab (an alias: CNAME), dig lab MX, dig nothing.lab (NXDOMAIN), dig 10.77.0.10 (PTR).",
    network: true,
    examples: &[
        Example {
            input: "dig www.lab TYPO",
            output: "ValueError: unknown record type 'TYPO': dig knows A, AAAA, CNAME, MX, NS, PTR, SOA, TXT, SRV, ANY",
        },
        Example {
            input: "dig www.lab server=127.0.0.1 port=1",
            output: "ConnectionRefusedError: [Errno 111] Connection refused",
        },
    ],
    run: run_dig,
};

fn run_dig(args: &Args) -> CommandResult<Output> {
    let name_text = convert::text(args.get(0).unwrap_or(&Value::None), "dig", 1)?;
    let record_type = match args.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(dns_query::parse_record_type(&convert::text(v, "dig", 2)?)?),
    };
    // dig -x: a bare address asks for its PTR record by its reverse name.
    let (name, record_type) = match (name_text.trim().parse::<IpAddr>(), record_type) {
        (Ok(ip), None | Some(RecordType::PTR)) => (dns_query::reverse_name(ip), RecordType::PTR),
        (_, record_type) => (name_text.clone(), record_type.unwrap_or(RecordType::A)),
    };
    let name = dns_query::parse_name(&name)?;
    let port = match args.get(3) {
        None | Some(Value::None) => 53,
        Some(v) => u16::try_from(convert::index(v)?)
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| CommandError::overflow("dig: port must be 1-65535."))?,
    };
    let server = match args.get(2) {
        None | Some(Value::None) => {
            let default = dns_query::default_server()?;
            SocketAddr::new(default.ip(), port)
        }
        Some(v) => {
            let text = convert::text(v, "dig", 3)?;
            let ip = text
                .trim()
                .trim_matches(['[', ']'])
                .parse::<IpAddr>()
                .map_err(|_| {
                    CommandError::value_error(format!("server= takes an IP address, not '{text}'"))
                        .explain(
                            "dig asks the server at that address; it looks no names up to find it.",
                        )
                })?;
            SocketAddr::new(ip, port)
        }
    };
    let question = Question {
        name,
        record_type,
        server,
        tcp: flag(args, 4),
        timeout: dns_query::REPLY_TIMEOUT,
    };
    let raw = flag(args, 5);
    let exchange = dns_query::ask(&question)?;
    let query_fields = if raw {
        Some(fields_or_error(&exchange.query_bytes, &exchange.query)?)
    } else {
        None
    };
    let reply_fields = if raw {
        Some(fields_or_error(&exchange.reply_bytes, &exchange.reply)?)
    } else {
        None
    };
    let mut text = shown(&exchange, &question);
    let mut value = dict(&exchange);
    if let (Some(query_fields), Some(reply_fields)) = (query_fields, reply_fields) {
        for (title, bytes, fields) in [
            ("QUERY", &exchange.query_bytes, &query_fields),
            ("REPLY", &exchange.reply_bytes, &reply_fields),
        ] {
            text.push_str(&format!(
                "\n;; {title} BYTES ({}):\n{}\n{}",
                bytes.len(),
                hexdump_text(bytes),
                dns_wire::render(fields)
            ));
        }
        if let Value::Dict(entries) = &mut value {
            entries.push((
                "query_bytes".into(),
                Value::Bytes(exchange.query_bytes.clone()),
            ));
            entries.push((
                "reply_bytes".into(),
                Value::Bytes(exchange.reply_bytes.clone()),
            ));
            entries.push(("query_fields".into(), fields_value(&query_fields)));
            entries.push(("reply_fields".into(), fields_value(&reply_fields)));
        }
    }
    Ok(Output::with_view(
        value,
        View::Report {
            text: text.trim_end().to_string(),
            json: None,
        },
    ))
}

fn flag(args: &Args, index: usize) -> bool {
    args.get(index).is_some_and(|v| match v {
        Value::Bool(b) => *b,
        Value::Str(s) => matches!(s.as_str(), "True" | "true" | "yes" | "1"),
        other => other.as_int().is_some_and(|n| n != 0),
    })
}

fn fields_or_error(bytes: &[u8], message: &Message) -> CommandResult<Vec<Field>> {
    dns_wire::breakdown(bytes, message)
        .map_err(|why| CommandError::value_error(format!("cannot break the message down: {why}")))
}

/// dig's flag words, in dig's order.
fn flag_words(message: &Message) -> Vec<&'static str> {
    let m = &message.metadata;
    [
        (
            m.message_type == hickory_proto::op::MessageType::Response,
            "qr",
        ),
        (m.authoritative, "aa"),
        (m.truncation, "tc"),
        (m.recursion_desired, "rd"),
        (m.recursion_available, "ra"),
        (m.authentic_data, "ad"),
        (m.checking_disabled, "cd"),
    ]
    .into_iter()
    .filter_map(|(set, word)| set.then_some(word))
    .collect()
}

fn status(message: &Message) -> String {
    dns_wire::rcode_name(u16::from(message.metadata.response_code))
}

fn milliseconds(exchange: &Exchange) -> f64 {
    // Microseconds: a loopback answer takes tens of them.
    (exchange.elapsed.as_secs_f64() * 1e6).round() / 1e3
}

/// The reply as dig(1) prints it.
fn shown(exchange: &Exchange, question: &Question) -> String {
    let reply = &exchange.reply;
    let mut out = String::new();
    let mut command = format!(
        "; <<>> netrepl dig <<>> {} {} @{}",
        question.name,
        question.record_type,
        exchange.server.ip()
    );
    if exchange.server.port() != 53 {
        command.push_str(&format!(" -p {}", exchange.server.port()));
    }
    if question.tcp {
        command.push_str(" +tcp");
    }
    out.push_str(&command);
    out.push('\n');
    if exchange.retried_over_tcp {
        out.push_str(";; Truncated, retrying in TCP mode.\n");
    }
    out.push_str(";; Got answer:\n");
    out.push_str(&format!(
        ";; ->>HEADER<<- opcode: {}, status: {}, id: {}\n",
        dns_wire::opcode_name(u8::from(reply.metadata.op_code)),
        status(reply),
        reply.metadata.id
    ));
    out.push_str(&format!(
        ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
        flag_words(reply).join(" "),
        reply.queries.len(),
        reply.answers.len(),
        reply.authorities.len(),
        reply.additionals.len() + usize::from(reply.edns.is_some()),
    ));
    out.push_str("\n;; QUESTION SECTION:\n");
    for query in &reply.queries {
        out.push_str(&format!(
            ";{:<31} {:<7} {}\n",
            query.name.to_string(),
            query.query_class.to_string(),
            query.query_type
        ));
    }
    for (title, records) in [
        ("ANSWER", &reply.answers),
        ("AUTHORITY", &reply.authorities),
        ("ADDITIONAL", &reply.additionals),
    ] {
        if records.is_empty() {
            continue;
        }
        out.push_str(&format!("\n;; {title} SECTION:\n"));
        for record in records {
            out.push_str(&format!(
                "{:<23} {:<7} {:<7} {:<7} {}\n",
                record.name.to_string(),
                record.ttl,
                record.dns_class.to_string(),
                record.record_type().to_string(),
                dns_wire::record_data_text(record)
            ));
        }
    }
    out.push_str(&format!(
        "\n;; Query time: {:.3} ms\n;; SERVER: {}({})\n;; MSG SIZE  sent: {}  rcvd: {}\n",
        milliseconds(exchange),
        dns_query::show_server(exchange.server),
        exchange.transport.name(),
        exchange.query_bytes.len(),
        exchange.reply_bytes.len()
    ));
    out
}

fn record_value(record: &Record) -> Value {
    Value::Dict(vec![
        ("name".into(), Value::Str(record.name.to_string())),
        ("type".into(), Value::Str(record.record_type().to_string())),
        ("class".into(), Value::Str(record.dns_class.to_string())),
        ("ttl".into(), Value::Int(i128::from(record.ttl))),
        (
            "data".into(),
            Value::Str(dns_wire::record_data_text(record)),
        ),
    ])
}

fn dict(exchange: &Exchange) -> Value {
    let reply = &exchange.reply;
    let records = |list: &[Record]| Value::List(list.iter().map(record_value).collect());
    let question = reply
        .queries
        .first()
        .or(exchange.query.queries.first())
        .map_or(Value::None, |q| {
            Value::Dict(vec![
                ("name".into(), Value::Str(q.name.to_string())),
                ("type".into(), Value::Str(q.query_type.to_string())),
                ("class".into(), Value::Str(q.query_class.to_string())),
            ])
        });
    Value::Dict(vec![
        ("id".into(), Value::Int(i128::from(reply.metadata.id))),
        ("status".into(), Value::Str(status(reply))),
        (
            "flags".into(),
            Value::List(
                flag_words(reply)
                    .into_iter()
                    .map(|w| Value::Str(w.into()))
                    .collect(),
            ),
        ),
        ("question".into(), question),
        ("answer".into(), records(&reply.answers)),
        ("authority".into(), records(&reply.authorities)),
        ("additional".into(), records(&reply.additionals)),
        (
            "server".into(),
            Value::Str(exchange.server.ip().to_string()),
        ),
        (
            "port".into(),
            Value::Int(i128::from(exchange.server.port())),
        ),
        (
            "protocol".into(),
            Value::Str(exchange.transport.name().into()),
        ),
        ("time_ms".into(), Value::Float(milliseconds(exchange))),
        (
            "sent".into(),
            Value::Int(exchange.query_bytes.len() as i128),
        ),
        (
            "received".into(),
            Value::Int(exchange.reply_bytes.len() as i128),
        ),
    ])
}

fn fields_value(fields: &[Field]) -> Value {
    Value::List(
        fields
            .iter()
            .map(|f| {
                Value::Dict(vec![
                    ("offset".into(), Value::Int(f.offset as i128)),
                    ("length".into(), Value::Int(f.length as i128)),
                    ("section".into(), Value::Str(f.section.into())),
                    ("field".into(), Value::Str(f.name.clone())),
                    ("value".into(), Value::Str(f.value.clone())),
                    (
                        "parts".into(),
                        Value::List(f.parts.iter().map(|p| Value::Str(p.clone())).collect()),
                    ),
                ])
            })
            .collect(),
    )
}
