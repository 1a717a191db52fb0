//! Turning outcomes into text in the three formats: `pretty` for people,
//! `python` (exactly CPython's repr) and `json` for scripts.

use std::fmt::Write;

use serde_json::{Value as Json, json};

use crate::commands::output::{Output, Style, Table, View, table_text};
use crate::commands::socket_address;
use crate::python::error::CommandError;
use crate::python::value::Value;
use crate::session::Format;

/// The text for a result (without a final newline), or `None` when nothing shows.
pub fn render_output(output: &Output, format: Format, style: Style) -> Option<String> {
    if let View::Text(text) = &output.view {
        return Some(text.clone());
    }
    match format {
        Format::Python => (output.value != Value::None).then(|| output.value.repr()),
        Format::Json => Some(to_json(output).to_string()),
        Format::Pretty => pretty(output, style),
    }
}

/// The error as Python's last traceback line, with a plain-words line under it in `pretty`.
pub fn render_error(error: &CommandError, format: Format, style: Style) -> String {
    let mut out = style.red(&error.python_line());
    if format == Format::Pretty
        && let Some(explanation) = &error.explanation
    {
        let _ = write!(out, "\n{}", style.dim(&format!("  ↳ {explanation}")));
    }
    out
}

fn pretty(output: &Output, style: Style) -> Option<String> {
    let value = &output.value;
    match &output.view {
        View::AddressInfo => Some(address_table(value, style)),
        View::HostEntry => Some(host_entry(value, style)),
        View::Packed => Some(packed(value, style)),
        View::Table(table) => Some(table_text(table, style)),
        View::Text(text) | View::Report { text, .. } => Some(text.clone()),
        View::Plain => plain(value),
    }
}

fn plain(value: &Value) -> Option<String> {
    Some(match value {
        Value::None => return None,
        Value::Str(s) => s.clone(),
        Value::Enum(m) => format!("{} ({}, value {})", m.names.join("|"), m.class, m.value),
        other => other.repr(),
    })
}

fn address_table(value: &Value, style: Style) -> String {
    let rows: Vec<Vec<String>> = value
        .items()
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let [family, kind, proto, canon, addr] = entry.items()? else {
                return None;
            };
            let name = |v: &Value| match v {
                Value::Enum(m) => m.names.join("|"),
                other => other.repr(),
            };
            Some(vec![
                name(family),
                name(kind),
                protocol_label(proto.as_int().unwrap_or(0)),
                canon.as_str().unwrap_or("").to_string(),
                socket_address_text(addr),
            ])
        })
        .collect();
    if rows.is_empty() {
        return "(no addresses)".into();
    }
    table_text(
        &Table {
            headers: vec!["family", "type", "proto", "canonname", "address"],
            rows,
        },
        style,
    )
}

fn protocol_label(proto: i128) -> String {
    let name = match proto as i32 {
        libc::IPPROTO_TCP => "tcp",
        libc::IPPROTO_UDP => "udp",
        libc::IPPROTO_ICMP => "icmp",
        libc::IPPROTO_ICMPV6 => "icmpv6",
        libc::IPPROTO_SCTP => "sctp",
        _ => return proto.to_string(),
    };
    format!("{proto} ({name})")
}

/// `127.0.0.1:80` or `[::1]:80`.
fn socket_address_text(addr: &Value) -> String {
    match addr.items() {
        Some([Value::Str(host), port]) => format!("{host}:{}", port.repr()),
        Some([Value::Str(host), port, rest @ ..]) => format!(
            "[{}]:{}",
            socket_address::scoped_host(host, rest.get(1)),
            port.repr()
        ),
        _ => addr.repr(),
    }
}

fn host_entry(value: &Value, style: Style) -> String {
    let Some([name, aliases, addresses]) = value.items() else {
        return value.repr();
    };
    let list = |v: &Value| {
        let items: Vec<&str> = v
            .items()
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if items.is_empty() {
            "(none)".to_string()
        } else {
            items.join(", ")
        }
    };
    format!(
        "{}      {}\n{}   {}\n{} {}",
        style.bold("name:"),
        name.as_str().unwrap_or(""),
        style.bold("aliases:"),
        list(aliases),
        style.bold("addresses:"),
        list(addresses)
    )
}

