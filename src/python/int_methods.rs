//! The methods of ints that network code uses to turn numbers into bytes
//! and back: `n.bit_length()`, `n.to_bytes(length, byteorder, signed=)`,
//! `int.from_bytes(data, byteorder, signed=)`, and `bytes.fromhex(text)`,
//! with the argument errors CPython's Argument Clinic gives.

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::limits;
use crate::python::value::Value;

/// Method names of int values, for completion and "has no attribute".
pub const INT_METHODS: &[&str] = &["bit_length", "to_bytes"];

/// `int.NAME` and `bytes.NAME` called on the type itself.
pub const CLASS_METHODS: &[(&str, &str)] = &[("int", "from_bytes"), ("bytes", "fromhex")];

/// How Argument Clinic names and checks a method's parameters: at most
/// `positional` of `names` by position, the rest by keyword only.
struct Parameters {
    function: &'static str,
    names: &'static [&'static str],
    positional: usize,
}

impl Parameters {
    fn bind<'a>(
        &self,
        positional: &'a [Value],
        keywords: &'a [(String, Value)],
    ) -> CommandResult<Vec<Option<&'a Value>>> {
        let function = self.function;
        let given = positional.len() + keywords.len();
        if given > self.names.len() {
            return Err(CommandError::type_error(format!(
                "{function}() takes at most {} arguments ({given} given)",
                self.names.len()
            )));
        }
        if positional.len() > self.positional {
            return Err(CommandError::type_error(format!(
                "{function}() takes at most {} positional arguments ({} given)",
                self.positional,
                positional.len()
            )));
        }
        let mut bound: Vec<Option<&Value>> = vec![None; self.names.len()];
        for (slot, value) in bound.iter_mut().zip(positional) {
            *slot = Some(value);
        }
        for (key, value) in keywords {
            let Some(at) = self.names.iter().position(|n| n == key) else {
                return Err(CommandError::type_error(format!(
                    "'{key}' is an invalid keyword argument for {function}()"
                )));
            };
            if bound[at].is_some() {
                return Err(CommandError::type_error(format!(
                    "argument for {function}() given by name ('{key}') and position ({})",
                    at + 1
                )));
            }
            bound[at] = Some(value);
        }
        Ok(bound)
    }
}

/// Python's truth value of the simple values `signed=` takes.
fn truthy(value: &Value) -> bool {
    match value {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Bytes(b) => !b.is_empty(),
        Value::Tuple(v) | Value::List(v) => !v.is_empty(),
        Value::Dict(d) => !d.is_empty(),
        other => other.as_bigint().is_none_or(|n| !n.is_zero()),
    }
}

/// Whether `byteorder` says little-endian.
fn little_endian(value: Option<&Value>, function: &str) -> CommandResult<bool> {
    match value {
        None => Ok(false),
        Some(Value::Str(s)) if s == "little" => Ok(true),
        Some(Value::Str(s)) if s == "big" => Ok(false),
        Some(Value::Str(_)) => Err(CommandError::value_error(
            "byteorder must be either 'little' or 'big'",
        )),
        Some(other) => Err(CommandError::type_error(format!(
            "{function}() argument 'byteorder' must be str, not {}",
            other.type_name()
        ))),
    }
}

