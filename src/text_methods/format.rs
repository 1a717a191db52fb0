//! `str.format`.

use crate::error::{CommandError, CommandResult, PyException};
use crate::value::Value;

/// `str.format`: `{}`, `{0}`, `{name}`, `{{`/`}}` and the `!r`/`!s`
/// conversions. Format specs (`{:>8}`) are not supported and say so.
pub(super) fn format(
    template: &str,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<String> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut automatic = None::<bool>;
    let mut next_index = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => {
                return Err(CommandError::value_error(
                    "Single '}' encountered in format string",
                ));
            }
            '{' => {
                let mut field = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    field.push(c);
                }
                if !closed {
                    return Err(CommandError::value_error(if field.is_empty() {
                        "Single '{' encountered in format string"
                    } else {
                        "expected '}' before end of string"
                    }));
                }
                let (field, conversion) = match field.split_once('!') {
                    Some((f, conv)) => (f.to_string(), Some(conv.to_string())),
                    None => (field, None),
                };
                if field.contains(':') {
                    return Err(CommandError::value_error(
                        "netrepl's format() takes no format specs such as {:>8}",
                    ));
                }
                let value = if field.is_empty() {
                    if automatic == Some(false) {
                        return Err(CommandError::value_error(
                            "cannot switch from manual field specification to automatic field numbering",
                        ));
                    }
                    automatic = Some(true);
                    let index = next_index;
                    next_index += 1;
                    positional.get(index).ok_or_else(|| {
                        CommandError::new(
                            PyException::IndexError,
                            format!(
                                "Replacement index {index} out of range for positional args tuple"
                            ),
                        )
                    })?
                } else if let Ok(index) = field.parse::<usize>() {
                    if automatic == Some(true) {
                        return Err(CommandError::value_error(
                            "cannot switch from automatic field numbering to manual field specification",
                        ));
                    }
                    automatic = Some(false);
                    positional.get(index).ok_or_else(|| {
                        CommandError::new(
                            PyException::IndexError,
                            format!(
                                "Replacement index {index} out of range for positional args tuple"
                            ),
                        )
                    })?
                } else {
                    keywords
                        .iter()
                        .find(|(k, _)| *k == field)
                        .map(|(_, v)| v)
                        .ok_or_else(|| {
                            CommandError::new(PyException::KeyError, crate::value::str_repr(&field))
                        })?
                };
                match conversion.as_deref() {
                    None | Some("s") => out.push_str(&value.to_python_str()),
                    Some("r") => out.push_str(&value.repr()),
                    Some(other) => {
                        return Err(CommandError::value_error(format!(
                            "Unknown conversion specifier {other}"
                        )));
                    }
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}