fn packed(value: &Value, style: Style) -> String {
    packed_text(value, style).unwrap_or_else(|| value.repr())
}

/// Packed bytes with their hex and the bits of every octet, 8 octets a line.
fn packed_text(value: &Value, style: Style) -> Option<String> {
    let Value::Bytes(bytes) = value else {
        return None;
    };
    let mut out = value.repr();
    if bytes.is_empty() || bytes.len() > 16 {
        return Some(out);
    }
    for (i, chunk) in bytes.chunks(8).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let bits: Vec<String> = chunk.iter().map(|b| format!("{b:08b}")).collect();
        let (hex_label, bits_label) = if i == 0 {
            ("hex ", "bits")
        } else {
            ("    ", "    ")
        };
        let _ = write!(
            out,
            "\n  {} {}\n  {} {}",
            style.dim(hex_label),
            hex.iter()
                .map(|h| format!("{h:>8}"))
                .collect::<Vec<_>>()
                .join(" "),
            style.dim(bits_label),
            bits.join(" ")
        );
    }
    let _ = write!(
        out,
        "\n  {}",
        style.dim(&format!("{} bytes = {} bits", bytes.len(), bytes.len() * 8))
    );
    Some(out)
}

pub fn to_json(output: &Output) -> Json {
    match (&output.view, &output.value) {
        (View::AddressInfo, Value::List(entries)) => {
            Json::Array(entries.iter().map(address_info_json).collect())
        }
        (View::HostEntry, Value::Tuple(parts)) if parts.len() == 3 => json!({
            "name": value_json(&parts[0]),
            "aliases": value_json(&parts[1]),
            "addresses": value_json(&parts[2]),
        }),
        (
            View::Report {
                json: Some(detail), ..
            },
            _,
        ) => value_json(detail),
        (_, value) => value_json(value),
    }
}

fn address_info_json(entry: &Value) -> Json {
    let Some([family, kind, proto, canon, addr]) = entry.items() else {
        return value_json(entry);
    };
    let mut object = json!({
        "family": value_json(family),
        "type": value_json(kind),
        "proto": value_json(proto),
        "canonname": value_json(canon),
    });
    if let Some(parts) = addr.items() {
        let names = ["address", "port", "flowinfo", "scope_id"];
        for (name, part) in names.iter().zip(parts) {
            object[*name] = value_json(part);
        }
    }
    object
}

/// The generic mapping: bytes become a hex string, enum members their names.
pub fn value_json(value: &Value) -> Json {
    match value {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) => match i64::try_from(*n) {
            Ok(small) => json!(small),
            Err(_) => json!(n.to_string()),
        },
        Value::LargeInt(n) => json!(n.to_string()),
        Value::Float(f) => json!(f),
        Value::Str(s) => json!(s),
        Value::Bytes(b) | Value::ByteArray(b) => {
            json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>())
        }
        Value::Tuple(items) | Value::List(items) | Value::Set(items) => {
            Json::Array(items.iter().map(value_json).collect())
        }
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_python_str(), value_json(v)))
                .collect(),
        ),
        Value::Dict(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), value_json(v)))
                .collect(),
        ),
        Value::Enum(m) => json!(m.names.join("|")),
        Value::View(view) => Json::Array(view.items.iter().map(value_json).collect()),
        Value::MemoryView(view) => json!(
            view.0
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        ),
        Value::Socket(_)
        | Value::Range(..)
        | Value::Function(_)
        | Value::Module(_)
        | Value::Iterator(_) => {
            json!(value.repr())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_bytes_show_hex_and_bits() {
        let out =
            packed_text(&Value::Bytes(vec![192, 168, 1, 1]), Style { colour: false }).unwrap();
        assert!(out.contains("11000000 10101000 00000001 00000001"), "{out}");
        assert!(out.starts_with("b'\\xc0\\xa8\\x01\\x01'"));
    }

    #[test]
    fn tables_align_columns() {
        let table = Table {
            headers: vec!["a", "bb"],
            rows: vec![vec!["long".into(), "x".into()]],
        };
        assert_eq!(
            table_text(&table, Style { colour: false }),
            "a     bb\nlong  x"
        );
    }
}
