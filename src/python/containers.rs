//! The methods of lists, dicts and sets (`append`, `pop`, `items`, `get`,
//! `add`, ...), with CPython's results and errors. A method works on the
//! value in place; the evaluator stores it back where it came from.

use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::iterables::{Caller, dict_insert, items_of, set_add, sort};
use crate::python::limits;
use crate::python::operators::{self, equal};
use crate::python::value::{DictView, Value, ViewKind};

pub const LIST_METHODS: &[&str] = &[
    "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse",
    "sort",
];
pub const DICT_METHODS: &[&str] = &[
    "clear",
    "copy",
    "get",
    "items",
    "keys",
    "pop",
    "setdefault",
    "update",
    "values",
];
pub const SET_METHODS: &[&str] = &["add", "clear", "copy", "discard", "remove", "union"];

/// The method names of a list, dict or set; `None` for other values.
pub fn method_names(value: &Value) -> Option<&'static [&'static str]> {
    match value {
        Value::List(_) => Some(LIST_METHODS),
        Value::Dict(_) | Value::Map(_) => Some(DICT_METHODS),
        Value::Set(_) => Some(SET_METHODS),
        _ => None,
    }
}

pub fn has_method(value: &Value, name: &str) -> bool {
    method_names(value).is_some_and(|names| names.contains(&name))
}

/// What a method call did: its result, and whether it changed the value.
pub struct Called {
    pub result: Value,
    pub changed: bool,
}

fn returned(result: Value) -> CommandResult<Called> {
    Ok(Called {
        result,
        changed: false,
    })
}

fn changed(result: Value) -> CommandResult<Called> {
    Ok(Called {
        result,
        changed: true,
    })
}

fn arity(
    type_name: &str,
    method: &str,
    args: &[Value],
    min: usize,
    max: usize,
) -> CommandResult<()> {
    let n = args.len();
    if (min..=max).contains(&n) {
        return Ok(());
    }
    let full = format!("{type_name}.{method}()");
    Err(CommandError::type_error(match (min, max) {
        (0, 0) => format!("{full} takes no arguments ({n} given)"),
        (1, 1) => format!("{full} takes exactly one argument ({n} given)"),
        (_, _) if n < min => format!(
            "{method} expected at least {min} argument{}, got {n}",
            if min == 1 { "" } else { "s" }
        ),
        _ => format!(
            "{method} expected at most {max} argument{}, got {n}",
            if max == 1 { "" } else { "s" }
        ),
    }))
}

/// Calls `value.name(...)` on a list, dict or set.
pub fn call(
    value: &mut Value,
    name: &str,
    args: Vec<Value>,
    keywords: Vec<(String, Value)>,
    caller: &mut dyn Caller,
) -> CommandResult<Called> {
    if let Value::Dict(entries) = value {
        // Commands' records become dicts like any other once a method may change them.
        *value = Value::Map(
            entries
                .iter()
                .map(|(k, v)| (Value::str(k), v.clone()))
                .collect(),
        );
    }
    let no_keywords = |keywords: &[(String, Value)]| match keywords.first() {
        Some(_) if name != "sort" && name != "update" => Err(CommandError::type_error(format!(
            "{}.{name}() takes no keyword arguments",
            value_type(value)
        ))),
        _ => Ok(()),
    };
    no_keywords(&keywords)?;
    match value {
        Value::List(items) => list_method(items, name, args, keywords, caller),
        Value::Map(entries) => dict_method(entries, name, args, keywords),
        Value::Set(items) => set_method(items, name, args),
        other => Err(no_attribute(other, name)),
    }
}

fn value_type(value: &Value) -> &'static str {
    value.type_name()
}

pub fn no_attribute(value: &Value, name: &str) -> CommandError {
    CommandError::new(
        PyException::AttributeError,
        format!("'{}' object has no attribute '{name}'", value.type_name()),
    )
}

fn to_index(value: &Value) -> CommandResult<i128> {
    match value {
        Value::Float(_) => None,
        v => v.as_int(),
    }
    .ok_or_else(|| {
        CommandError::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            value.type_name()
        ))
    })
}

