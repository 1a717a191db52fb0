//! Python's argument conversions (`PyArg_ParseTuple` codes and friends), with the
//! exact errors CPython raises when a value does not fit.

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::value::Value;

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
    if let Value::LargeInt(n) = value {
        // `&` on a BigInt works on two's complement, as C's cast does.
        let low = &**n & num_bigint::BigInt::from(u32::MAX);
        return Ok(num_traits::ToPrimitive::to_u32(&low).unwrap_or(0));
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
        Value::Bytes(b) | Value::ByteArray(b) => Ok(b),
        Value::MemoryView(view) => Ok(&view.0),
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
        Value::Bytes(b) | Value::ByteArray(b) => b.clone(),
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

/// Python's `idna` codec, which every str host name goes through before the
/// resolver sees it; its failures are the `UnicodeError` CPython raises.
pub fn idna_encode(name: &str) -> CommandResult<Vec<u8>> {
    crate::python::idna::encode(name).map_err(|why| {
        CommandError::new(
            PyException::UnicodeError,
            format!("encoding with 'idna' codec failed (UnicodeError: {why})"),
        )
        .explain(
            "Host names reach DNS as ASCII labels of 1 to 63 characters, and Python turns \
             non-ASCII labels into `xn--` form (IDNA 2003). Look for an empty label (`..`), \
             a long one, or a character that nameprep forbids.",
        )
    })
}

/// CPython's `idna_converter`, which the host of a socket address tuple goes
/// through: an ASCII str is used as it is, with no label checks, and a name the
/// codec refuses becomes a bare `TypeError`.
pub fn idna_encode_for_address(name: &str) -> CommandResult<Vec<u8>> {
    if name.is_ascii() {
        return Ok(name.as_bytes().to_vec());
    }
    crate::python::idna::encode(name).map_err(|why| {
        CommandError::type_error("encoding of hostname failed").explain(format!(
            "Python could not turn the host name into its ASCII (IDNA) form: {why}."
        ))
    })
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

    #[test]
    fn idna_failures_in_address_tuples_are_type_errors_like_python() {
        let err = idna_encode_for_address("ä..de").unwrap_err();
        assert_eq!(err.python_line(), "TypeError: encoding of hostname failed");
        assert_eq!(idna_encode_for_address("a..b").unwrap(), b"a..b");
        assert_eq!(
            idna_encode_for_address("bücher.de").unwrap(),
            b"xn--bcher-kva.de"
        );
    }
}
