//! `'...' % values`, printf-style formatting: `%[(key)][flags][width][.precision]type`
//! with `*` widths, the flags `- + space # 0`, the types
//! `d i u o x X e E f F g G c r s a %`, a tuple, a dict or one value as the
//! arguments, and CPython's errors. Each conversion becomes a format spec
//! that `format_spec` applies, so both ways of formatting agree.

use num_bigint::BigInt;

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::format_spec::{self, ascii};
use crate::python::limits;
use crate::python::value::{Value, str_repr};

/// Where conversions take their values from.
enum Arguments<'a> {
    /// A tuple: one item per conversion, all of them used.
    Items(&'a [Value], usize),
    /// A single value, used at most once; a dict also serves `%(key)`.
    Single(&'a Value, bool),
}

impl<'a> Arguments<'a> {
    fn next(&mut self) -> CommandResult<&'a Value> {
        let not_enough = || CommandError::type_error("not enough arguments for format string");
        match self {
            Arguments::Items(items, used) => {
                let item = items.get(*used).ok_or_else(not_enough)?;
                *used += 1;
                Ok(item)
            }
            Arguments::Single(value, used) if !*used => {
                *used = true;
                Ok(value)
            }
            Arguments::Single(..) => Err(not_enough()),
        }
    }

    fn all_used(&self) -> bool {
        match self {
            Arguments::Items(items, used) => *used == items.len(),
            Arguments::Single(Value::Dict(_), _) => true,
            Arguments::Single(_, used) => *used,
        }
    }
}

/// `template % values` for str.
pub fn format(template: &str, values: &Value) -> CommandResult<String> {
    format_as(template, values, false)
}

/// `template % values` for bytes: `%s` and `%b` take bytes, `%c` a byte.
/// The template's bytes travel as the chars U+0000..U+00FF and back.
pub fn format_bytes(template: &[u8], values: &Value) -> CommandResult<Vec<u8>> {
    let text: String = template.iter().map(|&b| char::from(b)).collect();
    let out = format_as(&text, values, true)?;
    Ok(out.chars().map(|c| c as u32 as u8).collect())
}

fn format_as(template: &str, values: &Value, bytes_mode: bool) -> CommandResult<String> {
    let mut arguments = match values {
        Value::Tuple(items) => Arguments::Items(items, 0),
        other => Arguments::Single(other, false),
    };
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        at += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        let text = conversion(&chars, &mut at, values, &mut arguments, bytes_mode)?;
        limits::check_bytes(out.len().saturating_add(text.len()))?;
        out.push_str(&text);
    }
    if !arguments.all_used() {
        return Err(CommandError::type_error(if bytes_mode {
            "not all arguments converted during bytes formatting"
        } else {
            "not all arguments converted during string formatting"
        }));
    }
    Ok(out)
}

fn incomplete() -> CommandError {
    CommandError::value_error("incomplete format")
}

/// One conversion, after its `%`.
fn conversion(
    chars: &[char],
    at: &mut usize,
    values: &Value,
    arguments: &mut Arguments,
    bytes_mode: bool,
) -> CommandResult<String> {
    let mut keyed: Option<Value> = None;
    if chars.get(*at) == Some(&'(') {
        let Value::Dict(entries) = values else {
            return Err(CommandError::type_error("format requires a mapping"));
        };
        // Parentheses nest inside a key: `%((a))s` looks up `(a)`.
        let mut depth = 1;
        let start = *at + 1;
        let mut end = start;
        while depth > 0 {
            match chars.get(end) {
                None => return Err(CommandError::value_error("incomplete format key")),
                Some('(') => depth += 1,
                Some(')') => depth -= 1,
                _ => {}
            }
            end += 1;
        }
        let key: String = chars[start..end - 1].iter().collect();
        *at = end;
        let value = entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| CommandError::new(PyException::KeyError, str_repr(&key)))?;
        keyed = Some(value);
        // A keyed conversion leaves no single argument for `%s` after it.
        if let Arguments::Single(_, used) = arguments {
            *used = true;
        }
    }
    let mut flags = Flags::default();
    while let Some(&c) = chars.get(*at) {
        match c {
            '-' => flags.left = true,
            '+' => flags.plus = true,
            ' ' => flags.space = true,
            '#' => flags.alternate = true,
            '0' => flags.zero = true,
            _ => break,
        }
        *at += 1;
    }
    let width = number_or_star(chars, at, arguments, &mut flags)?;
    let precision = if chars.get(*at) == Some(&'.') {
        *at += 1;
        Some(number_or_star(chars, at, arguments, &mut flags)?.unwrap_or(0))
    } else {
        None
    };
    // C's length modifiers mean nothing in Python.
    while matches!(chars.get(*at), Some('h' | 'l' | 'L')) {
        *at += 1;
    }
    let kind = *chars.get(*at).ok_or_else(incomplete)?;
    *at += 1;
    if kind == '%' {
        return Ok("%".into());
    }
    let value = match keyed {
        Some(v) => v,
        None => arguments.next()?.clone(),
    };
    if bytes_mode && let Some(text) = bytes_conversion(&value, kind)? {
        let mut spec = String::from(if flags.left { "<" } else { ">" });
        if let Some(w) = width {
            spec.push_str(&w.to_string());
        }
        if let (Some(p), 's' | 'b' | 'r' | 'a') = (precision, kind) {
            spec.push_str(&format!(".{p}"));
        }
        return format_spec::format_value(&Value::Str(text), &spec);
    }
    convert(&value, kind, width, precision, &flags, *at - 1)
}

