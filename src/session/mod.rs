//! The session, layer 4: variables and `_`, the output format, and running
//! a parsed line against the command registry (`Session::run_line`);
//! rendering outcomes in pretty, python and json (`render`); `help`; and the
//! data directory where netrepl keeps a learner's files.
//!
//! May use: `commands`, `net` and `python`.
//!
//! Must not: know of the course, the tutor or the line editor. What a line
//! did is left for them as an [`Attempt`] (see `take_attempt`).

mod block_runner;
pub mod data_files;
pub mod help;
mod python_eval;
pub mod render;

use std::collections::HashMap;

use crate::commands;
use crate::commands::context;
use crate::commands::output::{Output, Style};
use crate::commands::packets;
use crate::commands::registry::{self, ArgKind};
use crate::commands::socket_address::socket_address_word;
use crate::commands::socket_constants;
use crate::commands::socket_methods;
use crate::net::live;
use crate::python::arithmetic;
use crate::python::builtins;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::fstring;
use crate::python::int_methods;
use crate::python::interrupt;
use crate::python::limits;
use crate::python::operators;
use crate::python::syntax::{self, Arg, BinaryOp, Expr, Statement, parse_line};
use crate::python::text_methods;
use crate::python::value::{Function, Value};

pub use crate::commands::context::Format;

/// A call's evaluated arguments: positional values, then keyword pairs.
type CallArgs = (Vec<Value>, Vec<(String, Value)>);

/// What running one line produced.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// A blank line, a comment or an assignment: nothing to show.
    Nothing,
    Shown(Output),
    /// A message about the session itself (a changed setting).
    Notice(String),
    Failed(CommandError),
    Quit,
}

/// What a command produced, as the runner compares it.
#[derive(Clone, Debug, PartialEq)]
pub enum Observed {
    /// The result's Python repr.
    Result(String),
    /// The error's Python line.
    Error(String),
}

/// How a call was typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `gethostbyname('localhost')`, with or without `socket.`
    Python,
    /// `gethostbyname localhost`
    Command,
}

/// One line a learner ran, as the tutor compares it with an exercise: what
/// was typed, which command it called with which arguments, and what came
/// back.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub line: String,
    /// The outer command or socket method the line called, if any.
    pub command: Option<String>,
    pub syntax: Syntax,
    /// The outer call's arguments by parameter name, as the command received
    /// them; `None` for a parameter left out.
    pub arguments: Vec<(&'static str, Option<Value>)>,
    /// The names the line stored its result in (`x = ...`, `a, b = ...`).
    pub assigned_names: Vec<String>,
    pub observed: Observed,
}

/// Where netrepl keeps its files (history, lesson progress), and how a run
/// picks another; read and write them through [`data_files`], never by plain
/// path. They live below, beside the runtime directory the socket commands use.
pub use crate::commands::user_dirs::{data_dir, use_data_dir};

pub struct Session {
    variables: HashMap<String, Value>,
    last: Value,
    pub format: Format,
    /// The last command run and what it produced, for the tutorial to check.
    attempt: Option<Attempt>,
    /// The arguments of the last command or method call, by parameter name.
    last_call: Vec<(&'static str, Option<Value>)>,
    /// The value the last assignment stored.
    assigned: Value,
    /// What the variables take together, as `limits::approximate_size` counts.
    stored_bytes: usize,
    /// The scopes of comprehensions and lambda calls under way, innermost last.
    scopes: Vec<Vec<(String, Value)>>,
    /// How many lambda calls are under way.
    call_depth: usize,
    /// The depths of the bodies of the lambda calls under way, added up.
    lambda_depth: usize,
    /// The function a call's arguments are for, as CPython names it in
    /// errors about them (`print()`).
    callee_name: String,
    /// Text that `print` wrote inside an expression or a block, not yet shown.
    printed_in_expression: Vec<String>,
    /// What `printed_in_expression` holds, in bytes.
    printed_bytes: usize,
    /// The modules imported so far: `binascii.*` needs its import, as in
    /// CPython (the socket module is always there).
    imported: Vec<&'static str>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(Format::Pretty)
    }
}

impl Session {
    pub fn new(format: Format) -> Session {
        Session {
            variables: HashMap::new(),
            last: Value::None,
            format,
            attempt: None,
            last_call: Vec::new(),
            assigned: Value::None,
            stored_bytes: 0,
            scopes: Vec::new(),
            call_depth: 0,
            lambda_depth: 0,
            callee_name: String::new(),
            printed_in_expression: Vec::new(),
            printed_bytes: 0,
            imported: Vec::new(),
        }
    }

