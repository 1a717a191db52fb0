//! Python's operators on values: `+`, indexing, slicing, `==`/`!=`,
//! `in`/`not in`, and unpacking, each with the error CPython raises.

use std::cmp::Ordering;

use crate::python::arithmetic;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::limits;
use crate::python::syntax::Comparison;
use crate::python::value::{DictView, MemoryView, Value, ViewKind};

/// The items a `for` loop would see: characters of a str, ints of bytes,
/// keys of a dict. `None` for values that are not iterable; a MemoryError,
/// before building them, when the items would pass the byte budget (each
/// character of a str becomes a whole value).
pub fn iterate(value: &Value) -> Option<CommandResult<Vec<Value>>> {
    let each = std::mem::size_of::<Value>();
    let bytes = match value {
        Value::Tuple(_) | Value::List(_) => limits::approximate_size(value),
        Value::Bytes(b) | Value::ByteArray(b) => b.len().saturating_mul(each),
        Value::Str(s) => s.len().saturating_mul(each + 1),
        Value::Dict(entries) => entries.len().saturating_mul(each * 2),
        Value::Map(entries) => entries.len().saturating_mul(each * 2),
        Value::Set(items) => items.len().saturating_mul(each * 2),
        Value::Range(start, stop, step) => range_len(*start, *stop, *step).saturating_mul(each),
        Value::Iterator(it) => it.remaining().saturating_mul(each),
        Value::View(view) => limits::approximate_size(&Value::List(view.items.clone())),
        Value::MemoryView(view) => view.0.len().saturating_mul(each),
        _ => return None,
    };
    if let Err(e) = limits::check_bytes(bytes) {
        return Some(Err(e));
    }
    Some(Ok(match value {
        Value::Tuple(v) | Value::List(v) => v.clone(),
        Value::Bytes(b) | Value::ByteArray(b) => {
            b.iter().map(|&x| Value::Int(i128::from(x))).collect()
        }
        Value::Str(s) => s.chars().map(|c| Value::Str(c.to_string())).collect(),
        Value::Dict(entries) => entries.iter().map(|(k, _)| Value::str(k)).collect(),
        Value::Map(entries) => entries.iter().map(|(k, _)| k.clone()).collect(),
        Value::Set(items) => items.clone(),
        Value::Range(start, stop, step) => (0..range_len(*start, *stop, *step))
            .map(|i| Value::Int(start + step * i as i128))
            .collect(),
        Value::Iterator(it) => return Some(it.take_rest()),
        Value::View(view) => view.items.clone(),
        Value::MemoryView(view) => view.0.iter().map(|&x| Value::Int(i128::from(x))).collect(),
        _ => return None,
    }))
}

/// Python's truth of a value: zero, empty and None are false.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(n) => *n != 0,
        Value::LargeInt(_) => true,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Bytes(b) | Value::ByteArray(b) => !b.is_empty(),
        Value::Tuple(v) | Value::List(v) | Value::Set(v) => !v.is_empty(),
        Value::Dict(entries) => !entries.is_empty(),
        Value::Map(entries) => !entries.is_empty(),
        Value::Enum(m) => m.value != 0,
        Value::Range(start, stop, step) => range_len(*start, *stop, *step) > 0,
        Value::View(view) => !view.items.is_empty(),
        Value::MemoryView(view) => !view.0.is_empty(),
        Value::Socket(_) | Value::Function(_) | Value::Module(_) | Value::Iterator(_) => true,
    }
}

/// `a, b = value`, with Python's errors for the wrong number of items.
pub fn unpack(value: &Value, expected: usize) -> CommandResult<Vec<Value>> {
    let items = iterate(value).ok_or_else(|| {
        CommandError::type_error(format!(
            "cannot unpack non-iterable {} object",
            value.type_name()
        ))
    })??;
    if items.len() > expected {
        return Err(CommandError::value_error(format!(
            "too many values to unpack (expected {expected})"
        )));
    }
    if items.len() < expected {
        return Err(CommandError::value_error(format!(
            "not enough values to unpack (expected {expected}, got {})",
            items.len()
        )));
    }
    Ok(items)
}

