//! The `binascii` module's hex functions, which notes use to show packed
//! addresses: `hexlify`/`b2a_hex` (with a separator) and
//! `unhexlify`/`a2b_hex`, with `binascii.Error` where CPython raises it.

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::int_methods::hex_with_separator;
use crate::python::value::Value;

/// The functions, as `binascii.NAME`.
pub const FUNCTIONS: &[&str] = &["a2b_hex", "b2a_hex", "hexlify", "unhexlify"];

fn binascii_error(message: &str) -> CommandError {
    CommandError::new(PyException::BinasciiError, message)
}

/// Calls `binascii.name(...)`.
pub fn call(
    name: &str,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<Value> {
    let (first, parameters): (&str, &[&str]) = match name {
        "hexlify" | "b2a_hex" => ("data", &["data", "sep", "bytes_per_sep"]),
        "unhexlify" | "a2b_hex" => ("hexstr", &["hexstr"]),
        other => {
            return Err(CommandError::new(
                PyException::AttributeError,
                format!("module 'binascii' has no attribute '{other}'"),
            ));
        }
    };
    let given = positional.len() + keywords.len();
    // unhexlify takes one object and no keywords (METH_O).
    if parameters.len() == 1 {
        if !keywords.is_empty() {
            return Err(CommandError::type_error(format!(
                "binascii.{name}() takes no keyword arguments"
            )));
        }
        if positional.len() != 1 {
            return Err(CommandError::type_error(format!(
                "binascii.{name}() takes exactly one argument ({given} given)"
            )));
        }
    }
    if given > parameters.len() {
        return Err(CommandError::type_error(format!(
            "{name}() takes at most {} argument{} ({given} given)",
            parameters.len(),
            if parameters.len() == 1 { "" } else { "s" }
        )));
    }
    let argument = |at: usize| {
        positional.get(at).or_else(|| {
            keywords
                .iter()
                .find(|(k, _)| k == parameters[at])
                .map(|(_, v)| v)
        })
    };
    if let Some((key, _)) = keywords
        .iter()
        .find(|(k, _)| !parameters.contains(&k.as_str()))
    {
        return Err(CommandError::type_error(format!(
            "'{key}' is an invalid keyword argument for {name}()"
        )));
    }
    let Some(data) = argument(0) else {
        return Err(CommandError::type_error(format!(
            "{name}() missing required argument '{first}' (pos 1)"
        )));
    };
    if parameters.len() > 1 {
        let Value::Bytes(bytes) = data else {
            return Err(CommandError::type_error(format!(
                "a bytes-like object is required, not '{}'",
                data.type_name()
            )));
        };
        let hex = hex_with_separator(bytes, argument(1), argument(2))?;
        return Ok(Value::Bytes(hex.into_bytes()));
    }
    let text: Vec<u8> = match data {
        Value::Bytes(b) => b.clone(),
        Value::Str(s) if s.is_ascii() => s.as_bytes().to_vec(),
        Value::Str(_) => {
            return Err(CommandError::value_error(
                "string argument should contain only ASCII characters",
            ));
        }
        other => {
            return Err(CommandError::type_error(format!(
                "argument should be bytes, buffer or ASCII string, not '{}'",
                other.type_name()
            )));
        }
    };
    if text.len() % 2 == 1 {
        return Err(binascii_error("Odd-length string"));
    }
    text.chunks(2)
        .map(|pair| {
            let digit = |c: u8| char::from(c).to_digit(16);
            match (digit(pair[0]), digit(pair[1])) {
                (Some(high), Some(low)) => Ok((high * 16 + low) as u8),
                _ => Err(binascii_error("Non-hexadecimal digit found")),
            }
        })
        .collect::<CommandResult<Vec<u8>>>()
        .map(Value::Bytes)
}
