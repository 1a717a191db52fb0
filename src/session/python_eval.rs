//! The Python around socket calls, evaluated in the session: `and`/`or`,
//! conditional expressions, lambdas and calls of any callable value,
//! comprehensions, dict and set displays, assignment to any target, the
//! methods of lists and dicts, and the attributes of sockets, enum members
//! and the module. Comprehension variables and lambda parameters live in
//! scopes of their own, as in Python 3, so they never leak into the session.

use std::sync::Arc;

use super::Session;
use crate::commands;
use crate::commands::module_functions;
use crate::commands::socket_constants;
use crate::commands::socket_methods;
use crate::python::builtins;
use crate::python::containers;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::interrupt;
use crate::python::iterables::{self, Caller, KeyIndex, dict_insert, items_of};
use crate::python::limits;
use crate::python::operators;
use crate::python::syntax::{Built, Comparison, Comprehension, Expr, Target};
use crate::python::text_methods;
use crate::python::value::{Function, Lambda, Value};

/// How deep calls of lambdas may nest (`f = lambda n: f(n - 1)` would
/// otherwise recurse until the stack ran out).
const MAX_CALL_DEPTH: usize = 40;

/// The socket module's exception classes and what CPython calls them.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("error", "OSError"),
    ("timeout", "TimeoutError"),
    ("gaierror", "socket.gaierror"),
    ("herror", "socket.herror"),
];

/// The socket module's enum classes.
const ENUMS: &[(&str, &str)] = &[
    (socket_constants::ADDRESS_FAMILY, "socket.AddressFamily"),
    (socket_constants::SOCKET_KIND, "socket.SocketKind"),
    (socket_constants::ADDRESS_INFO, "socket.AddressInfo"),
    (socket_constants::MSG_FLAG, "socket.MsgFlag"),
];

/// The module's other data: `has_ipv6` is what CPython was built with,
/// which on Linux is always true.
const MODULE_DATA: &[&str] = &["has_ipv6"];

