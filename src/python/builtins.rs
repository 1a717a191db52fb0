//! The few Python built-ins that notes use around socket calls: `print`,
//! `repr`, `str`, `len`, `int`, `hex`, `bytes`, `list` and `tuple`, with
//! CPython's results and errors. They are not commands (help and the lessons
//! are about the socket module), just what a pasted line needs to run.

use crate::python::codecs;
use crate::python::error::{CommandError, CommandResult};
use crate::python::limits;
use crate::python::operators::iterate;
use crate::python::value::Value;

pub const NAMES: &[&str] = &[
    "bytearray",
    "bytes",
    "hex",
    "int",
    "len",
    "list",
    "print",
    "repr",
    "str",
    "tuple",
];

/// Whether `name` is a built-in: one of these, or one of `iterables`'.
pub fn is_builtin(name: &str) -> bool {
    NAMES.contains(&name) || crate::python::iterables::is_builtin(name)
}

/// What a built-in did: returned a value, or (`print`) wrote text.
#[derive(Debug, PartialEq)]
pub enum Called {
    Returned(Value),
    /// The text `print` wrote, without the final newline the REPL adds.
    Printed(String),
}

/// Calls the built-in `name`.
pub fn call(
    name: &str,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
) -> CommandResult<Called> {
    if name == "print" {
        return print(&positional, &keywords);
    }
    let value = match name {
        "repr" => {
            let value = only_argument(name, &positional, &keywords)?;
            limits::check_bytes(value.repr_len())?;
            Value::str(value.repr())
        }
        "len" => len(only_argument(name, &positional, &keywords)?)?,
        "hex" => hex(only_argument(name, &positional, &keywords)?)?,
        "list" | "tuple" => {
            let items = match optional_argument(name, &positional, &keywords)? {
                None => Vec::new(),
                Some(v) => iterate(v).ok_or_else(|| {
                    CommandError::type_error(format!("'{}' object is not iterable", v.type_name()))
                })??,
            };
            if name == "list" {
                Value::List(items)
            } else {
                Value::Tuple(items)
            }
        }
        "str" => str(&positional, &keywords)?,
        "int" => int(&positional, &keywords)?,
        "bytes" => bytes(&positional, &keywords)?,
        "bytearray" => match bytes(&positional, &keywords) {
            Ok(Value::Bytes(b)) => Value::ByteArray(b),
            Ok(other) => other,
            Err(e) => return Err(e.renamed("bytes", "bytearray")),
        },
        other => {
            return Err(CommandError::new(
                crate::python::error::PyException::NameError,
                format!("name '{other}' is not defined"),
            ));
        }
    };
    Ok(Called::Returned(value))
}

fn only_argument<'a>(
    name: &str,
    positional: &'a [Value],
    keywords: &[(String, Value)],
) -> CommandResult<&'a Value> {
    if !keywords.is_empty() {
        return Err(CommandError::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    match positional {
        [one] => Ok(one),
        _ => Err(CommandError::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            positional.len()
        ))),
    }
}

fn optional_argument<'a>(
    name: &str,
    positional: &'a [Value],
    keywords: &[(String, Value)],
) -> CommandResult<Option<&'a Value>> {
    if !keywords.is_empty() {
        return Err(CommandError::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    match positional {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        more => Err(CommandError::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            more.len()
        ))),
    }
}

/// CPython's check for functions that take at most `max` arguments, by
/// position or by one of `keyword_names`: "f() takes at most 2 arguments
/// (3 given)", "'x' is an invalid keyword argument for f()".
pub(crate) fn check_arguments(
    function: &str,
    max: usize,
    keyword_names: &[&str],
    given: usize,
    keywords: &[(String, Value)],
) -> CommandResult<()> {
    if given > max {
        return Err(CommandError::type_error(format!(
            "{function}() takes at most {max} argument{} ({given} given)",
            if max == 1 { "" } else { "s" }
        )));
    }
    match keywords
        .iter()
        .find(|(k, _)| !keyword_names.contains(&k.as_str()))
    {
        Some((key, _)) => Err(CommandError::type_error(format!(
            "'{key}' is an invalid keyword argument for {function}()"
        ))),
        None => Ok(()),
    }
}

/// Checks the arguments of the built-ins that take up to three by position
/// or by these names, and returns them in that order.
fn named_arguments<'a>(
    function: &str,
    names: &[&str],
    positional: &'a [Value],
    keywords: &'a [(String, Value)],
) -> CommandResult<Vec<Option<&'a Value>>> {
    let given = positional.len() + keywords.len();
    check_arguments(function, names.len(), names, given, keywords)?;
    Ok(names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            positional
                .get(i)
                .or_else(|| keywords.iter().find(|(k, _)| k == name).map(|(_, v)| v))
        })
        .collect())
}