/// `a + b` for the types Python adds: numbers, and joining text, bytes and sequences.
pub fn add(a: &Value, b: &Value) -> CommandResult<Value> {
    if let Some(sum) = arithmetic::add(a, b) {
        return sum;
    }
    let joins = matches!(
        (a, b),
        (Value::Str(_), Value::Str(_))
            | (
                Value::Bytes(_) | Value::ByteArray(_),
                Value::Bytes(_) | Value::ByteArray(_) | Value::MemoryView(_)
            )
            | (Value::Tuple(_), Value::Tuple(_))
            | (Value::List(_), Value::List(_))
    );
    if joins {
        limits::check_bytes(
            limits::approximate_size(a).saturating_add(limits::approximate_size(b)),
        )?;
    }
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
        (Value::Bytes(x), Value::Bytes(y) | Value::ByteArray(y)) => {
            Value::Bytes([x.as_slice(), y.as_slice()].concat())
        }
        (Value::ByteArray(x), Value::Bytes(y) | Value::ByteArray(y)) => {
            Value::ByteArray([x.as_slice(), y.as_slice()].concat())
        }
        (Value::Bytes(x), Value::MemoryView(y)) => {
            Value::Bytes([x.as_slice(), y.0.as_slice()].concat())
        }
        (Value::ByteArray(x), Value::MemoryView(y)) => {
            Value::ByteArray([x.as_slice(), y.0.as_slice()].concat())
        }
        (Value::Tuple(x), Value::Tuple(y)) => Value::Tuple([x.as_slice(), y.as_slice()].concat()),
        (Value::List(x), Value::List(y)) => Value::List([x.as_slice(), y.as_slice()].concat()),
        (Value::Str(_), other) => {
            return Err(CommandError::type_error(format!(
                "can only concatenate str (not \"{}\") to str",
                other.type_name()
            )));
        }
        (Value::Bytes(_), other) => {
            return Err(CommandError::type_error(format!(
                "can't concat {} to bytes",
                other.type_name()
            )));
        }
        (x, y) => {
            return Err(CommandError::type_error(format!(
                "unsupported operand type(s) for +: '{}' and '{}'",
                x.type_name(),
                y.type_name()
            )));
        }
    })
}

