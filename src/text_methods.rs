//! Methods of `str` and `bytes` that notes call around socket code:
//! `"hello".encode()`, `data.decode()`, `'{}://{}'.format(...)`, `split`,
//! `join`, `strip`... with CPython's results and errors.

use crate::codecs;
use crate::error::{CommandError, CommandResult, PyException};
use crate::operators::{self, iterate};
use crate::value::Value;

/// The method names, for completion and "did you mean".
pub const STR_METHODS: &[&str] = &[
    "encode",
    "endswith",
    "find",
    "format",
    "join",
    "lower",
    "lstrip",
    "replace",
    "rstrip",
    "split",
    "startswith",
    "strip",
    "upper",
];
pub const BYTES_METHODS: &[&str] = &[
    "decode",
    "endswith",
    "find",
    "hex",
    "join",
    "lower",
    "lstrip",
    "replace",
    "rstrip",
    "split",
    "startswith",
    "strip",
    "upper",
];

/// How CPython checks a method's arguments: the messages differ with the
/// way each method is written in C.
#[derive(Clone, Copy)]
enum Signature {
    /// Positional or by these names: encode, decode, split, hex.
    Keywords(&'static [&'static str]),
    /// No arguments: upper, lower.
    Nothing,
    /// Exactly one, by position: join.
    One,
    /// By position, "NAME expected at most N arguments, got M": strip, replace.
    Varargs { min: usize, max: usize },
    /// By position, "NAME() takes at least N argument": find, startswith.
    Range { min: usize, max: usize },
}

/// The arguments of one method call.
struct MethodArgs<'a> {
    type_name: &'static str,
    method: &'a str,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
}

impl MethodArgs<'_> {
    fn accept(&self, signature: Signature) -> CommandResult<()> {
        let (method, given) = (self.method, self.positional.len() + self.keywords.len());
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let error = |message: String| Err(CommandError::type_error(message));
        if let Signature::Keywords(names) = signature {
            if given > names.len() {
                return error(format!(
                    "{method}() takes at most {} argument{} ({given} given)",
                    names.len(),
                    plural(names.len())
                ));
            }
            return match self
                .keywords
                .iter()
                .find(|(k, _)| !names.contains(&k.as_str()))
            {
                Some((key, _)) => error(format!(
                    "'{key}' is an invalid keyword argument for {method}()"
                )),
                None => Ok(()),
            };
        }
        let qualified = format!("{}.{method}()", self.type_name);
        if !self.keywords.is_empty() {
            return error(format!("{qualified} takes no keyword arguments"));
        }
        match signature {
            Signature::Nothing if given > 0 => {
                error(format!("{qualified} takes no arguments ({given} given)"))
            }
            Signature::One if given != 1 => error(format!(
                "{qualified} takes exactly one argument ({given} given)"
            )),
            Signature::Varargs { max, .. } if given > max => error(format!(
                "{method} expected at most {max} argument{}, got {given}",
                plural(max)
            )),
            Signature::Varargs { min, .. } if given < min => error(format!(
                "{method} expected at least {min} argument{}, got {given}",
                plural(min)
            )),
            Signature::Range { min, .. } if given < min => error(format!(
                "{method}() takes at least {min} argument{} ({given} given)",
                plural(min)
            )),
            Signature::Range { max, .. } if given > max => error(format!(
                "{method}() takes at most {max} argument{} ({given} given)",
                plural(max)
            )),
            _ => Ok(()),
        }
    }

    /// The argument at `position`, or passed as `name`.
    fn get(&self, position: usize, name: &str) -> Option<&Value> {
        self.positional.get(position).or_else(|| {
            self.keywords
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
        })
    }

    /// The argument at `position`, which `accept` has made sure is there.
    fn at(&self, position: usize) -> &Value {
        self.positional.get(position).unwrap_or(&Value::None)
    }

    /// A str argument such as an encoding name, with its default.
    fn text(&self, position: usize, name: &str, default: &str) -> CommandResult<String> {
        match self.get(position, name) {
            None => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.clone()),
            Some(other) => Err(CommandError::type_error(format!(
                "{}() argument '{name}' must be str, not {}",
                self.method,
                other.type_name()
            ))),
        }
    }

    /// For find, startswith and endswith: the window `[start:end]` they look
    /// in, as a value, and where it starts in the whole (past the end when
    /// `start` is).
    fn window(&self, whole: &Value) -> CommandResult<(Value, usize)> {
        let (start, end) = (self.positional.get(1), self.positional.get(2));
        let window = operators::slice(whole, start, end, None)?;
        let len = match whole {
            Value::Str(s) => s.chars().count(),
            Value::Bytes(b) => b.len(),
            _ => 0,
        } as i128;
        let offset = match start.and_then(Value::as_int) {
            None => 0,
            Some(i) if i < 0 => (i + len).max(0),
            Some(i) => i,
        };
        Ok((window, offset as usize))
    }
}