fn list_method(
    items: &mut Vec<Value>,
    name: &str,
    args: Vec<Value>,
    keywords: Vec<(String, Value)>,
    caller: &mut dyn Caller,
) -> CommandResult<Called> {
    let len = items.len() as i128;
    match name {
        "append" => {
            arity("list", name, &args, 1, 1)?;
            let item = args.into_iter().next().unwrap_or(Value::None);
            let grown = limits::approximate_size(&item).saturating_add(items.len() * 48);
            limits::check_bytes(grown)?;
            items.push(item);
            changed(Value::None)
        }
        "extend" => {
            arity("list", name, &args, 1, 1)?;
            let more = items_of(&args[0])?;
            items.extend(more);
            limits::check_bytes(limits::approximate_size(&Value::List(items.clone())))?;
            changed(Value::None)
        }
        "insert" => {
            arity("list", name, &args, 2, 2)?;
            let at = to_index(&args[0])?;
            let at = if at < 0 {
                (at + len).max(0)
            } else {
                at.min(len)
            } as usize;
            items.insert(at, args[1].clone());
            changed(Value::None)
        }
        "pop" => {
            arity("list", name, &args, 0, 1)?;
            if items.is_empty() {
                return Err(CommandError::new(
                    PyException::IndexError,
                    "pop from empty list",
                ));
            }
            let at = match args.first() {
                Some(v) => to_index(v)?,
                None => -1,
            };
            let at = if at < 0 { at + len } else { at };
            if !(0..len).contains(&at) {
                return Err(CommandError::new(
                    PyException::IndexError,
                    "pop index out of range",
                ));
            }
            changed(items.remove(at as usize))
        }
        "remove" => {
            arity("list", name, &args, 1, 1)?;
            match items.iter().position(|x| equal(x, &args[0])) {
                Some(at) => {
                    items.remove(at);
                    changed(Value::None)
                }
                None => Err(CommandError::value_error("list.remove(x): x not in list")),
            }
        }
        "index" => {
            arity("list", name, &args, 1, 3)?;
            match items.iter().position(|x| equal(x, &args[0])) {
                Some(at) => returned(Value::Int(at as i128)),
                None => Err(CommandError::value_error(format!(
                    "{} is not in list",
                    args[0].repr()
                ))),
            }
        }
        "count" => {
            arity("list", name, &args, 1, 1)?;
            let n = items.iter().filter(|x| equal(x, &args[0])).count();
            returned(Value::Int(n as i128))
        }
        "reverse" => {
            arity("list", name, &args, 0, 0)?;
            items.reverse();
            changed(Value::None)
        }
        "copy" => {
            arity("list", name, &args, 0, 0)?;
            returned(Value::List(items.clone()))
        }
        "clear" => {
            arity("list", name, &args, 0, 0)?;
            items.clear();
            changed(Value::None)
        }
        "sort" => {
            if !args.is_empty() {
                return Err(CommandError::type_error(
                    "sort() takes no positional arguments",
                ));
            }
            if let Some((k, _)) = keywords.iter().find(|(k, _)| k != "key" && k != "reverse") {
                return Err(CommandError::type_error(format!(
                    "'{k}' is an invalid keyword argument for sort()"
                )));
            }
            let key = keywords.iter().find(|(k, _)| k == "key").map(|(_, v)| v);
            let reverse = keywords
                .iter()
                .find(|(k, _)| k == "reverse")
                .is_some_and(|(_, v)| operators::truthy(v));
            sort(items, key, reverse, caller)?;
            changed(Value::None)
        }
        _ => Err(no_attribute(&Value::List(Vec::new()), name)),
    }
}

fn key_error(key: &Value) -> CommandError {
    CommandError::new(PyException::KeyError, key.repr())
}

