//! The methods of `str`.

use super::{MethodArgs, Signature, count, format, iterable, no_attribute};
use crate::python::codecs;
use crate::python::error::{CommandError, CommandResult};
use crate::python::limits;
use crate::python::value::Value;

pub(super) fn call(s: &str, args: &MethodArgs) -> CommandResult<Value> {
    let str_arg = |v: &Value, what: &str| -> CommandResult<String> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| CommandError::type_error(format!("{what}, not {}", v.type_name())))
    };
    Ok(match args.method {
        "encode" => {
            args.accept(Signature::Keywords(&["encoding", "errors"]))?;
            let encoding = args.text(0, "encoding", "utf-8")?;
            let errors = args.text(1, "errors", "strict")?;
            Value::Bytes(codecs::encode(s, &encoding, &errors)?)
        }
        "upper" | "lower" => {
            args.accept(Signature::Nothing)?;
            // A character's case can take up to three (`'ß'.upper()` is 'SS'
            // and 'ΐ' takes three), so only long text needs the exact count.
            if s.len().saturating_mul(3) > limits::MAX_VALUE_BYTES {
                let upper = args.method == "upper";
                let len: usize = s
                    .chars()
                    .map(|c| match upper {
                        true => c.to_uppercase().map(char::len_utf8).sum::<usize>(),
                        false => c.to_lowercase().map(char::len_utf8).sum(),
                    })
                    .sum();
                limits::check_bytes(len)?;
            }
            Value::str(if args.method == "upper" {
                s.to_uppercase()
            } else {
                s.to_lowercase()
            })
        }
        "strip" | "lstrip" | "rstrip" => {
            args.accept(Signature::Varargs { min: 0, max: 1 })?;
            let chars = match args.at(0) {
                Value::None => None,
                v => Some(str_arg(
                    v,
                    &format!("{} arg must be None or str", args.method),
                )?),
            };
            let strip = |c: char| match &chars {
                Some(set) => set.contains(c),
                None => c.is_whitespace(),
            };
            Value::str(match args.method {
                "strip" => s.trim_matches(strip),
                "lstrip" => s.trim_start_matches(strip),
                _ => s.trim_end_matches(strip),
            })
        }
        "split" => {
            args.accept(Signature::Keywords(&["sep", "maxsplit"]))?;
            let maxsplit = count(args.get(1, "maxsplit"))?;
            let parts: Vec<String> = match args.get(0, "sep") {
                None | Some(Value::None) => {
                    check_parts(s.len(), s.split_whitespace().count())?;
                    split_whitespace(s, maxsplit)
                }
                Some(v) => {
                    let sep = str_arg(v, "must be str or None")?;
                    if sep.is_empty() {
                        return Err(CommandError::value_error("empty separator"));
                    }
                    let separators = s.matches(sep.as_str()).take(maxsplit.unwrap_or(usize::MAX));
                    check_parts(s.len(), separators.count().saturating_add(1))?;
                    match maxsplit {
                        Some(n) => s
                            .splitn(n.saturating_add(1), sep.as_str())
                            .map(str::to_string)
                            .collect(),
                        None => s.split(sep.as_str()).map(str::to_string).collect(),
                    }
                }
            };
            Value::List(parts.into_iter().map(Value::Str).collect())
        }
        "join" => {
            args.accept(Signature::One)?;
            let items = iterable(args.at(0))?;
            let mut parts = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Str(part) => parts.push(part.as_str()),
                    other => {
                        return Err(CommandError::type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            other.type_name()
                        )));
                    }
                }
            }
            let text: usize = parts.iter().map(|p| p.len()).sum();
            let separators = s.len().saturating_mul(parts.len().saturating_sub(1));
            limits::check_bytes(text.saturating_add(separators))?;
            Value::str(parts.join(s))
        }
        "startswith" | "endswith" => {
            args.accept(Signature::Range { min: 1, max: 3 })?;
            let candidates = match args.at(0) {
                Value::Str(a) => vec![a.clone()],
                Value::Tuple(items) if items.iter().all(|v| v.as_str().is_some()) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                other => {
                    return Err(CommandError::type_error(format!(
                        "{} first arg must be str or a tuple of str, not {}",
                        args.method,
                        other.type_name()
                    )));
                }
            };
            let (window, offset) = args.window(&Value::str(s))?;
            // A start past the end finds nothing, not even ''.
            if offset > s.chars().count() {
                return Ok(Value::Bool(false));
            }
            let window = window.as_str().unwrap_or_default();
            let starts = args.method == "startswith";
            Value::Bool(candidates.iter().any(|a| {
                if starts {
                    window.starts_with(a.as_str())
                } else {
                    window.ends_with(a.as_str())
                }
            }))
        }
        "replace" => {
            args.accept(Signature::Varargs { min: 2, max: 3 })?;
            let old = str_arg(args.at(0), "replace() argument 1 must be str")?;
            let new = str_arg(args.at(1), "replace() argument 2 must be str")?;
            let limit = count(args.positional.get(2))?.unwrap_or(usize::MAX);
            // An empty `old` matches before every character and at the end.
            let matches = if old.is_empty() {
                s.chars().count().saturating_add(1).min(limit)
            } else {
                s.matches(old.as_str()).take(limit).count()
            };
            let grown = matches.saturating_mul(new.len());
            let removed = matches.saturating_mul(old.len());
            limits::check_bytes(s.len().saturating_add(grown).saturating_sub(removed))?;
            match count(args.positional.get(2))? {
                Some(n) => Value::str(s.replacen(old.as_str(), &new, n)),
                None => Value::str(s.replace(old.as_str(), &new)),
            }
        }
        "find" => {
            args.accept(Signature::Range { min: 1, max: 3 })?;
            let sub = str_arg(args.at(0), "must be str")?;
            let (window, offset) = args.window(&Value::str(s))?;
            let window = window.as_str().unwrap_or_default();
            // An empty needle is found at the start only if the start is inside.
            let inside = offset <= s.chars().count();
            Value::Int(match window.find(sub.as_str()) {
                Some(at) if inside => (offset + window[..at].chars().count()) as i128,
                _ => -1,
            })
        }
        "format" => Value::str(format::format(s, &args.positional, &args.keywords)?),
        other => return Err(no_attribute("str", other)),
    })
}

/// `str.split()` with no separator: runs of whitespace split, ends are dropped.
pub(super) fn split_whitespace(s: &str, maxsplit: Option<usize>) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        if maxsplit.is_some_and(|n| parts.len() == n) {
            parts.push(rest.to_string());
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        parts.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
    }
    parts
}

/// Refuses a split into `parts` values holding `text_bytes` bytes of text
/// between them, beyond the budget: a short separator can make each byte a
/// whole value.
pub(super) fn check_parts(text_bytes: usize, parts: usize) -> CommandResult<()> {
    let each = std::mem::size_of::<Value>();
    limits::check_bytes(text_bytes.saturating_add(parts.saturating_mul(each)))
}