/// The methods netrepl gives `value`, if it is str or bytes.
pub fn method_names(value: &Value) -> Option<&'static [&'static str]> {
    match value {
        Value::Str(_) => Some(STR_METHODS),
        Value::Bytes(_) => Some(BYTES_METHODS),
        _ => None,
    }
}

/// Whether `value` has a method called `name` here.
pub fn has_method(value: &Value, name: &str) -> bool {
    method_names(value).is_some_and(|names| names.contains(&name))
}

/// Calls `value.name(...)` on a str or bytes value.
pub fn call(
    value: &Value,
    name: &str,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
) -> CommandResult<Value> {
    let args = MethodArgs {
        type_name: value.type_name(),
        method: name,
        positional,
        keywords,
    };
    match value {
        Value::Str(s) => str_method(s, &args),
        Value::Bytes(b) => bytes_method(b, &args),
        other => Err(no_attribute(other.type_name(), name)),
    }
}

pub fn no_attribute(type_name: &str, name: &str) -> CommandError {
    CommandError::new(
        PyException::AttributeError,
        format!("'{type_name}' object has no attribute '{name}'"),
    )
}

fn str_method(s: &str, args: &MethodArgs) -> CommandResult<Value> {
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
                None | Some(Value::None) => split_whitespace(s, maxsplit),
                Some(v) => {
                    let sep = str_arg(v, "must be str or None")?;
                    if sep.is_empty() {
                        return Err(CommandError::value_error("empty separator"));
                    }
                    match maxsplit {
                        Some(n) => s.splitn(n + 1, sep.as_str()).map(str::to_string).collect(),
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
                    Value::Str(part) => parts.push(part.clone()),
                    other => {
                        return Err(CommandError::type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            other.type_name()
                        )));
                    }
                }
            }
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
            let (window, _) = args.window(&Value::str(s))?;
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
        "format" => Value::str(format(s, &args.positional, &args.keywords)?),
        other => return Err(no_attribute("str", other)),
    })
}

fn bytes_method(b: &[u8], args: &MethodArgs) -> CommandResult<Value> {
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
            Value::Str(codecs::decode(b, &encoding, &errors)?)
        }
        "hex" => {
            args.accept(Signature::Keywords(&["sep", "bytes_per_sep"]))?;
            if args.get(1, "bytes_per_sep").is_some() {
                return Err(CommandError::value_error(
                    "netrepl's bytes.hex() takes a separator only",
                ));
            }
            let sep = args.text(0, "sep", "")?;
            let pairs: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
            Value::str(pairs.join(&sep))
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
                    split_bytes(b, &sep, maxsplit)
                }
            };
            Value::List(parts.into_iter().map(Value::Bytes).collect())
        }
        "join" => {
            args.accept(Signature::One)?;
            let items = iterable(args.at(0))?;
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let Value::Bytes(part) = item else {
                    return Err(CommandError::type_error(format!(
                        "sequence item {i}: expected a bytes-like object, {} found",
                        item.type_name()
                    )));
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
            let (window, _) = args.window(&Value::Bytes(b.to_vec()))?;
            let Value::Bytes(window) = window else {
                return Ok(Value::Bool(false));
            };
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
                Value::Bytes(s) => window.windows(s.len()).position(|w| w == s.as_slice()),
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

fn iterable(value: &Value) -> CommandResult<Vec<Value>> {
    iterate(value).ok_or_else(|| CommandError::type_error("can only join an iterable"))
}

/// A `maxsplit` or `count`, where any negative number (the default -1)
/// means no limit.
fn count(value: Option<&Value>) -> CommandResult<Option<usize>> {
    match value {
        None => Ok(None),
        Some(v) => match v.as_int() {
            Some(n) if n < 0 => Ok(None),
            Some(n) => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
            None => Err(CommandError::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))),
        },
    }
}

