//! Python's `idna` codec (IDNA 2003, `encodings/idna.py`), which CPython runs
//! on every str host name before the C resolver sees it: `bücher.example`
//! becomes `xn--bcher-kva.example`.

mod nameprep;
mod punycode;

use std::fmt;

/// Why a name has no IDNA form; `Display` gives CPython's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdnaError {
    LabelEmptyOrTooLong,
    /// The ASCII fast path's wording for the last label.
    LabelTooLong,
    AcePrefix,
    InvalidCharacter(char),
    BidiRequirement(u8),
}

impl fmt::Display for IdnaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdnaError::LabelEmptyOrTooLong => f.write_str("label empty or too long"),
            IdnaError::LabelTooLong => f.write_str("label too long"),
            IdnaError::AcePrefix => f.write_str("Label starts with ACE prefix"),
            IdnaError::InvalidCharacter(c) => {
                write!(f, "Invalid character {}", prohibited_character_repr(*c))
            }
            IdnaError::BidiRequirement(n) => write!(f, "Violation of BIDI requirement {n}"),
        }
    }
}

const ACE_PREFIX: &str = "xn--";

/// `name.encode('idna')`.
pub fn encode(name: &str) -> Result<Vec<u8>, IdnaError> {
    if name.is_ascii() {
        return encode_ascii(name);
    }
    // IDNA section 3.1: the ideographic and full-width full stops separate labels too.
    let mut labels: Vec<&str> = name
        .split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'])
        .collect();
    let trailing_dot = labels.last() == Some(&"");
    if trailing_dot {
        labels.pop();
    }
    let mut encoded = labels
        .into_iter()
        .map(to_ascii)
        .collect::<Result<Vec<_>, _>>()?
        .join(".");
    if trailing_dot {
        encoded.push('.');
    }
    Ok(encoded.into_bytes())
}

/// The fast path: no nameprep, only label lengths, and the last label may be
/// empty (a trailing dot) whatever precedes it.
fn encode_ascii(name: &str) -> Result<Vec<u8>, IdnaError> {
    if name.is_empty() {
        return Ok(Vec::new());
    }
    let labels: Vec<&str> = name.split('.').collect();
    let (last, others) = labels.split_last().unwrap_or((&"", &[]));
    if others.iter().any(|label| !fits(label)) {
        return Err(IdnaError::LabelEmptyOrTooLong);
    }
    if last.len() >= 64 {
        return Err(IdnaError::LabelTooLong);
    }
    Ok(name.as_bytes().to_vec())
}

/// RFC 3490 ToASCII with UseSTD3ASCIIRules off, as CPython runs it.
fn to_ascii(label: &str) -> Result<String, IdnaError> {
    // ASCII labels pass untouched, upper case included.
    if label.is_ascii() {
        return checked_length(label.to_string());
    }
    let prepared = nameprep::nameprep(label)?;
    if prepared.is_ascii() {
        return checked_length(prepared);
    }
    if prepared.starts_with(ACE_PREFIX) {
        return Err(IdnaError::AcePrefix);
    }
    let punycode = punycode::encode(&prepared).ok_or(IdnaError::LabelEmptyOrTooLong)?;
    checked_length(format!("{ACE_PREFIX}{punycode}"))
}

fn checked_length(label: String) -> Result<String, IdnaError> {
    if fits(&label) {
        Ok(label)
    } else {
        Err(IdnaError::LabelEmptyOrTooLong)
    }
}

/// A DNS label holds 1 to 63 octets.
fn fits(label: &str) -> bool {
    (1..64).contains(&label.len())
}

/// `repr()` of a character nameprep refuses: of those, CPython prints only
/// U+0340, U+0341, U+2FF0 to U+2FFB, U+FFFC and U+FFFD as themselves.
fn prohibited_character_repr(c: char) -> String {
    let code = u32::from(c);
    match code {
        0x340 | 0x341 | 0x2FF0..=0x2FFB | 0xFFFC | 0xFFFD => format!("'{c}'"),
        0..=0xFF => format!("'\\x{code:02x}'"),
        0x100..=0xFFFF => format!("'\\u{code:04x}'"),
        _ => format!("'\\U{code:08x}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(name: &str) -> String {
        String::from_utf8(encode(name).unwrap()).unwrap()
    }

    #[test]
    fn idna_encodes_each_non_ascii_label_with_punycode() {
        assert_eq!(encoded("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(encoded("Bücher.EXAMPLE"), "xn--bcher-kva.EXAMPLE");
        assert_eq!(encoded("правда.рф"), "xn--80aafi6cg.xn--p1ai");
    }

    #[test]
    fn idna_accepts_ideographic_and_full_width_dots() {
        assert_eq!(encoded("ä。b．c｡d"), "xn--4ca.b.c.d");
        assert_eq!(encoded("bücher。"), "xn--bcher-kva.");
    }

    #[test]
    fn idna_labels_that_nameprep_makes_ascii_skip_punycode() {
        assert_eq!(encoded("straße.de"), "strasse.de");
        assert_eq!(encoded("ＥＸＡＭＰＬＥ.ä"), "example.xn--4ca");
    }

    #[test]
    fn idna_refuses_empty_long_and_ace_labels() {
        assert_eq!(encode("ä..b"), Err(IdnaError::LabelEmptyOrTooLong));
        assert_eq!(encode("ä.."), Err(IdnaError::LabelEmptyOrTooLong));
        assert_eq!(encode("\u{AD}.ä"), Err(IdnaError::LabelEmptyOrTooLong));
        assert_eq!(encode(&"ä".repeat(60)), Err(IdnaError::LabelEmptyOrTooLong));
        assert_eq!(encode("xn--bücher"), Err(IdnaError::AcePrefix));
        assert_eq!(encoded("xn--bcher-kva.ä"), "xn--bcher-kva.xn--4ca");
    }

    #[test]
    fn idna_ascii_names_only_check_label_lengths() {
        assert_eq!(encoded(""), "");
        assert_eq!(encoded("LOCALHOST."), "LOCALHOST.");
        assert_eq!(encode("a..b"), Err(IdnaError::LabelEmptyOrTooLong));
        assert_eq!(encode(&"a".repeat(64)), Err(IdnaError::LabelTooLong));
    }

    #[test]
    fn idna_errors_read_like_python() {
        let error = encode("a\u{200E}b.ä").unwrap_err();
        assert_eq!(error.to_string(), "Invalid character '\\u200e'");
        let error = encode("ä\u{E0001}").unwrap_err();
        assert_eq!(error.to_string(), "Invalid character '\\U000e0001'");
        let error = encode("ä\u{FFFD}").unwrap_err();
        assert_eq!(error.to_string(), "Invalid character '\u{FFFD}'");
    }
}
