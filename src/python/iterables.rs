//! The built-ins that take or make iterables, or call what they are given:
//! `range`, `enumerate`, `zip`, `map`, `filter`, `sorted`, `min`, `max`,
//! `sum`, `any`, `all`, `dict`, `set`, and the small numeric ones (`abs`,
//! `divmod`, `ord`, `chr`, `bin`, `oct`), plus `type`, `isinstance`, `dir`,
//! `getattr` and `hasattr`, which ask the layer above about the module.
//! `map`, `filter`, `zip`, `enumerate` and `reversed` build their items at
//! once, as lists: everything netrepl runs is bounded anyway.

use std::cmp::Ordering;

use crate::python::arithmetic;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::limits;
use crate::python::operators::{self, check_hashable, equal, iterate};
use crate::python::syntax::Comparison;
use crate::python::value::{BUILTIN_TYPES, Function, Value};

/// What these built-ins need from the evaluator: calling a value, reading
/// an attribute, and the names an object has (`dir`).
pub trait Caller {
    fn call_value(&mut self, function: &Value, args: Vec<Value>) -> CommandResult<Value>;
    fn attribute(&mut self, target: &Value, name: &str) -> CommandResult<Value>;
    fn names_of(&mut self, target: Option<&Value>) -> Vec<String>;
}

pub const NAMES: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "callable",
    "chr",
    "dict",
    "dir",
    "enumerate",
    "filter",
    "getattr",
    "hasattr",
    "isinstance",
    "map",
    "max",
    "min",
    "ord",
    "range",
    "reversed",
    "set",
    "sorted",
    "sum",
    "type",
    "zip",
];

pub fn is_builtin(name: &str) -> bool {
    NAMES.contains(&name)
}

type Keywords = [(String, Value)];

/// Calls the built-in `name`, one of `NAMES`.
pub fn call(
    name: &str,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
    caller: &mut dyn Caller,
) -> CommandResult<Value> {
    let args = &positional[..];
    match name {
        "range" => range(args, &keywords),
        "enumerate" => enumerate(args, &keywords),
        "zip" => zip(args, &keywords),
        "map" => map(args, &keywords, caller),
        "filter" => filter(args, &keywords, caller),
        "sorted" => sorted(args, &keywords, caller),
        "reversed" => {
            let mut items = items_of(one(name, args, &keywords)?)?;
            items.reverse();
            Ok(Value::List(items))
        }
        "min" | "max" => extreme(name, args, &keywords, caller),
        "sum" => sum(args, &keywords),
        "any" | "all" => {
            let items = items_of(one(name, args, &keywords)?)?;
            let want = name == "any";
            Ok(Value::Bool(
                items.iter().any(|v| operators::truthy(v) == want) == want,
            ))
        }
        "bool" => Ok(Value::Bool(match at_most_one(name, args, &keywords)? {
            Some(v) => operators::truthy(v),
            None => false,
        })),
        "callable" => Ok(Value::Bool(matches!(
            one(name, args, &keywords)?,
            Value::Function(_)
        ))),
        "abs" => abs(one(name, args, &keywords)?),
        "ord" => ord(one(name, args, &keywords)?),
        "chr" => chr(one(name, args, &keywords)?),
        "dict" => dict(args, keywords),
        "set" => {
            let mut set = Vec::new();
            let mut index = KeyIndex::default();
            if let Some(v) = at_most_one(name, args, &keywords)? {
                for item in items_of(v)? {
                    index.add(&mut set, item)?;
                }
            }
            Ok(Value::Set(set))
        }
        "type" => Ok(type_of(one(name, args, &keywords)?)),
        "isinstance" => {
            let [object, class] = exactly::<2>(name, args, &keywords)?;
            isinstance(object, class).map(Value::Bool)
        }
        "dir" => {
            let mut names = caller.names_of(at_most_one(name, args, &keywords)?);
            names.sort();
            names.dedup();
            Ok(Value::List(names.into_iter().map(Value::Str).collect()))
        }
        "getattr" | "hasattr" => {
            no_keywords(name, &keywords)?;
            let (object, attr, default) = match args {
                [o, a] => (o, a, None),
                [o, a, d] if name == "getattr" => (o, a, Some(d)),
                _ => {
                    return Err(CommandError::type_error(format!(
                        "{name} expected {} arguments, got {}",
                        if name == "getattr" { "2 or 3" } else { "2" },
                        args.len()
                    )));
                }
            };
            let Value::Str(attr) = attr else {
                return Err(CommandError::type_error(format!(
                    "attribute name must be string, not '{}'",
                    attr.type_name()
                )));
            };
            match (caller.attribute(object, attr), name, default) {
                (Ok(v), "getattr", _) => Ok(v),
                (Ok(_), _, _) => Ok(Value::Bool(true)),
                (Err(e), "hasattr", _) if e.exception == PyException::AttributeError => {
                    Ok(Value::Bool(false))
                }
                (Err(e), _, Some(d)) if e.exception == PyException::AttributeError => Ok(d.clone()),
                (Err(e), _, _) => Err(e),
            }
        }
        other => Err(CommandError::new(
            PyException::NameError,
            format!("name '{other}' is not defined"),
        )),
    }
}