/// What `%s`, `%b`, `%c`, `%r` and `%a` take in bytes formatting, as
/// chars U+0000..U+00FF; `None` for the numeric conversions, which are
/// the same as for str.
fn bytes_conversion(value: &Value, kind: char) -> CommandResult<Option<String>> {
    let latin1 = |b: &[u8]| b.iter().map(|&c| char::from(c)).collect::<String>();
    Ok(Some(match kind {
        's' | 'b' => match value {
            Value::Bytes(b) => latin1(b),
            other => {
                return Err(CommandError::type_error(format!(
                    "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                    other.type_name()
                )));
            }
        },
        'r' | 'a' => {
            crate::python::int_text::check_shown(value)?;
            limits::check_bytes(value.repr_len().saturating_mul(4))?;
            ascii(&value.repr())
        }
        'c' => match value {
            Value::Bytes(b) if b.len() == 1 => latin1(b),
            Value::Int(_) | Value::LargeInt(_) | Value::Bool(_) | Value::Enum(_) => {
                match value.as_int().filter(|n| (0..256).contains(n)) {
                    Some(n) => latin1(&[n as u8]),
                    None => {
                        return Err(CommandError::overflow("%c arg not in range(256)"));
                    }
                }
            }
            _ => {
                return Err(CommandError::type_error(
                    "%c requires an integer in range(256) or a single byte",
                ));
            }
        },
        _ => return Ok(None),
    }))
}

#[derive(Default)]
struct Flags {
    left: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    zero: bool,
}

/// A width or precision: digits, or `*` taking the next argument.
fn number_or_star(
    chars: &[char],
    at: &mut usize,
    arguments: &mut Arguments,
    flags: &mut Flags,
) -> CommandResult<Option<usize>> {
    if chars.get(*at) == Some(&'*') {
        *at += 1;
        let n = arguments
            .next()?
            .as_int()
            .ok_or_else(|| CommandError::type_error("* wants int"))?;
        // A negative `*` width means left-justified.
        if n < 0 {
            flags.left = true;
        }
        let n = usize::try_from(n.unsigned_abs())
            .map_err(|_| CommandError::overflow("width too big"))?;
        return Ok(Some(n));
    }
    let mut n: Option<usize> = None;
    while let Some(d) = chars.get(*at).and_then(|c| c.to_digit(10)) {
        n = Some(
            n.unwrap_or(0)
                .checked_mul(10)
                .and_then(|n| n.checked_add(d as usize))
                .ok_or_else(|| CommandError::value_error("width too big"))?,
        );
        *at += 1;
    }
    Ok(n)
}

fn convert(
    value: &Value,
    kind: char,
    width: Option<usize>,
    precision: Option<usize>,
    flags: &Flags,
    index: usize,
) -> CommandResult<String> {
    let numeric = !matches!(kind, 's' | 'r' | 'a' | 'c');
    let mut spec = String::new();
    if flags.left {
        spec.push('<');
    } else if !numeric {
        spec.push('>');
    }
    if numeric {
        if flags.plus {
            spec.push('+');
        } else if flags.space {
            spec.push(' ');
        }
        if flags.alternate {
            spec.push('#');
        }
        if flags.zero && !flags.left {
            spec.push('0');
        }
    }
    if let Some(w) = width {
        spec.push_str(&w.to_string());
    }
    match kind {
        's' | 'r' | 'a' => {
            let text = match kind {
                's' => format_spec::format_value(value, "")?,
                'r' => {
                    crate::python::int_text::check_shown(value)?;
                    limits::check_bytes(value.repr_len())?;
                    value.repr()
                }
                _ => {
                    crate::python::int_text::check_shown(value)?;
                    limits::check_bytes(value.repr_len().saturating_mul(4))?;
                    ascii(&value.repr())
                }
            };
            if let Some(p) = precision {
                spec.push_str(&format!(".{p}"));
            }
            format_spec::format_value(&Value::Str(text), &spec)
        }
        'c' => {
            let c = match value {
                Value::Str(s) if s.chars().count() == 1 => s.clone(),
                Value::Int(_) | Value::LargeInt(_) | Value::Bool(_) | Value::Enum(_) => {
                    let n = value.as_bigint().unwrap_or_default();
                    format_spec::format_value(&Value::integer(n), "c")?
                }
                _ => return Err(CommandError::type_error("%c requires int or char")),
            };
            format_spec::format_value(&Value::Str(c), &spec)
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let n = integer_argument(value, kind)?;
            let code = if matches!(kind, 'i' | 'u') { 'd' } else { kind };
            match precision {
                // A precision on an int is its least number of digits.
                Some(p) => integer_with_digits(&n, code, p, flags, width),
                None => {
                    spec.push(code);
                    format_spec::format_value(&Value::integer(n), &spec)
                }
            }
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let f = match value {
                Value::Float(f) => *f,
                other => match other.as_bigint() {
                    Some(n) => format_spec::int_to_float(&n)?,
                    None => {
                        return Err(CommandError::type_error(format!(
                            "must be real number, not {}",
                            other.type_name()
                        )));
                    }
                },
            };
            spec.push_str(&format!(".{}", precision.unwrap_or(6)));
            spec.push(kind);
            format_spec::format_value(&Value::Float(f), &spec)
        }
        other => Err(CommandError::value_error(format!(
            "unsupported format character '{other}' (0x{:x}) at index {index}",
            other as u32
        ))),
    }
}