fn dict_method(
    entries: &mut Vec<(Value, Value)>,
    name: &str,
    args: Vec<Value>,
    keywords: Vec<(String, Value)>,
) -> CommandResult<Called> {
    let find = |entries: &[(Value, Value)], key: &Value| {
        operators::check_hashable(key)?;
        Ok::<_, CommandError>(entries.iter().position(|(k, _)| equal(k, key)))
    };
    match name {
        "keys" | "values" | "items" => {
            arity("dict", name, &args, 0, 0)?;
            let kind = match name {
                "keys" => ViewKind::Keys,
                "values" => ViewKind::Values,
                _ => ViewKind::Items,
            };
            let items = entries
                .iter()
                .map(|(k, v)| match kind {
                    ViewKind::Keys => k.clone(),
                    ViewKind::Values => v.clone(),
                    ViewKind::Items => Value::Tuple(vec![k.clone(), v.clone()]),
                })
                .collect();
            returned(Value::View(DictView { kind, items }))
        }
        "get" => {
            arity("dict", name, &args, 1, 2)?;
            let at = find(entries, &args[0])?;
            returned(match at {
                Some(at) => entries[at].1.clone(),
                None => args.get(1).cloned().unwrap_or(Value::None),
            })
        }
        "setdefault" => {
            arity("dict", name, &args, 1, 2)?;
            match find(entries, &args[0])? {
                Some(at) => returned(entries[at].1.clone()),
                None => {
                    let default = args.get(1).cloned().unwrap_or(Value::None);
                    entries.push((args[0].clone(), default.clone()));
                    changed(default)
                }
            }
        }
        "pop" => {
            arity("dict", name, &args, 1, 2)?;
            match (find(entries, &args[0])?, args.get(1)) {
                (Some(at), _) => changed(entries.remove(at).1),
                (None, Some(default)) => returned(default.clone()),
                (None, None) => Err(key_error(&args[0])),
            }
        }
        "update" => {
            arity("dict", name, &args, 0, 1)?;
            if let Some(source) = args.first() {
                let pairs = match operators::dict_entries(source) {
                    Some(pairs) => pairs,
                    None => items_of(source)?
                        .into_iter()
                        .map(|item| match items_of(&item)?.as_slice() {
                            [k, v] => Ok((k.clone(), v.clone())),
                            _ => Err(CommandError::value_error(
                                "dictionary update sequence element #0 has length 1; 2 is required",
                            )),
                        })
                        .collect::<CommandResult<Vec<_>>>()?,
                };
                for (k, v) in pairs {
                    dict_insert(entries, k, v)?;
                }
            }
            for (k, v) in keywords {
                dict_insert(entries, Value::Str(k), v)?;
            }
            changed(Value::None)
        }
        "copy" => {
            arity("dict", name, &args, 0, 0)?;
            returned(Value::Map(entries.clone()))
        }
        "clear" => {
            arity("dict", name, &args, 0, 0)?;
            entries.clear();
            changed(Value::None)
        }
        _ => Err(no_attribute(&Value::Map(Vec::new()), name)),
    }
}

fn set_method(items: &mut Vec<Value>, name: &str, args: Vec<Value>) -> CommandResult<Called> {
    match name {
        "add" => {
            arity("set", name, &args, 1, 1)?;
            set_add(items, args[0].clone())?;
            changed(Value::None)
        }
        "discard" | "remove" => {
            arity("set", name, &args, 1, 1)?;
            operators::check_hashable(&args[0])?;
            match items.iter().position(|x| equal(x, &args[0])) {
                Some(at) => {
                    items.remove(at);
                    changed(Value::None)
                }
                None if name == "remove" => Err(key_error(&args[0])),
                None => returned(Value::None),
            }
        }
        "union" => {
            let mut out = items.clone();
            for other in &args {
                for item in items_of(other)? {
                    set_add(&mut out, item)?;
                }
            }
            returned(Value::Set(out))
        }
        "copy" => {
            arity("set", name, &args, 0, 0)?;
            returned(Value::Set(items.clone()))
        }
        "clear" => {
            arity("set", name, &args, 0, 0)?;
            items.clear();
            changed(Value::None)
        }
        _ => Err(no_attribute(&Value::Set(Vec::new()), name)),
    }
}
