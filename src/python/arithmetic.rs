//! Python's arithmetic on ints and floats: ints of any size (as Python's
//! are), floor division and modulo that round toward minus infinity, true
//! division to float, and the `ZeroDivisionError`s CPython raises.
//! `2**32` and `2**128` are how many IPv4 and IPv6 addresses there are.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::limits;
use crate::python::syntax::BinaryOp;
use crate::python::value::Value;

/// Results beyond this many bits (1 MiB) are refused: a typo like
/// `10**10**10` must not take the session's memory or its time. At this
/// size a product of two halves takes some 0.1 s (release build); decimal
/// text stops far sooner, at CPython's 4300 digits (`int_text`).
pub const MAX_BITS: u64 = 1 << 23;

/// The integer behind ints, bools, enum members and big ints.
pub fn integer(value: &Value) -> Option<BigInt> {
    value.as_bigint()
}

/// An int value, kept as `Int` while it fits.
pub fn from_integer(n: BigInt) -> Value {
    Value::integer(n)
}

fn float(value: &Value) -> Option<f64> {
    match value {
        Value::Float(f) => Some(*f),
        other => integer(other).and_then(|n| n.to_f64()),
    }
}

fn zero_division(message: &str) -> CommandError {
    CommandError::new(PyException::ZeroDivisionError, message)
}

fn unsupported(op: &str, a: &Value, b: &Value) -> CommandError {
    CommandError::type_error(format!(
        "unsupported operand type(s) for {op}: '{}' and '{}'",
        a.type_name(),
        b.type_name()
    ))
}

fn too_big() -> CommandError {
    CommandError::overflow(format!(
        "netrepl keeps numbers under {MAX_BITS} bits; that result would be larger"
    ))
}

/// `a + b` when both are numbers.
pub fn add(a: &Value, b: &Value) -> Option<CommandResult<Value>> {
    if let (Some(x), Some(y)) = (integer(a), integer(b)) {
        return Some(checked(x + y));
    }
    let either_float = matches!(a, Value::Float(_)) || matches!(b, Value::Float(_));
    match (float(a), float(b)) {
        (Some(x), Some(y)) if either_float => Some(Ok(Value::Float(x + y))),
        _ => None,
    }
}

/// `-a`.
pub fn negate(value: &Value) -> CommandResult<Value> {
    match (value, integer(value)) {
        (Value::Float(f), _) => Ok(Value::Float(-f)),
        (_, Some(n)) => Ok(from_integer(-n)),
        _ => Err(CommandError::type_error(format!(
            "bad operand type for unary -: '{}'",
            value.type_name()
        ))),
    }
}

/// `a OP b` for the operators other than `+` and `|`.
pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> CommandResult<Value> {
    match (op, a) {
        (BinaryOp::Modulo, Value::Str(template)) => {
            return crate::python::percent_format::format(template, b).map(Value::Str);
        }
        (BinaryOp::Modulo, Value::Bytes(template)) => {
            return crate::python::percent_format::format_bytes(template, b).map(Value::Bytes);
        }
        _ => {}
    }
    if op == BinaryOp::Multiply
        && let Some(repeated) = repeat(a, b).or_else(|| repeat(b, a))
    {
        return repeated;
    }
    if let (Value::Bool(x), Value::Bool(y), BinaryOp::And | BinaryOp::Xor) = (a, b, op) {
        return Ok(Value::Bool(if op == BinaryOp::And { x & y } else { x ^ y }));
    }
    match (integer(a), integer(b)) {
        (Some(x), Some(y)) => integers(op, x, y),
        _ if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) => {
            match (float(a), float(b)) {
                (Some(x), Some(y)) => floats(op, x, y, a, b),
                _ => Err(unsupported(op.symbol(), a, b)),
            }
        }
        _ => Err(unsupported(op.symbol(), a, b)),
    }
}

/// An int result, refused past `MAX_BITS`.
fn checked(n: BigInt) -> CommandResult<Value> {
    if n.bits() > MAX_BITS {
        Err(too_big())
    } else {
        Ok(from_integer(n))
    }
}