/// `target[index]`, with the messages Python gives for each type.
pub fn subscript(target: &Value, index: &Value) -> CommandResult<Value> {
    if let Value::MemoryView(view) = target {
        if index.as_int().is_none() {
            return Err(CommandError::type_error("memoryview: invalid slice key"));
        }
        return subscript(&Value::Bytes(view.0.to_vec()), index).map_err(|e| CommandError {
            message: e
                .message
                .replace("index out of range", "index out of bounds on dimension 1"),
            ..e
        });
    }
    if let Value::ByteArray(b) = target {
        return subscript(&Value::Bytes(b.clone()), index).map_err(|e| CommandError {
            message: e.message.replace("byte indices", "bytearray indices"),
            ..e
        });
    }
    if let Value::Map(entries) = target {
        check_hashable(index)?;
        return entries
            .iter()
            .find(|(k, _)| equal(k, index))
            .map(|(_, v)| v.clone())
            .ok_or_else(|| CommandError::new(PyException::KeyError, index.repr()));
    }
    if let Value::Range(start, stop, step) = target {
        let items = iterate(&Value::Range(*start, *stop, (*step).max(1)));
        if let (Some(i), true) = (
            index.as_int(),
            *step > 0 && !matches!(index, Value::Enum(_)),
        ) {
            let len = range_len(*start, *stop, *step) as i128;
            let at = if i < 0 { i + len } else { i };
            if !(0..len).contains(&at) {
                return Err(CommandError::new(
                    PyException::IndexError,
                    "range object index out of range",
                ));
            }
            // In range, so start + step * at lies between start and stop.
            return Ok(Value::Int(start.saturating_add(step.saturating_mul(at))));
        }
        if let Some(Ok(items)) = items {
            return subscript(&Value::List(items), index);
        }
    }
    if let (Value::Dict(entries), Value::Str(key)) = (target, index) {
        return entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                CommandError::new(PyException::KeyError, crate::python::value::str_repr(key))
            });
    }
    // Python names the sequence in its messages: "tuple index out of range",
    // but bytes say "byte indices must be ..." and "index out of range".
    let (len, indices, range) = match target {
        Value::Tuple(v) => (v.len(), "tuple indices", "tuple index out of range"),
        Value::List(v) => (v.len(), "list indices", "list index out of range"),
        Value::Bytes(b) => (b.len(), "byte indices", "index out of range"),
        Value::Str(s) => (
            s.chars().count(),
            "string indices",
            "string index out of range",
        ),
        other => {
            return Err(CommandError::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            )));
        }
    };
    let Some(i) = index.as_int() else {
        return Err(CommandError::type_error(format!(
            "{indices} must be integers or slices, not {}",
            index.type_name()
        )));
    };
    let position = if i < 0 { i + len as i128 } else { i };
    if position < 0 || position >= len as i128 {
        return Err(CommandError::new(PyException::IndexError, range));
    }
    let at = position as usize;
    Ok(match target {
        Value::Tuple(v) | Value::List(v) => v[at].clone(),
        Value::Bytes(b) => Value::Int(i128::from(b[at])),
        Value::Str(s) => Value::Str(s.chars().nth(at).map(String::from).unwrap_or_default()),
        _ => Value::None,
    })
}

/// `target[start:stop:step]` on str, bytes, tuples and lists.
pub fn slice(
    target: &Value,
    start: Option<&Value>,
    stop: Option<&Value>,
    step: Option<&Value>,
) -> CommandResult<Value> {
    if let Value::MemoryView(view) = target {
        // A slice of a view is a view.
        return match slice(&Value::Bytes(view.0.to_vec()), start, stop, step)? {
            Value::Bytes(b) => Ok(Value::MemoryView(MemoryView::new(b))),
            other => Ok(other),
        };
    }
    let len = match target {
        Value::Str(s) => s.chars().count(),
        Value::Bytes(b) => b.len(),
        Value::Tuple(v) | Value::List(v) => v.len(),
        other => {
            return Err(CommandError::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            )));
        }
    };
    let part = |v: Option<&Value>| -> CommandResult<Option<i128>> {
        match v {
            None | Some(Value::None) => Ok(None),
            Some(v) => v.as_int().map(Some).ok_or_else(|| {
                CommandError::type_error(
                    "slice indices must be integers or None or have an __index__ method",
                )
            }),
        }
    };
    let (start, stop, step) = (part(start)?, part(stop)?, part(step)?.unwrap_or(1));
    if step == 0 {
        return Err(CommandError::value_error("slice step cannot be zero"));
    }
    if let (Value::Str(s), 1) = (target, step) {
        // A run of characters: cut at byte offsets, without a copy of
        // every character (four bytes each) along the way.
        let mut positions = slice_positions(len as i128, start, stop, step);
        let Some(first) = positions.next() else {
            return Ok(Value::str(""));
        };
        let count = 1 + positions.count();
        let mut offsets = s.char_indices().map(|(at, _)| at).skip(first);
        let from = offsets.next().unwrap_or(s.len());
        let to = offsets.nth(count - 1).unwrap_or(s.len());
        return Ok(Value::str(&s[from..to]));
    }
    let positions = slice_positions(len as i128, start, stop, step);
    Ok(match target {
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Value::Str(positions.map(|i| chars[i]).collect())
        }
        Value::Bytes(b) => Value::Bytes(positions.map(|i| b[i]).collect()),
        Value::Tuple(v) => Value::Tuple(positions.map(|i| v[i].clone()).collect()),
        Value::List(v) => Value::List(positions.map(|i| v[i].clone()).collect()),
        _ => Value::None,
    })
}

