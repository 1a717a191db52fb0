//! A DNS message's bytes, field by field (`dig ... raw=True`): the header and
//! its flags bit by bit, the question, and each record's name, type, class,
//! TTL, length and data, with where each name's compression pointers lead.
//!
//! The values shown are hickory's reading of the message; the offsets come
//! from walking the bytes, and the walk checks that both agree, so a field
//! hickory read differently from the bytes is reported instead of shown wrong.

use hickory_proto::op::Message;
use hickory_proto::rr::{RData, Record};

/// One field of a message: where it is, what it is, what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub offset: usize,
    pub length: usize,
    /// `header`, `question`, `answer`, `authority`, `additional`.
    pub section: &'static str,
    /// `ID`, `Flags`, `QDCOUNT`, `NAME`, `TYPE`, `RDATA`...
    pub name: String,
    pub value: String,
    /// Sub-lines: the flag bits, or a name's labels and pointers.
    pub parts: Vec<String>,
}

/// dig's word for a response code: NOERROR, NXDOMAIN, SERVFAIL, REFUSED...
pub fn rcode_name(code: u16) -> String {
    let name = match code {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        16 => "BADVERS",
        other => return format!("RCODE{other}"),
    };
    name.to_string()
}

/// dig's word for an opcode: QUERY, NOTIFY, UPDATE...
pub fn opcode_name(code: u8) -> String {
    let name = match code {
        0 => "QUERY",
        1 => "IQUERY",
        2 => "STATUS",
        4 => "NOTIFY",
        5 => "UPDATE",
        other => return format!("OPCODE{other}"),
    };
    name.to_string()
}