/// `print(*values, sep=' ', end='\n')`: the text shows in every format.
fn print(values: &[Value], keywords: &[(String, Value)]) -> CommandResult<Called> {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    for (key, value) in keywords {
        let target = match key.as_str() {
            "sep" => &mut sep,
            "end" => &mut end,
            other => {
                return Err(CommandError::type_error(format!(
                    "'{other}' is an invalid keyword argument for print()"
                )));
            }
        };
        match value {
            Value::Str(s) => *target = s.clone(),
            Value::None => {}
            other => {
                return Err(CommandError::type_error(format!(
                    "{key} must be None or a string, not {}",
                    other.type_name()
                )));
            }
        }
    }
    let text_len: usize = values.iter().map(Value::python_str_len).sum();
    let separators = sep.len().saturating_mul(values.len().saturating_sub(1));
    limits::check_bytes(
        text_len
            .saturating_add(separators)
            .saturating_add(end.len()),
    )?;
    let line: Vec<String> = values.iter().map(Value::to_python_str).collect();
    let mut text = line.join(&sep) + &end;
    // The REPL ends every output with a newline of its own.
    if text.ends_with('\n') {
        text.pop();
    }
    Ok(Called::Printed(text))
}

fn len(value: &Value) -> CommandResult<Value> {
    let n = match value {
        Value::Str(s) => s.chars().count(),
        Value::Bytes(b) | Value::ByteArray(b) => b.len(),
        Value::Tuple(v) | Value::List(v) => v.len(),
        Value::Dict(entries) => entries.len(),
        Value::Map(entries) => entries.len(),
        Value::Set(items) => items.len(),
        Value::Range(start, stop, step) => {
            crate::python::operators::range_len(*start, *stop, *step)
        }
        other => {
            return Err(CommandError::type_error(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )));
        }
    };
    Ok(Value::Int(n as i128))
}

fn hex(value: &Value) -> CommandResult<Value> {
    let n = value.as_int().ok_or_else(|| {
        CommandError::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            value.type_name()
        ))
    })?;
    Ok(Value::str(if n < 0 {
        format!("-0x{:x}", n.unsigned_abs())
    } else {
        format!("0x{n:x}")
    }))
}

/// `str(object)` or `str(bytes, encoding, errors)`.
fn str(positional: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    let [object, encoding, errors] = named_arguments(
        "str",
        &["object", "encoding", "errors"],
        positional,
        keywords,
    )?[..] else {
        return Ok(Value::str(""));
    };
    let text_arg = |v: Option<&Value>, name: &str| match v {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(other) => Err(CommandError::type_error(format!(
            "str() argument '{name}' must be str, not {}",
            other.type_name()
        ))),
    };
    let encoding = text_arg(encoding, "encoding")?;
    let errors = text_arg(errors, "errors")?;
    let Some(object) = object else {
        return Ok(Value::str(""));
    };
    if encoding.is_none() && errors.is_none() {
        limits::check_bytes(object.python_str_len())?;
        return Ok(Value::str(object.to_python_str()));
    }
    match object {
        Value::Bytes(b) => {
            // At most three bytes of text per byte: bounded, so checked once made.
            let text = codecs::decode(
                b,
                encoding.as_deref().unwrap_or("utf-8"),
                errors.as_deref().unwrap_or("strict"),
            )?;
            limits::check_bytes(text.len())?;
            Ok(Value::Str(text))
        }
        Value::Str(_) => Err(CommandError::type_error("decoding str is not supported")),
        other => Err(CommandError::type_error(format!(
            "decoding to str: need a bytes-like object, {} found",
            other.type_name()
        ))),
    }
}

/// `int(x)` or `int(text, base)`.
fn int(positional: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    // The value is positional only; the base may be named.
    check_arguments(
        "int",
        2,
        &["base"],
        positional.len() + keywords.len(),
        keywords,
    )?;
    let base = positional
        .get(1)
        .or_else(|| keywords.first().map(|(_, v)| v));
    let Some(value) = positional.first() else {
        return match base {
            None => Ok(Value::Int(0)),
            Some(_) => Err(CommandError::type_error("int() missing string argument")),
        };
    };
    let base = match base {
        None => None,
        Some(b) => Some(b.as_int().ok_or_else(|| {
            CommandError::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                b.type_name()
            ))
        })?),
    };
    match (value, base) {
        (Value::Str(s), base) => parse_int(s, base.unwrap_or(10), &value.repr()),
        (Value::Bytes(b), base) => {
            let text: String = b.iter().map(|&c| char::from(c)).collect();
            parse_int(&text, base.unwrap_or(10), &value.repr())
        }
        (_, Some(_)) => Err(CommandError::type_error(
            "int() can't convert non-string with explicit base",
        )),
        (Value::Float(f), None) if f.is_finite() => Ok(Value::Int(f.trunc() as i128)),
        (Value::Float(f), None) if f.is_nan() => Err(CommandError::value_error(
            "cannot convert float NaN to integer",
        )),
        (Value::Float(_), None) => Err(CommandError::overflow(
            "cannot convert float infinity to integer",
        )),
        (Value::LargeInt(_), None) => Ok(value.clone()),
        (other, None) => other.as_int().map(Value::Int).ok_or_else(|| {
            CommandError::type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                other.type_name()
            ))
        }),
    }
}