/// The int a `%d` or `%x` conversion shows: `%d` also truncates floats.
fn integer_argument(value: &Value, kind: char) -> CommandResult<BigInt> {
    if let Some(n) = value.as_bigint() {
        return Ok(n);
    }
    match value {
        Value::Float(f) if matches!(kind, 'd' | 'i' | 'u') => {
            if f.is_nan() {
                return Err(CommandError::value_error(
                    "cannot convert float NaN to integer",
                ));
            }
            num_traits::FromPrimitive::from_f64(f.trunc())
                .ok_or_else(|| CommandError::overflow("cannot convert float infinity to integer"))
        }
        other if matches!(kind, 'd' | 'i' | 'u') => Err(CommandError::type_error(format!(
            "%{kind} format: a real number is required, not {}",
            other.type_name()
        ))),
        other => Err(CommandError::type_error(format!(
            "%{kind} format: an integer is required, not {}",
            other.type_name()
        ))),
    }
}

/// `%.3x`: the digits zero-padded to the precision, then sign, prefix and width.
fn integer_with_digits(
    n: &BigInt,
    code: char,
    precision: usize,
    flags: &Flags,
    width: Option<usize>,
) -> CommandResult<String> {
    limits::check_bytes(precision.max(width.unwrap_or(0)))?;
    let digits = format_spec::format_value(
        &Value::integer(n.magnitude().clone().into()),
        &code.to_string(),
    )?;
    let digits = format!(
        "{}{digits}",
        "0".repeat(precision.saturating_sub(digits.len()))
    );
    let sign = match (n.sign() == num_bigint::Sign::Minus, flags.plus, flags.space) {
        (true, _, _) => "-",
        (false, true, _) => "+",
        (false, false, true) => " ",
        _ => "",
    };
    let prefix = match (flags.alternate, code) {
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        (true, 'o') => "0o",
        _ => "",
    };
    let body = format!("{sign}{prefix}{digits}");
    let width = width.unwrap_or(0);
    let pad = width.saturating_sub(body.chars().count());
    Ok(if flags.left {
        format!("{body}{}", " ".repeat(pad))
    } else if flags.zero {
        format!("{sign}{prefix}{}{digits}", "0".repeat(pad))
    } else {
        format!("{}{body}", " ".repeat(pad))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(template: &str, values: Value) -> String {
        match format(template, &values) {
            Ok(text) => text,
            Err(e) => e.python_line(),
        }
    }

    #[test]
    fn conversions_take_flags_widths_and_keys() {
        let values = Value::Tuple(vec![
            Value::Int(42),
            Value::str("ab"),
            Value::Int(255),
            Value::str("q"),
        ]);
        assert_eq!(
            run("%5d %-10s %x %r %%", values),
            "   42 ab         ff 'q' %"
        );
        let dict = Value::Dict(vec![("name".into(), Value::str("x"))]);
        assert_eq!(run("%(name)s!", dict), "x!");
        assert_eq!(run("%#.3x", Value::Int(5)), "0x005");
        assert_eq!(run("%08.3f", Value::Float(-2.46813)), "-002.468");
    }

    #[test]
    fn mistakes_give_cpythons_errors() {
        assert_eq!(
            run("%d %d", Value::Tuple(vec![Value::Int(1)])),
            "TypeError: not enough arguments for format string"
        );
        assert_eq!(
            run("abc", Value::Int(5)),
            "TypeError: not all arguments converted during string formatting"
        );
        assert_eq!(
            run("%y", Value::Int(1)),
            "ValueError: unsupported format character 'y' (0x79) at index 1"
        );
        assert_eq!(run("%", Value::Int(1)), "ValueError: incomplete format");
    }
}
