//! Splits Python-style input into tokens: names, numbers, string and bytes
//! literals with their escapes, and punctuation.

use crate::python::error::{CommandError, CommandResult};
use crate::python::limits::MAX_BRACKET_DEPTH;

#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    Name(String),
    Int(i128),
    /// `f'...'`, cut into text and the source of each field.
    FString(Vec<crate::python::fstring::Piece<String>>),
    /// An int literal past `i128`.
    LargeInt(num_bigint::BigInt),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Punct(char),
    /// Operators of two or three characters: `==`, `**`, `<<`, `+=`, `//=`, ...
    Operator(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    pub token: Token,
    pub start: usize,
    pub end: usize,
}

const PUNCTUATION: &str = "()[]{},=|-.?:+*/%&^<>~";

/// Operators of two or three characters, tried before single punctuation.
/// Longest first, so that `**=` is not read as `**` and `=`.
const OPERATORS: [&str; 21] = [
    "**=", "//=", "<<=", ">>=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "->",
];

/// Reads one token starting at byte `at` (after skipping spaces); `None` at the end
/// of the line or at a `#` comment.
pub fn next_token(src: &str, at: usize) -> CommandResult<Option<Spanned>> {
    let bytes = src.as_bytes();
    let mut i = at;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if i >= bytes.len() || bytes[i] == b'#' {
        return Ok(None);
    }
    let start = i;
    let c = src[i..].chars().next().unwrap_or(' ');
    let (token, end) = if let Some((prefix_len, quote)) = string_start(&src[i..]) {
        let prefix = src[i..i + prefix_len].to_ascii_lowercase();
        let (raw_body, end) = scan_quoted(src, i + prefix_len, quote)?;
        let raw = prefix.contains('r');
        if prefix.contains('f') {
            let decode = |text: &str| decode_str(text, raw);
            (
                Token::FString(crate::python::fstring::split(raw_body, &decode)?),
                end,
            )
        } else if prefix.contains('b') {
            (Token::Bytes(decode_bytes(raw_body, raw)?), end)
        } else {
            (Token::Str(decode_str(raw_body, raw)?), end)
        }
    } else if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
        scan_number(src, i)?
    } else if c.is_alphabetic() || c == '_' {
        let end = src[i..]
            .char_indices()
            .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_'))
            .map_or(src.len(), |(n, _)| i + n);
        (Token::Name(src[i..end].to_string()), end)
    } else if let Some(op) = OPERATORS.iter().find(|op| src[i..].starts_with(*op)) {
        (Token::Operator(op), i + op.len())
    } else if PUNCTUATION.contains(c) {
        (Token::Punct(c), i + 1)
    } else {
        return Err(CommandError::syntax(format!(
            "invalid character '{c}' (U+{:04X})",
            c as u32
        )));
    };
    Ok(Some(Spanned { token, start, end }))
}

pub fn tokenize(src: &str) -> CommandResult<Vec<Spanned>> {
    let mut tokens = Vec::new();
    let mut brackets = BracketDepth::default();
    let mut at = 0;
    while let Some(tok) = next_token(src, at)? {
        brackets.follow(&tok.token)?;
        at = tok.end;
        tokens.push(tok);
    }
    Ok(tokens)
}

/// How many brackets are open, refused past CPython's limit as its
/// tokenizer refuses them, before the parser recurses into them.
#[derive(Default)]
pub struct BracketDepth(usize);