/// The positions a slice picks, as CPython's `PySlice_AdjustIndices` works
/// them out: negative indices count from the end, out-of-range ones clamp.
fn slice_positions(
    len: i128,
    start: Option<i128>,
    stop: Option<i128>,
    step: i128,
) -> impl Iterator<Item = usize> {
    let clamp = |index: i128, low: i128, high: i128| {
        let index = if index < 0 { index + len } else { index };
        index.clamp(low, high)
    };
    let (start, stop) = if step > 0 {
        (
            start.map_or(0, |i| clamp(i, 0, len)),
            stop.map_or(len, |i| clamp(i, 0, len)),
        )
    } else {
        (
            start.map_or(len - 1, |i| clamp(i, -1, len - 1)),
            stop.map_or(-1, |i| clamp(i, -1, len - 1)),
        )
    };
    let mut at = start;
    std::iter::from_fn(move || {
        let inside = if step > 0 { at < stop } else { at > stop };
        inside.then(|| {
            let here = at as usize;
            // A step near 2**127 must end the slice, not overflow.
            at = at.saturating_add(step);
            here
        })
    })
}

/// `a == b`, `a != b`, `a in b`, `a not in b`.
pub fn compare(comparison: Comparison, a: &Value, b: &Value) -> CommandResult<Value> {
    let ordered = |wanted: fn(Ordering) -> bool, symbol: &str| -> CommandResult<bool> {
        order(a, b).map(wanted).ok_or_else(|| {
            CommandError::type_error(format!(
                "'{symbol}' not supported between instances of '{}' and '{}'",
                a.type_name(),
                b.type_name()
            ))
        })
    };
    Ok(Value::Bool(match comparison {
        Comparison::Equal => equal(a, b),
        Comparison::NotEqual => !equal(a, b),
        Comparison::Less => ordered(Ordering::is_lt, "<")?,
        Comparison::LessEqual => ordered(Ordering::is_le, "<=")?,
        Comparison::Greater => ordered(Ordering::is_gt, ">")?,
        Comparison::GreaterEqual => ordered(Ordering::is_ge, ">=")?,
        Comparison::In => contains(b, a)?,
        Comparison::NotIn => !contains(b, a)?,
        Comparison::Is => identical(a, b),
        Comparison::IsNot => !identical(a, b),
    }))
}

/// Python's `is`, as far as values without identity can tell it: the
/// singletons, the small ints CPython caches, enum members, sockets,
/// callables and iterators are one object when equal, a memoryview when it
/// shares its bytes; anything else made twice is two.
fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(x),
        (Value::Enum(_), Value::Enum(_))
        | (Value::Socket(_), Value::Socket(_))
        | (Value::Function(_), Value::Function(_))
        | (Value::Module(_), Value::Module(_))
        | (Value::Iterator(_), Value::Iterator(_)) => a == b,
        (Value::MemoryView(x), Value::MemoryView(y)) => std::sync::Arc::ptr_eq(&x.0, &y.0),
        _ => false,
    }
}

/// The entries of either kind of dict, keys as values.
pub fn dict_entries(value: &Value) -> Option<Vec<(Value, Value)>> {
    match value {
        Value::Map(entries) => Some(entries.clone()),
        Value::Dict(entries) => Some(
            entries
                .iter()
                .map(|(k, v)| (Value::str(k), v.clone()))
                .collect(),
        ),
        _ => None,
    }
}

/// The ints of `range(start, stop, step)`, how many there are.
pub fn range_len(start: i128, stop: i128, step: i128) -> usize {
    let span = if step > 0 {
        stop.saturating_sub(start)
    } else {
        start.saturating_sub(stop)
    };
    if span <= 0 || step == 0 {
        return 0;
    }
    let count = (span - 1) / step.saturating_abs() + 1;
    usize::try_from(count).unwrap_or(usize::MAX)
}