fn integers(op: BinaryOp, x: BigInt, y: BigInt) -> CommandResult<Value> {
    match op {
        BinaryOp::Subtract => checked(x - y),
        // A product has at most the bits of both factors: refuse before multiplying.
        BinaryOp::Multiply if x.bits().saturating_add(y.bits()) > MAX_BITS + 1 => Err(too_big()),
        BinaryOp::Multiply => checked(x * y),
        BinaryOp::And | BinaryOp::Xor => Ok(from_integer(if op == BinaryOp::And {
            x & y
        } else {
            x ^ y
        })),
        BinaryOp::FloorDivide if y.is_zero() => {
            Err(zero_division("integer division or modulo by zero"))
        }
        BinaryOp::FloorDivide => Ok(from_integer(x.div_floor(&y))),
        BinaryOp::Modulo if y.is_zero() => Err(zero_division("integer modulo by zero")),
        BinaryOp::Modulo => Ok(from_integer(x.mod_floor(&y))),
        BinaryOp::Divide if y.is_zero() => Err(zero_division("division by zero")),
        BinaryOp::Divide => match (x.to_f64(), y.to_f64()) {
            (Some(a), Some(b)) if a.is_finite() && b.is_finite() => Ok(Value::Float(a / b)),
            _ => Err(CommandError::overflow(
                "integer division result too large for a float",
            )),
        },
        BinaryOp::ShiftLeft | BinaryOp::ShiftRight if y.is_negative() => {
            Err(CommandError::value_error("negative shift count"))
        }
        BinaryOp::ShiftRight => {
            let shift = y.to_u64().unwrap_or(u64::MAX);
            Ok(from_integer(if shift > x.bits() {
                if x.is_negative() {
                    BigInt::from(-1)
                } else {
                    BigInt::zero()
                }
            } else {
                x >> shift
            }))
        }
        BinaryOp::ShiftLeft => {
            // `checked_add`: a count near u64::MAX must not wrap past the limit.
            let shift = y.to_u64().filter(|s| {
                x.bits()
                    .checked_add(*s)
                    .is_some_and(|bits| bits <= MAX_BITS)
            });
            match shift {
                _ if x.is_zero() => Ok(Value::Int(0)),
                Some(s) => Ok(from_integer(x << s)),
                None => Err(too_big()),
            }
        }
        BinaryOp::Power if y.is_negative() => {
            if x.is_zero() {
                return Err(zero_division("0.0 cannot be raised to a negative power"));
            }
            let base = x.to_f64().unwrap_or(f64::INFINITY);
            let exponent = y.to_f64().unwrap_or(f64::NEG_INFINITY);
            Ok(Value::Float(base.powf(exponent)))
        }
        BinaryOp::Power => {
            let exponent = y.to_u32().filter(|e| {
                x.magnitude().bits() <= 1 || x.bits().saturating_mul(u64::from(*e)) <= MAX_BITS
            });
            match exponent {
                Some(e) => Ok(from_integer(num_traits::pow(x, e as usize))),
                // 0, 1 and -1 stay small whatever the exponent.
                None if x.magnitude() <= &num_bigint::BigUint::from(1u32) => {
                    let odd = y.is_odd();
                    Ok(from_integer(if x.is_negative() && !odd {
                        BigInt::from(1)
                    } else {
                        x
                    }))
                }
                None => Err(too_big()),
            }
        }
    }
}

fn floats(op: BinaryOp, x: f64, y: f64, a: &Value, b: &Value) -> CommandResult<Value> {
    Ok(Value::Float(match op {
        BinaryOp::Subtract => x - y,
        BinaryOp::Multiply => x * y,
        BinaryOp::Divide if y == 0.0 => return Err(zero_division("float division by zero")),
        BinaryOp::Divide => x / y,
        BinaryOp::FloorDivide if y == 0.0 => {
            return Err(zero_division("float floor division by zero"));
        }
        BinaryOp::FloorDivide => (x / y).floor(),
        BinaryOp::Modulo if y == 0.0 => return Err(zero_division("float modulo")),
        BinaryOp::Modulo => {
            // Python's result takes the sign of the divisor.
            let r = x % y;
            if r != 0.0 && (r < 0.0) != (y < 0.0) {
                r + y
            } else {
                r
            }
        }
        BinaryOp::Power if x == 0.0 && y < 0.0 => {
            return Err(zero_division("0.0 cannot be raised to a negative power"));
        }
        BinaryOp::Power if x < 0.0 && y.fract() != 0.0 => {
            return Err(CommandError::value_error(
                "netrepl has no complex numbers, which a negative number to a fractional power gives",
            ));
        }
        BinaryOp::Power => x.powf(y),
        BinaryOp::ShiftLeft | BinaryOp::ShiftRight | BinaryOp::And | BinaryOp::Xor => {
            return Err(unsupported(op.symbol(), a, b));
        }
    }))
}