/// The items of an iterable, or CPython's error for one that is not.
pub fn items_of(value: &Value) -> CommandResult<Vec<Value>> {
    iterate(value).ok_or_else(|| {
        CommandError::type_error(format!("'{}' object is not iterable", value.type_name()))
    })?
}

fn no_keywords(name: &str, keywords: &Keywords) -> CommandResult<()> {
    match keywords.first() {
        None => Ok(()),
        Some(_) => Err(CommandError::type_error(format!(
            "{name}() takes no keyword arguments"
        ))),
    }
}

fn one<'a>(name: &str, args: &'a [Value], keywords: &Keywords) -> CommandResult<&'a Value> {
    no_keywords(name, keywords)?;
    match args {
        [v] => Ok(v),
        _ => Err(CommandError::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

fn at_most_one<'a>(
    name: &str,
    args: &'a [Value],
    keywords: &Keywords,
) -> CommandResult<Option<&'a Value>> {
    no_keywords(name, keywords)?;
    match args {
        [] => Ok(None),
        [v] => Ok(Some(v)),
        _ => Err(CommandError::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            args.len()
        ))),
    }
}

fn exactly<'a, const N: usize>(
    name: &str,
    args: &'a [Value],
    keywords: &Keywords,
) -> CommandResult<[&'a Value; N]> {
    no_keywords(name, keywords)?;
    let refs: Vec<&Value> = args.iter().collect();
    refs.try_into().map_err(|_| {
        CommandError::type_error(format!("{name} expected {N} arguments, got {}", args.len()))
    })
}

fn keyword<'a>(keywords: &'a Keywords, key: &str) -> Option<&'a Value> {
    keywords.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn check_keywords(function: &str, keywords: &Keywords, allowed: &[&str]) -> CommandResult<()> {
    match keywords
        .iter()
        .find(|(k, _)| !allowed.contains(&k.as_str()))
    {
        Some((k, _)) => Err(CommandError::type_error(format!(
            "'{k}' is an invalid keyword argument for {function}()"
        ))),
        None => Ok(()),
    }
}

/// An int argument where CPython takes only ints (`range`, `chr`).
fn index_of(value: &Value) -> CommandResult<i128> {
    match value {
        Value::Float(_) => None,
        other => other.as_int(),
    }
    .ok_or_else(|| {
        CommandError::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            value.type_name()
        ))
    })
}