    pub fn socket_variable_names(&self) -> Vec<String> {
        self.variables
            .iter()
            .filter(|(_, v)| matches!(v, Value::Socket(_)))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Variables holding str or bytes, with the method names they have.
    pub fn text_variable_methods(&self) -> Vec<(String, &'static [&'static str])> {
        self.variables
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), text_methods::method_names(v)?)))
            .collect()
    }

    /// What `print` wrote during the last line that its outcome does not
    /// show (inside a comprehension, or in a block that then failed).
    pub fn take_printed(&mut self) -> Option<String> {
        let pieces = std::mem::take(&mut self.printed_in_expression);
        (!pieces.is_empty()).then(|| block_runner::joined(&pieces))
    }

    pub fn variable_names(&self) -> impl Iterator<Item = &str> {
        self.variables.keys().map(String::as_str)
    }

    pub fn run_line(&mut self, line: &str) -> Outcome {
        context::set_format(self.format);
        live::clear_interrupt();
        self.printed_in_expression.clear();
        if syntax::blocks::starts_block(line) || line.trim().contains('\n') {
            self.attempt = None;
            return self.run_block(line);
        }
        self.run_simple_line(line)
    }

    /// One simple statement, alone on a line or inside a block.
    fn run_simple_line(&mut self, line: &str) -> Outcome {
        // A bare name is its value when it is a variable or a built-in
        // (`ports`, `len`); bare commands (`gethostname`) still run.
        let word = line.trim();
        let qualified_command = word
            .strip_prefix("socket.")
            .is_some_and(|name| commands::find(name).is_some());
        let is_value = self.variables.contains_key(word)
            || qualified_command
            || (builtins::is_builtin(word) || crate::python::iterables::is_builtin(word))
                && commands::find(word).is_none();
        if is_value {
            let line = format!("({word})");
            return self.run_simple_line(&line);
        }
        if matches!(line.trim(), "exit" | "quit" | "exit()" | "quit()") {
            return Outcome::Quit;
        }
        if let Some(rest) = packets_command_line(line) {
            return self.run_packets_line(line, rest);
        }
        let statement = match parse_line(line, &|name| self.is_callable_word(name)) {
            Ok(s) => s,
            // `gethostbynam localhost` fails to parse; a "did you mean" says more.
            Err(e) => {
                let error = self.unknown_leading_command(line).unwrap_or(e);
                self.attempt = Some(Attempt {
                    line: line.trim().to_string(),
                    command: None,
                    syntax: Syntax::Command,
                    arguments: Vec::new(),
                    assigned_names: Vec::new(),
                    observed: Observed::Error(error.python_line()),
                });
                return Outcome::Failed(error);
            }
        };
        let command = statement_command(&statement);
        let assigned_names = match &statement {
            Statement::Assign(name, _) => vec![name.clone()],
            Statement::Unpack(names, _) => names.clone(),
            Statement::AssignTo(targets, _) => targets
                .iter()
                .filter_map(|t| match t {
                    syntax::Target::Name(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let runs_code = !matches!(
            statement,
            Statement::Empty | Statement::Help(_) | Statement::Meta(..)
        );
        self.last_call.clear();
        let outcome = match self.run_statement(statement) {
            Ok(outcome) => outcome,
            Err(e) => Outcome::Failed(e),
        };
        self.attempt = runs_code.then(|| {
            let observed = match &outcome {
                Outcome::Failed(e) => Observed::Error(e.python_line()),
                Outcome::Shown(output) => Observed::Result(observed_repr(&output.value)),
                _ => Observed::Result(observed_repr(&self.assigned)),
            };
            Attempt {
                line: line.trim().to_string(),
                syntax: command
                    .as_deref()
                    .map_or(Syntax::Command, |name| typed_syntax(line, name)),
                command,
                arguments: std::mem::take(&mut self.last_call),
                assigned_names,
                observed,
            }
        });
        outcome
    }

    /// `packets LINE ...` typed as a command: the rest of the line is a line
    /// of its own, so it is not parsed as arguments.
    fn run_packets_line(&mut self, line: &str, rest: &str) -> Outcome {
        let outcome = match packets::command_line_request(rest) {
            Ok(request) => self.run_packets(&request),
            Err(e) => Err(e),
        };
        self.attempt = Some(Attempt {
            line: line.trim().to_string(),
            command: Some(packets::NAME.to_string()),
            syntax: Syntax::Command,
            arguments: vec![("line", Some(Value::Str(rest.trim().to_string())))],
            assigned_names: Vec::new(),
            observed: match &outcome {
                Ok(output) => Observed::Result(observed_repr(&output.value)),
                Err(e) => Observed::Error(e.python_line()),
            },
        });
        // The outer `packets` line is the one a later `_` means.
        let format = self.format;
        context::set_format(format);
        match outcome {
            Ok(output) => {
                self.last = output.value.clone();
                Outcome::Shown(output)
            }
            Err(e) => Outcome::Failed(e),
        }
    }

    /// Runs the request's line in this session (its variables, its sockets)
    /// while `packets` captures, showing what the line shows.
    fn run_packets(&mut self, request: &packets::Request) -> CommandResult<Output> {
        let mut request = request.clone();
        request.sockets = self.sockets_named_in(&request.line);
        let format = self.format;
        let style = Style {
            colour: context::colour(),
        };
        packets::capture_line(&request, &mut |inner| match self.run_line(inner) {
            Outcome::Shown(output) => render::render_output(&output, format, style),
            Outcome::Failed(error) => Some(render::render_error(&error, format, style)),
            Outcome::Notice(text) => Some(text),
            Outcome::Nothing | Outcome::Quit => None,
        })
    }

    /// The ends of the sockets held by variables the line names (`s` in
    /// `s.close()`), so `packets` can tell their packets from others.
    fn sockets_named_in(&self, line: &str) -> Vec<std::net::SocketAddr> {
        line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter_map(|word| match self.variables.get(word) {
                Some(Value::Socket(socket)) => Some(packets::socket_ends(socket.id)),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// What the last line did, once: for the tutor.
    pub fn take_attempt(&mut self) -> Option<Attempt> {
        self.attempt.take()
    }

    /// A command, or `var.method` where `var` holds a socket: the words that
    /// may start a command-style line.
    fn is_callable_word(&self, name: &str) -> bool {
        if commands::find(name).is_some() {
            return true;
        }
        match name.split_once('.') {
            Some((var, method)) => match self.variables.get(var) {
                Some(Value::Socket(_)) => socket_methods::find(method).is_some(),
                Some(value) => text_methods::has_method(value, method),
                None => false,
            },
            None => builtins::is_builtin(name) && !self.variables.contains_key(name),
        }
    }

    /// `gethostbynam localhost`: a line in command style whose first word names
    /// nothing known gets a "did you mean", not a syntax error.
    fn unknown_leading_command(&self, line: &str) -> Option<CommandError> {
        let text = line.trim();
        let end = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(text.len());
        let (word, rest) = (&text[..end], text[end..].trim_start());
        if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) || rest.is_empty() {
            return None;
        }
        if rest.starts_with(['(', '=', '|', '[', '.', '?', '#', ',', ')', ']'])
            || !text[end..].starts_with(char::is_whitespace)
        {
            return None;
        }
        let (name, qualified) = match word.strip_prefix("socket.") {
            Some(n) => (n, true),
            None => (word, false),
        };
        let known = commands::find(name).is_some()
            || socket_constants::find(name).is_some()
            || self.variables.contains_key(name)
            || builtins::is_builtin(name)
            || syntax::is_statement_keyword(name)
            || matches!(name, "_" | "None" | "True" | "False" | "help");
        (!known && !name.contains('.')).then(|| self.unknown_name(name, qualified))
    }

    fn run_statement(&mut self, statement: Statement) -> CommandResult<Outcome> {
        Ok(match statement {
            Statement::Empty => Outcome::Nothing,
            Statement::Import(modules) => {
                for module in modules {
                    if !self.imported.contains(&module) {
                        self.imported.push(module);
                    }
                }
                Outcome::Nothing
            }
            Statement::Help(topic) => Outcome::Shown(help::help(topic.as_deref())?),
            Statement::Meta(name, args) => self.run_meta(&name, &args)?,
            Statement::Unpack(names, expr) => {
                let value = self.eval_output(&expr)?.value;
                self.assigned = value.clone();
                let items = operators::unpack(&value, names.len())?;
                for (name, item) in names.into_iter().zip(items) {
                    self.store(name, item)?;
                }
                Outcome::Nothing
            }
            Statement::AssignTo(targets, expr) => {
                let value = self.eval(&expr, None)?;
                self.assigned = value.clone();
                for target in &targets {
                    self.bind(target, value.clone(), false)?;
                }
                Outcome::Nothing
            }
            Statement::Assign(name, expr) => {
                let output = self.eval_output(&expr)?;
                self.assigned = output.value.clone();
                self.store(name, output.value)?;
                Outcome::Nothing
            }
            Statement::Eval(expr) => {
                let output = self.eval_output(&expr)?;
                // Showing an int past 4300 digits fails, as CPython's echo does.
                crate::python::int_text::check_shown(&output.value)?;
                self.last = output.value.clone();
                Outcome::Shown(output)
            }
        })
    }

    /// Keeps a variable, unless all of them together would pass the
    /// session's byte budget: each value is under the budget of one, but
    /// `x1 = ...`, `x2 = ...` would add up without end.
    fn store(&mut self, name: String, value: Value) -> CommandResult<()> {
        let replaced = self
            .variables
            .get(&name)
            .map_or(0, limits::approximate_size);
        let total = (self.stored_bytes - replaced).saturating_add(limits::approximate_size(&value));
        if total > limits::MAX_SESSION_BYTES {
            return Err(limits::session_memory_error(total));
        }
        self.stored_bytes = total;
        self.variables.insert(name, value);
        Ok(())
    }

    fn run_meta(&mut self, name: &str, args: &[String]) -> CommandResult<Outcome> {
        match (name, args) {
            ("format", []) => Ok(Outcome::Notice(format!(
                "format: {}",
                Format::NAMES[self.format as usize]
            ))),
            ("format", [choice]) => {
                let format = Format::parse(choice).ok_or_else(|| {
                    CommandError::value_error(format!("unknown format '{choice}'"))
                        .explain("The formats are pretty (for people), python (Python's repr) and json (for scripts).")
                })?;
                self.format = format;
                Ok(Outcome::Notice(format!("format: {choice}")))
            }
            ("vars", []) => {
                let mut names: Vec<_> = self.variables.iter().collect();
                names.sort_by(|a, b| a.0.cmp(b.0));
                // An int past CPython's 4300 digits has no repr to show
                // (and would take long to make one).
                let showable = |v: &Value| crate::python::int_text::check_shown(v).is_ok();
                const HIDDEN: &str = "<holds an int past 4300 digits>";
                let shown: usize = names
                    .iter()
                    .map(|(k, v)| k.len() + 4 + if showable(v) { v.repr_len() } else { HIDDEN.len() })
                    .sum();
                limits::check_bytes(shown)?;
                let text = names
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", if showable(v) { v.repr() } else { HIDDEN.to_string() }))
                    .collect::<Vec<_>>()
                    .join("\n");
                Ok(Outcome::Notice(if text.is_empty() {
                    "no variables yet".into()
                } else {
                    text
                }))
            }
            ("quit" | "q" | "exit", []) => Ok(Outcome::Quit),
            ("timeout", []) => Ok(Outcome::Notice(format!(
                "blocking socket calls give up after {} s",
                live::blocking_limit().as_secs_f64()
            ))),
            ("timeout", [seconds]) => {
                let limit = seconds
                    .parse::<f64>()
                    .ok()
                    .filter(|s| (0.1..=86_400.0).contains(s))
                    .ok_or_else(|| {
                        CommandError::value_error(format!(
                            "'{seconds}' is not a number of seconds from 0.1 to 86400"
                        ))
                    })?;
                live::set_blocking_limit(std::time::Duration::from_secs_f64(limit));
                Ok(Outcome::Notice(format!(
                    "blocking socket calls give up after {limit} s"
                )))
            }
            _ => Err(
                CommandError::value_error(format!("unknown setting ':{name}'"))
                    .explain("Settings are :format [pretty|python|json], :timeout [SECONDS], :vars and :quit."),
            ),
        }
    }

    /// Evaluates a top-level expression, keeping the command's view for display.
    fn eval_output(&mut self, expr: &Expr) -> CommandResult<Output> {
        match expr {
            Expr::Call { callee, args } => self.call(callee, args),
            other => Ok(Output::plain(self.eval(other, None)?)),
        }
    }

    /// Evaluates an expression. The parser bounds the depth of the tree;
    /// this frame is what each level costs on the stack, so it only
    /// dispatches, and the work (and its temporaries) sits in helpers.
    fn eval(&mut self, expr: &Expr, kind: Option<ArgKind>) -> CommandResult<Value> {
        interrupt::check()?;
        match expr {
            Expr::Literal(v) => Ok(v.clone()),
            Expr::Word(word) => self.eval_word(word, kind),
            Expr::Name { name, qualified } => self.lookup_name(name, *qualified),
            Expr::Tuple(items) => self.eval_sequence(items).map(Value::Tuple),
            Expr::List(items) => self.eval_sequence(items).map(Value::List),
            Expr::Call { callee, args } => self.eval_call(callee, args),
            Expr::Negate(inner) => self.eval_negate(inner),
            Expr::Invert(inner) => self.eval_invert(inner),
            Expr::Add(a, b)
            | Expr::BitOr(a, b)
            | Expr::Index(a, b)
            | Expr::Binary(_, a, b)
            | Expr::Compare(_, a, b) => self.eval_operator(expr, a, b),
            Expr::Slice { .. } => self.eval_slice(expr),
            Expr::Attribute(target, attr) => self.eval_attribute(target, attr),
            Expr::FString(pieces) => self.eval_fstring(pieces).map(Value::Str),
            Expr::Logic(and, a, b) => self.eval_logic(*and, a, b),
            Expr::Not(inner) => self.eval_not(inner),
            Expr::Chain(first, rest) => self.eval_chain(first, rest),
            Expr::IfElse { test, body, orelse } => self.eval_if_else(test, body, orelse),
            Expr::Lambda(lambda) => self.eval_lambda(lambda),
            Expr::Dict(pairs) => self.eval_dict(pairs),
            Expr::Set(items) => self.eval_set(items),
            Expr::Comprehension(c) => self.eval_comprehension(c),
            Expr::Starred(_) => Err(CommandError::syntax("can't use starred expression here")),
        }
    }

    /// An f-string's text: each field evaluated, its spec's own fields
    /// first, then formatted.
    #[inline(never)]
    fn eval_fstring(&mut self, pieces: &[fstring::Piece<Expr>]) -> CommandResult<String> {
        let mut out = String::new();
        for piece in pieces {
            let text = match piece {
                fstring::Piece::Text(text) => text.clone(),
                fstring::Piece::Field(field) => {
                    let value = self.eval(&field.expr, None)?;
                    let spec = self.eval_fstring(&field.spec)?;
                    fstring::render_field(value, field.conversion, &spec, field.debug.as_deref())?
                }
            };
            limits::check_bytes(out.len().saturating_add(text.len()))?;
            out.push_str(&text);
        }
        Ok(out)
    }

    #[inline(never)]
    fn eval_call(&mut self, callee: &Expr, args: &[Arg]) -> CommandResult<Value> {
        let output = self.call(callee, args)?;
        // `print` inside an expression (`[print(i) for i in x]`) still prints.
        if let (crate::commands::output::View::Text(text), Value::None) =
            (&output.view, &output.value)
        {
            self.push_printed(text.clone())?;
        }
        Ok(output.value)
    }

    #[inline(never)]
    fn eval_invert(&mut self, inner: &Expr) -> CommandResult<Value> {
        let value = self.eval(inner, None)?;
        crate::python::arithmetic::invert(&value)
    }

    #[inline(never)]
    fn eval_negate(&mut self, inner: &Expr) -> CommandResult<Value> {
        let value = self.eval(inner, None)?;
        crate::python::arithmetic::negate(&value)
    }

    #[inline(never)]
    fn eval_operator(&mut self, expr: &Expr, a: &Expr, b: &Expr) -> CommandResult<Value> {
        let a = self.eval(a, None)?;
        let b = self.eval(b, None)?;
        apply_operator(expr, &a, &b)
    }

    #[inline(never)]
    fn eval_slice(&mut self, expr: &Expr) -> CommandResult<Value> {
        let Expr::Slice {
            target,
            start,
            stop,
            step,
        } = expr
        else {
            return Err(CommandError::syntax("invalid syntax"));
        };
        let target = self.eval(target, None)?;
        let mut part = |e: &Option<Box<Expr>>| -> CommandResult<Option<Value>> {
            e.as_deref().map(|e| self.eval(e, None)).transpose()
        };
        let (start, stop, step) = (part(start)?, part(stop)?, part(step)?);
        operators::slice(&target, start.as_ref(), stop.as_ref(), step.as_ref())
    }

    #[inline(never)]
    fn eval_attribute(&mut self, target: &Expr, attr: &str) -> CommandResult<Value> {
        let target = self.eval(target, None)?;
        if let Ok(value) = self.attribute_of(&target, attr) {
            return Ok(value);
        }
        if matches!(
            target,
            Value::Module(_) | Value::Enum(_) | Value::Function(Function::Class(_))
        ) {
            return self.attribute_of(&target, attr);
        }
        if text_methods::has_method(&target, attr) {
            return Err(CommandError::type_error(format!(
                "{attr} is a method of {}; call it as .{attr}(...)",
                target.type_name()
            )));
        }
        Err(CommandError::new(
            PyException::AttributeError,
            format!("'{}' object has no attribute '{attr}'", target.type_name()),
        ))
    }

    /// The items of a list or tuple display, refused when together they
    /// would pass the byte budget (checked after each item, so at most one
    /// item more than the budget is ever held) or nest too deep.
    #[inline(never)]
    fn eval_sequence(&mut self, items: &[Expr]) -> CommandResult<Vec<Value>> {
        let values = self.eval_all(items)?;
        limits::check_nesting(&values)?;
        Ok(values)
    }

    fn eval_all(&mut self, items: &[Expr]) -> CommandResult<Vec<Value>> {
        let mut values = Vec::with_capacity(items.len());
        let mut bytes = 0usize;
        for item in items {
            if let Expr::Starred(inner) = item {
                let iterable = self.eval(inner, None)?;
                for value in crate::python::iterables::items_of(&iterable)? {
                    bytes = bytes.saturating_add(limits::approximate_size(&value));
                    limits::check_bytes(bytes)?;
                    values.push(value);
                }
                continue;
            }
            let value = self.eval(item, None)?;
            bytes = bytes.saturating_add(limits::approximate_size(&value));
            limits::check_bytes(bytes)?;
            values.push(value);
        }
        Ok(values)
    }

    fn lookup_name(&self, name: &str, qualified: bool) -> CommandResult<Value> {
        if name == "_" && !qualified {
            return Ok(self.last.clone());
        }
        if !qualified && let Some(v) = self.scoped(name) {
            return Ok(v.clone());
        }
        if !qualified && let Some(v) = self.variables.get(name) {
            return Ok(v.clone());
        }
        if let Some(c) = socket_constants::find(name) {
            return Ok(socket_constants::constant_value(c));
        }
        if let Some(value) = self.name_value(name, qualified) {
            return Ok(value);
        }
        Err(self.unknown_name(name, qualified))
    }

    fn unknown_name(&self, name: &str, qualified: bool) -> CommandError {
        let candidates = commands::all()
            .iter()
            .map(|c| c.name)
            .chain(socket_constants::CONSTANTS.iter().map(|c| c.name))
            .chain(self.variables.keys().map(String::as_str));
        let suggestion = registry::suggestions(name, candidates)
            .first()
            .map(|s| s.to_string());
        let mut message = if qualified {
            format!("module 'socket' has no attribute '{name}'")
        } else {
            format!("name '{name}' is not defined")
        };
        if let Some(s) = &suggestion {
            message.push_str(&format!(". Did you mean: '{s}'?"));
        }
        let exception = if qualified {
            PyException::AttributeError
        } else {
            PyException::NameError
        };
        CommandError::new(exception, message).explain(match suggestion {
            Some(s) => format!("There is no command or constant called {name}; perhaps you meant {s}. Type help to list the commands."),
            None => format!("There is no command, constant or variable called {name}. Type help to list the commands."),
        })
    }

    /// A bare command-style word, typed by the parameter it fills.
    fn eval_word(&mut self, word: &str, kind: Option<ArgKind>) -> CommandResult<Value> {
        if kind == Some(ArgKind::Word) {
            return Ok(Value::str(word));
        }
        if word == "_" {
            return Ok(self.last.clone());
        }
        if let Some(v) = self.scoped(word).or_else(|| self.variables.get(word)) {
            return Ok(v.clone());
        }
        match word {
            "None" => return Ok(Value::None),
            "True" => return Ok(Value::Bool(true)),
            "False" => return Ok(Value::Bool(false)),
            _ => {}
        }
        let kind = kind.unwrap_or(ArgKind::NumberOrText);
        if kind == ArgKind::Data {
            return Ok(Value::Bytes(word.as_bytes().to_vec()));
        }
        if kind == ArgKind::Text || kind == ArgKind::Packed {
            return Ok(Value::str(word));
        }
        if kind == ArgKind::SocketAddress
            && let Some(tuple) = socket_address_word(word)
        {
            return Ok(tuple);
        }
        // Numbers, constants and flags joined with `|` (AI_PASSIVE|AI_CANONNAME).
        if let Ok(expr) = crate::python::syntax::parse_python(word)
            && is_numeric_expression(&expr)
            && let Ok(v) = self.eval(&expr, None)
        {
            return Ok(v);
        }
        Ok(Value::str(word))
    }

    fn call(&mut self, callee: &Expr, args: &[Arg]) -> CommandResult<Output> {
        self.callee_name = match callee {
            Expr::Name { name, .. } | Expr::Attribute(_, name) => format!("{name}()"),
            Expr::Lambda(_) => "<lambda>()".to_string(),
            _ => "Value".to_string(),
        };
        if let Expr::Attribute(target, method) = callee {
            return self.call_method(target, method, args);
        }
        let Expr::Name { name, qualified } = callee else {
            let function = self.eval(callee, None)?;
            let (positional, keywords) = self.eval_args(args, &[])?;
            return self
                .call_function(&function, positional, keywords)
                .map(Output::plain);
        };
        // A variable holding a function is called; one holding anything
        // else hides no command (`ports tcp` still runs the command).
        let is_variable = !*qualified
            && (self.scoped(name).is_some()
                || self.variables.contains_key(name)
                    && (commands::find(name).is_none()
                        || matches!(self.variables.get(name), Some(Value::Function(_)))));
        if is_variable {
            let function = self.lookup_name(name, false)?;
            let (positional, keywords) = self.eval_args(args, &[])?;
            return self
                .call_function(&function, positional, keywords)
                .map(Output::plain);
        }
        if !*qualified && crate::python::iterables::is_builtin(name) {
            let (positional, keywords) = self.eval_args(args, &[])?;
            return self
                .call_builtin(name, positional, keywords)
                .map(Output::plain);
        }
        if !*qualified && builtins::is_builtin(name) {
            let (positional, keywords) = self.eval_args(args, &[])?;
            let open_line = name == "print" && block_runner::print_leaves_line_open(&keywords);
            return Ok(match builtins::call(name, positional, keywords)? {
                builtins::Called::Printed(text) if open_line => {
                    self.push_printed_raw(text)?;
                    Output::plain(Value::None)
                }
                builtins::Called::Returned(value) => Output::plain(value),
                builtins::Called::Printed(text) => Output::text(text),
            });
        }
        let Some(command) = commands::find(name) else {
            let function = self.lookup_name(name, *qualified)?;
            let (positional, keywords) = self.eval_args(args, &[])?;
            return self
                .call_function(&function, positional, keywords)
                .map(Output::plain);
        };
        let (positional, keywords) = self.eval_args(args, command.params)?;
        // The outer call is evaluated last, so its arguments are the ones kept.
        self.last_call = by_parameter(command.params, &positional, &keywords);
        let bound = registry::bind(command, positional, keywords)?;
        if command.name == packets::NAME {
            return self.run_packets(&packets::call_request(&bound)?);
        }
        (command.run)(&bound)
    }

    /// `s.bind(...)`: a method of a socket.
    fn call_method(&mut self, target: &Expr, name: &str, args: &[Arg]) -> CommandResult<Output> {
        if let Some(result) = self.call_class_method(target, name, args) {
            return result;
        }
        let value = self.eval(target, None)?;
        if matches!(value, Value::Int(_) | Value::LargeInt(_) | Value::Bool(_)) {
            let (positional, keywords) = self.eval_args(args, &[])?;
            return int_methods::call(&value, name, &positional, &keywords).map(Output::plain);
        }
        let no_attribute = |type_name: &str| {
            CommandError::new(
                PyException::AttributeError,
                format!("'{type_name}' object has no attribute '{name}'"),
            )
        };
        // A bytearray's str-like methods are those of its bytes.
        let value = match value {
            Value::ByteArray(b) => Value::Bytes(b),
            Value::MemoryView(view) if name == "hex" => Value::Bytes(view.0.to_vec()),
            Value::MemoryView(view) => {
                let (positional, keywords) = self.eval_args(args, &[])?;
                return builtins::memoryview_method(&view, name, &positional, &keywords)
                    .map(Output::plain);
            }
            other => other,
        };
        if matches!(value, Value::Str(_) | Value::Bytes(_)) {
            let (positional, keywords) = self.eval_args(args, &[])?;
            // A method over megabytes (upper, replace, find...) is one long
            // step: it runs where Ctrl-C can cut the wait short.
            if limits::approximate_size(&value) > LONG_TEXT_BYTES {
                let name = name.to_string();
                return interrupt::run_interruptible(move || {
                    text_methods::call(&value, &name, positional, keywords)
                })?
                .map(Output::plain);
            }
            return text_methods::call(&value, name, positional, keywords).map(Output::plain);
        }
        if crate::python::containers::method_names(&value).is_some() {
            let (positional, keywords) = self.eval_args(args, &[])?;
            let mut value = value;
            let called =
                crate::python::containers::call(&mut value, name, positional, keywords, self)?;
            // The method changed a copy; it goes back where it came from
            // (`ports.append(80)` changes the variable `ports`).
            if called.changed
                && let Ok(place) = syntax::to_target(target)
            {
                let local = matches!(&place, syntax::Target::Name(n) if self.scoped(n).is_some());
                self.bind(&place, value, local)?;
            }
            return Ok(Output::plain(called.result));
        }
        if !matches!(value, Value::Socket(_)) {
            let method = self.attribute_of(&value, name)?;
            let (positional, keywords) = self.eval_args(args, &[])?;
            return self
                .call_function(&method, positional, keywords)
                .map(Output::plain);
        }
        let Value::Socket(socket) = value else {
            return Err(no_attribute(value.type_name()));
        };
        let method = socket_methods::find(name).ok_or_else(|| {
            let suggestion =
                registry::suggestions(name, socket_methods::METHODS.iter().map(|m| m.name))
                    .first()
                    .map(|s| s.to_string());
            let error = no_attribute("socket");
            match suggestion {
                Some(s) => CommandError {
                    message: format!("{}. Did you mean: '{s}'?", error.message),
                    ..error
                },
                None => error,
            }
        })?;
        let (positional, keywords) = self.eval_args(args, method.params)?;
        self.last_call = by_parameter(method.params, &positional, &keywords);
        socket_methods::call(socket.id, method, positional, keywords)
    }

    /// `int.from_bytes(...)` and `bytes.fromhex(...)`, methods of the types
    /// themselves; `None` when `target` is not one of those types (or a
    /// variable has taken its name).
    fn call_class_method(
        &mut self,
        target: &Expr,
        name: &str,
        args: &[Arg],
    ) -> Option<CommandResult<Output>> {
        let Expr::Name {
            name: class,
            qualified: false,
        } = target
        else {
            return None;
        };
        let unimported = class == "binascii" && !self.imported.contains(&"binascii");
        if !matches!(class.as_str(), "int" | "bytes" | "binascii")
            || unimported
            || self.variables.contains_key(class)
        {
            return None;
        }
        if class == "binascii" {
            return Some(
                self.eval_args(args, &[])
                    .and_then(|(positional, keywords)| {
                        crate::python::binascii::call(name, &positional, &keywords)
                            .map(Output::plain)
                    }),
            );
        }
        let method = match (class.as_str(), name) {
            ("int", "from_bytes") => int_methods::from_bytes,
            ("bytes", "fromhex") => int_methods::from_hex,
            _ => {
                return Some(Err(CommandError::new(
                    PyException::AttributeError,
                    format!("type object '{class}' has no attribute '{name}'"),
                )));
            }
        };
        Some(
            self.eval_args(args, &[])
                .and_then(|(positional, keywords)| method(&positional, &keywords))
                .map(Output::plain),
        )
    }

    /// Evaluates call arguments, typing bare words by the parameter they fill.
    fn eval_args(&mut self, args: &[Arg], params: &[registry::Param]) -> CommandResult<CallArgs> {
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        // `print(x, x, x, ...)` copies `x` once per argument.
        let mut bytes = 0usize;
        for arg in args {
            let value = match arg {
                Arg::Positional(e) => {
                    let kind = params.get(positional.len()).map(|p| p.kind);
                    positional.push(self.eval(e, kind)?);
                    positional.last()
                }
                Arg::Keyword(key, e) => {
                    let kind = params.iter().find(|p| p.name == key).map(|p| p.kind);
                    keywords.push((key.clone(), self.eval(e, kind)?));
                    keywords.last().map(|(_, v)| v)
                }
                Arg::Star(e) => {
                    let iterable = self.eval(e, None)?;
                    let items = operators::iterate(&iterable).ok_or_else(|| {
                        CommandError::type_error(format!(
                            "{} argument after * must be an iterable, not {}",
                            self.callee_name,
                            iterable.type_name()
                        ))
                    })??;
                    positional.extend(items);
                    positional.last()
                }
            };
            bytes = bytes.saturating_add(value.map_or(0, limits::approximate_size));
            limits::check_bytes(bytes)?;
        }
        Ok((positional, keywords))
    }
}

/// The repr the tutor compares, or for a value whose repr passes 1 MiB a
/// short stand-in: no exercise expects one that big, and a second copy of
/// a large repr (the display makes the first) would double what a line holds.
fn observed_repr(value: &Value) -> String {
    const MAX_OBSERVED_REPR: usize = 1 << 20;
    let len = value.repr_len();
    if len > MAX_OBSERVED_REPR {
        return format!("<{} whose repr is {len} bytes>", value.type_name());
    }
    value.repr()
}

/// What an operator node gives for its two evaluated operands.
#[inline(never)]
fn apply_operator(expr: &Expr, a: &Value, b: &Value) -> CommandResult<Value> {
    match expr {
        Expr::Add(..) => operators::add(a, b),
        Expr::BitOr(..) => socket_constants::bit_or(a, b).ok_or_else(|| {
            CommandError::type_error(format!(
                "unsupported operand type(s) for |: '{}' and '{}'",
                a.type_name(),
                b.type_name()
            ))
        }),
        Expr::Index(..) => operators::subscript(a, b),
        Expr::Binary(op, ..) if may_take_long(*op, a, b) => {
            let (op, a, b) = (*op, a.clone(), b.clone());
            interrupt::run_interruptible(move || arithmetic::binary(op, &a, &b))?
        }
        Expr::Binary(op, ..) => arithmetic::binary(*op, a, b),
        Expr::Compare(comparison, ..) => operators::compare(*comparison, a, b),
        _ => Err(CommandError::syntax("invalid syntax")),
    }
}

/// The rest of a line that starts with the word `packets` in command style
/// (`packets ping 127.0.0.1`), not a call or an assignment.
fn packets_command_line(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix(packets::NAME)?;
    let after = rest.trim_start();
    (rest.starts_with(char::is_whitespace)
        && !after.is_empty()
        && !after.starts_with(['(', '=', '.', '[']))
    .then_some(after)
}

/// The command a statement calls at its top: the outer call of a nested one
/// (`inet_ntoa` for `inet_ntoa(inet_aton(...))`), the method for `conn.recv(10)`.
fn statement_command(statement: &Statement) -> Option<String> {
    let expr = match statement {
        Statement::Eval(e) | Statement::Assign(_, e) | Statement::Unpack(_, e) => e,
        _ => return None,
    };
    match expr {
        Expr::Call { callee, .. } => match callee.as_ref() {
            Expr::Name { name, .. } => Some(name.clone()),
            Expr::Attribute(_, method) => Some(method.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A call's arguments laid against the parameters they fill (a keyword that
/// names no parameter is left out: the call fails on it anyway).
fn by_parameter(
    params: &[registry::Param],
    positional: &[Value],
    keywords: &[(String, Value)],
) -> Vec<(&'static str, Option<Value>)> {
    params
        .iter()
        .enumerate()
        .map(|(index, param)| {
            let value = positional.get(index).cloned().or_else(|| {
                keywords
                    .iter()
                    .find(|(name, _)| name == param.name)
                    .map(|(_, v)| v.clone())
            });
            (param.name, value)
        })
        .collect()
}

/// Whether `command` was called Python-style (`name(...)`) in `line`, or
/// command style (`name args`).
fn typed_syntax(line: &str, command: &str) -> Syntax {
    let mut from = 0;
    while let Some(at) = line[from..].find(command) {
        let start = from + at;
        let end = start + command.len();
        from = end;
        let word_before = line[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let word_after = line[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if word_before || word_after {
            continue;
        }
        return if line[end..].trim_start().starts_with('(') {
            Syntax::Python
        } else {
            Syntax::Command
        };
    }
    Syntax::Command
}

/// Text or bytes past this size make a method call one long step.
const LONG_TEXT_BYTES: usize = 1 << 20;

/// Operations that can run for a noticeable time (big numbers, repeating
/// text or lists many times over), and so run where Ctrl-C can cut the wait
/// short.
fn may_take_long(op: BinaryOp, a: &Value, b: &Value) -> bool {
    let large = |v: &Value| matches!(v, Value::LargeInt(_));
    let int_at_least = |v: &Value, n: i128| v.as_int().is_some_and(|x| x.abs() >= n);
    let sequence = |v: &Value| {
        matches!(
            v,
            Value::Str(_) | Value::Bytes(_) | Value::List(_) | Value::Tuple(_)
        )
    };
    large(a)
        || large(b)
        || (op == BinaryOp::Power && int_at_least(b, 1_000))
        || (op == BinaryOp::ShiftLeft && int_at_least(b, 100_000))
        || (op == BinaryOp::Multiply
            && ((sequence(a) && int_at_least(b, 1 << 16))
                || (sequence(b) && int_at_least(a, 1 << 16))))
}

/// Whether a word is a number, a constant or a `|` of those (not text like a host).
fn is_numeric_expression(expr: &Expr) -> bool {
    match expr {
        Expr::Literal(Value::Int(_) | Value::Float(_)) => true,
        Expr::Name { name, .. } => socket_constants::find(name).is_some(),
        Expr::BitOr(a, b) => is_numeric_expression(a) && is_numeric_expression(b),
        Expr::Negate(inner) | Expr::Invert(inner) => is_numeric_expression(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(session: &mut Session, line: &str) -> String {
        match session.run_line(line) {
            Outcome::Shown(o) => o.value.repr(),
            Outcome::Failed(e) => e.python_line(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn underscore_and_variables_carry_results() {
        let mut s = Session::default();
        assert_eq!(run(&mut s, "inet_aton 10.0.0.1"), "b'\\n\\x00\\x00\\x01'");
        assert_eq!(run(&mut s, "inet_ntoa _"), "'10.0.0.1'");
        assert_eq!(run(&mut s, "packed = inet_aton(\"127.0.0.1\")"), "Nothing");
        assert_eq!(run(&mut s, "inet_ntoa(packed)"), "'127.0.0.1'");
        assert_eq!(run(&mut s, "packed[0]"), "127");
    }

    #[test]
    fn words_are_typed_by_their_parameter() {
        let mut s = Session::default();
        assert_eq!(
            run(&mut s, "inet_aton 10"),
            "b'\\x00\\x00\\x00\\n'",
            "inet_aton takes text, so 10 stays a string"
        );
        assert_eq!(run(&mut s, "htons 1"), "256");
        assert_eq!(
            run(&mut s, "AI_PASSIVE|AI_CANONNAME"),
            "<AddressInfo.AI_PASSIVE|AI_CANONNAME: 3>"
        );
    }

    #[test]
    fn a_variable_does_not_hide_a_word_netrepl_defines() {
        let mut s = Session::default();
        run(&mut s, "echo = 1");
        assert_eq!(
            run(&mut s, "stop echo"),
            "ValueError: no server called 'echo'",
            "the server name, not the variable's 1"
        );
        assert_eq!(
            run(&mut s, "stop(echo)"),
            "TypeError: stop() argument 1 must be str, not int",
            "in Python style a name is always the variable"
        );
    }

    #[test]
    fn a_packets_line_keeps_the_rest_as_a_line_of_its_own() {
        assert_eq!(
            packets_command_line("packets ping 127.0.0.1 count=1"),
            Some("ping 127.0.0.1 count=1")
        );
        assert_eq!(
            packets_command_line("  packets   s.close()"),
            Some("s.close()")
        );
        assert_eq!(packets_command_line("packets = 3"), None);
        assert_eq!(packets_command_line("packets('ping ::1')"), None);
        assert_eq!(packets_command_line("packets"), None);
        assert_eq!(packets_command_line("packetsx ping"), None);
    }

    #[test]
    fn unknown_names_suggest_a_command() {
        let mut s = Session::default();
        assert_eq!(
            run(&mut s, "socket.gethostbynam('x')"),
            "AttributeError: module 'socket' has no attribute 'gethostbynam'. Did you mean: 'gethostbyname'?"
        );
        assert_eq!(
            run(&mut s, "gethostbynam x"),
            "NameError: name 'gethostbynam' is not defined. Did you mean: 'gethostbyname'?"
        );
    }
}
