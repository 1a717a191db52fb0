//! Methods of `str` and `bytes` that notes call around socket code:
//! `"hello".encode()`, `data.decode()`, `'{}://{}'.format(...)`, `split`,
//! `join`, `strip`... with CPython's results and errors. This module checks
//! the arguments and dispatches; each type's methods have a file.

mod bytes_methods;
mod format;
mod str_methods;

use crate::python::builtins;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::operators::{self, iterate};
use crate::python::value::Value;

/// The method names, for completion and "did you mean".
pub const STR_METHODS: &[&str] = &[
    "encode",
    "endswith",
    "find",
    "format",
    "join",
    "lower",
    "lstrip",
    "replace",
    "rstrip",
    "split",
    "startswith",
    "strip",
    "upper",
];
pub const BYTES_METHODS: &[&str] = &[
    "decode",
    "endswith",
    "find",
    "hex",
    "join",
    "lower",
    "lstrip",
    "replace",
    "rstrip",
    "split",
    "startswith",
    "strip",
    "upper",
];

/// How CPython checks a method's arguments: the messages differ with the
/// way each method is written in C.
#[derive(Clone, Copy)]
enum Signature {
    /// Positional or by these names: encode, decode, split, hex.
    Keywords(&'static [&'static str]),
    /// No arguments: upper, lower.
    Nothing,
    /// Exactly one, by position: join.
    One,
    /// By position, "NAME expected at most N arguments, got M": strip, replace.
    Varargs { min: usize, max: usize },
    /// By position, "NAME() takes at least N argument": find, startswith.
    Range { min: usize, max: usize },
}

/// The arguments of one method call.
struct MethodArgs<'a> {
    type_name: &'static str,
    method: &'a str,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
}

impl MethodArgs<'_> {
    fn accept(&self, signature: Signature) -> CommandResult<()> {
        let (method, given) = (self.method, self.positional.len() + self.keywords.len());
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let error = |message: String| Err(CommandError::type_error(message));
        if let Signature::Keywords(names) = signature {
            return builtins::check_arguments(method, names.len(), names, given, &self.keywords);
        }
        let qualified = format!("{}.{method}()", self.type_name);
        if !self.keywords.is_empty() {
            return error(format!("{qualified} takes no keyword arguments"));
        }
        match signature {
            Signature::Nothing if given > 0 => {
                error(format!("{qualified} takes no arguments ({given} given)"))
            }
            Signature::One if given != 1 => error(format!(
                "{qualified} takes exactly one argument ({given} given)"
            )),
            Signature::Varargs { max, .. } if given > max => error(format!(
                "{method} expected at most {max} argument{}, got {given}",
                plural(max)
            )),
            Signature::Varargs { min, .. } if given < min => error(format!(
                "{method} expected at least {min} argument{}, got {given}",
                plural(min)
            )),
            Signature::Range { min, .. } if given < min => error(format!(
                "{method}() takes at least {min} argument{} ({given} given)",
                plural(min)
            )),
            Signature::Range { max, .. } if given > max => error(format!(
                "{method}() takes at most {max} argument{} ({given} given)",
                plural(max)
            )),
            _ => Ok(()),
        }
    }

    /// The argument at `position`, or passed as `name`.
    fn get(&self, position: usize, name: &str) -> Option<&Value> {
        self.positional.get(position).or_else(|| {
            self.keywords
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
        })
    }

    /// The argument at `position`, which `accept` has made sure is there.
    fn at(&self, position: usize) -> &Value {
        self.positional.get(position).unwrap_or(&Value::None)
    }

    /// A str argument such as an encoding name, with its default.
    fn text(&self, position: usize, name: &str, default: &str) -> CommandResult<String> {
        match self.get(position, name) {
            None => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.clone()),
            Some(other) => Err(CommandError::type_error(format!(
                "{}() argument '{name}' must be str, not {}",
                self.method,
                other.type_name()
            ))),
        }
    }

    /// For find, startswith and endswith: the window `[start:end]` they look
    /// in, as a value, and where it starts in the whole (past the end when
    /// `start` is).
    fn window(&self, whole: &Value) -> CommandResult<(Value, usize)> {
        let (start, end) = (self.positional.get(1), self.positional.get(2));
        let window = operators::slice(whole, start, end, None)?;
        let len = match whole {
            Value::Str(s) => s.chars().count(),
            Value::Bytes(b) => b.len(),
            _ => 0,
        } as i128;
        let offset = match start.and_then(Value::as_int) {
            None => 0,
            Some(i) if i < 0 => (i + len).max(0),
            // Past the end is past the end however far: 2**100 must not wrap.
            Some(i) => i.min(len + 1),
        };
        Ok((window, offset as usize))
    }
}