/// `str.split()` with no separator: runs of whitespace split, ends are dropped.
fn split_whitespace(s: &str, maxsplit: Option<usize>) -> Vec<String> {
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

fn split_bytes(b: &[u8], sep: &[u8], maxsplit: Option<usize>) -> Vec<Vec<u8>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at + sep.len() <= b.len() && maxsplit.is_none_or(|n| parts.len() < n) {
        if &b[at..at + sep.len()] == sep {
            parts.push(b[start..at].to_vec());
            at += sep.len();
            start = at;
        } else {
            at += 1;
        }
    }
    parts.push(b[start..].to_vec());
    parts
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
    let mut at = 0;
    let mut done = 0;
    while at < b.len() {
        if count.is_none_or(|n| done < n) && b[at..].starts_with(old) {
            out.extend_from_slice(new);
            at += old.len();
            done += 1;
        } else {
            out.push(b[at]);
            at += 1;
        }
    }
    out
}

/// `str.format`: `{}`, `{0}`, `{name}`, `{{`/`}}` and the `!r`/`!s`
/// conversions. Format specs (`{:>8}`) are not supported and say so.
fn format(
    template: &str,
    positional: &[Value],
    keywords: &[(String, Value)],
) -> CommandResult<String> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut automatic = None::<bool>;
    let mut next_index = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => {
                return Err(CommandError::value_error(
                    "Single '}' encountered in format string",
                ));
            }
            '{' => {
                let mut field = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    field.push(c);
                }
                if !closed {
                    return Err(CommandError::value_error(if field.is_empty() {
                        "Single '{' encountered in format string"
                    } else {
                        "expected '}' before end of string"
                    }));
                }
                let (field, conversion) = match field.split_once('!') {
                    Some((f, conv)) => (f.to_string(), Some(conv.to_string())),
                    None => (field, None),
                };
                if field.contains(':') {
                    return Err(CommandError::value_error(
                        "netrepl's format() takes no format specs such as {:>8}",
                    ));
                }
                let value = if field.is_empty() {
                    if automatic == Some(false) {
                        return Err(CommandError::value_error(
                            "cannot switch from manual field specification to automatic field numbering",
                        ));
                    }
                    automatic = Some(true);
                    let index = next_index;
                    next_index += 1;
                    positional.get(index).ok_or_else(|| {
                        CommandError::new(
                            PyException::IndexError,
                            format!(
                                "Replacement index {index} out of range for positional args tuple"
                            ),
                        )
                    })?
                } else if let Ok(index) = field.parse::<usize>() {
                    if automatic == Some(true) {
                        return Err(CommandError::value_error(
                            "cannot switch from automatic field numbering to manual field specification",
                        ));
                    }
                    automatic = Some(false);
                    positional.get(index).ok_or_else(|| {
                        CommandError::new(
                            PyException::IndexError,
                            format!(
                                "Replacement index {index} out of range for positional args tuple"
                            ),
                        )
                    })?
                } else {
                    keywords
                        .iter()
                        .find(|(k, _)| *k == field)
                        .map(|(_, v)| v)
                        .ok_or_else(|| {
                            CommandError::new(PyException::KeyError, crate::value::str_repr(&field))
                        })?
                };
                match conversion.as_deref() {
                    None | Some("s") => out.push_str(&value.to_python_str()),
                    Some("r") => out.push_str(&value.repr()),
                    Some(other) => {
                        return Err(CommandError::value_error(format!(
                            "Unknown conversion specifier {other}"
                        )));
                    }
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(value: Value, name: &str, positional: Vec<Value>) -> Result<Value, String> {
        call(&value, name, positional, Vec::new()).map_err(|e| e.python_line())
    }

    #[test]
    fn format_fills_fields_like_the_notes_url_example() {
        let url = run(
            Value::str("{}://example.com/"),
            "format",
            vec![Value::str("http")],
        );
        assert_eq!(url, Ok(Value::str("http://example.com/")));
        assert_eq!(
            run(
                Value::str("{0}-{1}-{0}"),
                "format",
                vec![Value::str("a"), Value::Int(2)]
            ),
            Ok(Value::str("a-2-a"))
        );
        assert_eq!(
            run(Value::str("{}"), "format", vec![]),
            Err("IndexError: Replacement index 0 out of range for positional args tuple".into())
        );
    }

    #[test]
    fn split_without_a_separator_drops_empty_parts() {
        assert_eq!(
            run(Value::str(" a  b "), "split", vec![]),
            Ok(Value::List(vec![Value::str("a"), Value::str("b")]))
        );
        assert_eq!(
            run(
                Value::Bytes(b"a,b,c".to_vec()),
                "split",
                vec![Value::Bytes(b",".to_vec()), Value::Int(1)]
            ),
            Ok(Value::List(vec![
                Value::Bytes(b"a".to_vec()),
                Value::Bytes(b"b,c".to_vec())
            ]))
        );
    }
}