/// Python's integer literal rules for `int(text, base)`: spaces around,
/// a sign, `_` between digits, and with base 0 a `0x`/`0o`/`0b` prefix.
fn parse_int(text: &str, base: i128, shown: &str) -> CommandResult<Value> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err(CommandError::value_error(
            "int() base must be >= 2 and <= 36, or 0",
        ));
    }
    let invalid = || {
        CommandError::value_error(format!(
            "invalid literal for int() with base {base}: {shown}"
        ))
    };
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let lower = digits.to_ascii_lowercase();
    let prefixed =
        |prefix: &str, radix: u32| lower.strip_prefix(prefix).map(|d| (d.to_string(), radix));
    let (body, radix) = match base {
        0 => prefixed("0x", 16)
            .or_else(|| prefixed("0o", 8))
            .or_else(|| prefixed("0b", 2))
            .unwrap_or((lower.clone(), 10)),
        16 => prefixed("0x", 16).unwrap_or((lower.clone(), 16)),
        8 => prefixed("0o", 8).unwrap_or((lower.clone(), 8)),
        2 => prefixed("0b", 2).unwrap_or((lower.clone(), 2)),
        b => (lower.clone(), b as u32),
    };
    let body = body
        .strip_prefix('_')
        .filter(|_| body.len() != lower.len())
        .unwrap_or(&body);
    let well_formed =
        !body.is_empty() && !body.starts_with('_') && !body.ends_with('_') && !body.contains("__");
    // Base 0 takes decimal only without leading zeros (except "0" itself).
    let leading_zero = base == 0
        && radix == 10
        && body.len() > 1
        && body.starts_with('0')
        && body.chars().any(|c| c != '0' && c != '_');
    if !well_formed || leading_zero {
        return Err(invalid());
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let n = i128::from_str_radix(&clean, radix).map_err(|e| match e.kind() {
        std::num::IntErrorKind::PosOverflow => {
            CommandError::overflow("netrepl's integers stop at 39 digits")
        }
        _ => invalid(),
    })?;
    Ok(Value::Int(if negative { -n } else { n }))
}

/// `bytes()`, `bytes(n)`, `bytes(iterable_of_ints)`, `bytes(text, encoding)`.
fn bytes(positional: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    let [source, encoding, errors] = named_arguments(
        "bytes",
        &["source", "encoding", "errors"],
        positional,
        keywords,
    )?[..] else {
        return Ok(Value::Bytes(Vec::new()));
    };
    let text_arg = |v: Option<&Value>, name: &str| match v {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(other) => Err(CommandError::type_error(format!(
            "bytes() argument '{name}' must be str, not {}",
            other.type_name()
        ))),
    };
    let encoding = text_arg(encoding, "encoding")?;
    let errors = text_arg(errors, "errors")?;
    let Some(source) = source else {
        return match (encoding, errors) {
            (None, None) => Ok(Value::Bytes(Vec::new())),
            (Some(_), _) => Err(CommandError::type_error(
                "encoding without a string argument",
            )),
            (None, Some(_)) => Err(CommandError::type_error("errors without a string argument")),
        };
    };
    match (source, encoding) {
        (Value::Str(s), Some(encoding)) => Ok(Value::Bytes(codecs::encode(
            s,
            &encoding,
            errors.as_deref().unwrap_or("strict"),
        )?)),
        (Value::Str(_), None) => Err(CommandError::type_error(
            "string argument without an encoding",
        )),
        (_, Some(_)) => Err(CommandError::type_error(
            "encoding without a string argument",
        )),
        (Value::Bytes(b), None) => Ok(Value::Bytes(b.clone())),
        (other, None) if other.as_int().is_some() || matches!(other, Value::LargeInt(_)) => {
            // As CPython: the count must fit a Py_ssize_t, then be positive.
            let n = other
                .as_int()
                .and_then(|n| isize::try_from(n).ok())
                .ok_or_else(|| {
                    CommandError::overflow("cannot fit 'int' into an index-sized integer")
                })?;
            if n < 0 {
                return Err(CommandError::value_error("negative count"));
            }
            limits::check_bytes(n as usize)?;
            Ok(Value::Bytes(vec![0; n as usize]))
        }
        (other, None) => {
            let items = iterate(other).ok_or_else(|| {
                CommandError::type_error(format!(
                    "cannot convert '{}' object to bytes",
                    other.type_name()
                ))
            })??;
            items
                .iter()
                .map(|item| match item.as_int() {
                    Some(n @ 0..=255) => Ok(n as u8),
                    Some(_) => Err(CommandError::value_error("bytes must be in range(0, 256)")),
                    None => Err(CommandError::type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        item.type_name()
                    ))),
                })
                .collect::<CommandResult<Vec<u8>>>()
                .map(Value::Bytes)
        }
    }
}