/// `value.name(...)` for an int (or bool, or enum member).
pub fn call(
    value: &Value,
    name: &str,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<Value> {
    let n = value.as_bigint().unwrap_or_default();
    match name {
        "bit_length" => {
            let given = positional.len() + keywords.len();
            if given > 0 {
                return Err(CommandError::type_error(format!(
                    "int.bit_length() takes no arguments ({given} given)"
                )));
            }
            Ok(Value::Int(i128::from(n.bits())))
        }
        "to_bytes" => to_bytes(&n, positional, keywords),
        _ => Err(CommandError::new(
            PyException::AttributeError,
            format!("'{}' object has no attribute '{name}'", value.type_name()),
        )),
    }
}

fn to_bytes(
    n: &BigInt,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<Value> {
    let bound = Parameters {
        function: "to_bytes",
        names: &["length", "byteorder", "signed"],
        positional: 2,
    }
    .bind(positional, keywords)?;
    let length = match bound[0] {
        None => 1,
        Some(v) => {
            let Some(length) = v.as_bigint() else {
                return Err(CommandError::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    v.type_name()
                )));
            };
            let length = length.to_i64().ok_or_else(|| {
                CommandError::overflow("Python int too large to convert to C ssize_t")
            })?;
            if length < 0 {
                return Err(CommandError::value_error(
                    "length argument must be non-negative",
                ));
            }
            length as u64
        }
    };
    let little = little_endian(bound[1], "to_bytes")?;
    let signed = bound[2].is_some_and(truthy);
    if n.is_negative() && !signed {
        return Err(CommandError::overflow(
            "can't convert negative int to unsigned",
        ));
    }
    // Bits the number needs: a sign bit more when signed (-128 fits a
    // byte), and none at all for 0 and -1, which fit in no bytes.
    let needed = if signed {
        let magnitude = if n.is_negative() { -n - 1u8 } else { n.clone() };
        match magnitude.bits() {
            0 => 0,
            bits => bits + 1,
        }
    } else {
        n.bits()
    };
    if needed > length.saturating_mul(8) {
        return Err(CommandError::overflow("int too big to convert"));
    }
    let length = usize::try_from(length).unwrap_or(usize::MAX);
    limits::check_bytes(length)?;
    let mut bytes = n.to_signed_bytes_le();
    let pad = if n.is_negative() { 0xff } else { 0 };
    bytes.resize(length, pad);
    if !little {
        bytes.reverse();
    }
    Ok(Value::Bytes(bytes))
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)`.
pub fn from_bytes(positional: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    let bound = Parameters {
        function: "from_bytes",
        names: &["bytes", "byteorder", "signed"],
        positional: 2,
    }
    .bind(positional, keywords)?;
    let Some(data) = bound[0] else {
        return Err(CommandError::type_error(
            "from_bytes() missing required argument 'bytes' (pos 1)",
        ));
    };
    let data = match data {
        Value::Bytes(b) => b.clone(),
        Value::Str(_) | Value::None | Value::Float(_) => {
            return Err(CommandError::type_error(format!(
                "cannot convert '{}' object to bytes",
                data.type_name()
            )));
        }
        other => crate::python::builtins::bytes_from_ints(other)?,
    };
    let little = little_endian(bound[1], "from_bytes")?;
    let signed = bound[2].is_some_and(truthy);
    let n = match (little, signed) {
        (true, true) => BigInt::from_signed_bytes_le(&data),
        (false, true) => BigInt::from_signed_bytes_be(&data),
        (true, false) => BigInt::from_bytes_le(Sign::Plus, &data),
        (false, false) => BigInt::from_bytes_be(Sign::Plus, &data),
    };
    Ok(Value::integer(n))
}

/// `bytes.fromhex(text)`: pairs of hex digits, with whitespace between pairs.
pub fn from_hex(positional: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    if !keywords.is_empty() {
        return Err(CommandError::type_error(
            "bytes.fromhex() takes no keyword arguments",
        ));
    }
    let text = match positional {
        [Value::Str(s)] => s,
        [other] => {
            return Err(CommandError::type_error(format!(
                "fromhex() argument must be str, not {}",
                other.type_name()
            )));
        }
        _ => {
            return Err(CommandError::type_error(format!(
                "bytes.fromhex() takes exactly one argument ({} given)",
                positional.len()
            )));
        }
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 2);
    let mut at = 0;
    let bad = |position: usize| {
        CommandError::value_error(format!(
            "non-hexadecimal number found in fromhex() arg at position {position}"
        ))
    };
    while at < chars.len() {
        if chars[at].is_ascii_whitespace() {
            at += 1;
            continue;
        }
        let high = chars[at].to_digit(16).ok_or_else(|| bad(at))?;
        let low = chars
            .get(at + 1)
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| bad(at + 1))?;
        out.push((high * 16 + low) as u8);
        at += 2;
    }
    Ok(Value::Bytes(out))
}

/// `data.hex(sep, bytes_per_sep)`: a separator every `bytes_per_sep` bytes,
/// counted from the right (from the left when negative).
pub fn hex_with_separator(
    data: &[u8],
    sep: Option<&Value>,
    bytes_per_sep: Option<&Value>,
) -> CommandResult<String> {
    let sep = match sep {
        None => None,
        Some(Value::Str(s)) => Some(s.clone()),
        Some(Value::Bytes(b)) => Some(b.iter().map(|&c| char::from(c)).collect()),
        // CPython takes the separator's length before its type.
        Some(other) => {
            return Err(CommandError::type_error(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )));
        }
    };
    let group = match bytes_per_sep {
        None => 1,
        Some(v) => v.as_int().ok_or_else(|| {
            CommandError::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))
        })?,
    };
    let sep = match sep {
        Some(s) if s.chars().count() != 1 => {
            return Err(CommandError::value_error("sep must be length 1."));
        }
        Some(s) if !s.is_ascii() => return Err(CommandError::value_error("sep must be ASCII.")),
        Some(s) if group != 0 => s.chars().next(),
        _ => None,
    };
    let size = usize::try_from(group.unsigned_abs())
        .unwrap_or(usize::MAX)
        .max(1);
    let separators = match sep {
        Some(_) => data.len().saturating_sub(1) / size,
        None => 0,
    };
    let len = data.len().saturating_mul(2).saturating_add(separators);
    limits::check_bytes(len)?;
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(len);
    for (i, byte) in data.iter().enumerate() {
        if let Some(sep) = sep
            && i > 0
        {
            // From the right, a separator falls where the bytes left are a multiple.
            let boundary = if group > 0 {
                (data.len() - i).is_multiple_of(size)
            } else {
                i.is_multiple_of(size)
            };
            if boundary {
                out.push(sep);
            }
        }
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(n: i128, length: i128, order: &str, signed: bool) -> String {
        let keywords = [("signed".to_string(), Value::Bool(signed))];
        match to_bytes(
            &BigInt::from(n),
            &[Value::Int(length), Value::str(order)],
            &keywords,
        ) {
            Ok(v) => v.repr(),
            Err(e) => e.python_line(),
        }
    }

    #[test]
    fn to_bytes_fits_like_python() {
        assert_eq!(bytes_of(5, 2, "big", false), "b'\\x00\\x05'");
        assert_eq!(bytes_of(5, 2, "little", false), "b'\\x05\\x00'");
        assert_eq!(bytes_of(-128, 1, "big", true), "b'\\x80'");
        assert_eq!(
            bytes_of(128, 1, "big", true),
            "OverflowError: int too big to convert"
        );
        assert_eq!(
            bytes_of(-1, 1, "big", false),
            "OverflowError: can't convert negative int to unsigned"
        );
    }

    #[test]
    fn hex_separators_count_from_the_right_unless_negative() {
        let data = b"abcde";
        let sep = Value::str(":");
        let hex = |n: i128| hex_with_separator(data, Some(&sep), Some(&Value::Int(n))).unwrap();
        assert_eq!(hex(2), "61:6263:6465");
        assert_eq!(hex(-2), "6162:6364:65");
        assert_eq!(hex(0), "6162636465");
    }
}
