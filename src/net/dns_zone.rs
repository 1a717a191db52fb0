//! DNS zones as the lab describes them, and their master files (RFC 1035
//! section 5), the text format every DNS server reads and a teacher can check
//! by eye. The lab writes one file per zone; `netrepl serve-dns` loads them.

use std::fmt::Write as _;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// The extension of a zone's master file: `lab.zone`, `0.77.10.in-addr.arpa.zone`.
pub const ZONE_FILE_EXTENSION: &str = "zone";

/// One zone a server is authoritative for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// The zone's name with its final dot: `lab.`, `0.77.10.in-addr.arpa.`.
    pub origin: String,
    /// The name server's full name (`ns.lab.`), in the SOA and NS records.
    pub nameserver: String,
    /// The TTL of the SOA and NS records and of negative answers.
    pub ttl: u32,
    pub records: Vec<ZoneRecord>,
}

/// One resource record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneRecord {
    /// Relative to the zone (`www`, `@` for the zone itself) or absolute with
    /// a final dot (`www.lab.`).
    pub name: String,
    pub ttl: u32,
    pub data: RecordData,
}

/// The record types the lab serves. Names inside records follow the same rule
/// as [`ZoneRecord::name`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(String),
    Mx { preference: u16, exchange: String },
    Txt(String),
    Ptr(String),
    Ns(String),
}

impl RecordData {
    pub fn type_name(&self) -> &'static str {
        match self {
            RecordData::A(_) => "A",
            RecordData::Aaaa(_) => "AAAA",
            RecordData::Cname(_) => "CNAME",
            RecordData::Mx { .. } => "MX",
            RecordData::Txt(_) => "TXT",
            RecordData::Ptr(_) => "PTR",
            RecordData::Ns(_) => "NS",
        }
    }

    fn master_text(&self) -> String {
        match self {
            RecordData::A(address) => address.to_string(),
            RecordData::Aaaa(address) => address.to_string(),
            RecordData::Cname(name) | RecordData::Ptr(name) | RecordData::Ns(name) => name.clone(),
            RecordData::Mx {
                preference,
                exchange,
            } => format!("{preference} {exchange}"),
            RecordData::Txt(text) => quoted(text),
        }
    }
}

impl Zone {
    /// The zone's master file: `$ORIGIN`, `$TTL`, the SOA and NS records
    /// every zone needs, then its records in order.
    pub fn master_file(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "; written by netrepl for the teaching lab");
        let _ = writeln!(text, "$ORIGIN {}", self.origin);
        let _ = writeln!(text, "$TTL {}", self.ttl);
        // The mailbox of the name server's domain: ns.lab. -> hostmaster.lab.
        let domain = self
            .nameserver
            .split_once('.')
            .map_or(self.nameserver.as_str(), |(_, rest)| rest);
        let admin = format!("hostmaster.{domain}");
        let _ = writeln!(
            text,
            "@ IN SOA {} {admin} 1 3600 600 86400 {}",
            self.nameserver, self.ttl
        );
        let _ = writeln!(text, "@ IN NS {}", self.nameserver);
        for record in &self.records {
            let _ = writeln!(
                text,
                "{} {} IN {} {}",
                record.name,
                record.ttl,
                record.data.type_name(),
                record.data.master_text()
            );
        }
        text
    }

    /// `lab.zone` for `lab.`.
    pub fn file_name(&self) -> String {
        let name = self.origin.trim_end_matches('.');
        format!("{name}.{ZONE_FILE_EXTENSION}")
    }
}

/// Writes every zone's master file into `dir` (created if needed); returns the paths.
pub fn write_zone_files(zones: &[Zone], dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    zones
        .iter()
        .map(|zone| {
            let path = dir.join(zone.file_name());
            std::fs::write(&path, zone.master_file())?;
            Ok(path)
        })
        .collect()
}

/// A TXT string in master-file quotes: `"` and `\` escaped, other bytes as they are.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Zone {
        Zone {
            origin: "lab.".into(),
            nameserver: "ns.lab.".into(),
            ttl: 300,
            records: vec![
                ZoneRecord {
                    name: "www".into(),
                    ttl: 60,
                    data: RecordData::A(Ipv4Addr::new(10, 77, 0, 10)),
                },
                ZoneRecord {
                    name: "web".into(),
                    ttl: 60,
                    data: RecordData::Cname("www".into()),
                },
                ZoneRecord {
                    name: "@".into(),
                    ttl: 300,
                    data: RecordData::Mx {
                        preference: 10,
                        exchange: "mail.lab.".into(),
                    },
                },
                ZoneRecord {
                    name: "@".into(),
                    ttl: 300,
                    data: RecordData::Txt("say \"hi\"".into()),
                },
            ],
        }
    }

    #[test]
    fn master_file_has_soa_ns_then_the_records() {
        let text = sample().master_file();
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                "$ORIGIN lab.",
                "$TTL 300",
                "@ IN SOA ns.lab. hostmaster.lab. 1 3600 600 86400 300",
                "@ IN NS ns.lab.",
                "www 60 IN A 10.77.0.10",
                "web 60 IN CNAME www",
                "@ 300 IN MX 10 mail.lab.",
                "@ 300 IN TXT \"say \\\"hi\\\"\"",
            ]
        );
    }

    #[test]
    fn file_names_drop_the_final_dot() {
        let mut zone = sample();
        assert_eq!(zone.file_name(), "lab.zone");
        zone.origin = "0.77.10.in-addr.arpa.".into();
        assert_eq!(zone.file_name(), "0.77.10.in-addr.arpa.zone");
    }
}