/// A record's data as a master file writes it (TXT strings quoted).
pub fn record_data_text(record: &Record) -> String {
    match &record.data {
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|s| {
                let text = String::from_utf8_lossy(s);
                format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// The fields of `bytes`, which hickory parsed as `message`.
pub fn breakdown(bytes: &[u8], message: &Message) -> Result<Vec<Field>, String> {
    let mut walk = Walk {
        bytes,
        at: 0,
        fields: Vec::new(),
    };
    walk.header(message)?;
    let counts = [
        walk.u16_at(4)?,
        walk.u16_at(6)?,
        walk.u16_at(8)?,
        walk.u16_at(10)?,
    ];
    if usize::from(counts[0]) != message.queries.len() {
        return Err("hickory read a different number of questions".into());
    }
    for query in &message.queries {
        let name = walk.name("question", "QNAME")?;
        check_name(&name, &query.name.to_string())?;
        let record_type = walk.u16("question", "QTYPE", |n| {
            hickory_proto::rr::RecordType::from(n).to_string()
        })?;
        if record_type != u16::from(query.query_type) {
            return Err("hickory read a different question type".into());
        }
        walk.u16("question", "QCLASS", |n| {
            hickory_proto::rr::DNSClass::from(n).to_string()
        })?;
    }
    // hickory moves the OPT record out of the additional section (into
    // `edns`); the walk still meets it in the bytes.
    let additionals: Vec<Option<&Record>> = message.additionals.iter().map(Some).collect();
    let sections: [(&'static str, Vec<Option<&Record>>, u16); 3] = [
        (
            "answer",
            message.answers.iter().map(Some).collect(),
            counts[1],
        ),
        (
            "authority",
            message.authorities.iter().map(Some).collect(),
            counts[2],
        ),
        ("additional", additionals, counts[3]),
    ];
    for (section, records, count) in sections {
        let mut parsed = records.into_iter();
        for _ in 0..count {
            walk.record(section, &mut parsed)?;
        }
    }
    if walk.at != bytes.len() {
        walk.fields.push(Field {
            offset: walk.at,
            length: bytes.len() - walk.at,
            section: "trailing",
            name: "(extra bytes)".into(),
            value: format!("{} bytes after the last record", bytes.len() - walk.at),
            parts: Vec::new(),
        });
    }
    Ok(walk.fields)
}

/// The breakdown as text, one field a line with its offset and length.
pub fn render(fields: &[Field]) -> String {
    let mut out = String::new();
    let mut section = "";
    for field in fields {
        if field.section != section {
            section = field.section;
            out.push_str(&format!(";; {} (offset length field: value)\n", section));
        }
        out.push_str(&format!(
            "{:04x} {:>3}  {}: {}\n",
            field.offset, field.length, field.name, field.value
        ));
        for part in &field.parts {
            out.push_str(&format!("          {part}\n"));
        }
    }
    out
}

struct Walk<'a> {
    bytes: &'a [u8],
    at: usize,
    fields: Vec<Field>,
}

/// A name may point at most this many times: loops in a bad message end.
const MAX_POINTERS: usize = 64;

impl Walk<'_> {
    fn u16_at(&self, offset: usize) -> Result<u16, String> {
        self.bytes
            .get(offset..offset + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| format!("the message ends inside the field at offset {offset}"))
    }

    fn take(&mut self, length: usize) -> Result<&[u8], String> {
        let end = self.at + length;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| format!("the message ends inside the field at offset {}", self.at))?;
        self.at = end;
        Ok(slice)
    }

    fn push(&mut self, offset: usize, section: &'static str, name: &str, value: String) {
        self.fields.push(Field {
            offset,
            length: self.at - offset,
            section,
            name: name.to_string(),
            value,
            parts: Vec::new(),
        });
    }

    fn u16(
        &mut self,
        section: &'static str,
        name: &str,
        meaning: impl Fn(u16) -> String,
    ) -> Result<u16, String> {
        let offset = self.at;
        let b = self.take(2)?;
        let n = u16::from_be_bytes([b[0], b[1]]);
        self.push(offset, section, name, format!("{n} ({})", meaning(n)));
        Ok(n)
    }

    fn header(&mut self, message: &Message) -> Result<(), String> {
        let meta = &message.metadata;
        let id = self.u16_at(0)?;
        if id != meta.id {
            return Err("hickory read a different id".into());
        }
        self.take(2)?;
        self.push(0, "header", "ID", format!("0x{id:04x} ({id})"));
        let flags = self.u16_at(2)?;
        self.take(2)?;
        let bit = |n: u32| (flags >> n) & 1 == 1;
        let opcode = ((flags >> 11) & 0xf) as u8;
        let rcode = flags & 0xf;
        let read = [
            (
                bit(15),
                meta.message_type == hickory_proto::op::MessageType::Response,
            ),
            (bit(10), meta.authoritative),
            (bit(9), meta.truncation),
            (bit(8), meta.recursion_desired),
            (bit(7), meta.recursion_available),
        ];
        if read.iter().any(|(wire, parsed)| wire != parsed) || opcode != u8::from(meta.op_code) {
            return Err("hickory read the header flags differently from the bytes".into());
        }
        let yes_no = |set: bool, yes: &str, no: &str| if set { yes } else { no }.to_string();
        let parts = vec![
            flag_line(
                flags,
                15,
                1,
                format!("QR: {}", yes_no(bit(15), "response", "query")),
            ),
            flag_line(
                flags,
                11,
                4,
                format!("Opcode: {} ({opcode})", opcode_name(opcode)),
            ),
            flag_line(
                flags,
                10,
                1,
                format!(
                    "AA: {}",
                    yes_no(bit(10), "authoritative answer", "not authoritative")
                ),
            ),
            flag_line(
                flags,
                9,
                1,
                format!("TC: {}", yes_no(bit(9), "truncated", "not truncated")),
            ),
            flag_line(
                flags,
                8,
                1,
                format!("RD: recursion {}", yes_no(bit(8), "desired", "not desired")),
            ),
            flag_line(
                flags,
                7,
                1,
                format!(
                    "RA: recursion {}",
                    yes_no(bit(7), "available", "not available")
                ),
            ),
            flag_line(flags, 6, 1, "Z: reserved".into()),
            flag_line(
                flags,
                5,
                1,
                format!(
                    "AD: {}",
                    yes_no(bit(5), "authenticated data", "not authenticated")
                ),
            ),
            flag_line(
                flags,
                4,
                1,
                format!("CD: checking {}", yes_no(bit(4), "disabled", "enabled")),
            ),
            flag_line(
                flags,
                0,
                4,
                format!("RCODE: {} ({rcode})", rcode_name(rcode)),
            ),
        ];
        self.fields.push(Field {
            offset: 2,
            length: 2,
            section: "header",
            name: "Flags".into(),
            value: format!("0x{flags:04x}"),
            parts,
        });
        for (name, what) in [
            ("QDCOUNT", "questions"),
            ("ANCOUNT", "answers"),
            ("NSCOUNT", "authority records"),
            ("ARCOUNT", "additional records"),
        ] {
            self.u16("header", name, |_| what.to_string())?;
        }
        Ok(())
    }

    /// A name at the current offset: its labels, and the pointer that ends it
    /// if it is compressed. Returns the name as text, with its final dot.
    fn name(&mut self, section: &'static str, field: &str) -> Result<String, String> {
        let offset = self.at;
        let (name, parts, length) = read_name(self.bytes, offset)?;
        self.at = offset + length;
        self.fields.push(Field {
            offset,
            length,
            section,
            name: field.to_string(),
            value: name.clone(),
            parts,
        });
        Ok(name)
    }

    fn record<'r>(
        &mut self,
        section: &'static str,
        parsed: &mut impl Iterator<Item = Option<&'r Record>>,
    ) -> Result<(), String> {
        let name = self.name(section, "NAME")?;
        let record_type = self.u16(section, "TYPE", |n| {
            hickory_proto::rr::RecordType::from(n).to_string()
        })?;
        if record_type == u16::from(hickory_proto::rr::RecordType::OPT) {
            // EDNS: the class is the sender's UDP payload size, the TTL its flags.
            self.u16(section, "UDP payload size", |_| "bytes".into())?;
            let offset = self.at;
            self.take(4)?;
            self.push(
                offset,
                section,
                "EDNS flags",
                "extended rcode, version, DO".into(),
            );
        } else {
            let record = parsed
                .next()
                .flatten()
                .ok_or("hickory read fewer records than the bytes hold")?;
            check_name(&name, &record.name.to_string())?;
            if record_type != u16::from(record.record_type()) {
                return Err("hickory read a different record type".into());
            }
            self.u16(section, "CLASS", |n| {
                hickory_proto::rr::DNSClass::from(n).to_string()
            })?;
            let offset = self.at;
            let ttl = self.take(4)?;
            let ttl = u32::from_be_bytes([ttl[0], ttl[1], ttl[2], ttl[3]]);
            if ttl != record.ttl {
                return Err("hickory read a different TTL".into());
            }
            self.push(offset, section, "TTL", format!("{ttl} seconds"));
            let rdlength = self.u16(section, "RDLENGTH", |_| "bytes of data".into())?;
            let offset = self.at;
            self.take(usize::from(rdlength))?;
            let mut parts = Vec::new();
            // Names inside the data may be compressed too: show where they lead.
            if let Some(name_at) = rdata_name_offset(&record.data) {
                let (_, name_parts, _) = read_name(self.bytes, offset + name_at)?;
                parts = name_parts;
            }
            self.fields.push(Field {
                offset,
                length: usize::from(rdlength),
                section,
                name: "RDATA".into(),
                value: record_data_text(record),
                parts,
            });
            return Ok(());
        }
        let rdlength = self.u16(section, "RDLENGTH", |_| "bytes of options".into())?;
        let offset = self.at;
        self.take(usize::from(rdlength))?;
        self.push(offset, section, "OPTIONS", format!("{rdlength} bytes"));
        Ok(())
    }
}

