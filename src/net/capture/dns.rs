//! DNS payloads (UDP or TCP port 53), parsed with hickory-proto: the words
//! for the summary line and the message's header and sections for the tree.

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::Record;

use super::decoded::{Decoded, Node};

/// A name as people write it, without the root's final dot.
fn name_text(name: &impl std::fmt::Display) -> String {
    let text = name.to_string();
    match text.strip_suffix('.') {
        Some(stripped) if !stripped.is_empty() => stripped.to_string(),
        _ => text,
    }
}

fn record_node(record: &Record) -> Node {
    Node::field(
        &name_text(&record.name),
        format!(
            "{} {} TTL {} {}",
            record.dns_class,
            record.data.record_type(),
            record.ttl,
            record.data
        ),
    )
}

fn section(name: &str, records: &[Record]) -> Option<Node> {
    (!records.is_empty()).then(|| Node::layer(name, records.iter().map(record_node).collect()))
}

/// Adds a DNS layer and gives the summary's words, or `None` (leaving the
/// frame as plain UDP or TCP) when the payload is not a DNS message.
pub fn decode(payload: &[u8], out: &mut Decoded) -> Option<String> {
    let message = Message::from_vec(payload).ok()?;
    let header = &message.metadata;
    let response = header.message_type == MessageType::Response;
    let mut flags = Vec::new();
    for (set, name) in [
        (response, "qr"),
        (header.authoritative, "aa"),
        (header.truncation, "tc"),
        (header.recursion_desired, "rd"),
        (header.recursion_available, "ra"),
    ] {
        if set {
            flags.push(name);
        }
    }
    let mut fields = vec![
        Node::field("id", format!("0x{:04x}", header.id)),
        Node::field("type", if response { "response" } else { "query" }),
        Node::field("opcode", format!("{:?}", header.op_code)),
        Node::field("flags", flags.join(" ")),
        Node::field("response code", header.response_code),
        Node::layer(
            "question",
            message
                .queries
                .iter()
                .map(|q| {
                    Node::field(
                        &name_text(&q.name),
                        format!("{} {}", q.query_class, q.query_type),
                    )
                })
                .collect(),
        ),
    ];
    fields.extend(section("answer", &message.answers));
    fields.extend(section("authority", &message.authorities));
    fields.extend(section("additional", &message.additionals));
    out.layers.push(Node::layer("DNS", fields));
    out.protocol = "DNS".into();
    let question = message
        .queries
        .first()
        .map(|q| format!("{} {}", q.query_type, name_text(&q.name)))
        .unwrap_or_else(|| "(no question)".into());
    if !response {
        return Some(format!("DNS query {question}"));
    }
    let result = if header.response_code != ResponseCode::NoError {
        code_word(header.response_code)
    } else if message.answers.is_empty() {
        "no answer".into()
    } else {
        message
            .answers
            .iter()
            .map(|r| r.data.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(format!("DNS response {question}: {result}"))
}

/// The response code as dig and tcpdump write it: NXDOMAIN, SERVFAIL...
fn code_word(code: ResponseCode) -> String {
    match code {
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        other => format!("{other:?}").to_uppercase(),
    }
}
