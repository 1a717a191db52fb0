//! `str.encode` and `bytes.decode` for the codecs a networking learner meets
//! (UTF-8, ASCII, Latin-1), with CPython's error handlers and messages.

use crate::python::error::{CommandError, CommandResult, PyException};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Codec {
    Utf8,
    Ascii,
    Latin1,
    /// Host names in their DNS form (IDNA 2003), as Python's `idna` codec;
    /// encoding only.
    Idna,
}

impl Codec {
    /// Python's normalised spellings of the codec names it accepts.
    fn find(name: &str) -> CommandResult<Codec> {
        let normal = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match normal.as_str() {
            "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => Ok(Codec::Utf8),
            "ascii" | "us_ascii" | "646" => Ok(Codec::Ascii),
            "latin_1" | "latin1" | "latin" | "l1" | "iso_8859_1" | "iso8859_1" | "8859"
            | "cp819" => Ok(Codec::Latin1),
            "idna" => Ok(Codec::Idna),
            _ => Err(CommandError::new(
                PyException::LookupError,
                format!("unknown encoding: {name}"),
            )
            .explain("netrepl knows the utf-8, ascii and latin-1 codecs, and idna for encoding.")),
        }
    }

    fn python_name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Ascii => "ascii",
            Codec::Latin1 => "latin-1",
            Codec::Idna => "idna",
        }
    }

    /// The highest code point the codec can hold.
    fn limit(self) -> u32 {
        match self {
            Codec::Utf8 => char::MAX as u32,
            Codec::Ascii => 0x7f,
            Codec::Latin1 => 0xff,
            Codec::Idna => 0x7f,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handler {
    Strict,
    Ignore,
    Replace,
}

impl Handler {
    /// Python only looks the handler up when it meets an error, and
    /// unknown ones then raise LookupError; strict is the fallback here.
    fn find(name: &str) -> CommandResult<Handler> {
        match name {
            "strict" => Ok(Handler::Strict),
            "ignore" => Ok(Handler::Ignore),
            "replace" => Ok(Handler::Replace),
            _ => Err(CommandError::new(
                PyException::LookupError,
                format!("unknown error handler name '{name}'"),
            )),
        }
    }
}

/// `text.encode(encoding, errors)`.
pub fn encode(text: &str, encoding: &str, errors: &str) -> CommandResult<Vec<u8>> {
    let codec = Codec::find(encoding)?;
    match codec {
        Codec::Utf8 => return Ok(text.as_bytes().to_vec()),
        Codec::Idna => return crate::python::convert::idna_encode(text),
        Codec::Ascii | Codec::Latin1 => {}
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c as u32 <= codec.limit() {
            out.push(c as u8);
            at += 1;
            continue;
        }
        // CPython reports the whole run of characters it cannot encode.
        let end = (at..chars.len())
            .find(|&i| chars[i] as u32 <= codec.limit())
            .unwrap_or(chars.len());
        match Handler::find(errors)? {
            Handler::Strict => {
                let what = if end - at == 1 {
                    format!("character {} in position {at}", char_repr(c))
                } else {
                    format!("characters in position {at}-{}", end - 1)
                };
                return Err(CommandError::new(
                    PyException::UnicodeEncodeError,
                    format!(
                        "'{}' codec can't encode {what}: ordinal not in range({})",
                        codec.python_name(),
                        codec.limit() + 1
                    ),
                ));
            }
            Handler::Ignore => {}
            Handler::Replace => out.extend(std::iter::repeat_n(b'?', end - at)),
        }
        at = end;
    }
    Ok(out)
}

/// `data.decode(encoding, errors)`.
pub fn decode(data: &[u8], encoding: &str, errors: &str) -> CommandResult<String> {
    match Codec::find(encoding)? {
        Codec::Latin1 => Ok(data.iter().map(|&b| char::from(b)).collect()),
        Codec::Ascii => decode_ascii(data, errors),
        Codec::Utf8 => decode_utf8(data, errors),
        Codec::Idna => Err(CommandError::new(
            PyException::LookupError,
            "netrepl encodes with idna but does not decode with it",
        )),
    }
}

fn decode_ascii(data: &[u8], errors: &str) -> CommandResult<String> {
    let mut out = String::with_capacity(data.len());
    for (at, &byte) in data.iter().enumerate() {
        if byte.is_ascii() {
            out.push(char::from(byte));
            continue;
        }
        match Handler::find(errors)? {
            Handler::Strict => {
                return Err(decode_error(
                    "ascii",
                    data,
                    at,
                    1,
                    "ordinal not in range(128)",
                ));
            }
            Handler::Ignore => {}
            Handler::Replace => out.push(char::REPLACEMENT_CHARACTER),
        }
    }
    Ok(out)
}

fn decode_utf8(data: &[u8], errors: &str) -> CommandResult<String> {
    let mut out = String::with_capacity(data.len());
    let mut rest = data;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return Ok(out);
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let at = data.len() - rest.len() + good;
                let (bad, reason) = match e.error_len() {
                    Some(len) if is_lead_byte(rest[good]) => (len, "invalid continuation byte"),
                    Some(len) => (len, "invalid start byte"),
                    None => (rest.len() - good, "unexpected end of data"),
                };
                match Handler::find(errors)? {
                    Handler::Strict => return Err(decode_error("utf-8", data, at, bad, reason)),
                    Handler::Ignore => {}
                    Handler::Replace => out.push(char::REPLACEMENT_CHARACTER),
                }
                rest = &rest[good + bad..];
            }
        }
    }
}