/// The methods netrepl gives `value`, if it is str or bytes.
pub fn method_names(value: &Value) -> Option<&'static [&'static str]> {
    match value {
        Value::Str(_) => Some(STR_METHODS),
        Value::Bytes(_) => Some(BYTES_METHODS),
        _ => None,
    }
}

/// Whether `value` has a method called `name` here.
pub fn has_method(value: &Value, name: &str) -> bool {
    method_names(value).is_some_and(|names| names.contains(&name))
}

/// Calls `value.name(...)` on a str or bytes value.
pub fn call(
    value: &Value,
    name: &str,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
) -> CommandResult<Value> {
    let args = MethodArgs {
        type_name: value.type_name(),
        method: name,
        positional,
        keywords,
    };
    match value {
        Value::Str(s) => str_methods::call(s, &args),
        Value::Bytes(b) => bytes_methods::call(b, &args),
        other => Err(no_attribute(other.type_name(), name)),
    }
}

pub fn no_attribute(type_name: &str, name: &str) -> CommandError {
    CommandError::new(
        PyException::AttributeError,
        format!("'{type_name}' object has no attribute '{name}'"),
    )
}

fn iterable(value: &Value) -> CommandResult<Vec<Value>> {
    iterate(value).ok_or_else(|| CommandError::type_error("can only join an iterable"))?
}

/// A `maxsplit` or `count`, where any negative number (the default -1)
/// means no limit.
fn count(value: Option<&Value>) -> CommandResult<Option<usize>> {
    match value {
        None => Ok(None),
        Some(v) => match v.as_int() {
            Some(n) if n < 0 => Ok(None),
            Some(n) => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
            None => Err(CommandError::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(value: Value, name: &str, positional: Vec<Value>) -> Result<Value, String> {
        call(&value, name, positional, Vec::new()).map_err(|e| e.python_line())
    }

    #[test]
    fn format_fills_fields_like_the_notes_url_example() {
        let url = run(
            Value::str("{}://example.com/"),
            "format",
            vec![Value::str("http")],
        );
        assert_eq!(url, Ok(Value::str("http://example.com/")));
        assert_eq!(
            run(
                Value::str("{0}-{1}-{0}"),
                "format",
                vec![Value::str("a"), Value::Int(2)]
            ),
            Ok(Value::str("a-2-a"))
        );
        assert_eq!(
            run(Value::str("{}"), "format", vec![]),
            Err("IndexError: Replacement index 0 out of range for positional args tuple".into())
        );
    }

    #[test]
    fn split_without_a_separator_drops_empty_parts() {
        assert_eq!(
            run(Value::str(" a  b "), "split", vec![]),
            Ok(Value::List(vec![Value::str("a"), Value::str("b")]))
        );
        assert_eq!(
            run(
                Value::Bytes(b"a,b,c".to_vec()),
                "split",
                vec![Value::Bytes(b",".to_vec()), Value::Int(1)]
            ),
            Ok(Value::List(vec![
                Value::Bytes(b"a".to_vec()),
                Value::Bytes(b"b,c".to_vec())
            ]))
        );
    }
}
