//! The methods of `bytes`.

use super::str_methods::{check_parts, split_whitespace};
use super::{MethodArgs, Signature, count, iterable, no_attribute};
use crate::python::codecs;
use crate::python::error::{CommandError, CommandResult};
use crate::python::limits;
use crate::python::operators::find_bytes;
use crate::python::value::Value;

pub(super) fn call(b: &[u8], args: &MethodArgs) -> CommandResult<Value> {
    let bytes_arg = |v: &Value| -> CommandResult<Vec<u8>> {
        match v {
            Value::Bytes(x) => Ok(x.clone()),
            other => Err(CommandError::type_error(format!(
                "a bytes-like object is required, not '{}'",
                other.type_name()
            ))),
        }
    };
    Ok(match args.method {
        "decode" => {
            args.accept(Signature::Keywords(&["encoding", "errors"]))?;
            let encoding = args.text(0, "encoding", "utf-8")?;
            let errors = args.text(1, "errors", "strict")?;
            // Decoding makes at most three bytes of text per byte (U+FFFD
            // for each bad one): bounded, so checked once made.
            let text = codecs::decode(b, &encoding, &errors)?;
            limits::check_bytes(text.len())?;
            Value::Str(text)
        }
        "hex" => {
            args.accept(Signature::Keywords(&["sep", "bytes_per_sep"]))?;
            Value::Str(crate::python::int_methods::hex_with_separator(
                b,
                args.get(0, "sep"),
                args.get(1, "bytes_per_sep"),
            )?)
        }
        "upper" | "lower" => {
            args.accept(Signature::Nothing)?;
            Value::Bytes(if args.method == "upper" {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            })
        }
        "strip" | "lstrip" | "rstrip" => {
            args.accept(Signature::Varargs { min: 0, max: 1 })?;
            let set = match args.at(0) {
                Value::None => None,
                v => Some(bytes_arg(v)?),
            };
            let strip = |c: &u8| match &set {
                Some(set) => set.contains(c),
                None => c.is_ascii_whitespace() || *c == 0x0b,
            };
            let start = match args.method {
                "rstrip" => 0,
                _ => b.iter().position(|c| !strip(c)).unwrap_or(b.len()),
            };
            let end = match args.method {
                "lstrip" => b.len(),
                _ => b.iter().rposition(|c| !strip(c)).map_or(start, |i| i + 1),
            };
            Value::Bytes(b[start..end.max(start)].to_vec())
        }
        "split" => {
            args.accept(Signature::Keywords(&["sep", "maxsplit"]))?;
            let maxsplit = count(args.get(1, "maxsplit"))?;
            let parts: Vec<Vec<u8>> = match args.get(0, "sep") {
                None | Some(Value::None) => {
                    let text: String = b.iter().map(|&x| char::from(x)).collect();
                    check_parts(b.len(), text.split_whitespace().count())?;
                    split_whitespace(&text, maxsplit)
                        .into_iter()
                        .map(|part| part.chars().map(|c| c as u8).collect())
                        .collect()
                }
                Some(v) => {
                    let sep = bytes_arg(v)?;
                    if sep.is_empty() {
                        return Err(CommandError::value_error("empty separator"));
                    }
                    let separators = occurrences(b, &sep, maxsplit.unwrap_or(usize::MAX));
                    check_parts(b.len(), separators.saturating_add(1))?;
                    split_bytes(b, &sep, maxsplit)
                }
            };
            Value::List(parts.into_iter().map(Value::Bytes).collect())
        }
        "join" => {
            args.accept(Signature::One)?;
            let items = iterable(args.at(0))?;
            let mut total = b.len().saturating_mul(items.len().saturating_sub(1));
            for (i, item) in items.iter().enumerate() {
                let Value::Bytes(part) = item else {
                    return Err(CommandError::type_error(format!(
                        "sequence item {i}: expected a bytes-like object, {} found",
                        item.type_name()
                    )));
                };
                total = total.saturating_add(part.len());
            }
            limits::check_bytes(total)?;
            let mut out = Vec::with_capacity(total);
            for (i, item) in items.iter().enumerate() {
                let Value::Bytes(part) = item else {
                    continue;
                };
                if i > 0 {
                    out.extend_from_slice(b);
                }
                out.extend_from_slice(part);
            }
            Value::Bytes(out)
        }
        "startswith" | "endswith" => {
            args.accept(Signature::Range { min: 1, max: 3 })?;
            let candidates = match args.at(0) {
                Value::Bytes(a) => vec![a.clone()],
                Value::Tuple(items) => {
                    items.iter().map(&bytes_arg).collect::<CommandResult<_>>()?
                }
                other => {
                    return Err(CommandError::type_error(format!(
                        "{} first arg must be bytes or a tuple of bytes, not {}",
                        args.method,
                        other.type_name()
                    )));
                }
            };
            let (window, offset) = args.window(&Value::Bytes(b.to_vec()))?;
            let Value::Bytes(window) = window else {
                return Ok(Value::Bool(false));
            };
            // A start past the end finds nothing, not even b''.
            if offset > b.len() {
                return Ok(Value::Bool(false));
            }
            let starts = args.method == "startswith";
            Value::Bool(candidates.iter().any(|a| {
                if starts {
                    window.starts_with(a)
                } else {
                    window.ends_with(a)
                }
            }))
        }
        "replace" => {
            args.accept(Signature::Varargs { min: 2, max: 3 })?;
            let old = bytes_arg(args.at(0))?;
            let new = bytes_arg(args.at(1))?;
            let count = count(args.positional.get(2))?;
            let limit = count.unwrap_or(usize::MAX);
            let matches = match old.is_empty() {
                true => b.len().saturating_add(1).min(limit),
                false => occurrences(b, &old, limit),
            };
            let grown = matches.saturating_mul(new.len());
            let removed = matches.saturating_mul(old.len());
            limits::check_bytes(b.len().saturating_add(grown).saturating_sub(removed))?;
            Value::Bytes(replace_bytes(b, &old, &new, count))
        }
        "find" => {
            args.accept(Signature::Range { min: 1, max: 3 })?;
            let (window, offset) = args.window(&Value::Bytes(b.to_vec()))?;
            let Value::Bytes(window) = window else {
                return Ok(Value::Int(-1));
            };
            let at = match args.at(0) {
                Value::Bytes(s) if s.is_empty() => (offset <= b.len()).then_some(0),
                Value::Bytes(s) => find_bytes(&window, s),
                other => match other.as_int() {
                    Some(n @ 0..=255) => window.iter().position(|&x| i128::from(x) == n),
                    Some(_) => {
                        return Err(CommandError::value_error("byte must be in range(0, 256)"));
                    }
                    None => {
                        return Err(CommandError::type_error(format!(
                            "argument should be integer or bytes-like object, not '{}'",
                            other.type_name()
                        )));
                    }
                },
            };
            Value::Int(at.map_or(-1, |i| (offset + i) as i128))
        }
        other => return Err(no_attribute("bytes", other)),
    })
}