/// Where the (first) name inside a record's data starts, for the types that hold one.
fn rdata_name_offset(data: &RData) -> Option<usize> {
    match data {
        RData::CNAME(_) | RData::NS(_) | RData::PTR(_) | RData::SOA(_) => Some(0),
        RData::MX(_) => Some(2),
        _ => None,
    }
}

/// Reads a possibly compressed name at `offset`: its text, one line per label
/// or pointer, and how many bytes it takes where it starts.
fn read_name(bytes: &[u8], offset: usize) -> Result<(String, Vec<String>, usize), String> {
    let mut labels: Vec<String> = Vec::new();
    let mut parts = Vec::new();
    let mut at = offset;
    let mut length = None;
    let mut pointers = 0;
    loop {
        let &first = bytes
            .get(at)
            .ok_or_else(|| format!("a name runs past the end of the message at {at}"))?;
        match first >> 6 {
            0b00 if first == 0 => {
                parts.push(format!("{at:04x}: 00 = the root: end of name"));
                length.get_or_insert_with(|| at + 1 - offset);
                break;
            }
            0b00 => {
                let len = usize::from(first);
                let label = bytes
                    .get(at + 1..at + 1 + len)
                    .ok_or_else(|| format!("a label runs past the end of the message at {at}"))?;
                let text = String::from_utf8_lossy(label).into_owned();
                parts.push(format!("{at:04x}: length {len}, label \"{text}\""));
                labels.push(text);
                at += 1 + len;
            }
            0b11 => {
                let second = *bytes
                    .get(at + 1)
                    .ok_or_else(|| format!("a pointer runs past the end of the message at {at}"))?;
                let target = (usize::from(first & 0x3f) << 8) | usize::from(second);
                pointers += 1;
                if pointers > MAX_POINTERS || target >= at {
                    return Err(format!("a compression pointer at {at} loops"));
                }
                parts.push(format!(
                    "{at:04x}: {first:02x} {second:02x} = pointer to offset 0x{target:04x}"
                ));
                length.get_or_insert_with(|| at + 2 - offset);
                at = target;
            }
            _ => return Err(format!("a label at {at} has a reserved type")),
        }
    }
    let name = if labels.is_empty() {
        ".".to_string()
    } else {
        format!("{}.", labels.join("."))
    };
    Ok((name, parts, length.unwrap_or(0)))
}