/// Bytes that may start a UTF-8 sequence of two or more bytes.
fn is_lead_byte(byte: u8) -> bool {
    (0xc2..=0xf4).contains(&byte)
}

fn decode_error(codec: &str, data: &[u8], at: usize, len: usize, reason: &str) -> CommandError {
    let what = if len == 1 {
        format!("byte 0x{:02x} in position {at}", data[at])
    } else {
        format!("bytes in position {at}-{}", at + len - 1)
    };
    CommandError::new(
        PyException::UnicodeDecodeError,
        format!("'{codec}' codec can't decode {what}: {reason}"),
    )
}

/// A character as Python quotes it inside codec errors: `'\xe9'`, `'\u20ac'`.
fn char_repr(c: char) -> String {
    match c as u32 {
        n @ 0..=0xff => format!("'\\x{n:02x}'"),
        n @ 0x100..=0xffff => format!("'\\u{n:04x}'"),
        n => format!("'\\U{n:08x}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_errors_name_the_bytes_and_the_reason_like_cpython() {
        let line = |data: &[u8]| decode(data, "utf-8", "strict").unwrap_err().message;
        assert_eq!(
            line(b"\xff"),
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
        );
        assert_eq!(
            line(b"a\xc3"),
            "'utf-8' codec can't decode byte 0xc3 in position 1: unexpected end of data"
        );
        assert_eq!(
            line(b"\xe2\x82"),
            "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"
        );
        assert_eq!(
            line(b"\xc3("),
            "'utf-8' codec can't decode byte 0xc3 in position 0: invalid continuation byte"
        );
    }

    #[test]
    fn handlers_ignore_or_replace_what_does_not_fit() {
        assert_eq!(encode("é-é", "ascii", "ignore").unwrap(), b"-");
        assert_eq!(encode("é-é", "ASCII", "replace").unwrap(), b"?-?");
        assert_eq!(decode(b"a\xffb", "utf8", "replace").unwrap(), "a\u{fffd}b");
        assert_eq!(decode(b"a\xffb", "utf-8", "ignore").unwrap(), "ab");
    }

    #[test]
    fn a_run_of_unencodable_characters_is_reported_as_a_range() {
        let e = encode("aéé", "latin-1", "strict").unwrap();
        assert_eq!(e, b"a\xe9\xe9");
        let e = encode("a€€", "latin-1", "strict").unwrap_err();
        assert_eq!(
            e.message,
            "'latin-1' codec can't encode characters in position 1-2: ordinal not in range(256)"
        );
    }
}