fn range(args: &[Value], keywords: &Keywords) -> CommandResult<Value> {
    no_keywords("range", keywords)?;
    let ints = args.iter().map(index_of).collect::<CommandResult<Vec<_>>>();
    let (start, stop, step) = match (args.len(), ints?.as_slice()) {
        (1, [stop]) => (0, *stop, 1),
        (2, [start, stop]) => (*start, *stop, 1),
        (3, [start, stop, step]) => (*start, *stop, *step),
        (0, _) => {
            return Err(CommandError::type_error(
                "range expected at least 1 argument, got 0",
            ));
        }
        (n, _) => {
            return Err(CommandError::type_error(format!(
                "range expected at most 3 arguments, got {n}"
            )));
        }
    };
    if step == 0 {
        return Err(CommandError::value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(start, stop, step))
}

fn enumerate(args: &[Value], keywords: &Keywords) -> CommandResult<Value> {
    check_keywords("enumerate", keywords, &["iterable", "start"])?;
    let iterable = args
        .first()
        .or_else(|| keyword(keywords, "iterable"))
        .ok_or_else(|| {
            CommandError::type_error("enumerate() missing required argument 'iterable' (pos 1)")
        })?;
    let start = match args.get(1).or_else(|| keyword(keywords, "start")) {
        Some(v) => index_of(v)?,
        None => 0,
    };
    let items = items_of(iterable)?;
    Ok(Value::List(
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let n = start.saturating_add(i as i128);
                Value::Tuple(vec![Value::Int(n), v])
            })
            .collect(),
    ))
}

fn zip(args: &[Value], keywords: &Keywords) -> CommandResult<Value> {
    check_keywords("zip", keywords, &["strict"])?;
    let columns = args
        .iter()
        .map(items_of)
        .collect::<CommandResult<Vec<_>>>()?;
    let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
    Ok(Value::List(
        (0..rows)
            .map(|r| Value::Tuple(columns.iter().map(|c| c[r].clone()).collect()))
            .collect(),
    ))
}

fn map(args: &[Value], keywords: &Keywords, caller: &mut dyn Caller) -> CommandResult<Value> {
    no_keywords("map", keywords)?;
    let Some((function, iterables)) = args.split_first().filter(|(_, rest)| !rest.is_empty())
    else {
        return Err(CommandError::type_error(
            "map() must have at least two arguments.",
        ));
    };
    let columns = iterables
        .iter()
        .map(items_of)
        .collect::<CommandResult<Vec<_>>>()?;
    let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
    let mut out = Vec::with_capacity(rows);
    let mut bytes = 0usize;
    for r in 0..rows {
        let value = caller.call_value(function, columns.iter().map(|c| c[r].clone()).collect())?;
        bytes = bytes.saturating_add(limits::approximate_size(&value));
        limits::check_bytes(bytes)?;
        out.push(value);
    }
    Ok(Value::List(out))
}

fn filter(args: &[Value], keywords: &Keywords, caller: &mut dyn Caller) -> CommandResult<Value> {
    no_keywords("filter", keywords)?;
    let [function, iterable] = args else {
        return Err(CommandError::type_error(format!(
            "filter expected 2 arguments, got {}",
            args.len()
        )));
    };
    let mut out = Vec::new();
    for item in items_of(iterable)? {
        let keep = match function {
            Value::None => operators::truthy(&item),
            f => operators::truthy(&caller.call_value(f, vec![item.clone()])?),
        };
        if keep {
            out.push(item);
        }
    }
    Ok(Value::List(out))
}

/// Python's `<` between two values, as sorting uses it.
fn less(a: &Value, b: &Value) -> CommandResult<bool> {
    Ok(operators::truthy(&operators::compare(
        Comparison::Less,
        a,
        b,
    )?))
}