impl BracketDepth {
    pub fn follow(&mut self, token: &Token) -> CommandResult<()> {
        match token {
            Token::Punct('(' | '[' | '{') if self.0 >= MAX_BRACKET_DEPTH => {
                Err(CommandError::syntax("too many nested parentheses"))
            }
            Token::Punct('(' | '[' | '{') => {
                self.0 += 1;
                Ok(())
            }
            Token::Punct(')' | ']' | '}') => {
                self.0 = self.0.saturating_sub(1);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub fn open(&self) -> usize {
        self.0
    }
}

/// Recognises a string literal's prefix (`b`, `r`, `rb`, `u`, ...) and opening quote.
pub fn string_start(s: &str) -> Option<(usize, char)> {
    let prefix_len = s
        .char_indices()
        .take_while(|(_, c)| matches!(c, 'b' | 'B' | 'r' | 'R' | 'u' | 'U' | 'f' | 'F'))
        .count();
    if prefix_len > 2 {
        return None;
    }
    let prefix = s[..prefix_len].to_ascii_lowercase();
    if !matches!(
        prefix.as_str(),
        "" | "b" | "r" | "u" | "br" | "rb" | "f" | "rf" | "fr"
    ) {
        return None;
    }
    match s[prefix_len..].chars().next() {
        Some(q @ ('\'' | '"')) => Some((prefix_len, q)),
        _ => None,
    }
}

fn scan_quoted(src: &str, open: usize, quote: char) -> CommandResult<(&str, usize)> {
    let body_start = open + 1;
    let mut escaped = false;
    for (n, c) in src[body_start..].char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return Ok((&src[body_start..body_start + n], body_start + n + 1));
        }
    }
    Err(CommandError::syntax(
        "unterminated string literal (detected at line 1)",
    ))
}

fn scan_number(src: &str, start: usize) -> CommandResult<(Token, usize)> {
    let rest = &src[start..];
    let end = start
        + rest
            .char_indices()
            .find(|&(n, c)| {
                !(c.is_ascii_alphanumeric()
                    || c == '_'
                    || c == '.'
                    || ((c == '+' || c == '-')
                        && n > 0
                        && matches!(rest.as_bytes()[n - 1], b'e' | b'E')
                        && !rest.starts_with("0x")
                        && !rest.starts_with("0X")))
            })
            .map_or(rest.len(), |(n, _)| n);
    Ok((number_token(&src[start..end])?, end))
}

/// A numeric literal, checked as Python's tokenizer checks it.
fn number_token(text: &str) -> CommandResult<Token> {
    let lower = text.to_ascii_lowercase();
    let based = [
        ("0x", 16, "hexadecimal"),
        ("0o", 8, "octal"),
        ("0b", 2, "binary"),
    ]
    .into_iter()
    .find(|(prefix, _, _)| lower.starts_with(prefix));
    if let Some((_, radix, name)) = based {
        return based_integer(&lower[2..], radix, name);
    }
    let invalid = || CommandError::syntax("invalid decimal literal");
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let whole_ok = digit_groups(whole) || (whole.is_empty() && fraction.is_some());
    let fraction_ok = fraction.is_none_or(|f| f.is_empty() || digit_groups(f));
    let exponent_ok =
        exponent.is_none_or(|e| digit_groups(e.strip_prefix(['+', '-']).unwrap_or(e)));
    let has_digits = whole
        .chars()
        .chain(fraction.unwrap_or("").chars())
        .any(|c| c.is_ascii_digit());
    if !(whole_ok && fraction_ok && exponent_ok && has_digits) {
        return Err(invalid());
    }
    let clean = lower.replace('_', "");
    if fraction.is_some() || exponent.is_some() {
        return clean
            .parse::<f64>()
            .map(Token::Float)
            .map_err(|_| invalid());
    }
    if clean.len() > 1 && clean.starts_with('0') && clean.bytes().any(|b| b != b'0') {
        return Err(CommandError::syntax(
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
        ));
    }
    match clean.parse::<i128>() {
        Ok(n) => Ok(Token::Int(n)),
        Err(_) => crate::python::int_text::decimal_literal(&clean).map(Token::LargeInt),
    }
}

/// Digits in groups joined by single underscores: `1_000`, not `1__0` or `1_`.
fn digit_groups(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('_')
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The digits after `0x`, `0o` or `0b`; one underscore may follow the prefix.
fn based_integer(digits: &str, radix: u32, name: &str) -> CommandResult<Token> {
    let invalid = || CommandError::syntax(format!("invalid {name} literal"));
    let body = digits.strip_prefix('_').unwrap_or(digits);
    if body.is_empty() || body.split('_').any(str::is_empty) {
        return Err(invalid());
    }
    if let Some(bad) = body.chars().find(|&c| c != '_' && !c.is_digit(radix)) {
        return Err(if radix < 10 && bad.is_ascii_digit() {
            CommandError::syntax(format!("invalid digit '{bad}' in {name} literal"))
        } else {
            invalid()
        });
    }
    let clean = body.replace('_', "");
    match i128::from_str_radix(&clean, radix) {
        Ok(n) => Ok(Token::Int(n)),
        Err(_) => num_traits::Num::from_str_radix(&clean, radix)
            .map(Token::LargeInt)
            .map_err(|_| invalid()),
    }
}

fn decode_str(body: &str, raw: bool) -> CommandResult<String> {
    if raw {
        return Ok(body.to_string());
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    // CPython reports positions after turning each non-ASCII character into
    // a 10-byte `\UXXXXXXXX` escape, so count them that way.
    let mut position = 0;
    while let Some(c) = chars.next() {
        let at = position;
        position += if c.is_ascii() { 1 } else { 10 };
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        position += if e.is_ascii() { 1 } else { 10 };
        match e {
            'x' | 'u' | 'U' => {
                let width = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut code = 0u32;
                let mut digits = 0;
                while digits < width {
                    let Some(d) = chars.peek().and_then(|d| d.to_digit(16)) else {
                        break;
                    };
                    code = code * 16 + d;
                    digits += 1;
                    chars.next();
                }
                position += digits;
                if digits < width {
                    let reason = format!("truncated \\{e}{} escape", "X".repeat(width));
                    return Err(unicode_error(at, position - 1, &reason));
                }
                match char::from_u32(code) {
                    Some(ch) => out.push(ch),
                    None if code > 0x10ffff => {
                        return Err(unicode_error(at, position - 1, "illegal Unicode character"));
                    }
                    None => {
                        return Err(CommandError::syntax(format!(
                            "lone surrogates such as '\\u{code:04x}' cannot be held in netrepl's strings"
                        )));
                    }
                }
            }
            'N' => {
                // Character names need Unicode's name table, which netrepl does not carry.
                let braced = chars.peek() == Some(&'{') && chars.clone().any(|c| c == '}');
                let reason = if braced {
                    let name_len = chars.by_ref().take_while(|&c| c != '}').count();
                    position += name_len + 1;
                    "unknown Unicode character name"
                } else {
                    "malformed \\N character escape"
                };
                return Err(unicode_error(at, position - 1, reason));
            }
            '0'..='7' => {
                let mut code = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            code = code * 8 + d;
                            chars.next();
                            position += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            other => match simple_escape(other) {
                Some(ch) => out.push(ch as char),
                None => {
                    out.push('\\');
                    out.push(other);
                }
            },
        }
    }
    Ok(out)
}

fn unicode_error(start: usize, end: usize, reason: &str) -> CommandError {
    CommandError::syntax(format!(
        "(unicode error) 'unicodeescape' codec can't decode bytes in position {start}-{end}: {reason}"
    ))
}

fn decode_bytes(body: &str, raw: bool) -> CommandResult<Vec<u8>> {
    if !body.is_ascii() {
        return Err(CommandError::syntax(
            "bytes can only contain ASCII literal characters",
        ));
    }
    if raw {
        return Ok(body.as_bytes().to_vec());
    }
    let src = body.as_bytes();
    let mut out = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&e) = src.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        match e {
            b'x' => {
                let hex = src
                    .get(i..i + 2)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                let value = hex
                    .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
                    .ok_or_else(|| {
                        CommandError::syntax(format!(
                            "(value error) invalid \\x escape at position {}",
                            i - 2
                        ))
                    })?;
                out.push(value);
                i += 2;
            }
            b'0'..=b'7' => {
                let mut code = u32::from(e - b'0');
                for _ in 0..2 {
                    match src.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            code = code * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((code & 0xff) as u8);
            }
            other => match simple_escape(other as char) {
                Some(byte) => out.push(byte),
                None => {
                    out.push(b'\\');
                    out.push(other);
                }
            },
        }
    }
    Ok(out)
}

fn simple_escape(c: char) -> Option<u8> {
    Some(match c {
        '\\' => b'\\',
        '\'' => b'\'',
        '"' => b'"',
        'n' => b'\n',
        'r' => b'\r',
        't' => b'\t',
        'a' => 0x07,
        'b' => 0x08,
        'f' => 0x0c,
        'v' => 0x0b,
        '\n' => return None,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<Token> {
        tokenize(src)
            .unwrap()
            .into_iter()
            .map(|t| t.token)
            .collect()
    }

    #[test]
    fn bytes_literals_decode_hex_and_octal_escapes() {
        assert_eq!(
            tokens(r"b'\xc0\xa8\0\1'"),
            vec![Token::Bytes(vec![0xc0, 0xa8, 0, 1])]
        );
    }

    #[test]
    fn numbers_accept_hex_and_floats() {
        assert_eq!(
            tokens("0x1F 1.5 10"),
            vec![Token::Int(31), Token::Float(1.5), Token::Int(10)]
        );
    }

    #[test]
    fn comments_end_the_line() {
        assert_eq!(tokens("a # b"), vec![Token::Name("a".into())]);
    }

    #[test]
    fn unterminated_string_is_a_syntax_error() {
        assert!(tokenize("'abc").is_err());
    }
}
