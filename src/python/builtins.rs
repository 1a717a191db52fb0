//! The few Python built-ins that notes use around socket calls: `print`,
//! `repr`, `ascii`, `str`, `format`, `len`, `int`, `float`, `hex`, `oct`,
//! `bin`, `divmod`, `bytes`, `list` and `tuple`, with CPython's results and
//! errors. They are not commands (help and the lessons
//! are about the socket module), just what a pasted line needs to run.

use crate::python::codecs;
use crate::python::error::{CommandError, CommandResult};
use crate::python::format_spec;
use crate::python::int_text;
use crate::python::limits;
use crate::python::operators::iterate;
use crate::python::value::{MemoryView, Value};

pub const NAMES: &[&str] = &[
    "ascii",
    "bin",
    "bytearray",
    "bytes",
    "divmod",
    "float",
    "format",
    "hex",
    "int",
    "len",
    "list",
    "memoryview",
    "oct",
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
            int_text::check_shown(value)?;
            limits::check_bytes(value.repr_len())?;
            Value::str(value.repr())
        }
        "len" => len(only_argument(name, &positional, &keywords)?)?,
        "hex" | "oct" | "bin" => {
            let radix = match name {
                "hex" => 16,
                "oct" => 8,
                _ => 2,
            };
            let value = only_argument(name, &positional, &keywords)?;
            Value::str(format_spec::prefixed_radix(value, radix)?)
        }
        "ascii" => {
            let value = only_argument(name, &positional, &keywords)?;
            int_text::check_shown(value)?;
            limits::check_bytes(value.repr_len().saturating_mul(4))?;
            Value::str(format_spec::ascii(&value.repr()))
        }
        "format" => format(&positional, &keywords)?,
        "float" => match optional_argument(name, &positional, &keywords)? {
            None => Value::Float(0.0),
            Some(value) => float(value)?,
        },
        "divmod" => {
            no_keywords(name, &keywords)?;
            match &positional[..] {
                [a, b] => crate::python::arithmetic::divmod(a, b)?,
                other => {
                    return Err(CommandError::type_error(format!(
                        "divmod expected 2 arguments, got {}",
                        other.len()
                    )));
                }
            }
        }
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
        "memoryview" => memoryview(&positional, &keywords)?,
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
    values.iter().try_for_each(int_text::check_shown)?;
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
        Value::View(view) => view.items.len(),
        Value::MemoryView(view) => view.0.len(),
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

/// `float(x)`: numbers, and text in Python's float syntax.
fn float(value: &Value) -> CommandResult<Value> {
    match value {
        Value::Float(f) => Ok(Value::Float(*f)),
        Value::Str(s) => float_of_text(s).map(Value::Float).ok_or_else(|| {
            CommandError::value_error(format!(
                "could not convert string to float: {}",
                value.repr()
            ))
        }),
        other => match other.as_bigint() {
            Some(n) => format_spec::int_to_float(&n).map(Value::Float),
            None => Err(CommandError::type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            ))),
        },
    }
}

/// Python's float syntax: spaces around, `_` only between digits, and
/// `inf`, `infinity`, `nan` in any case.
fn float_of_text(text: &str) -> Option<f64> {
    let t = text.trim();
    let body = t.trim_start_matches(['+', '-']);
    if t.len() - body.len() > 1 {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return t.to_ascii_lowercase().parse().ok();
    }
    let chars: Vec<char> = body.chars().collect();
    let underscores_ok = chars.iter().enumerate().all(|(i, &c)| {
        c != '_'
            || (i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit))
    });
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'));
    if !underscores_ok || !allowed || !body.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    t.replace('_', "").parse().ok()
}

