//! What a command hands back: the Python value, and a hint of how people
//! would like to see it (a table, a host entry, packed bytes).

use std::fmt::Write;

use crate::python::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub value: Value,
    pub view: View,
}

#[derive(Clone, Debug, PartialEq)]
pub enum View {
    /// Shown as the value itself.
    Plain,
    /// `getaddrinfo` results: one row per address.
    AddressInfo,
    /// `(name, aliases, addresses)` from the host look-ups.
    HostEntry,
    /// Packed address bytes: hex and the bits of each octet.
    Packed,
    /// Rows for people; the value holds the same data for scripts.
    Table(Table),
    /// Text for people only (help); the value is `None`.
    Text(String),
    /// In `pretty`, this text (a report whose details were already streamed);
    /// `python` shows the value, `json` the `json` value if given, else the value.
    Report { text: String, json: Option<Value> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Output {
    pub fn plain(value: Value) -> Output {
        Output {
            value,
            view: View::Plain,
        }
    }

    pub fn with_view(value: Value, view: View) -> Output {
        Output { value, view }
    }

    /// Rows of named fields: a table for people, a list of dicts for the
    /// other formats. `keys` are both the dict keys and the table's headers.
    pub fn records(keys: &[&'static str], rows: Vec<Vec<Value>>) -> Output {
        let shown = |v: &Value| match v {
            Value::Str(s) => s.clone(),
            Value::None => String::new(),
            other => other.repr(),
        };
        let table = Table {
            headers: keys.to_vec(),
            rows: rows
                .iter()
                .map(|row| row.iter().map(shown).collect())
                .collect(),
        };
        let values = rows
            .into_iter()
            .map(|row| Value::Dict(keys.iter().map(|k| k.to_string()).zip(row).collect()))
            .collect();
        Output::with_view(Value::List(values), View::Table(table))
    }

    pub fn text(text: String) -> Output {
        Output {
            value: Value::None,
            view: View::Text(text),
        }
    }
}

/// ANSI styling, or none when colour is off.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn red(self, text: &str) -> String {
        self.paint("31", text)
    }
}

/// A table as aligned columns under a bold header.
pub fn table_text(table: &Table, style: Style) -> String {
    if table.rows.is_empty() {
        return "(nothing to show)".into();
    }
    let columns = table.headers.len();
    let mut widths: Vec<usize> = table.headers.iter().map(|h| h.chars().count()).collect();
    for row in &table.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| -> String {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == columns {
                out.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                let _ = write!(out, "{cell}{}  ", " ".repeat(pad));
            }
        }
        out.trim_end().to_string()
    };
    let header = line(table.headers.iter().map(|h| h.to_string()).collect());
    let mut out = style.bold(&header);
    for row in &table.rows {
        out.push('\n');
        out.push_str(&line(row.clone()));
    }
    out
}
