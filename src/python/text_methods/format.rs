//! `str.format`: replacement fields `{name!conversion:spec}` with field
//! names by position, automatic number or keyword, followed by `.attribute`
//! and `[index]`; specs that hold fields of their own (`{:{w}}`), two
//! levels deep as CPython allows; and CPython's error for each malformed
//! template.

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::format_spec;
use crate::python::limits;
use crate::python::operators;
use crate::python::value::{Value, str_repr};

/// `str.format(*positional, **keywords)` on `template`.
pub(super) fn format(
    template: &str,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<String> {
    let mut fields = Fields {
        positional,
        keywords,
        automatic: None,
        next_index: 0,
    };
    render(template, &mut fields, 2)
}

/// How deep specs may hold fields: `'{:{:{}}}'` is one level too many.
fn render(template: &str, fields: &mut Fields, depth: usize) -> CommandResult<String> {
    if depth == 0 {
        return Err(CommandError::value_error("Max string recursion exceeded"));
    }
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        at += 1;
        match c {
            '{' | '}' if chars.get(at) == Some(&c) => {
                at += 1;
                out.push(c);
            }
            '}' => {
                return Err(CommandError::value_error(
                    "Single '}' encountered in format string",
                ));
            }
            '{' => {
                if at == chars.len() {
                    return Err(CommandError::value_error(
                        "Single '{' encountered in format string",
                    ));
                }
                let field = read_field(&chars, &mut at)?;
                let text = fields.replace(&field, depth)?;
                limits::check_bytes(out.len().saturating_add(text.len()))?;
                out.push_str(&text);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The text of a field after its `{`, up to its matching `}`, which the
/// braces of a nested spec and the `[...]` of an index do not end.
fn read_field(chars: &[char], at: &mut usize) -> CommandResult<String> {
    let mut field = String::new();
    let mut open = 1;
    let mut in_spec = false;
    let mut in_index = false;
    while let Some(&c) = chars.get(*at) {
        *at += 1;
        match c {
            ']' if in_index => in_index = false,
            _ if in_index => {}
            '[' if !in_spec => in_index = true,
            // The character after `!` is the conversion, even a `}`.
            '!' if !in_spec => {
                field.push(c);
                if let Some(&next) = chars.get(*at) {
                    *at += 1;
                    field.push(next);
                }
                in_spec = true;
                continue;
            }
            ':' => in_spec = true,
            '{' => open += 1,
            '}' => {
                open -= 1;
                if open == 0 {
                    return Ok(field);
                }
            }
            _ => {}
        }
        field.push(c);
    }
    Err(CommandError::value_error(if in_spec {
        "unmatched '{' in format spec"
    } else {
        "expected '}' before end of string"
    }))
}

/// A field's parts: `name!conversion:spec`.
struct FieldParts<'a> {
    name: &'a str,
    conversion: Option<char>,
    spec: &'a str,
}

fn split_field(field: &str) -> CommandResult<FieldParts<'_>> {
    let mut in_index = false;
    let end = field
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '[' => in_index = true,
                ']' => in_index = false,
                _ => {}
            }
            !in_index && (c == '!' || c == ':')
        })
        .map_or(field.len(), |(i, _)| i);
    let (name, rest) = field.split_at(end);
    let (conversion, spec) = match rest.strip_prefix('!') {
        Some(after) => {
            let mut chars = after.chars();
            let conversion = chars.next();
            let rest = chars.as_str();
            match rest.strip_prefix(':') {
                Some(spec) => (conversion, spec),
                None if rest.is_empty() => (conversion, ""),
                None => {
                    return Err(CommandError::value_error(
                        "expected ':' after conversion specifier",
                    ));
                }
            }
        }
        None => (None, rest.strip_prefix(':').unwrap_or(rest)),
    };
    Ok(FieldParts {
        name,
        conversion,
        spec,
    })
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
    /// The text a field such as `0[1]!r:>{w}` stands for.
    fn replace(&mut self, field: &str, depth: usize) -> CommandResult<String> {
        let parts = split_field(field)?;
        let value = self.value(parts.name)?;
        let value = format_spec::convert_field(value, parts.conversion)?;
        let spec = if parts.spec.contains(['{', '}']) {
            render(parts.spec, self, depth - 1)?
        } else {
            parts.spec.to_string()
        };
        format_spec::format_value(&value, &spec)
    }

    /// The value a field name such as `0`, `name[1]` or `0.name` means.
    fn value(&mut self, name: &str) -> CommandResult<Value> {
        let first_end = name.find(['.', '[']).unwrap_or(name.len());
        let (first, mut rest) = name.split_at(first_end);
        let mut value = self.argument(first)?.clone();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                let attribute = &after[..end];
                if attribute.is_empty() {
                    return Err(CommandError::value_error(
                        "Empty attribute in format string",
                    ));
                }
                value = attribute_of(&value, attribute)?;
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after
                    .find(']')
                    .ok_or_else(|| CommandError::value_error("Missing ']' in format string"))?;
                value = item_of(&value, &after[..end])?;
                rest = &after[end + 1..];
                if !rest.is_empty() && !rest.starts_with(['.', '[']) {
                    return Err(CommandError::value_error(
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ));
                }
            } else {
                break;
            }
        }
        Ok(value)
    }

    fn argument(&mut self, name: &str) -> CommandResult<&Value> {
        let index = if name.is_empty() {
            self.numbering(true)?;
            self.next_index += 1;
            self.next_index - 1
        } else if name.bytes().all(|b| b.is_ascii_digit()) {
            let index = name.parse::<usize>().map_err(|_| {
                CommandError::value_error("Too many decimal digits in format string")
            })?;
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

/// `value.attribute` inside a field: enum members' `name` and `value`, and
/// ints' `real`, `numerator` and `denominator`, the attributes these values have.
fn attribute_of(value: &Value, attribute: &str) -> CommandResult<Value> {
    match (value, attribute) {
        (Value::Enum(member), "name") => Ok(Value::str(member.names.join("|"))),
        (Value::Enum(member), "value") => Ok(Value::int(member.value)),
        (Value::Int(_) | Value::LargeInt(_) | Value::Bool(_), "real" | "numerator") => {
            Ok(Value::integer(value.as_bigint().unwrap_or_default()))
        }
        (Value::Int(_) | Value::LargeInt(_) | Value::Bool(_), "denominator") => Ok(Value::Int(1)),
        (Value::Int(_) | Value::LargeInt(_) | Value::Bool(_), "imag") => Ok(Value::Int(0)),
        (Value::Float(f), "real") => Ok(Value::Float(*f)),
        (Value::Float(_), "imag") => Ok(Value::Float(0.0)),
        _ => Err(CommandError::new(
            PyException::AttributeError,
            format!(
                "'{}' object has no attribute '{attribute}'",
                value.type_name()
            ),
        )),
    }
}

/// `value[key]` inside a field: digits index by number, anything else by text.
fn item_of(value: &Value, key: &str) -> CommandResult<Value> {
    let key = match key.parse::<i128>() {
        Ok(n) if key.bytes().all(|b| b.is_ascii_digit()) => Value::Int(n),
        _ => Value::str(key),
    };
    if let (Value::Dict(_), Value::Int(n)) = (value, &key) {
        return Err(CommandError::new(PyException::KeyError, n.to_string()));
    }
    operators::subscript(value, &key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(template: &str, positional: &[Value]) -> String {
        let keywords = [("w".to_string(), Value::Int(6))];
        match format(template, positional, &keywords) {
            Ok(text) => text,
            Err(e) => e.python_line(),
        }
    }

    #[test]
    fn fields_take_specs_indexes_and_nested_widths() {
        let list = [Value::List(vec![Value::Int(1), Value::str("b")])];
        assert_eq!(
            run("{:>6} : {}", &[Value::str("ab"), Value::Int(2)]),
            "    ab : 2"
        );
        assert_eq!(run("{0[1]!r:>{w}}", &list), "   'b'");
        assert_eq!(run("{:{}}|", &[Value::Int(7), Value::Int(3)]), "  7|");
        assert_eq!(
            run("{:>4} -> {:2d}", &[Value::str("a"), Value::Int(5)]),
            "   a ->  5"
        );
        assert_eq!(run("{0.real}", &[Value::Int(5)]), "5");
    }

    #[test]
    fn malformed_templates_fail_as_in_cpython() {
        let one = [Value::Int(1)];
        assert_eq!(
            run("{:{:{}}}", &[Value::Int(1), Value::Int(2), Value::Int(3)]),
            "ValueError: Max string recursion exceeded"
        );
        assert_eq!(run("{!}", &one), "ValueError: unmatched '{' in format spec");
        assert_eq!(
            run("{!rx}", &one),
            "ValueError: expected ':' after conversion specifier"
        );
        assert_eq!(
            run("{0[}", &one),
            "ValueError: expected '}' before end of string"
        );
        assert_eq!(
            run("{0.}", &one),
            "ValueError: Empty attribute in format string"
        );
        assert_eq!(
            run("{0}{}", &[Value::Int(1), Value::Int(2)]),
            "ValueError: cannot switch from manual field specification to automatic field numbering"
        );
    }
}