/// Sorts `items` in place, stably, by `key` (or the items themselves), as
/// `sorted()` and `list.sort()` do; the first failed comparison is the error.
pub fn sort(
    items: &mut Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
    caller: &mut dyn Caller,
) -> CommandResult<()> {
    let keys = match key {
        None | Some(Value::None) => items.clone(),
        Some(f) => items
            .iter()
            .map(|item| caller.call_value(f, vec![item.clone()]))
            .collect::<CommandResult<Vec<_>>>()?,
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    if reverse {
        order.reverse();
    }
    let mut failure = None;
    order.sort_by(|&a, &b| {
        if failure.is_some() {
            return Ordering::Equal;
        }
        let (x, y) = (&keys[a], &keys[b]);
        let result = less(x, y).and_then(|lt| Ok((lt, less(y, x)?)));
        match result {
            Ok((true, _)) => Ordering::Less,
            Ok((false, true)) => Ordering::Greater,
            Ok(_) => Ordering::Equal,
            Err(e) => {
                failure = Some(e);
                Ordering::Equal
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    if reverse {
        order.reverse();
    }
    let sorted: Vec<Value> = order.into_iter().map(|i| items[i].clone()).collect();
    *items = sorted;
    Ok(())
}

fn sort_options<'a>(
    function: &str,
    keywords: &'a Keywords,
) -> CommandResult<(Option<&'a Value>, bool)> {
    check_keywords(function, keywords, &["key", "reverse"])?;
    let reverse = keyword(keywords, "reverse").is_some_and(operators::truthy);
    Ok((keyword(keywords, "key"), reverse))
}

fn sorted(args: &[Value], keywords: &Keywords, caller: &mut dyn Caller) -> CommandResult<Value> {
    let [iterable] = args else {
        return Err(CommandError::type_error(format!(
            "sorted expected 1 argument, got {}",
            args.len()
        )));
    };
    let (key, reverse) = sort_options("sorted", keywords)?;
    let mut items = items_of(iterable)?;
    sort(&mut items, key, reverse, caller)?;
    Ok(Value::List(items))
}

fn extreme(
    name: &str,
    args: &[Value],
    keywords: &Keywords,
    caller: &mut dyn Caller,
) -> CommandResult<Value> {
    check_keywords(name, keywords, &["key", "default"])?;
    let items = match args {
        [] => {
            return Err(CommandError::type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )));
        }
        [iterable] => items_of(iterable)?,
        many => {
            if keyword(keywords, "default").is_some() {
                return Err(CommandError::type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            many.to_vec()
        }
    };
    let key = keyword(keywords, "key").filter(|k| **k != Value::None);
    let mut best: Option<(Value, Value)> = None;
    for item in items {
        let k = match key {
            Some(f) => caller.call_value(f, vec![item.clone()])?,
            None => item.clone(),
        };
        let better = match &best {
            None => true,
            Some((best_key, _)) if name == "min" => less(&k, best_key)?,
            Some((best_key, _)) => less(best_key, &k)?,
        };
        if better {
            best = Some((k, item));
        }
    }
    match (best, keyword(keywords, "default")) {
        (Some((_, item)), _) => Ok(item),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(CommandError::value_error(format!(
            "{name}() arg is an empty sequence"
        ))),
    }
}

fn sum(args: &[Value], keywords: &Keywords) -> CommandResult<Value> {
    check_keywords("sum", keywords, &["start"])?;
    let (iterable, start) = match args {
        [iterable] => (iterable, keyword(keywords, "start")),
        [iterable, start] => (iterable, Some(start)),
        _ => {
            return Err(CommandError::type_error(format!(
                "sum() takes at most 2 arguments ({} given)",
                args.len()
            )));
        }
    };
    let mut total = start.cloned().unwrap_or(Value::Int(0));
    let refuse = |what: &str, hint: &str| {
        Err(CommandError::type_error(format!(
            "sum() can't sum {what} [use {hint} instead]"
        )))
    };
    match total {
        Value::Str(_) => return refuse("strings", "''.join(seq)"),
        Value::Bytes(_) => return refuse("bytes", "b''.join(seq)"),
        _ => {}
    }
    for item in items_of(iterable)? {
        crate::python::interrupt::check()?;
        total = operators::add(&total, &item)?;
        limits::check_bytes(limits::approximate_size(&total))?;
    }
    Ok(total)
}

fn abs(value: &Value) -> CommandResult<Value> {
    match value {
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::LargeInt(_) => arithmetic::negate(value).and_then(|n| {
            if operators::truthy(&operators::compare(
                Comparison::Less,
                value,
                &Value::Int(0),
            )?) {
                Ok(n)
            } else {
                Ok(value.clone())
            }
        }),
        other => match other.as_int() {
            Some(n) if n < 0 => arithmetic::negate(&Value::Int(n)),
            Some(n) => Ok(Value::Int(n)),
            None => Err(CommandError::type_error(format!(
                "bad operand type for abs(): '{}'",
                other.type_name()
            ))),
        },
    }
}

fn ord(value: &Value) -> CommandResult<Value> {
    let (len, first) = match value {
        Value::Str(s) => (s.chars().count(), s.chars().next().map(|c| c as u32)),
        Value::Bytes(b) => (b.len(), b.first().map(|&x| u32::from(x))),
        other => {
            return Err(CommandError::type_error(format!(
                "ord() expected string of length 1, but {} found",
                other.type_name()
            )));
        }
    };
    match (len, first) {
        (1, Some(code)) => Ok(Value::Int(i128::from(code))),
        _ => Err(CommandError::type_error(format!(
            "ord() expected a character, but string of length {len} found"
        ))),
    }
}

fn chr(value: &Value) -> CommandResult<Value> {
    let n = index_of(value)?;
    u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .map(|c| Value::str(c.to_string()))
        .ok_or_else(|| CommandError::value_error("chr() arg not in range(0x110000)"))
}

/// Adds `key: value` to a dict's entries, replacing the value of an equal key
/// (which keeps its first place and its first form, as in CPython).
pub fn dict_insert(
    entries: &mut Vec<(Value, Value)>,
    key: Value,
    value: Value,
) -> CommandResult<()> {
    check_hashable(&key)?;
    match entries.iter_mut().find(|(k, _)| equal(k, &key)) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
    Ok(())
}

/// A hash index over the keys of a dict or the items of a set being
/// built, so that building one of n entries takes time in n, not n squared.
/// Keys of the kinds it knows get a text that equal keys share (`1`, `1.0`
/// and `True` alike); others are compared one by one.
#[derive(Default)]
pub struct KeyIndex(std::collections::HashMap<String, usize>);

fn hash_text(value: &Value, out: &mut String) -> bool {
    use std::fmt::Write;
    match value {
        Value::None => out.push('n'),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e30 => {
            let _ = write!(out, "i{}", *f as i128);
        }
        Value::Float(f) => {
            let _ = write!(out, "f{}", f.to_bits());
        }
        Value::Str(s) => {
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Value::Bytes(b) | Value::ByteArray(b) => {
            let _ = write!(out, "b{}:", b.len());
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
        }
        Value::Tuple(items) => {
            let _ = write!(out, "t{}(", items.len());
            for item in items {
                if !hash_text(item, out) {
                    return false;
                }
                out.push(',');
            }
            out.push(')');
        }
        other => match other.as_int() {
            Some(n) => {
                let _ = write!(out, "i{n}");
            }
            None => return false,
        },
    }
    true
}

fn hash_key(value: &Value) -> Option<String> {
    let mut out = String::new();
    hash_text(value, &mut out).then_some(out)
}

impl KeyIndex {
    /// `dict_insert`, through the index.
    pub fn insert(
        &mut self,
        entries: &mut Vec<(Value, Value)>,
        key: Value,
        value: Value,
    ) -> CommandResult<()> {
        check_hashable(&key)?;
        let Some(text) = hash_key(&key) else {
            return dict_insert(entries, key, value);
        };
        match self.0.get(&text) {
            Some(&at) => entries[at].1 = value,
            None => {
                self.0.insert(text, entries.len());
                entries.push((key, value));
            }
        }
        Ok(())
    }

    /// `set_add`, through the index.
    pub fn add(&mut self, items: &mut Vec<Value>, item: Value) -> CommandResult<()> {
        check_hashable(&item)?;
        let Some(text) = hash_key(&item) else {
            return set_add(items, item);
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(text) {
            slot.insert(items.len());
            items.push(item);
        }
        Ok(())
    }
}

/// Adds an item to a set unless an equal one is there.
pub fn set_add(items: &mut Vec<Value>, item: Value) -> CommandResult<()> {
    check_hashable(&item)?;
    if !items.iter().any(|x| equal(x, &item)) {
        items.push(item);
    }
    Ok(())
}

fn dict(args: &[Value], keywords: Vec<(String, Value)>) -> CommandResult<Value> {
    let mut entries = Vec::new();
    let mut index = KeyIndex::default();
    match args {
        [] => {}
        [source] => {
            if let Some(pairs) = operators::dict_entries(source) {
                entries = pairs;
            } else {
                for (i, item) in items_of(source)?.into_iter().enumerate() {
                    let pair = iterate(&item).and_then(Result::ok).ok_or_else(|| {
                        CommandError::type_error(format!(
                            "cannot convert dictionary update sequence element #{i} to a sequence"
                        ))
                    })?;
                    let [key, value]: [Value; 2] = pair.try_into().map_err(|p: Vec<Value>| {
                        CommandError::value_error(format!(
                            "dictionary update sequence element #{i} has length {}; 2 is required",
                            p.len()
                        ))
                    })?;
                    index.insert(&mut entries, key, value)?;
                }
            }
        }
        more => {
            return Err(CommandError::type_error(format!(
                "dict expected at most 1 argument, got {}",
                more.len()
            )));
        }
    }
    if !keywords.is_empty() {
        // Entries copied from a mapping are not in the index yet.
        index = KeyIndex::default();
        let copied = std::mem::take(&mut entries);
        for (key, value) in copied
            .into_iter()
            .chain(keywords.into_iter().map(|(k, v)| (Value::Str(k), v)))
        {
            index.insert(&mut entries, key, value)?;
        }
    }
    Ok(Value::Map(entries))
}

/// `type(x)`: the class, as a value that shows itself as CPython's does.
pub fn type_of(value: &Value) -> Value {
    let name = value.type_name();
    let class = match value {
        Value::Enum(member) => match member.class {
            "AddressFamily" => "socket.AddressFamily",
            "SocketKind" => "socket.SocketKind",
            "AddressInfo" => "socket.AddressInfo",
            "MsgFlag" => "socket.MsgFlag",
            other => other,
        },
        Value::Socket(_) => "socket.socket",
        _ => name,
    };
    match BUILTIN_TYPES.iter().find(|t| **t == class) {
        Some(t) => Value::Function(Function::Builtin(t)),
        None => Value::Function(Function::Class(class)),
    }
}

fn isinstance(object: &Value, class: &Value) -> CommandResult<bool> {
    if let Value::Tuple(classes) = class {
        for c in classes {
            if isinstance(object, c)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    let own = type_of(object);
    if equal(&own, class) {
        return Ok(true);
    }
    match class {
        // bool and the socket module's IntEnums are ints.
        Value::Function(Function::Builtin("int")) => Ok(matches!(
            object,
            Value::Bool(_) | Value::Enum(_) | Value::Int(_) | Value::LargeInt(_)
        )),
        Value::Function(Function::Builtin("object")) => Ok(true),
        Value::Function(Function::Builtin(_) | Function::Class(_)) => Ok(false),
        _ => Err(CommandError::type_error(
            "isinstance() arg 2 must be a type, a tuple of types, or a union",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_keys_keep_their_first_form_and_place() {
        let mut entries = Vec::new();
        dict_insert(&mut entries, Value::Int(1), Value::str("a")).unwrap();
        dict_insert(&mut entries, Value::Bool(true), Value::str("b")).unwrap();
        assert_eq!(Value::Map(entries).repr(), "{1: 'b'}");
    }

    #[test]
    fn lists_cannot_be_keys() {
        let mut entries = Vec::new();
        let err = dict_insert(&mut entries, Value::List(vec![]), Value::None).unwrap_err();
        assert_eq!(err.python_line(), "TypeError: unhashable type: 'list'");
    }
}
