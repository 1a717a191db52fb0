//! `str.format`.

use std::iter::Peekable;
use std::str::Chars;

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::limits;
use crate::python::value::{Value, str_repr};

/// `str.format`: `{}`, `{0}`, `{name}`, `{{`/`}}` and the `!r`/`!s`
/// conversions. Format specs (`{:>8}`) are not supported and say so.
pub(super) fn format(
    template: &str,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<String> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut fields = Fields {
        positional,
        keywords,
        automatic: None,
        next_index: 0,
    };
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' if chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
            }
            '}' => {
                return Err(CommandError::value_error(
                    "Single '}' encountered in format string",
                ));
            }
            '{' => {
                let field = read_field(&mut chars)?;
                out.push_str(&fields.replace(&field, out.len())?);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The text of a field after its `{`, up to and without its `}`.
fn read_field(chars: &mut Peekable<Chars>) -> CommandResult<String> {
    let mut field = String::new();
    for c in chars.by_ref() {
        if c == '}' {
            return Ok(field);
        }
        field.push(c);
    }
    Err(CommandError::value_error(if field.is_empty() {
        "Single '{' encountered in format string"
    } else {
        "expected '}' before end of string"
    }))
}

/// The arguments fields refer to, and how they have been numbered so far:
/// Python refuses to mix `{}` with `{0}`.
struct Fields<'a> {
    positional: &'a [Value],
    keywords: &'a [(String, Value)],
    /// `Some(true)` once `{}` was used, `Some(false)` once `{0}` was.
    automatic: Option<bool>,
    next_index: usize,
}

impl Fields<'_> {
    /// The text a field such as `0!r` stands for, refused when it would take
    /// the result (`so_far` bytes until now) past the byte budget.
    fn replace(&mut self, field: &str, so_far: usize) -> CommandResult<String> {
        let (name, conversion) = match field.split_once('!') {
            Some((name, conversion)) => (name, Some(conversion)),
            None => (field, None),
        };
        if name.contains(':') {
            return Err(CommandError::value_error(
                "netrepl's format() takes no format specs such as {:>8}",
            ));
        }
        let value = self.value(name)?;
        let len = match conversion {
            Some("r") => value.repr_len(),
            _ => value.python_str_len(),
        };
        limits::check_bytes(so_far.saturating_add(len))?;
        match conversion {
            None | Some("s") => Ok(value.to_python_str()),
            Some("r") => Ok(value.repr()),
            Some(other) => Err(CommandError::value_error(format!(
                "Unknown conversion specifier {other}"
            ))),
        }
    }

    fn value(&mut self, name: &str) -> CommandResult<&Value> {
        let index = if name.is_empty() {
            self.numbering(true)?;
            self.next_index += 1;
            self.next_index - 1
        } else if let Ok(index) = name.parse::<usize>() {
            self.numbering(false)?;
            index
        } else {
            return self
                .keywords
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .ok_or_else(|| CommandError::new(PyException::KeyError, str_repr(name)));
        };
        self.positional.get(index).ok_or_else(|| {
            CommandError::new(
                PyException::IndexError,
                format!("Replacement index {index} out of range for positional args tuple"),
            )
        })
    }

    fn numbering(&mut self, automatic: bool) -> CommandResult<()> {
        match self.automatic {
            Some(true) if !automatic => Err(CommandError::value_error(
                "cannot switch from automatic field numbering to manual field specification",
            )),
            Some(false) if automatic => Err(CommandError::value_error(
                "cannot switch from manual field specification to automatic field numbering",
            )),
            _ => {
                self.automatic = Some(automatic);
                Ok(())
            }
        }
    }
}