/// Whether `value` can be a dict key or a set item, CPython's error if not.
pub fn check_hashable(value: &Value) -> CommandResult<()> {
    match value {
        Value::List(_) | Value::Dict(_) | Value::Map(_) | Value::Set(_) | Value::ByteArray(_) => {
            Err(CommandError::type_error(format!(
                "unhashable type: '{}'",
                value.type_name()
            )))
        }
        // Views of keys and items are set-like, so unhashable; of values, not.
        Value::View(view) if view.kind != ViewKind::Values => Err(CommandError::type_error(
            format!("unhashable type: '{}'", value.type_name()),
        )),
        Value::Tuple(items) => items.iter().try_for_each(check_hashable),
        _ => Ok(()),
    }
}

/// Python's ordering of numbers, text, bytes and same-kind sequences;
/// `None` where Python raises TypeError. (NaN, unordered, also gives `None`,
/// where Python says False; netrepl's error is the clearer answer there.)
fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Bytes(x), Value::Bytes(y)) => Some(x.cmp(y)),
        (Value::Tuple(x), Value::Tuple(y)) | (Value::List(x), Value::List(y)) => {
            for (x, y) in x.iter().zip(y) {
                if !equal(x, y) {
                    return order(x, y);
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => arithmetic::order(a, b),
    }
}

/// Python's `==`: ints, bools, enum members and floats compare by number;
/// str never equals bytes, nor a tuple a list.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bytes(x) | Value::ByteArray(x), Value::Bytes(y) | Value::ByteArray(y)) => x == y,
        (Value::MemoryView(view), other) | (other, Value::MemoryView(view)) => {
            matches!(other, Value::Bytes(b) | Value::ByteArray(b) if **b == **view.0)
                || matches!(other, Value::MemoryView(o) if o.0 == view.0)
        }
        (Value::Tuple(x), Value::Tuple(y)) | (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Value::Map(_) | Value::Dict(_), Value::Map(_)) | (Value::Map(_), Value::Dict(_)) => {
            let (Some(x), Some(y)) = (dict_entries(a), dict_entries(b)) else {
                return false;
            };
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| equal(k, k2) && equal(v, v2)))
        }
        // Views of values compare by identity, which a view made twice lacks.
        (Value::View(v), _) | (_, Value::View(v)) if v.kind == ViewKind::Values => false,
        // Views of keys and items compare as sets, with each other and with sets.
        (
            Value::Set(x) | Value::View(DictView { items: x, .. }),
            Value::View(DictView { items: y, .. }),
        )
        | (Value::Set(x) | Value::View(DictView { items: x, .. }), Value::Set(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|item| y.iter().any(|other| equal(item, other)))
        }
        (Value::Range(..), Value::Range(..)) => {
            iterate(a).and_then(Result::ok) == iterate(b).and_then(Result::ok)
        }
        (Value::Dict(x), Value::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && equal(v, v2)))
        }
        _ => match arithmetic::order(a, b) {
            Some(ordering) => ordering.is_eq(),
            None => a == b,
        },
    }
}