/// `'ab' * 3`, `b'-' * 20`, `[0] * 4`: a sequence repeated, or `None` when
/// `sequence` is not one. A non-int count is Python's TypeError; a count or
/// a length beyond what CPython can index is its OverflowError, and a result
/// beyond the byte budget a MemoryError, all before anything is allocated.
fn repeat(sequence: &Value, count: &Value) -> Option<CommandResult<Value>> {
    let (len, each_bytes, too_long) = match sequence {
        Value::Str(s) => (
            s.chars().count(),
            s.len(),
            Some("repeated string is too long"),
        ),
        Value::Bytes(b) => (b.len(), b.len(), Some("repeated bytes are too long")),
        Value::List(v) | Value::Tuple(v) => {
            (v.len(), v.iter().map(limits::approximate_size).sum(), None)
        }
        _ => return None,
    };
    let Some(n) = integer(count) else {
        return Some(Err(CommandError::type_error(format!(
            "can't multiply sequence by non-int of type '{}'",
            count.type_name()
        ))));
    };
    // CPython first makes the count a Py_ssize_t, then refuses a length
    // that would pass PY_SSIZE_T_MAX.
    let Some(n) = n.to_isize() else {
        return Some(Err(CommandError::overflow(
            "cannot fit 'int' into an index-sized integer",
        )));
    };
    let n = n.max(0) as usize;
    if len > 0 && n > isize::MAX as usize / len {
        return Some(Err(match too_long {
            Some(message) => CommandError::overflow(message),
            None => limits::memory_error(usize::MAX),
        }));
    }
    let bytes = limits::repeated_bytes(each_bytes, n).saturating_add(size_of::<Value>());
    if let Err(e) = limits::check_bytes(bytes) {
        return Some(Err(e));
    }
    Some(Ok(match sequence {
        Value::Str(s) => Value::Str(s.repeat(n)),
        Value::Bytes(b) => Value::Bytes(b.repeat(n)),
        Value::List(v) => Value::List(repeat_items(v, n)),
        Value::Tuple(v) => Value::Tuple(repeat_items(v, n)),
        _ => Value::None,
    }))
}

fn repeat_items(items: &[Value], n: usize) -> Vec<Value> {
    // `[] * 2**62` is empty at once, not after 2**62 empty rounds.
    if items.is_empty() {
        return Vec::new();
    }
    std::iter::repeat_n(items, n).flatten().cloned().collect()
}

/// `a | b` for ints of any size; two bools give a bool, as in Python.
/// `None` when either is not an int.
pub fn bit_or(a: &Value, b: &Value) -> Option<Value> {
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        return Some(Value::Bool(x | y));
    }
    Some(from_integer(integer(a)? | integer(b)?))
}

/// `divmod(a, b)`: `(a // b, a % b)`, with the errors of both.
pub fn divmod(a: &Value, b: &Value) -> CommandResult<Value> {
    let unsupported_divmod = || {
        CommandError::type_error(format!(
            "unsupported operand type(s) for divmod(): '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))
    };
    let number = |v: &Value| matches!(v, Value::Float(_)) || integer(v).is_some();
    if !number(a) || !number(b) {
        return Err(unsupported_divmod());
    }
    let either_float = matches!(a, Value::Float(_)) || matches!(b, Value::Float(_));
    if either_float && float(b) == Some(0.0) {
        return Err(zero_division("float divmod()"));
    }
    let quotient = binary(BinaryOp::FloorDivide, a, b)?;
    let remainder = binary(BinaryOp::Modulo, a, b)?;
    Ok(Value::Tuple(vec![quotient, remainder]))
}

/// `~n`: `-(n + 1)`, for ints (bools and enum members are ints too).
pub fn invert(value: &Value) -> CommandResult<Value> {
    match (value, integer(value)) {
        (Value::Float(_), _) | (_, None) => Err(CommandError::type_error(format!(
            "bad operand type for unary ~: '{}'",
            value.type_name()
        ))),
        (_, Some(n)) => Ok(from_integer(-n - 1)),
    }
}

/// How two numbers compare, or `None` when either is not a number.
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (integer(a), integer(b)) {
        return Some(x.cmp(&y));
    }
    float(a)?.partial_cmp(&float(b)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(op: BinaryOp, a: i128, b: i128) -> String {
        match binary(op, &Value::Int(a), &Value::Int(b)) {
            Ok(v) => v.repr(),
            Err(e) => e.python_line(),
        }
    }

    #[test]
    fn floor_division_and_modulo_round_toward_minus_infinity() {
        assert_eq!(run(BinaryOp::FloorDivide, 7, -2), "-4");
        assert_eq!(run(BinaryOp::Modulo, -7, 3), "2");
        assert_eq!(
            run(BinaryOp::Modulo, 1, 0),
            "ZeroDivisionError: integer modulo by zero"
        );
    }

    #[test]
    fn powers_grow_past_128_bits_like_python_ints() {
        assert_eq!(
            run(BinaryOp::Power, 2, 128),
            "340282366920938463463374607431768211456"
        );
        assert_eq!(run(BinaryOp::Power, 2, -1), "0.5");
        assert_eq!(run(BinaryOp::Power, -1, 1 << 40), "1");
        assert!(run(BinaryOp::Power, 10, 1 << 40).starts_with("OverflowError"));
    }
}
