//! Ints to and from text: `int(text, base)` and literals with Python's rules
//! (sign, spaces, `_` between digits, `0x`/`0o`/`0b` prefixes), and
//! CPython's limit of 4300 decimal digits both ways (`sys.int_info`'s
//! default), which keeps a quadratic conversion from freezing the session.
//! Bases that are powers of two convert in linear time and have no limit.

use num_bigint::BigInt;
use num_traits::Num;

use crate::python::error::{CommandError, CommandResult};
use crate::python::limits;
use crate::python::value::Value;

/// CPython's default for `sys.set_int_max_str_digits()`.
pub const MAX_STR_DIGITS: usize = 4300;

/// The ValueError for an int too long to show in decimal.
pub fn too_many_digits_to_show() -> CommandError {
    CommandError::value_error(format!(
        "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion; \
         use sys.set_int_max_str_digits() to increase the limit"
    ))
}

/// The ValueError for text of `digits` digits, too long to read as an int.
fn too_many_digits_to_read(digits: usize) -> CommandError {
    CommandError::value_error(format!(
        "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: \
         value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
    ))
}

/// Whether the decimal form of `n` stays within the limit, decided from its
/// bit count where that is enough, so that a million-bit int is refused
/// without converting it.
pub fn fits_decimal(n: &BigInt) -> bool {
    // A b-bit number has floor((b - 1) * log10(2)) + 1 digits.
    match n.bits() {
        0..=14_000 => true,
        bits if bits > 14_300 => false,
        _ => n.magnitude().to_string().len() <= MAX_STR_DIGITS,
    }
}

/// `str(n)` for an int, with CPython's limit.
pub fn decimal(n: &BigInt) -> CommandResult<String> {
    if !fits_decimal(n) {
        return Err(too_many_digits_to_show());
    }
    Ok(n.to_string())
}

/// Refuses a value to be shown (`repr`, `str`, `print`, the REPL's echo)
/// when an int inside it is past the decimal limit, as CPython does.
/// Recursion is bounded by `limits::MAX_VALUE_DEPTH`.
pub fn check_shown(value: &Value) -> CommandResult<()> {
    match value {
        Value::LargeInt(n) if !fits_decimal(n) => Err(too_many_digits_to_show()),
        Value::Tuple(items) | Value::List(items) => items.iter().try_for_each(check_shown),
        Value::Dict(entries) => entries.iter().try_for_each(|(_, v)| check_shown(v)),
        _ => Ok(()),
    }
}

/// How a piece of text failed to be an int.
#[derive(Debug, PartialEq)]
pub enum ParseFailure {
    /// Not an int in that base at all.
    Invalid,
    /// The base is outside 2..=36 and not 0.
    BadBase,
    /// A well-formed decimal (or other non-power-of-two base) int too long.
    TooManyDigits(usize),
}

/// Python's rules for `int(text, base)`: spaces around, a sign, `_`
/// between digits, and with base 0 (or the matching base) a prefix.
pub fn parse(text: &str, base: u32) -> Result<BigInt, ParseFailure> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err(ParseFailure::BadBase);
    }
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let lower = digits.to_ascii_lowercase();
    let prefix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find(|&(p, radix)| lower.starts_with(p) && (base == 0 || base == radix));
    let (body, radix) = match prefix {
        // One underscore may follow a prefix: `0x_ff`.
        Some((p, radix)) => {
            let rest = &lower[p.len()..];
            (rest.strip_prefix('_').unwrap_or(rest), radix)
        }
        None => (lower.as_str(), if base == 0 { 10 } else { base }),
    };
    let well_formed = !body.is_empty()
        && !body.starts_with('_')
        && !body.ends_with('_')
        && !body.contains("__")
        && body.chars().all(|c| c == '_' || c.is_digit(radix));
    // Base 0 takes decimal only without leading zeros (except zeros alone).
    let leading_zero = base == 0
        && prefix.is_none()
        && body.starts_with('0')
        && body.chars().any(|c| c != '0' && c != '_');
    if !well_formed || leading_zero {
        return Err(ParseFailure::Invalid);
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    if !radix.is_power_of_two() && clean.len() > MAX_STR_DIGITS {
        return Err(ParseFailure::TooManyDigits(clean.len()));
    }
    let n = BigInt::from_str_radix(&clean, radix).map_err(|_| ParseFailure::Invalid)?;
    Ok(if negative { -n } else { n })
}

/// `int(text, base)` with CPython's errors; `shown` is the argument's
/// repr for the "invalid literal" message, which CPython cuts at 200
/// characters.
pub fn int_from_text(text: &str, base: i128, shown: &str) -> CommandResult<Value> {
    let base_u32 = u32::try_from(base).unwrap_or(u32::MAX);
    limits::check_bytes(text.len())?;
    match parse(text, base_u32) {
        Ok(n) => Ok(Value::integer(n)),
        Err(ParseFailure::BadBase) => Err(CommandError::value_error(
            "int() base must be >= 2 and <= 36, or 0",
        )),
        Err(ParseFailure::TooManyDigits(n)) => Err(too_many_digits_to_read(n)),
        Err(ParseFailure::Invalid) => {
            let cut: String = shown.chars().take(200).collect();
            Err(CommandError::value_error(format!(
                "invalid literal for int() with base {base}: {cut}"
            )))
        }
    }
}

/// A decimal literal's digits (underscores already checked and removed) as
/// an int; past the limit, the SyntaxError CPython's compiler gives.
pub fn decimal_literal(clean: &str) -> CommandResult<BigInt> {
    if clean.len() > MAX_STR_DIGITS {
        return Err(CommandError::syntax(format!(
            "{} - Consider hexadecimal for huge integer literals to avoid decimal \
             conversion limits.",
            too_many_digits_to_read(clean.len()).message
        )));
    }
    BigInt::from_str_radix(clean, 10).map_err(|_| CommandError::syntax("invalid decimal literal"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, base: u32) -> Result<String, ParseFailure> {
        parse(text, base).map(|n| n.to_string())
    }

    #[test]
    fn parse_follows_python_literal_rules() {
        assert_eq!(read(" 0x1f ", 0), Ok("31".into()));
        assert_eq!(read("0x1f", 16), Ok("31".into()));
        assert_eq!(read("1f", 16), Ok("31".into()));
        assert_eq!(read("0x_1f", 0), Ok("31".into()));
        assert_eq!(read("-1_000", 10), Ok("-1000".into()));
        assert_eq!(read("010", 0), Err(ParseFailure::Invalid));
        assert_eq!(read("00", 0), Ok("0".into()));
        assert_eq!(read("0b12", 0), Err(ParseFailure::Invalid));
        assert_eq!(read("1__0", 10), Err(ParseFailure::Invalid));
        assert_eq!(read("z", 37), Err(ParseFailure::BadBase));
        assert_eq!(
            read("340282366920938463463374607431768211455", 10),
            Ok("340282366920938463463374607431768211455".into())
        );
    }

    #[test]
    fn the_digit_limit_applies_to_decimal_but_not_hex() {
        assert_eq!(
            read(&"1".repeat(4301), 10),
            Err(ParseFailure::TooManyDigits(4301))
        );
        assert!(read(&"f".repeat(5000), 16).is_ok());
        let ten = BigInt::from(10);
        assert!(decimal(&num_traits::pow(ten.clone(), 4299)).is_ok());
        assert!(decimal(&num_traits::pow(ten.clone(), 4300)).is_err());
        assert!(decimal(&-num_traits::pow(ten, 4299)).is_ok());
    }
}