/// `needle in haystack`.
fn contains(haystack: &Value, needle: &Value) -> CommandResult<bool> {
    match (haystack, needle) {
        (Value::Str(h), Value::Str(n)) => Ok(h.contains(n.as_str())),
        (Value::Str(_), other) => Err(CommandError::type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            other.type_name()
        ))),
        (Value::Bytes(h), Value::Bytes(n)) => Ok(find_bytes(h, n).is_some()),
        (Value::Bytes(h), other) => match other.as_int() {
            Some(byte @ 0..=255) => Ok(h.contains(&(byte as u8))),
            Some(_) => Err(CommandError::value_error("byte must be in range(0, 256)")),
            None => Err(CommandError::type_error(format!(
                "a bytes-like object is required, not '{}'",
                other.type_name()
            ))),
        },
        (Value::Dict(entries), Value::Str(key)) => Ok(entries.iter().any(|(k, _)| k == key)),
        (Value::Dict(_), _) => Ok(false),
        (Value::Map(entries), _) => {
            check_hashable(needle)?;
            Ok(entries.iter().any(|(k, _)| equal(k, needle)))
        }
        (Value::Set(items), _) => {
            check_hashable(needle)?;
            Ok(items.iter().any(|item| equal(item, needle)))
        }
        (Value::Range(start, stop, step), _) => Ok(match needle.as_int() {
            Some(n) if !matches!(needle, Value::Float(_)) => {
                let inside = if *step > 0 {
                    *start <= n && n < *stop
                } else {
                    *stop < n && n <= *start
                };
                inside
                    && n.checked_sub(*start)
                        .and_then(|d| d.checked_rem(*step))
                        .is_some_and(|r| r == 0)
            }
            _ => false,
        }),
        (Value::Tuple(items) | Value::List(items), _) => {
            Ok(items.iter().any(|item| equal(item, needle)))
        }
        (Value::View(view), _) => {
            if view.kind == ViewKind::Keys {
                check_hashable(needle)?;
            }
            Ok(view.items.iter().any(|item| equal(item, needle)))
        }
        (Value::Iterator(it), _) => it.take_through(|item| equal(item, needle)),
        (Value::MemoryView(view), _) => Ok(view
            .0
            .iter()
            .any(|&b| equal(&Value::Int(i128::from(b)), needle))),
        (other, _) => Err(CommandError::type_error(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        ))),
    }
}

/// Where `needle` first occurs in `haystack`, in time linear in both
/// (expected): comparing at every position costs their product, which a
/// long `b'a' * n + b'b'` makes hours. Rabin–Karp: a rolling hash of each
/// window, modulo the prime 2**61 - 1, and a comparison only where the hash
/// matches.
pub fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    const PRIME: u128 = (1 << 61) - 1;
    const BASE: u128 = 257;
    let m = needle.len();
    if m == 0 {
        return Some(0);
    }
    if m > haystack.len() {
        return None;
    }
    let push = |hash: u128, byte: u8| (hash * BASE + u128::from(byte) + 1) % PRIME;
    let target = needle.iter().fold(0, |h, &b| push(h, b));
    // BASE**(m-1), the weight of the byte leaving the window.
    let leaving_weight = (1..m).fold(1, |w, _| w * BASE % PRIME);
    let mut hash = haystack[..m].iter().fold(0, |h, &b| push(h, b));
    for start in 0..=haystack.len() - m {
        if hash == target && &haystack[start..start + m] == needle {
            return Some(start);
        }
        if let Some(&next) = haystack.get(start + m) {
            let leaving = (u128::from(haystack[start]) + 1) * leaving_weight % PRIME;
            hash = push((hash + PRIME - leaving) % PRIME, next);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_bytes_agrees_with_a_plain_search() {
        let hay = b"abracadabra, abracadabra";
        for needle in [&b"abra"[..], b"cad", b"a", b"ra, a", b"xyz", b"", hay] {
            let plain = hay.windows(needle.len().max(1)).position(|w| w == needle);
            let expected = if needle.is_empty() { Some(0) } else { plain };
            assert_eq!(find_bytes(hay, needle), expected, "{needle:?}");
        }
        assert_eq!(find_bytes(b"ab", b"abc"), None);
    }

    #[test]
    fn slices_with_the_largest_steps_end() {
        let text = Value::str("abc");
        let step = |n: i128| slice(&text, None, None, Some(&Value::Int(n))).map(|v| v.repr());
        assert_eq!(step(i128::MAX), Ok("'a'".to_string()));
        assert_eq!(step(i128::MIN), Ok("'c'".to_string()));
        let from_one = slice(
            &text,
            Some(&Value::Int(1)),
            None,
            Some(&Value::Int(i128::MAX)),
        );
        assert_eq!(from_one.map(|v| v.repr()), Ok("'b'".to_string()));
    }
}