/// `format(value, format_spec='')`.
fn format(positional: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    no_keywords("format", keywords)?;
    let (value, spec) = match positional {
        [value] => (value, ""),
        [value, Value::Str(spec)] => (value, spec.as_str()),
        [_, other] => {
            return Err(CommandError::type_error(format!(
                "format() argument 2 must be str, not {}",
                other.type_name()
            )));
        }
        [] => {
            return Err(CommandError::type_error(
                "format expected at least 1 argument, got 0",
            ));
        }
        more => {
            return Err(CommandError::type_error(format!(
                "format expected at most 2 arguments, got {}",
                more.len()
            )));
        }
    };
    format_spec::format_value(value, spec).map(Value::Str)
}

fn no_keywords(name: &str, keywords: &[(String, Value)]) -> CommandResult<()> {
    if keywords.is_empty() {
        Ok(())
    } else {
        Err(CommandError::type_error(format!(
            "{name}() takes no keyword arguments"
        )))
    }
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
        int_text::check_shown(object)?;
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
        (Value::Str(s), base) => int_text::int_from_text(s, base.unwrap_or(10), &value.repr()),
        (Value::Bytes(b), base) => {
            let text: String = b.iter().map(|&c| char::from(c)).collect();
            int_text::int_from_text(&text, base.unwrap_or(10), &value.repr())
        }
        (_, Some(_)) => Err(CommandError::type_error(
            "int() can't convert non-string with explicit base",
        )),
        (Value::Float(f), None) if f.is_finite() => Ok(Value::integer(
            num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default(),
        )),
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

/// `bytes()`, `bytes(n)`, `bytes(iterable_of_ints)`, `bytes(text, encoding)`.
/// `memoryview(object)`: a view of bytes-like data.
fn memoryview(positional: &[Value], keywords: &[(String, Value)]) -> CommandResult<Value> {
    let [object] = named_arguments("memoryview", &["object"], positional, keywords)?[..] else {
        return Err(CommandError::type_error(
            "memoryview() missing required argument 'object' (pos 1)",
        ));
    };
    let Some(object) = object else {
        return Err(CommandError::type_error(
            "memoryview() missing required argument 'object' (pos 1)",
        ));
    };
    match object {
        Value::MemoryView(view) => Ok(Value::MemoryView(view.clone())),
        Value::Bytes(b) | Value::ByteArray(b) => Ok(Value::MemoryView(MemoryView::new(b.clone()))),
        other => Err(CommandError::type_error(format!(
            "memoryview: a bytes-like object is required, not '{}'",
            other.type_name()
        ))),
    }
}

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
        (Value::MemoryView(view), None) => Ok(Value::Bytes(view.0.to_vec())),
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
        (other, None) => bytes_from_ints(other).map(Value::Bytes),
    }
}

/// `view.tobytes()` and `view.tolist()` of a memoryview (`hex` is that of
/// its bytes).
pub fn memoryview_method(
    view: &MemoryView,
    name: &str,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<Value> {
    let value = match name {
        "tobytes" => Value::Bytes(view.0.to_vec()),
        "tolist" => Value::List(view.0.iter().map(|&b| Value::Int(i128::from(b))).collect()),
        _ => {
            return Err(CommandError::new(
                crate::python::error::PyException::AttributeError,
                format!("'memoryview' object has no attribute '{name}'"),
            ));
        }
    };
    if let Some((key, _)) = keywords.first() {
        return Err(CommandError::type_error(format!(
            "memoryview.{name}() got an unexpected keyword argument '{key}'"
        )));
    }
    if !positional.is_empty() {
        return Err(CommandError::type_error(format!(
            "memoryview.{name}() takes no arguments ({} given)",
            positional.len()
        )));
    }
    Ok(value)
}

/// The bytes of an iterable of ints in range(0, 256), as `bytes([1, 2])` and
/// `int.from_bytes([1, 2], 'big')` take them, with CPython's errors.
pub fn bytes_from_ints(value: &Value) -> CommandResult<Vec<u8>> {
    let items = iterate(value).ok_or_else(|| {
        CommandError::type_error(format!(
            "cannot convert '{}' object to bytes",
            value.type_name()
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
        .collect()
}
