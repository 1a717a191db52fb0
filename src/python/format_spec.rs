//! Python's format-spec mini-language, shared by `format()`, `str.format`,
//! f-strings and `%` formatting:
//! `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`,
//! applied to str, int (either form, bools and enum members) and float as
//! CPython's `__format__` methods apply it, with their error messages.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::python::error::{CommandError, CommandResult};
use crate::python::int_text;
use crate::python::limits;
use crate::python::value::Value;

/// A parsed format spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spec {
    pub fill: Option<char>,
    pub align: Option<char>,
    pub sign: Option<char>,
    /// `z`: negative zero shows as zero (floats only).
    pub no_negative_zero: bool,
    /// `#`: the alternate form (`0x` prefixes, a kept decimal point).
    pub alternate: bool,
    /// A `0` before the width: zero padding after the sign for numbers
    /// (text takes the `0` as its fill only).
    pub zero: bool,
    pub width: usize,
    /// `,` or `_`.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub kind: Option<char>,
}

fn value_error(message: impl Into<String>) -> CommandError {
    CommandError::value_error(message)
}

/// Reads a run of digits; CPython refuses one that overflows a Py_ssize_t.
fn read_number(chars: &[char], at: &mut usize) -> CommandResult<Option<usize>> {
    let start = *at;
    let mut n: usize = 0;
    while let Some(d) = chars.get(*at).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .filter(|n| *n <= isize::MAX as usize)
            .ok_or_else(|| value_error("Too many decimal digits in format string"))?;
        *at += 1;
    }
    Ok((*at > start).then_some(n))
}

/// Parses `spec` for a value of type `type_name` (named in the error CPython
/// gives for text left over).
pub fn parse(spec: &str, type_name: &str) -> CommandResult<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = Spec::default();
    let mut at = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        out.fill = Some(chars[0]);
        out.align = Some(chars[1]);
        at = 2;
    } else if chars.first().is_some_and(|&c| is_align(c)) {
        out.align = Some(chars[0]);
        at = 1;
    }
    if let Some(&c @ ('+' | '-' | ' ')) = chars.get(at) {
        out.sign = Some(c);
        at += 1;
    }
    if chars.get(at) == Some(&'z') {
        out.no_negative_zero = true;
        at += 1;
    }
    if chars.get(at) == Some(&'#') {
        out.alternate = true;
        at += 1;
    }
    // A `0` before the width means zero padding after the sign, unless a
    // fill or an alignment was given.
    if chars.get(at) == Some(&'0') {
        out.zero = true;
        if out.fill.is_none() {
            out.fill = Some('0');
        }
        at += 1;
    }
    out.width = read_number(&chars, &mut at)?.unwrap_or(0);
    if let Some(&c @ (',' | '_')) = chars.get(at) {
        out.grouping = Some(c);
        at += 1;
        if let Some(&second @ (',' | '_')) = chars.get(at) {
            return Err(value_error(if second == c {
                format!("Cannot specify '{c}' with '{c}'.")
            } else {
                "Cannot specify both ',' and '_'.".to_string()
            }));
        }
    }
    if chars.get(at) == Some(&'.') {
        at += 1;
        out.precision = Some(
            read_number(&chars, &mut at)?
                .ok_or_else(|| value_error("Format specifier missing precision"))?,
        );
    }
    match &chars[at..] {
        [] => {}
        [kind] => out.kind = Some(*kind),
        _ => {
            return Err(value_error(format!(
                "Invalid format specifier '{spec}' for object of type '{type_name}'"
            )));
        }
    }
    Ok(out)
}

/// `format(value, spec)`: the text CPython's `value.__format__(spec)` gives.
pub fn format_value(value: &Value, spec: &str) -> CommandResult<String> {
    let type_name = value.type_name();
    match value {
        Value::Str(s) => format_str(s, &parse(spec, type_name)?),
        Value::Float(f) => format_float(*f, &numeric(parse(spec, type_name)?), type_name),
        // An empty spec is str(value): `True`, and 3.11's IntEnum shows its number.
        Value::Bool(_) if spec.is_empty() => Ok(value.to_python_str()),
        Value::Int(_) | Value::LargeInt(_) | Value::Bool(_) | Value::Enum(_) => {
            let n = value.as_bigint().unwrap_or_default();
            format_int(&n, &numeric(parse(spec, type_name)?), type_name)
        }
        other if spec.is_empty() => {
            int_text::check_shown(other)?;
            limits::check_bytes(other.python_str_len())?;
            Ok(other.to_python_str())
        }
        other => Err(CommandError::type_error(format!(
            "unsupported format string passed to {}.__format__",
            other.type_name()
        ))),
    }
}