/// Names compare without case, as DNS does.
fn check_name(walked: &str, parsed: &str) -> Result<(), String> {
    if walked.eq_ignore_ascii_case(parsed) {
        Ok(())
    } else {
        Err(format!(
            "the bytes spell {walked} where hickory read {parsed}"
        ))
    }
}

/// `1... .... .... .... = QR: response`: the field's bits shown in place.
fn flag_line(flags: u16, low_bit: u32, width: u32, meaning: String) -> String {
    let mut picture = String::new();
    for bit in (0..16).rev() {
        if bit < 15 && bit % 4 == 3 {
            picture.push(' ');
        }
        if bit >= low_bit && bit < low_bit + width {
            picture.push(if (flags >> bit) & 1 == 1 { '1' } else { '0' });
        } else {
            picture.push('.');
        }
    }
    format!("{picture} = {meaning}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::{Name, RecordType, rdata};
    use std::str::FromStr;

    fn reply() -> (Vec<u8>, Message) {
        let mut message = Message::response(0x1234, hickory_proto::op::OpCode::Query);
        message.metadata.authoritative = true;
        message.metadata.recursion_desired = true;
        let www = Name::from_str("www.lab.").unwrap();
        message.add_query(Query::query(www.clone(), RecordType::A));
        message.add_answer(Record::from_rdata(
            Name::from_str("web.lab.").unwrap(),
            60,
            RData::CNAME(rdata::CNAME(www.clone())),
        ));
        message.add_answer(Record::from_rdata(
            www,
            60,
            RData::A(rdata::A::new(10, 77, 0, 10)),
        ));
        let bytes = message.to_vec().unwrap();
        let parsed = Message::from_vec(&bytes).unwrap();
        (bytes, parsed)
    }

    #[test]
    fn header_flags_are_shown_bit_by_bit() {
        let (bytes, message) = reply();
        let fields = breakdown(&bytes, &message).unwrap();
        assert_eq!(fields[0].value, "0x1234 (4660)");
        let flags = &fields[1];
        assert_eq!(flags.value, "0x8500");
        assert_eq!(flags.parts[0], "1... .... .... .... = QR: response");
        assert_eq!(
            flags.parts[2],
            ".... .1.. .... .... = AA: authoritative answer"
        );
        assert_eq!(flags.parts[9], ".... .... .... 0000 = RCODE: NOERROR (0)");
    }

    #[test]
    fn every_byte_is_in_one_field_and_pointers_are_followed() {
        let (bytes, message) = reply();
        let fields = breakdown(&bytes, &message).unwrap();
        let covered: usize = fields.iter().map(|f| f.length).sum();
        assert_eq!(covered, bytes.len());
        // The CNAME's target and the second answer's owner point back at www.lab.
        let pointer_lines = fields
            .iter()
            .flat_map(|f| &f.parts)
            .filter(|p| p.contains("pointer to offset 0x000c"))
            .count();
        assert!(pointer_lines >= 2, "{}", render(&fields));
        let rdata: Vec<&str> = fields
            .iter()
            .filter(|f| f.name == "RDATA")
            .map(|f| f.value.as_str())
            .collect();
        assert_eq!(rdata, ["www.lab.", "10.77.0.10"]);
    }

    #[test]
    fn a_looping_pointer_is_an_error_not_a_hang() {
        // A name that is a pointer to itself.
        let bytes = [0xc0, 0x00];
        assert!(read_name(&bytes, 0).is_err());
    }
}