fn split_bytes(b: &[u8], sep: &[u8], maxsplit: Option<usize>) -> Vec<Vec<u8>> {
    let mut parts = Vec::new();
    let mut start = 0;
    while maxsplit.is_none_or(|n| parts.len() < n) {
        let Some(at) = find_bytes(&b[start..], sep) else {
            break;
        };
        parts.push(b[start..start + at].to_vec());
        start += at + sep.len();
    }
    parts.push(b[start..].to_vec());
    parts
}

/// How many times `needle` (not empty) occurs in `b` without overlapping,
/// counting at most `limit`.
fn occurrences(b: &[u8], needle: &[u8], limit: usize) -> usize {
    let mut found = 0;
    let mut start = 0;
    while found < limit
        && let Some(at) = find_bytes(&b[start..], needle)
    {
        found += 1;
        start += at + needle.len();
    }
    found
}

fn replace_bytes(b: &[u8], old: &[u8], new: &[u8], count: Option<usize>) -> Vec<u8> {
    if old.is_empty() {
        // Python inserts `new` between every byte and at both ends.
        let mut out = Vec::new();
        let mut done = 0;
        for &x in b {
            if count.is_none_or(|n| done < n) {
                out.extend_from_slice(new);
                done += 1;
            }
            out.push(x);
        }
        if count.is_none_or(|n| done < n) {
            out.extend_from_slice(new);
        }
        return out;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut start = 0;
    let mut done = 0;
    while count.is_none_or(|n| done < n)
        && let Some(at) = find_bytes(&b[start..], old)
    {
        out.extend_from_slice(&b[start..start + at]);
        out.extend_from_slice(new);
        start += at + old.len();
        done += 1;
    }
    out.extend_from_slice(&b[start..]);
    out
}