impl Session {
    /// A name bound in the innermost scope that has it (a comprehension's
    /// variable, a lambda's parameter).
    pub(super) fn scoped(&self, name: &str) -> Option<&Value> {
        self.scopes
            .iter()
            .rev()
            .find_map(|scope| scope.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v))
    }

    /// Names that are values beyond variables and constants: the module,
    /// its classes and functions, and the built-ins.
    pub(super) fn name_value(&self, name: &str, qualified: bool) -> Option<Value> {
        if !qualified && name == "socket" && !self.variables.contains_key(name) {
            return Some(Value::Module("socket"));
        }
        if let Some((_, class)) = EXCEPTIONS.iter().find(|(n, _)| *n == name) {
            return Some(Value::Function(Function::Class(class)));
        }
        if let Some((_, class)) = ENUMS.iter().find(|(n, _)| *n == name) {
            return Some(Value::Function(Function::Class(class)));
        }
        if name == "has_ipv6" {
            return Some(Value::Bool(true));
        }
        if let Some(command) = commands::find(name) {
            return Some(Value::Function(Function::Command(command.name)));
        }
        if let Some(function) = module_functions::find(name) {
            return Some(Value::Function(Function::Command(function)));
        }
        if !qualified
            && let Some(builtin) = builtins::NAMES
                .iter()
                .chain(iterables::NAMES)
                .find(|b| **b == name)
        {
            return Some(Value::Function(Function::Builtin(builtin)));
        }
        None
    }

    #[inline(never)]
    pub(super) fn eval_logic(&mut self, and: bool, a: &Expr, b: &Expr) -> CommandResult<Value> {
        let left = self.eval(a, None)?;
        if operators::truthy(&left) == and {
            self.eval(b, None)
        } else {
            Ok(left)
        }
    }

    #[inline(never)]
    pub(super) fn eval_not(&mut self, inner: &Expr) -> CommandResult<Value> {
        Ok(Value::Bool(!operators::truthy(&self.eval(inner, None)?)))
    }

    #[inline(never)]
    pub(super) fn eval_chain(
        &mut self,
        first: &Expr,
        rest: &[(Comparison, Expr)],
    ) -> CommandResult<Value> {
        let mut left = self.eval(first, None)?;
        let mut result = Value::Bool(true);
        for (comparison, expr) in rest {
            let right = self.eval(expr, None)?;
            result = operators::compare(*comparison, &left, &right)?;
            if !operators::truthy(&result) {
                return Ok(result);
            }
            left = right;
        }
        Ok(result)
    }

    #[inline(never)]
    pub(super) fn eval_if_else(
        &mut self,
        test: &Expr,
        body: &Expr,
        orelse: &Expr,
    ) -> CommandResult<Value> {
        if operators::truthy(&self.eval(test, None)?) {
            self.eval(body, None)
        } else {
            self.eval(orelse, None)
        }
    }

    #[inline(never)]
    pub(super) fn eval_dict(&mut self, pairs: &[(Expr, Expr)]) -> CommandResult<Value> {
        let mut entries = Vec::with_capacity(pairs.len());
        let mut index = KeyIndex::default();
        let mut bytes = 0usize;
        for (k, v) in pairs {
            let key = self.eval(k, None)?;
            let value = self.eval(v, None)?;
            bytes = bytes
                .saturating_add(limits::approximate_size(&key))
                .saturating_add(limits::approximate_size(&value));
            limits::check_bytes(bytes)?;
            index.insert(&mut entries, key, value)?;
        }
        Ok(Value::Map(entries))
    }

    #[inline(never)]
    pub(super) fn eval_set(&mut self, items: &[Expr]) -> CommandResult<Value> {
        let values = self.eval_all(items)?;
        let mut set = Vec::with_capacity(values.len());
        let mut index = KeyIndex::default();
        for value in values {
            index.add(&mut set, value)?;
        }
        Ok(Value::Set(set))
    }

    /// A comprehension: its clauses run as nested loops in a scope of
    /// their own; the items are checked against the byte budget as they come.
    #[inline(never)]
    pub(super) fn eval_comprehension(&mut self, c: &Comprehension) -> CommandResult<Value> {
        let mut out = Gathered::default();
        self.scopes.push(Vec::new());
        let result = self.run_clauses(c, 0, &mut out);
        self.scopes.pop();
        result?;
        Ok(match c.built {
            Built::List | Built::Generator => Value::List(out.items),
            Built::Set => Value::Set(out.items),
            Built::Dict => Value::Map(out.entries),
        })
    }

    fn run_clauses(
        &mut self,
        c: &Comprehension,
        depth: usize,
        out: &mut Gathered,
    ) -> CommandResult<()> {
        let Some(clause) = c.clauses.get(depth) else {
            let element = self.eval(&c.element, None)?;
            out.bytes = out.bytes.saturating_add(limits::approximate_size(&element));
            match (&c.built, &c.value) {
                (Built::Dict, Some(value)) => {
                    let value = self.eval(value, None)?;
                    out.bytes = out.bytes.saturating_add(limits::approximate_size(&value));
                    limits::check_bytes(out.bytes)?;
                    out.index.insert(&mut out.entries, element, value)?;
                }
                (Built::Set, _) => {
                    limits::check_bytes(out.bytes)?;
                    out.index.add(&mut out.items, element)?;
                }
                _ => {
                    limits::check_bytes(out.bytes)?;
                    out.items.push(element);
                }
            }
            return Ok(());
        };
        let iterable = self.eval(&clause.iter, None)?;
        for item in items_of(&iterable)? {
            interrupt::check()?;
            self.bind(&clause.target, item, true)?;
            let mut keep = true;
            for condition in &clause.conditions {
                if !operators::truthy(&self.eval(condition, None)?) {
                    keep = false;
                    break;
                }
            }
            if keep {
                self.run_clauses(c, depth + 1, out)?;
            }
        }
        Ok(())
    }

    /// Stores `value` into `target`: in the innermost scope when `local`
    /// (a comprehension's variable), else in the session's variables.
    pub(super) fn bind(&mut self, target: &Target, value: Value, local: bool) -> CommandResult<()> {
        match target {
            Target::Name(name) | Target::Starred(name) => {
                if local && let Some(scope) = self.scopes.last_mut() {
                    match scope.iter_mut().find(|(n, _)| n == name) {
                        Some(slot) => slot.1 = value,
                        None => scope.push((name.clone(), value)),
                    }
                    return Ok(());
                }
                self.store(name.clone(), value)
            }
            Target::Tuple(targets) => {
                let items = unpack_for(targets, &value)?;
                for (target, item) in targets.iter().zip(items) {
                    self.bind(target, item, local)?;
                }
                Ok(())
            }
            Target::Index(container, key) => {
                let key = self.eval(key, None)?;
                let mut holder = self.eval(container, None)?;
                set_item(&mut holder, key, value)?;
                let place = crate::python::syntax::to_target(container)?;
                self.bind(&place, holder, local)
            }
        }
    }

    /// Calls any callable value with positional arguments (and keywords for
    /// built-ins and commands).
    pub(super) fn call_function(
        &mut self,
        function: &Value,
        positional: Vec<Value>,
        keywords: Vec<(String, Value)>,
    ) -> CommandResult<Value> {
        let Value::Function(f) = function else {
            return Err(CommandError::type_error(format!(
                "'{}' object is not callable",
                function.type_name()
            )));
        };
        match f {
            Function::Builtin(name) => self.call_builtin(name, positional, keywords),
            Function::Command(name) if module_functions::find(name).is_some() => {
                module_functions::call(name, &positional, &keywords)
            }
            Function::Command(name) => {
                let command = commands::find(name).ok_or_else(|| self.unknown_name(name, true))?;
                let bound = crate::commands::registry::bind(command, positional, keywords)?;
                Ok((command.run)(&bound)?.value)
            }
            Function::Class(class) => call_class(class, positional, keywords),
            Function::Lambda(lambda) => self.call_lambda(lambda, positional, keywords),
        }
    }

    pub(super) fn call_builtin(
        &mut self,
        name: &str,
        positional: Vec<Value>,
        keywords: Vec<(String, Value)>,
    ) -> CommandResult<Value> {
        if iterables::is_builtin(name) {
            return iterables::call(name, positional, keywords, self);
        }
        let open_line = name == "print" && super::block_runner::print_leaves_line_open(&keywords);
        Ok(match builtins::call(name, positional, keywords)? {
            builtins::Called::Returned(value) => value,
            builtins::Called::Printed(text) if open_line => {
                self.push_printed_raw(text)?;
                Value::None
            }
            builtins::Called::Printed(text) => {
                self.push_printed(text)?;
                Value::None
            }
        })
    }

    /// A `lambda` expression's value: its defaults evaluated now, where it
    /// is written, as CPython does.
    pub(super) fn eval_lambda(&mut self, lambda: &Arc<Lambda>) -> CommandResult<Value> {
        if lambda.default_exprs.is_empty() {
            return Ok(Value::Function(Function::Lambda(lambda.clone())));
        }
        let defaults = self.eval_all(&lambda.default_exprs)?;
        Ok(Value::Function(Function::Lambda(Arc::new(Lambda {
            params: lambda.params.clone(),
            default_exprs: Vec::new(),
            defaults,
            body: lambda.body.clone(),
            depth: lambda.depth,
        }))))
    }

    /// The lambda's parameters bound as CPython binds them: positional
    /// arguments first, then keywords, then defaults, with its errors.
    fn bind_lambda_arguments(
        lambda: &Lambda,
        positional: Vec<Value>,
        keywords: Vec<(String, Value)>,
    ) -> CommandResult<Vec<(String, Value)>> {
        let params = &lambda.params;
        let given = positional.len();
        let mut bound: Vec<Option<Value>> = positional.into_iter().map(Some).collect();
        bound.resize(params.len().max(given), None);
        for (key, value) in keywords {
            let Some(at) = params.iter().position(|p| *p == key) else {
                return Err(CommandError::type_error(format!(
                    "<lambda>() got an unexpected keyword argument '{key}'"
                )));
            };
            if bound[at].is_some() {
                return Err(CommandError::type_error(format!(
                    "<lambda>() got multiple values for argument '{key}'"
                )));
            }
            bound[at] = Some(value);
        }
        let most = params.len();
        if given > most {
            let least = most - lambda.defaults.len();
            let takes = if least == most {
                format!("{most}")
            } else {
                format!("from {least} to {most}")
            };
            return Err(CommandError::type_error(format!(
                "<lambda>() takes {takes} positional argument{} but {given} {} given",
                if most == 1 && least == most { "" } else { "s" },
                if given == 1 { "was" } else { "were" }
            )));
        }
        let first_default = most - lambda.defaults.len();
        for (slot, default) in bound[first_default..].iter_mut().zip(&lambda.defaults) {
            if slot.is_none() {
                *slot = Some(default.clone());
            }
        }
        let missing: Vec<String> = params
            .iter()
            .zip(&bound)
            .filter(|(_, value)| value.is_none())
            .map(|(p, _)| format!("'{p}'"))
            .collect();
        if !missing.is_empty() {
            return Err(CommandError::type_error(format!(
                "<lambda>() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                join_names(&missing)
            )));
        }
        Ok(params
            .iter()
            .cloned()
            .zip(bound.into_iter().flatten())
            .collect())
    }

    fn call_lambda(
        &mut self,
        lambda: &Arc<Lambda>,
        positional: Vec<Value>,
        keywords: Vec<(String, Value)>,
    ) -> CommandResult<Value> {
        let scope = Self::bind_lambda_arguments(lambda, positional, keywords)?;
        let nested = self.lambda_depth.saturating_add(lambda.depth);
        if self.call_depth >= MAX_CALL_DEPTH || nested > limits::MAX_EXPRESSION_DEPTH {
            return Err(CommandError::new(
                PyException::RecursionError,
                "maximum recursion depth exceeded",
            )
            .explain(format!(
                "netrepl lets lambdas call each other {MAX_CALL_DEPTH} deep, and their bodies add up to at most {} levels.",
                limits::MAX_EXPRESSION_DEPTH
            )));
        }
        self.scopes.push(scope);
        self.call_depth += 1;
        self.lambda_depth = nested;
        let result = self.eval(&lambda.body, None);
        self.lambda_depth -= lambda.depth;
        self.call_depth -= 1;
        self.scopes.pop();
        result
    }

    /// `target.attr` for what has data attributes: sockets, enum members,
    /// the module, the enum classes, and `__name__` of callables.
    pub(super) fn attribute_of(&mut self, target: &Value, attr: &str) -> CommandResult<Value> {
        let no_attribute = || containers::no_attribute(target, attr);
        match target {
            Value::Module(_) => self.lookup_name(attr, true).or_else(|_| {
                self.name_value(attr, true)
                    .ok_or_else(|| self.unknown_name(attr, true))
            }),
            Value::Enum(member) => match attr {
                "name" => Ok(member_name(member)),
                "value" => Ok(Value::Int(i128::from(member.value))),
                _ => Err(no_attribute()),
            },
            Value::Socket(socket) => {
                socket_methods::attribute(socket.id, attr).unwrap_or_else(|| Err(no_attribute()))
            }
            Value::Function(Function::Class(class)) => {
                let member = ENUMS
                    .iter()
                    .find(|(_, c)| c == class)
                    .and_then(|(enum_name, _)| {
                        socket_constants::find(attr).filter(|c| c.class == Some(*enum_name))
                    });
                let is_enum = ENUMS.iter().any(|(_, c)| c == class);
                match (member, attr) {
                    (Some(c), _) => Ok(socket_constants::constant_value(c)),
                    (None, "__name__") => Ok(Value::str(class.rsplit('.').next().unwrap_or(class))),
                    // An enum's missing member: CPython's message is the name alone.
                    _ if is_enum => Err(CommandError::new(PyException::AttributeError, attr)),
                    _ => Err(CommandError::new(
                        PyException::AttributeError,
                        format!(
                            "type object '{}' has no attribute '{attr}'",
                            class.rsplit('.').next().unwrap_or(class)
                        ),
                    )),
                }
            }
            Value::Function(Function::Builtin(name) | Function::Command(name))
                if attr == "__name__" =>
            {
                Ok(Value::str(*name))
            }
            Value::Function(Function::Lambda(_)) if attr == "__name__" => {
                Ok(Value::str("<lambda>"))
            }
            _ => Err(no_attribute()),
        }
    }

    /// What `dir()` lists: the module's names, an object's methods, or the
    /// session's variables.
    fn dir_names(&self, target: Option<&Value>) -> Vec<String> {
        let names: Vec<String> = match target {
            None => self.variables.keys().cloned().collect(),
            Some(Value::Module(_)) => socket_constants::CONSTANTS
                .iter()
                .map(|c| c.name)
                .chain(
                    commands::all()
                        .iter()
                        .filter(|c| is_module_function(c))
                        .map(|c| c.name),
                )
                .chain(EXCEPTIONS.iter().map(|(n, _)| *n))
                .chain(ENUMS.iter().map(|(n, _)| *n))
                .chain(MODULE_DATA.iter().copied())
                .chain(module_functions::NAMES.iter().copied())
                .map(str::to_string)
                .collect(),
            Some(Value::Socket(_)) => socket_methods::METHODS
                .iter()
                .map(|m| m.name)
                .chain(socket_methods::ATTRIBUTES.iter().copied())
                .map(str::to_string)
                .collect(),
            Some(Value::Enum(_)) => vec!["name".into(), "value".into()],
            Some(other) => text_methods::method_names(other)
                .or_else(|| containers::method_names(other))
                .unwrap_or(&[])
                .iter()
                .map(|n| n.to_string())
                .collect(),
        };
        names
    }
}

