//! How deep and how big anything a learner types may make netrepl's data.
//!
//! Parsing, evaluation, `repr`, comparison, clone and drop all recurse over
//! the shape of an expression or a value, and a value's bytes are allocated
//! at once. A line may therefore never build a shape deeper than these
//! limits, nor ask for more bytes than the budget: both are refused with a
//! Python error *before* the recursion or the allocation happens.

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::value::Value;

/// CPython's tokenizer refuses the 201st open bracket (MAXLEVEL in
/// tokenizer.c) with "too many nested parentheses"; netrepl does the same.
pub const MAX_BRACKET_DEPTH: usize = 200;

/// How deep one expression's tree may be: operator chains (`1+1+...`),
/// unary signs (`---1`), `**` towers and calls in calls. CPython stops near
/// 3000 ("maximum recursion depth exceeded during compilation"). Measured
/// in a debug build, a level of evaluation takes up to 6 KiB of stack (a
/// method call) and a bracket level of parsing 13 KiB, so at 1000 levels
/// (and 200 brackets) the deepest line stays within the main thread's 8 MiB.
pub const MAX_EXPRESSION_DEPTH: usize = 1000;

/// How deep lists and tuples may nest inside one another. `a = [a]` typed
/// again and again nests without any brackets in one line; `repr`, `==`
/// and drop recurse over the nesting.
pub const MAX_VALUE_DEPTH: usize = 500;

/// The most bytes one value (a result, an argument list, a list being
/// built) may take. Showing a value can take four times its size again
/// (`b'\x00'` shows as `\x00`), so this stays well under the memory a
/// session may use.
pub const MAX_VALUE_BYTES: usize = 64 << 20;

/// The most bytes all variables together may hold.
pub const MAX_SESSION_BYTES: usize = 256 << 20;

/// Roughly what `value` occupies: the `Value` itself and what it owns on
/// the heap, counted through nested lists (values are deep copies, so a
/// list holding `x` three times holds three copies). Recursion here is
/// bounded by `MAX_VALUE_DEPTH`.
pub fn approximate_size(value: &Value) -> usize {
    let own = std::mem::size_of::<Value>();
    let heap = match value {
        Value::Str(s) => s.len(),
        Value::LargeInt(n) => n.bits().div_ceil(8) as usize,
        Value::Bytes(b) | Value::ByteArray(b) => b.len(),
        Value::Tuple(items) | Value::List(items) | Value::Set(items) => {
            items.iter().map(approximate_size).sum()
        }
        Value::Map(entries) => entries
            .iter()
            .map(|(key, v)| approximate_size(key) + approximate_size(v))
            .sum(),
        Value::Dict(entries) => entries
            .iter()
            .map(|(key, v)| std::mem::size_of::<String>() + key.len() + approximate_size(v))
            .sum(),
        Value::Enum(member) => member.names.iter().map(|n| n.len() + 24).sum(),
        Value::Iterator(it) => it.peek_rest().map(approximate_size).sum(),
        Value::View(view) => view.items.iter().map(approximate_size).sum(),
        Value::MemoryView(view) => view.0.len(),
        Value::None
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Socket(_)
        | Value::Range(..)
        | Value::Function(_)
        | Value::Module(_) => 0,
    };
    own.saturating_add(heap)
}

/// How deep lists, tuples and dicts nest in `value`: 0 for a scalar, 1 for
/// a flat list. Recursion here is bounded by `MAX_VALUE_DEPTH`.
pub fn nesting_depth(value: &Value) -> usize {
    match value {
        Value::Tuple(items) | Value::List(items) | Value::Set(items) => {
            1 + items.iter().map(nesting_depth).max().unwrap_or(0)
        }
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| nesting_depth(k).max(nesting_depth(v)))
                .max()
                .unwrap_or(0)
        }
        Value::Dict(entries) => {
            1 + entries
                .iter()
                .map(|(_, v)| nesting_depth(v))
                .max()
                .unwrap_or(0)
        }
        _ => 0,
    }
}

/// Refuses a result of `bytes` bytes beyond the budget of one value.
pub fn check_bytes(bytes: usize) -> CommandResult<()> {
    if bytes > MAX_VALUE_BYTES {
        return Err(memory_error(bytes));
    }
    Ok(())
}

/// Refuses a list or tuple whose items nest too deep.
pub fn check_nesting(items: &[Value]) -> CommandResult<()> {
    if items
        .iter()
        .any(|item| nesting_depth(item) >= MAX_VALUE_DEPTH)
    {
        return Err(CommandError::new(
            PyException::RecursionError,
            format!("netrepl nests lists and tuples at most {MAX_VALUE_DEPTH} deep"),
        )
        .explain(
            "Each `a = [a]` puts the list one level deeper, and showing or comparing it \
             walks every level. Keep the data flatter.",
        ));
    }
    Ok(())
}

/// `bytes` that `count` copies of something `each` bytes long would take, or
/// `usize::MAX` when even that does not fit.
pub fn repeated_bytes(each: usize, count: usize) -> usize {
    each.saturating_mul(count)
}

/// The `MemoryError` for a result that would need `bytes` bytes.
pub fn memory_error(bytes: usize) -> CommandError {
    CommandError::new(
        PyException::MemoryError,
        format!(
            "netrepl keeps each value under {} MiB; this one would need {}",
            MAX_VALUE_BYTES >> 20,
            describe_bytes(bytes)
        ),
    )
    .explain(
        "Python would try to allocate it and could take all of the machine's memory; \
         netrepl refuses before allocating. Use a smaller count or shorter text.",
    )
}

/// The `MemoryError` for variables that would hold more than the session's budget.
pub fn session_memory_error(bytes: usize) -> CommandError {
    CommandError::new(
        PyException::MemoryError,
        format!(
            "netrepl keeps all variables together under {} MiB; they would need {}",
            MAX_SESSION_BYTES >> 20,
            describe_bytes(bytes)
        ),
    )
    .explain("Assign a smaller value, or reuse a variable name so the old value is let go.")
}

/// A byte count in the unit a person reads best.
fn describe_bytes(bytes: usize) -> String {
    match bytes {
        usize::MAX => "more bytes than the machine can address".to_string(),
        // Rounded up, so that just over the limit never reads as the limit.
        b if b >= 1 << 30 => format!("{:.1} GiB", tenths_up(b, 1 << 30)),
        b => format!("{:.1} MiB", tenths_up(b, 1 << 20)),
    }
}

fn tenths_up(bytes: usize, unit: usize) -> f64 {
    (bytes as f64 * 10.0 / unit as f64).ceil() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_count_nested_copies() {
        let text = Value::str("x".repeat(1000));
        let list = Value::List(vec![text.clone(), text.clone(), text]);
        let one = std::mem::size_of::<Value>();
        assert_eq!(approximate_size(&list), one + 3 * (one + 1000));
        assert_eq!(nesting_depth(&list), 1);
        assert_eq!(nesting_depth(&Value::List(vec![list])), 2);
    }

    #[test]
    fn budget_messages_say_how_much() {
        assert_eq!(
            memory_error(3 << 30).python_line(),
            "MemoryError: netrepl keeps each value under 64 MiB; this one would need 3.0 GiB"
        );
        assert!(check_bytes(MAX_VALUE_BYTES).is_ok());
        assert!(check_bytes(MAX_VALUE_BYTES + 1).is_err());
    }
}