/// For numbers, a `0` flag without an alignment pads after the sign.
fn numeric(mut spec: Spec) -> Spec {
    if spec.zero && spec.align.is_none() {
        spec.align = Some('=');
    }
    spec
}

fn unknown_code(kind: char, type_name: &str) -> CommandError {
    value_error(format!(
        "Unknown format code '{kind}' for object of type '{type_name}'"
    ))
}

fn check_width(spec: &Spec, len: usize) -> CommandResult<()> {
    limits::check_bytes(spec.width.max(len))
}

fn format_str(s: &str, spec: &Spec) -> CommandResult<String> {
    match spec.kind {
        None | Some('s') => {}
        Some(kind) => return Err(unknown_code(kind, "str")),
    }
    match spec.sign {
        Some(' ') => return Err(value_error("Space not allowed in string format specifier")),
        Some(_) => return Err(value_error("Sign not allowed in string format specifier")),
        None => {}
    }
    if spec.no_negative_zero {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if spec.alternate {
        return Err(value_error(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    if let Some(g) = spec.grouping {
        return Err(value_error(format!("Cannot specify '{g}' with 's'.")));
    }
    if spec.align == Some('=') {
        return Err(value_error(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let text: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    check_width(spec, text.len())?;
    Ok(pad("", &text, spec, '<'))
}

/// Joins a sign (and prefix) to digits, padded to the spec's width: `=`
/// puts the fill between them.
fn pad(sign: &str, body: &str, spec: &Spec, default_align: char) -> String {
    let len = sign.chars().count() + body.chars().count();
    let fill = spec.fill.unwrap_or(' ');
    let total = spec.width.saturating_sub(len);
    let (left, right) = match spec.align.unwrap_or(default_align) {
        '<' => (0, total),
        '^' => (total / 2, total - total / 2),
        _ => (total, 0),
    };
    let fills = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    if spec.align == Some('=') {
        format!("{sign}{}{body}", fills(total))
    } else {
        format!("{}{sign}{body}{}", fills(left), fills(right))
    }
}

/// The text for a number: its sign as the spec asks, then the prefix, the
/// integer part (grouped) and the rest (fraction, exponent, `%`), padded;
/// zero padding is grouped too (`00,001,234`), as CPython's is.
fn finish_number(
    negative: bool,
    prefix: &str,
    (int_part, rest): (&str, &str),
    group_size: usize,
    spec: &Spec,
) -> CommandResult<String> {
    let sign = match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    let lead = format!("{sign}{prefix}");
    check_width(spec, lead.len() + int_part.len() * 2 + rest.len())?;
    let Some(separator) = spec.grouping else {
        return Ok(pad(&lead, &format!("{int_part}{rest}"), spec, '>'));
    };
    let mut int_part = int_part.to_string();
    if spec.fill == Some('0') && spec.align == Some('=') {
        let want = spec
            .width
            .saturating_sub(lead.chars().count() + rest.chars().count());
        // A separator never comes first: one more zero instead.
        while grouped_len(int_part.len(), group_size) < want {
            int_part.insert(0, '0');
        }
    }
    let body = format!("{}{rest}", group(&int_part, separator, group_size));
    Ok(pad(&lead, &body, spec, '>'))
}

fn grouped_len(digits: usize, size: usize) -> usize {
    digits + digits.saturating_sub(1) / size
}

fn group(digits: &str, separator: char, size: usize) -> String {
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(size) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

fn format_int(n: &BigInt, spec: &Spec, type_name: &str) -> CommandResult<String> {
    let kind = spec.kind.unwrap_or('d');
    if matches!(kind, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        let f = int_to_float(n)?;
        return format_float(f, spec, "float");
    }
    if !matches!(kind, 'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') {
        return Err(unknown_code(kind, type_name));
    }
    if spec.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier",
        ));
    }
    if spec.no_negative_zero {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    if let Some(g) = spec.grouping {
        let allowed = match kind {
            'd' => true,
            'b' | 'o' | 'x' | 'X' => g == '_',
            _ => false,
        };
        if !allowed {
            return Err(value_error(format!("Cannot specify '{g}' with '{kind}'.")));
        }
    }
    if kind == 'c' {
        if spec.sign.is_some() {
            return Err(value_error(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if spec.alternate {
            return Err(value_error(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        if n.to_i64().is_none() {
            return Err(CommandError::overflow(
                "Python int too large to convert to C long",
            ));
        }
        let code = n
            .to_u32()
            .filter(|c| *c < 0x110000)
            .ok_or_else(|| CommandError::overflow("%c arg not in range(0x110000)"))?;
        let c = char::from_u32(code).ok_or_else(|| {
            value_error(format!(
                "netrepl's text cannot hold the lone surrogate U+{code:04X}"
            ))
        })?;
        check_width(spec, 4)?;
        return Ok(pad("", &c.to_string(), spec, '>'));
    }
    let magnitude = n.magnitude();
    let (digits, prefix, group_size) = match kind {
        'b' => (magnitude.to_str_radix(2), "0b", 4),
        'o' => (magnitude.to_str_radix(8), "0o", 4),
        'x' => (magnitude.to_str_radix(16), "0x", 4),
        'X' => (magnitude.to_str_radix(16).to_uppercase(), "0X", 4),
        _ => (int_text::decimal(&BigInt::from(magnitude.clone()))?, "", 3),
    };
    let prefix = if spec.alternate { prefix } else { "" };
    finish_number(n.is_negative(), prefix, (&digits, ""), group_size, spec)
}

/// `float(n)` for an int, with CPython's error past the float range.
pub fn int_to_float(n: &BigInt) -> CommandResult<f64> {
    n.to_f64()
        .filter(|f| f.is_finite())
        .ok_or_else(|| CommandError::overflow("int too large to convert to float"))
}

fn format_float(f: f64, spec: &Spec, type_name: &str) -> CommandResult<String> {
    let kind = spec.kind;
    if let Some(k) = kind
        && !matches!(k, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%')
    {
        return Err(unknown_code(k, type_name));
    }
    if let (Some(g), Some('n')) = (spec.grouping, kind) {
        return Err(value_error(format!("Cannot specify '{g}' with 'n'.")));
    }
    let precision = spec.precision;
    // Enough room for any float's digits at a large precision, checked
    // before Rust's formatter writes them.
    limits::check_bytes(precision.unwrap_or(0).saturating_add(400))?;
    let negative = f.is_sign_negative() && !f.is_nan();
    let x = f.abs();
    let mut digits = if !x.is_finite() {
        let text = if x.is_nan() { "nan" } else { "inf" };
        if matches!(kind, Some('E' | 'F' | 'G')) {
            text.to_uppercase()
        } else {
            text.to_string()
        }
    } else {
        match kind {
            Some('f' | 'F') => fixed(x, precision.unwrap_or(6), spec.alternate),
            Some('%') => fixed(x * 100.0, precision.unwrap_or(6), spec.alternate) + "%",
            Some('e' | 'E') => {
                let text = scientific(x, precision.unwrap_or(6), spec.alternate);
                if kind == Some('E') {
                    text.to_uppercase()
                } else {
                    text
                }
            }
            Some('g' | 'G' | 'n') => {
                let text = general(x, precision.unwrap_or(6), spec.alternate, false);
                if kind == Some('G') {
                    text.to_uppercase()
                } else {
                    text
                }
            }
            _ => match precision {
                None => Value::Float(x).repr(),
                Some(p) => general(x, p, spec.alternate, true),
            },
        }
    };
    if !x.is_finite() && kind == Some('%') {
        digits.push('%');
    }
    let negative =
        negative && !(spec.no_negative_zero && digits.chars().all(|c| !matches!(c, '1'..='9')));
    let split = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let (int_part, rest) = digits.split_at(split);
    if !x.is_finite() {
        // inf and nan have no digits to group, even in zero padding.
        let ungrouped = Spec {
            grouping: None,
            ..spec.clone()
        };
        return finish_number(negative, "", (int_part, rest), 3, &ungrouped);
    }
    finish_number(negative, "", (int_part, rest), 3, spec)
}

fn fixed(x: f64, precision: usize, alternate: bool) -> String {
    let text = format!("{x:.precision$}");
    if alternate && precision == 0 {
        text + "."
    } else {
        text
    }
}

/// `d.ddde+XX`: the mantissa Rust's formatter rounds, the exponent as C prints it.
fn scientific(x: f64, precision: usize, alternate: bool) -> String {
    let text = format!("{x:.precision$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let dot = if alternate && precision == 0 { "." } else { "" };
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}{dot}e{sign}{:02}", exponent.abs())
}

/// `g`, and the empty type with a precision (`repr_like`): `precision`
/// significant digits, fixed or scientific by the exponent, trailing zeros
/// dropped unless `#`.
fn general(x: f64, precision: usize, alternate: bool, repr_like: bool) -> String {
    let p = precision.max(1);
    let probe = format!("{x:.prec$e}", prec = p - 1);
    let exponent: i64 = probe
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    // CPython's switch: scientific when the decimal point would sit past
    // the digits (one digit sooner for the empty type, which keeps `.0`).
    let limit = if repr_like { p as i64 - 1 } else { p as i64 };
    let use_exponent = exponent < -4 || exponent >= limit;
    let mut text = if use_exponent {
        scientific(x, p - 1, alternate)
    } else {
        let decimals = (p as i64 - 1 - exponent).max(0) as usize;
        fixed(x, decimals, alternate)
    };
    if !alternate {
        text = strip_zeros(&text);
    }
    if repr_like && !text.contains(['.', 'e']) {
        text.push_str(".0");
    }
    text
}

/// Drops trailing zeros of the fraction (and a bare point), keeping any exponent.
fn strip_zeros(text: &str) -> String {
    let (mantissa, exponent) = match text.find('e') {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}{exponent}")
}

/// Applies a `!r`, `!s` or `!a` conversion.
pub fn convert_field(value: Value, conversion: Option<char>) -> CommandResult<Value> {
    match conversion {
        None => Ok(value),
        Some(c @ ('r' | 's' | 'a')) => {
            int_text::check_shown(&value)?;
            let len = if c == 's' {
                value.python_str_len()
            } else {
                value.repr_len()
            };
            limits::check_bytes(len)?;
            Ok(Value::Str(match c {
                's' => value.to_python_str(),
                'r' => value.repr(),
                _ => ascii(&value.repr()),
            }))
        }
        Some(other) => Err(CommandError::value_error(format!(
            "Unknown conversion specifier {other}"
        ))),
    }
}

/// `ascii()`: a repr with every non-ASCII character escaped.
pub fn ascii(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        let code = c as u32;
        match code {
            0..=0x7f => out.push(c),
            0x80..=0xff => out.push_str(&format!("\\x{code:02x}")),
            0x100..=0xffff => out.push_str(&format!("\\u{code:04x}")),
            _ => out.push_str(&format!("\\U{code:08x}")),
        }
    }
    out
}

/// `hex()`, `oct()`, `bin()`: the int in that base with its prefix.
pub fn prefixed_radix(value: &Value, radix: u32) -> CommandResult<String> {
    let n = match value {
        Value::Float(_)
        | Value::Str(_)
        | Value::Bytes(_)
        | Value::None
        | Value::Tuple(_)
        | Value::List(_)
        | Value::Dict(_)
        | Value::Socket(_) => {
            return Err(CommandError::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                value.type_name()
            )));
        }
        other => other.as_bigint().unwrap_or_default(),
    };
    let prefix = match radix {
        2 => "0b",
        8 => "0o",
        _ => "0x",
    };
    let sign = if n.is_negative() { "-" } else { "" };
    let digits = if n.is_zero() {
        "0".to_string()
    } else {
        n.magnitude().to_str_radix(radix)
    };
    Ok(format!("{sign}{prefix}{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(value: Value, spec: &str) -> String {
        match format_value(&value, spec) {
            Ok(text) => text,
            Err(e) => e.python_line(),
        }
    }

    #[test]
    fn ints_follow_the_mini_language() {
        let cases = [
            (1234, "010,", "00,001,234"),
            (1234, "x=10,", "xxxxx1,234"),
            (1234, "_x", "4d2"),
            (1, "+#08x", "+0x00001"),
            (-255, "#010_x", "-0x00_00ff"),
            (-12, "^7", "  -12  "),
            (-12, "=7", "-    12"),
            (12, " ", " 12"),
            (1234567, "_b", "1_0010_1101_0110_1000_0111"),
            (5, ".2f", "5.00"),
            (12, ".1%", "1200.0%"),
        ];
        for (n, spec, expected) in cases {
            assert_eq!(show(Value::Int(n), spec), expected, "{n} {spec}");
        }
    }

    #[test]
    fn floats_round_and_switch_notation_like_python() {
        let cases = [
            (2.46813, ".3", "2.47"),
            (100.0, ".3", "1e+02"),
            (1.0, ".0", "1e+00"),
            (0.0, ".3", "0.0"),
            (10.0, "#g", "10.0000"),
            (123456789.0, "g", "1.23457e+08"),
            (0.0001, "g", "0.0001"),
            (2.5, ".0f", "2"),
            (1.5, "#.0e", "2.e+00"),
            (1234567.891, ",.2f", "1,234,567.89"),
            (f64::NEG_INFINITY, "010.1f", "-000000inf"),
            (-0.001, "z.1f", "0.0"),
        ];
        for (f, spec, expected) in cases {
            assert_eq!(show(Value::Float(f), spec), expected, "{f} {spec}");
        }
    }

    #[test]
    fn bad_specs_give_cpythons_errors() {
        assert_eq!(
            show(Value::str("ab"), "d"),
            "ValueError: Unknown format code 'd' for object of type 'str'"
        );
        assert_eq!(
            show(Value::Int(1), ",_"),
            "ValueError: Cannot specify both ',' and '_'."
        );
        assert_eq!(
            show(Value::Int(1), "x "),
            "ValueError: Invalid format specifier 'x ' for object of type 'int'"
        );
        assert_eq!(
            show(Value::None, ">5"),
            "TypeError: unsupported format string passed to NoneType.__format__"
        );
    }
}