impl Caller for Session {
    fn call_value(&mut self, function: &Value, args: Vec<Value>) -> CommandResult<Value> {
        self.call_function(function, args, Vec::new())
    }

    fn attribute(&mut self, target: &Value, name: &str) -> CommandResult<Value> {
        self.attribute_of(target, name)
    }

    fn names_of(&mut self, target: Option<&Value>) -> Vec<String> {
        self.dir_names(target)
    }
}

/// What a comprehension has gathered so far.
#[derive(Default)]
struct Gathered {
    items: Vec<Value>,
    entries: Vec<(Value, Value)>,
    index: KeyIndex,
    bytes: usize,
}

/// Whether a command is one of the socket module's functions (`socket.NAME(...)`).
fn is_module_function(command: &crate::commands::registry::Command) -> bool {
    command.python.is_some_and(|p| {
        p.strip_prefix("socket.")
            .and_then(|rest| rest.strip_prefix(command.name))
            .is_some_and(|rest| rest.starts_with('('))
    })
}

fn join_names(names: &[String]) -> String {
    match names {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

/// The name of a member, or for a flag combination the names joined with `|`.
fn member_name(member: &crate::python::value::EnumMember) -> Value {
    Value::str(member.names.join("|"))
}

/// The items for a tuple of targets, one of them perhaps starred.
fn unpack_for(targets: &[Target], value: &Value) -> CommandResult<Vec<Value>> {
    let Some(star) = targets.iter().position(|t| matches!(t, Target::Starred(_))) else {
        return operators::unpack(value, targets.len());
    };
    let items = iterate_for_unpack(value)?;
    let fixed = targets.len() - 1;
    if items.len() < fixed {
        return Err(CommandError::value_error(format!(
            "not enough values to unpack (expected at least {fixed}, got {})",
            items.len()
        )));
    }
    let after = fixed - star;
    let mut out: Vec<Value> = items[..star].to_vec();
    out.push(Value::List(items[star..items.len() - after].to_vec()));
    out.extend_from_slice(&items[items.len() - after..]);
    Ok(out)
}

fn iterate_for_unpack(value: &Value) -> CommandResult<Vec<Value>> {
    operators::iterate(value).ok_or_else(|| {
        CommandError::type_error(format!(
            "cannot unpack non-iterable {} object",
            value.type_name()
        ))
    })?
}

/// `holder[key] = value` on a list or a dict.
fn set_item(holder: &mut Value, key: Value, value: Value) -> CommandResult<()> {
    if let Value::Dict(entries) = holder {
        *holder = Value::Map(
            entries
                .iter()
                .map(|(k, v)| (Value::str(k), v.clone()))
                .collect(),
        );
    }
    match holder {
        Value::Map(entries) => dict_insert(entries, key, value),
        Value::List(items) => {
            let len = items.len() as i128;
            let index = match &key {
                Value::Float(_) => None,
                k => k.as_int(),
            }
            .ok_or_else(|| {
                CommandError::type_error(format!(
                    "list indices must be integers or slices, not {}",
                    key.type_name()
                ))
            })?;
            let at = if index < 0 { index + len } else { index };
            if !(0..len).contains(&at) {
                return Err(CommandError::new(
                    PyException::IndexError,
                    "list assignment index out of range",
                ));
            }
            items[at as usize] = value;
            Ok(())
        }
        other => Err(CommandError::type_error(format!(
            "'{}' object does not support item assignment",
            other.type_name()
        ))),
    }
}

/// Calling a class: an enum by value (`AddressFamily(2)`), or an exception.
fn call_class(
    class: &'static str,
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
) -> CommandResult<Value> {
    let Some((enum_name, _)) = ENUMS.iter().find(|(_, c)| *c == class) else {
        return Err(CommandError::type_error(format!(
            "netrepl cannot make {} objects; it raises them when a call fails",
            class
        )));
    };
    if !keywords.is_empty() || positional.len() != 1 {
        return Err(CommandError::type_error(format!(
            "{enum_name}() takes exactly one argument ({} given)",
            positional.len() + keywords.len()
        )));
    }
    let value = &positional[0];
    let number = match value {
        Value::Float(_) => None,
        v => v.as_int(),
    }
    .and_then(|n| i64::try_from(n).ok());
    match number.map(|n| socket_constants::enum_value(enum_name, n)) {
        Some(member @ Value::Enum(_)) => Ok(member),
        _ => Err(CommandError::value_error(format!(
            "{} is not a valid {enum_name}",
            value.repr()
        ))),
    }
}
