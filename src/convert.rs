//! Python's argument conversions (`PyArg_ParseTuple` codes and friends), with the
//! exact errors CPython raises when a value does not fit.

use crate::error::{CommandError, CommandResult, PyException};
use crate::value::Value;

/// The `i` code: a C int, from anything Python treats as an integer.
pub fn c_int(value: &Value) -> CommandResult<i32> {
    let n = c_long(value)?;
    if n > i128::from(i32::MAX) {
        return Err(CommandError::overflow(
            "signed integer is greater than maximum",
        ));
    }
    if n < i128::from(i32::MIN) {
        return Err(CommandError::overflow(
            "signed integer is less than minimum",
        ));
    }
    Ok(n as i32)
}

/// `PyLong_AsLong`: an integer that fits a C long (64 bits).
fn c_long(value: &Value) -> CommandResult<i128> {
    let n = index(value)?;
    if i64::try_from(n).is_err() {
        return Err(too_large_for_long());
    }
    Ok(n)
}

fn too_large_for_long() -> CommandError {
    CommandError::overflow("Python int too large to convert to C long")
}

/// `operator.index()`: ints, bools and int enums; anything else is a `TypeError`.
pub fn index(value: &Value) -> CommandResult<i128> {
    if let Value::LargeInt(_) = value {
        return Err(too_large_for_long());
    }
    value.as_int().ok_or_else(|| {
        CommandError::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            value.type_name()
        ))
    })
}

/// The `I` code: any int, keeping its low 32 bits as C's cast does.
pub fn unsigned_int_mask(value: &Value) -> CommandResult<u32> {
    if let Value::LargeInt(digits) = value {
        let low = digits
            .bytes()
            .filter(u8::is_ascii_digit)
            .fold(0u64, |low, d| (low * 10 + u64::from(d - b'0')) % (1 << 32));
        return Ok(low as u32);
    }
    Ok(index(value)? as u32)
}

/// The `s` code: a str without NUL characters.
pub fn text(value: &Value, function: &str, position: usize) -> CommandResult<String> {
    match value {
        Value::Str(s) if s.contains('\0') => {
            Err(CommandError::value_error("embedded null character"))
        }
        Value::Str(s) => Ok(s.clone()),
        other => Err(CommandError::type_error(format!(
            "{function}() argument {position} must be str, not {}",
            none_name(other)
        ))),
    }
}

/// Python names `None` by its value, not its type, in these messages.
fn none_name(value: &Value) -> &'static str {
    match value {
        Value::None => "None",
        other => other.type_name(),
    }
}

/// The `y*` code: a bytes-like object.
pub fn bytes_like(value: &Value) -> CommandResult<&[u8]> {
    match value {
        Value::Bytes(b) => Ok(b),
        other => Err(CommandError::type_error(format!(
            "a bytes-like object is required, not '{}'",
            other.type_name()
        ))),
    }
}

/// The `et` code with the `idna` codec, as the host-name functions use it: a str
/// is IDNA-encoded, bytes pass through as they are.
pub fn host_name(value: &Value, function: &str, position: usize) -> CommandResult<Vec<u8>> {
    let encoded = match value {
        Value::Str(s) => idna_encode(s)?,
        Value::Bytes(b) => b.clone(),
        other => {
            return Err(CommandError::type_error(format!(
                "{function}() argument {position} must be str, bytes or bytearray, not {}",
                none_name(other)
            )));
        }
    };
    if encoded.contains(&0) {
        return Err(CommandError::type_error(format!(
            "{function}() argument {position} must be encoded string without null bytes, not {}",
            value.type_name()
        )));
    }
    Ok(encoded)
}

/// Python's `idna` codec for ASCII names: every label but the last must be 1 to
/// 63 characters, the last under 64. Non-ASCII names go to the resolver as UTF-8.
pub fn idna_encode(name: &str) -> CommandResult<Vec<u8>> {
    if !name.is_ascii() {
        return Ok(name.as_bytes().to_vec());
    }
    let labels: Vec<&str> = name.split('.').collect();
    let failure = |why: &str| {
        CommandError::new(
            PyException::UnicodeError,
            format!("encoding with 'idna' codec failed (UnicodeError: {why})"),
        )
    };
    if !name.is_empty() {
        if labels[..labels.len() - 1]
            .iter()
            .any(|l| l.is_empty() || l.len() > 63)
        {
            return Err(failure("label empty or too long"));
        }
        if labels.last().is_some_and(|l| l.len() >= 64) {
            return Err(failure("label too long"));
        }
    }
    Ok(name.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_int_overflow_matches_python() {
        let err = c_int(&Value::Int(1 << 40)).unwrap_err();
        assert_eq!(
            err.python_line(),
            "OverflowError: signed integer is greater than maximum"
        );
        let err = c_int(&Value::Int(1 << 70)).unwrap_err();
        assert_eq!(
            err.python_line(),
            "OverflowError: Python int too large to convert to C long"
        );
        let err = c_int(&Value::str("x")).unwrap_err();
        assert_eq!(
            err.python_line(),
            "TypeError: 'str' object cannot be interpreted as an integer"
        );
    }

    #[test]
    fn idna_rejects_long_labels() {
        assert!(idna_encode(&"a".repeat(64)).is_err());
        assert!(idna_encode("a..b").is_err());
        assert!(idna_encode("example.org").is_ok());
    }
}
