//! Turns one input line into a statement. Two surface syntaxes share one tree:
//! Python calls pasted from a note (`socket.inet_aton("10.0.0.1")`) and shell-like
//! commands (`inet_aton 10.0.0.1`), whose bare words are typed later by the
//! parameter they land in.

use super::lexer::{BracketDepth, Spanned, Token, next_token, string_start, tokenize};
use super::python_lines::keyword_statement;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::limits::{MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH};
use crate::python::value::{Lambda, Value};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Literal(Value),
    /// A name; `qualified` when written as `socket.NAME`.
    Name {
        name: String,
        qualified: bool,
    },
    /// A bare word from command style, converted by the parameter it fills.
    Word(String),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
    },
    BitOr(Box<Expr>, Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Negate(Box<Expr>),
    /// `~x`.
    Invert(Box<Expr>),
    Index(Box<Expr>, Box<Expr>),
    /// `target[start:stop:step]`, each part optional.
    Slice {
        target: Box<Expr>,
        start: Option<Box<Expr>>,
        stop: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    Attribute(Box<Expr>, String),
    Compare(Comparison, Box<Expr>, Box<Expr>),
    /// Arithmetic and bit operators other than `+` and `|`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `f'...'`: text and fields, each field's expression parsed.
    FString(Vec<crate::python::fstring::Piece<Expr>>),
    /// `a and b` (`true`) or `a or b`: the value of one operand, as in Python.
    Logic(bool, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `a < b <= c`: each operand evaluated once, stopping at the first false.
    Chain(Box<Expr>, Vec<(Comparison, Expr)>),
    /// `body if test else orelse`
    IfElse {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Lambda(Arc<Lambda>),
    Dict(Vec<(Expr, Expr)>),
    Set(Vec<Expr>),
    Comprehension(Box<Comprehension>),
    /// `*items` inside a list, tuple or set display.
    Starred(Box<Expr>),
}

/// What a comprehension builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Built {
    List,
    Set,
    Dict,
    /// A generator expression; netrepl builds its items at once, as a list
    /// the function it is handed to then reads.
    Generator,
}

/// `[element for target in iter if condition ...]`; `value` for a dict's.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    pub built: Built,
    pub element: Expr,
    pub value: Option<Expr>,
    pub clauses: Vec<Clause>,
}

/// One `for target in iter if ...` of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub target: Target,
    pub iter: Expr,
    pub conditions: Vec<Expr>,
}

/// What an assignment or a `for` stores into.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Name(String),
    /// `a, b` or `[a, b]`, at most one of them starred.
    Tuple(Vec<Target>),
    /// `*rest`
    Starred(String),
    /// `items[0] = ...`, `table['x'] = ...`
    Index(Expr, Expr),
}

impl Expr {
    /// The expressions directly inside this one, in source order: what a
    /// walk over the tree visits next. A lambda's body and a comprehension's
    /// parts are included; the names they bind are the walker's to know.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Literal(_) | Expr::Name { .. } | Expr::Word(_) => Vec::new(),
            Expr::Tuple(items) | Expr::List(items) | Expr::Set(items) => items.iter().collect(),
            Expr::Call { callee, args } => {
                let mut out = vec![callee.as_ref()];
                out.extend(args.iter().map(|arg| match arg {
                    Arg::Positional(e) | Arg::Keyword(_, e) | Arg::Star(e) => e,
                }));
                out
            }
            Expr::BitOr(a, b)
            | Expr::Add(a, b)
            | Expr::Index(a, b)
            | Expr::Compare(_, a, b)
            | Expr::Binary(_, a, b)
            | Expr::Logic(_, a, b) => vec![a.as_ref(), b.as_ref()],
            Expr::Negate(e) | Expr::Not(e) | Expr::Invert(e) | Expr::Starred(e) => vec![e],
            Expr::Attribute(e, _) => vec![e],
            Expr::Slice {
                target,
                start,
                stop,
                step,
            } => std::iter::once(target.as_ref())
                .chain(
                    [start, stop, step]
                        .into_iter()
                        .flatten()
                        .map(|e| e.as_ref()),
                )
                .collect(),
            Expr::FString(pieces) => crate::python::fstring::field_exprs(pieces),
            Expr::Chain(first, rest) => std::iter::once(first.as_ref())
                .chain(rest.iter().map(|(_, e)| e))
                .collect(),
            Expr::IfElse { test, body, orelse } => vec![test, body, orelse],
            Expr::Lambda(lambda) => lambda
                .default_exprs
                .iter()
                .chain(std::iter::once(&lambda.body))
                .collect(),
            Expr::Dict(pairs) => pairs.iter().flat_map(|(k, v)| [k, v]).collect(),
            Expr::Comprehension(c) => {
                let mut out = vec![&c.element];
                out.extend(&c.value);
                for clause in &c.clauses {
                    out.push(&clause.iter);
                    out.extend(&clause.conditions);
                }
                out
            }
        }
    }
}

impl Target {
    /// The target read as an expression (`x += 1` reads `x`).
    pub fn as_expr(&self) -> Expr {
        match self {
            Target::Name(name) | Target::Starred(name) => Expr::Name {
                name: name.clone(),
                qualified: false,
            },
            Target::Tuple(items) => Expr::Tuple(items.iter().map(Target::as_expr).collect()),
            Target::Index(a, b) => Expr::Index(Box::new(a.clone()), Box::new(b.clone())),
        }
    }
}

/// The target an expression names, or CPython's error for one that is not
/// a place to store (`f() = 1`, `1 = x`).
pub fn to_target(expr: &Expr) -> CommandResult<Target> {
    match expr {
        Expr::Name {
            name,
            qualified: false,
        } => Ok(Target::Name(name.clone())),
        Expr::Tuple(items) | Expr::List(items) => {
            let targets = items
                .iter()
                .map(to_target)
                .collect::<CommandResult<Vec<_>>>()?;
            if targets
                .iter()
                .filter(|t| matches!(t, Target::Starred(_)))
                .count()
                > 1
            {
                return Err(CommandError::syntax(
                    "multiple starred expressions in assignment",
                ));
            }
            Ok(Target::Tuple(targets))
        }
        Expr::Starred(inner) => match to_target(inner)? {
            Target::Name(name) => Ok(Target::Starred(name)),
            _ => Err(CommandError::syntax("invalid syntax")),
        },
        Expr::Index(a, b) => Ok(Target::Index((**a).clone(), (**b).clone())),
        Expr::Call { .. } => Err(CommandError::syntax(
            "cannot assign to function call here. Maybe you meant '==' instead of '='?",
        )),
        Expr::Literal(_) => Err(CommandError::syntax(
            "cannot assign to literal here. Maybe you meant '==' instead of '='?",
        )),
        Expr::Attribute(..) | Expr::Name { .. } => {
            Err(CommandError::syntax("netrepl cannot assign to attributes"))
        }
        _ => Err(CommandError::syntax(
            "cannot assign to expression here. Maybe you meant '==' instead of '='?",
        )),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    In,
    NotIn,
    Is,
    IsNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Subtract,
    Multiply,
    Divide,
    FloorDivide,
    Modulo,
    Power,
    ShiftLeft,
    ShiftRight,
    And,
    Xor,
}

impl BinaryOp {
    /// The operator as Python writes it, for error messages.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::FloorDivide => "//",
            BinaryOp::Modulo => "%",
            BinaryOp::Power => "** or pow()",
            BinaryOp::ShiftLeft => "<<",
            BinaryOp::ShiftRight => ">>",
            BinaryOp::And => "&",
            BinaryOp::Xor => "^",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Positional(Expr),
    Keyword(String, Expr),
    /// `f(*items)`: the items as positional arguments.
    Star(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    Empty,
    Eval(Expr),
    Assign(String, Expr),
    /// `conn, addr = s.accept()`: a tuple unpacked into names.
    Unpack(Vec<String>, Expr),
    /// Any other assignment: `a, *rest = ...`, `items[0] = ...`,
    /// `x = y = 0` (each target in turn), and `x += 1` (as `x = x + 1`).
    AssignTo(Vec<Target>, Expr),
    /// `help`, `help NAME`, `NAME?`
    Help(Option<String>),
    /// `:NAME ARGS...`, settings of the REPL itself.
    Meta(String, Vec<String>),
    /// `import socket, binascii`: the modules named, all of them known.
    Import(Vec<&'static str>),
}

/// The module prefix a pasted line may carry; it is dropped.
const MODULE: &str = "socket";

/// Parses a line. `is_command` tells which names are commands, which decides
/// whether `NAME words...` is command style.
pub fn parse_line(line: &str, is_command: &dyn Fn(&str) -> bool) -> CommandResult<Statement> {
    let text = line.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(Statement::Empty);
    }
    if let Some(meta) = text.strip_prefix(':') {
        let mut words = meta.split_whitespace().map(str::to_string);
        let name = words.next().unwrap_or_default();
        return Ok(Statement::Meta(name, words.collect()));
    }
    if let Some(topic) = help_request(text) {
        return Ok(Statement::Help(topic));
    }
    if let Some(result) = keyword_statement(text) {
        return result.map(|modules| match modules.is_empty() {
            true => Statement::Empty,
            false => Statement::Import(modules),
        });
    }
    if let Some(statement) = python_assignment(text) {
        return statement;
    }
    if let Some((names, rest)) = split_unpacking(text) {
        return Ok(Statement::Unpack(
            names,
            parse_expression_line(rest, is_command)?,
        ));
    }
    if let Some((name, rest)) = split_assignment(text) {
        return Ok(Statement::Assign(
            name.to_string(),
            parse_expression_line(rest, is_command)?,
        ));
    }
    Ok(Statement::Eval(parse_expression_line(text, is_command)?))
}

/// The operator of an augmented assignment (`+=` is `+`).
fn augmented(token: &Token) -> Option<Infix> {
    let Token::Operator(op) = token else {
        return None;
    };
    Some(match *op {
        "+=" => Infix::Add,
        "|=" => Infix::BitOr,
        "-=" => Infix::Op(BinaryOp::Subtract),
        "*=" => Infix::Op(BinaryOp::Multiply),
        "/=" => Infix::Op(BinaryOp::Divide),
        "//=" => Infix::Op(BinaryOp::FloorDivide),
        "%=" => Infix::Op(BinaryOp::Modulo),
        "**=" => Infix::Op(BinaryOp::Power),
        "<<=" => Infix::Op(BinaryOp::ShiftLeft),
        ">>=" => Infix::Op(BinaryOp::ShiftRight),
        "&=" => Infix::Op(BinaryOp::And),
        "^=" => Infix::Op(BinaryOp::Xor),
        _ => return None,
    })
}

/// Assignments in Python's own syntax that the plain `name = ...` and
/// `a, b = ...` forms do not cover: `x += 1`, `items[0] = ...`,
/// `first, *rest = ...`, `x = y = 0`. `None` for other lines, and for those
/// plain forms, whose right side may be in command style.
fn python_assignment(text: &str) -> Option<CommandResult<Statement>> {
    let tokens = tokenize(text).ok()?;
    let mut depth = 0usize;
    let mut equals = Vec::new();
    for (at, tok) in tokens.iter().enumerate() {
        match &tok.token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Token::Name(n) if n == "lambda" && depth == 0 => break,
            Token::Punct('=') if depth == 0 => equals.push(at),
            token if depth == 0 => {
                if let Some(infix) = augmented(token) {
                    return Some(augmented_assignment(text, &tokens[at], infix));
                }
            }
            _ => {}
        }
    }
    let first = *equals.first()?;
    let lhs = &tokens[..first];
    let simple = lhs.iter().enumerate().all(|(i, t)| match t.token {
        Token::Name(_) => !matches!(lhs.get(i + 1).map(|t| &t.token), Some(Token::Punct('('))),
        Token::Punct(',' | '(' | ')') => true,
        _ => false,
    });
    if equals.len() == 1 && simple {
        return None;
    }
    // `getaddrinfo host 80 family=AF_INET` is a command with a keyword.
    parse_python(text[..tokens[first].start].trim()).ok()?;
    Some((|| {
        let mut targets = Vec::new();
        let mut start = 0;
        for &at in &equals {
            let part = &text[start..tokens[at].start];
            targets.push(to_target(&parse_python(part.trim())?)?);
            start = tokens[at].end;
        }
        let value = parse_python(text[start..].trim())?;
        Ok(Statement::AssignTo(targets, value))
    })())
}

fn augmented_assignment(text: &str, op: &Spanned, infix: Infix) -> CommandResult<Statement> {
    let target_text = text[..op.start].trim();
    let target = to_target(&parse_python(target_text)?)?;
    if matches!(target, Target::Tuple(_) | Target::Starred(_)) {
        return Err(CommandError::syntax(
            "'tuple' is an illegal expression for augmented assignment",
        ));
    }
    let value = parse_python(text[op.end..].trim())?;
    let combined = infix.make(Box::new(target.as_expr()), Box::new(value));
    Ok(Statement::AssignTo(vec![target], combined))
}

fn help_request(text: &str) -> Option<Option<String>> {
    let strip = |name: &str| {
        let name = name
            .trim()
            .trim_matches(|c| c == '(' || c == ')' || c == '"' || c == '\'');
        let name = name.strip_prefix("socket.").unwrap_or(name);
        (!name.is_empty()).then(|| name.to_string())
    };
    if text == "help" || text == "help()" {
        return Some(None);
    }
    if let Some(rest) = text.strip_prefix("help")
        && rest.starts_with([' ', '('])
    {
        return Some(strip(rest));
    }
    let name = text.strip_suffix('?').or_else(|| text.strip_prefix('?'))?;
    let name = name.trim();
    let bare = name.strip_prefix("socket.").unwrap_or(name);
    (!bare.is_empty() && bare.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| Some(bare.to_string()))
}

fn split_assignment(text: &str) -> Option<(&str, &str)> {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map(|(n, _)| n)?;
    let name = &text[..end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = text[end..].trim_start();
    let value = rest.strip_prefix('=')?;
    (!value.starts_with('=')).then_some((name, value.trim()))
}

/// `a, b = ...` (two or more names, optionally in parentheses).
fn split_unpacking(text: &str) -> Option<(Vec<String>, &str)> {
    let at = text.find('=')?;
    let (targets, rest) = (&text[..at], &text[at + 1..]);
    if rest.starts_with('=') || !targets.contains(',') {
        return None;
    }
    let targets = targets.trim().trim_start_matches('(').trim_end_matches(')');
    let names: Vec<String> = targets
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    let valid = |n: &String| {
        !n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    (names.len() >= 2 && names.iter().all(valid)).then_some((names, rest.trim()))
}

fn parse_expression_line(text: &str, is_command: &dyn Fn(&str) -> bool) -> CommandResult<Expr> {
    if text.is_empty() {
        return Err(CommandError::syntax("invalid syntax"));
    }
    if let Some((name, after)) = leading_command(text, is_command) {
        let rest = &text[after..];
        let rest_trimmed = rest.trim_start();
        if rest_trimmed.is_empty() || rest_trimmed.starts_with('#') {
            return Ok(call(name, Vec::new()));
        }
        if !rest.starts_with('(') && rest.starts_with(char::is_whitespace) {
            return Ok(call(name, parse_command_args(rest)?));
        }
    }
    parse_python(text)
}

/// A call of a command, or of a method when the name is `object.method`.
fn call(name: &str, args: Vec<Arg>) -> Expr {
    let callee = match name.split_once('.') {
        Some((object, method)) => Expr::Attribute(
            Box::new(Expr::Name {
                name: object.to_string(),
                qualified: false,
            }),
            method.to_string(),
        ),
        None => Expr::Name {
            name: name.to_string(),
            qualified: false,
        },
    };
    Expr::Call {
        callee: Box::new(callee),
        args,
    }
}

/// The command a line starts with, and the byte offset just after its name.
fn leading_command<'a>(
    text: &'a str,
    is_command: &dyn Fn(&str) -> bool,
) -> Option<(&'a str, usize)> {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
        .map_or(text.len(), |(n, _)| n);
    let word = &text[..end];
    let name = word.strip_prefix("socket.").unwrap_or(word);
    is_command(name).then_some((name, end))
}

/// Command-style arguments: bare words, `key=value`, and Python literals or
/// bracketed expressions where a word starts with a quote or bracket.
fn parse_command_args(text: &str) -> CommandResult<Vec<Arg>> {
    let mut args = Vec::new();
    let mut at = 0;
    loop {
        while text[at..].starts_with(char::is_whitespace) {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
        }
        if at >= text.len() || text[at..].starts_with('#') {
            return Ok(args);
        }
        let keyword = keyword_prefix(&text[at..]);
        if let Some(key) = keyword {
            at += key.len() + 1;
        }
        let (value, end) = parse_command_value(text, at)?;
        at = end;
        args.push(match keyword {
            Some(key) => Arg::Keyword(key.to_string(), value),
            None => Arg::Positional(value),
        });
    }
}

fn keyword_prefix(text: &str) -> Option<&str> {
    // Only the name's own characters are read: searching the rest of the
    // line for an `=` for every argument made long lines quadratic.
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|&end| text[end..].starts_with('='))?;
    let key = &text[..end];
    let valid = !key.is_empty() && !key.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some(key)
}

fn parse_command_value(text: &str, at: usize) -> CommandResult<(Expr, usize)> {
    let rest = &text[at..];
    let end = rest
        .find(char::is_whitespace)
        .map_or(text.len(), |n| at + n);
    let word = &text[at..end];
    if let Some(name_len) = call_name_len(rest) {
        let end = balanced_end(text, at + name_len)?;
        return Ok((parse_python(&text[at..end])?, end));
    }
    let starts_expression = rest.starts_with(['(', '[']) || string_start(rest).is_some();
    if !starts_expression || is_bracketed_socket_address(word) {
        return Ok((Expr::Word(word.to_string()), end));
    }
    let end = balanced_end(text, at)?;
    let expr = parse_python(&text[at..end])?;
    Ok((expr, end))
}

/// The length of `NAME` when an argument starts with a call, `NAME(...)`, as
/// in `inet_ntoa inet_aton("10.0.0.1")`.
fn call_name_len(text: &str) -> Option<usize> {
    let len = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    let is_name = len > 0 && !text.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    (is_name && text[len..].starts_with('(')).then_some(len)
}

/// `[::1]:22`, an IPv6 socket address written as in URLs, is a word and not
/// a list.
fn is_bracketed_socket_address(word: &str) -> bool {
    let Some((host, port)) = word
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("]:"))
    else {
        return false;
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".:%_-".contains(c));
    host_ok && !port.is_empty() && port.chars().all(|c| c.is_ascii_digit())
}

/// Where the bracketed expression or literal starting at `at` ends.
fn balanced_end(text: &str, at: usize) -> CommandResult<usize> {
    let mut brackets = BracketDepth::default();
    let mut pos = at;
    loop {
        let Some(tok) = next_token(text, pos)? else {
            return Err(CommandError::syntax(if brackets.open() > 0 {
                "'(' was never closed"
            } else {
                "invalid syntax"
            }));
        };
        pos = tok.end;
        brackets.follow(&tok.token)?;
        if brackets.open() == 0 {
            return Ok(pos);
        }
    }
}

pub fn parse_python(text: &str) -> CommandResult<Expr> {
    parse_python_within(text, 0).map(|node| node.expr)
}

/// An expression, inside `nesting` brackets already open (an f-string's
/// field inside the line's brackets), with its depth.
fn parse_python_within(text: &str, nesting: usize) -> CommandResult<Node> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        nesting,
    };
    let mut node = parser.item()?;
    // `a, b` at the top of a line is a tuple, as at Python's prompt.
    if parser.at_punct(',') || matches!(node.expr, Expr::Starred(_)) {
        let mut items = vec![node];
        while parser.eat_punct(',') && parser.peek().is_some() {
            items.push(parser.item()?);
        }
        node = Node::over_all(items, Expr::Tuple)?;
    }
    if parser.pos < parser.tokens.len() {
        return Err(CommandError::syntax("invalid syntax"));
    }
    Ok(node)
}

/// An expression with the depth of its tree, worked out as the tree is
/// built, so that no tree deeper than `MAX_EXPRESSION_DEPTH` is ever made:
/// evaluating, cloning and dropping one recurse once per level.
struct Node {
    expr: Expr,
    depth: usize,
}

impl Node {
    fn leaf(expr: Expr) -> Node {
        Node { expr, depth: 1 }
    }

    fn checked(expr: Expr, depth: usize) -> CommandResult<Node> {
        if depth > MAX_EXPRESSION_DEPTH {
            return Err(too_deep());
        }
        Ok(Node { expr, depth })
    }

    fn unary(inner: Node, make: impl FnOnce(Box<Expr>) -> Expr) -> CommandResult<Node> {
        Node::checked(make(Box::new(inner.expr)), inner.depth + 1)
    }

    fn binary(
        left: Node,
        right: Node,
        make: impl FnOnce(Box<Expr>, Box<Expr>) -> Expr,
    ) -> CommandResult<Node> {
        let depth = left.depth.max(right.depth) + 1;
        Node::checked(make(Box::new(left.expr), Box::new(right.expr)), depth)
    }

    fn over_all(items: Vec<Node>, make: impl FnOnce(Vec<Expr>) -> Expr) -> CommandResult<Node> {
        let depth = items.iter().map(|n| n.depth).max().unwrap_or(0) + 1;
        Node::checked(make(items.into_iter().map(|n| n.expr).collect()), depth)
    }
}

/// `|`, the loosest binary operator.
const LOWEST_PRECEDENCE: u8 = 1;

/// A binary operator: `|` and `+` have nodes of their own (they also
/// combine flags and join text); the others are a `BinaryOp`.
#[derive(Clone, Copy)]
enum Infix {
    BitOr,
    Add,
    Op(BinaryOp),
}

impl Infix {
    fn make(self, left: Box<Expr>, right: Box<Expr>) -> Expr {
        match self {
            Infix::BitOr => Expr::BitOr(left, right),
            Infix::Add => Expr::Add(left, right),
            Infix::Op(op) => Expr::Binary(op, left, right),
        }
    }
}

/// CPython's limit on blocks nested in one another (loops of a
/// comprehension count), which also bounds how deep netrepl recurses to
/// parse and run them.
pub const MAX_NESTED_BLOCKS: usize = 20;

/// How many `for` clauses one comprehension may have: each is a level of
/// recursion when it runs.
const MAX_COMPREHENSION_LOOPS: usize = 100;

pub fn too_many_nested_blocks() -> CommandError {
    CommandError::syntax("too many statically nested blocks")
}

/// CPython's error for an expression too deep to compile (from about 3000
/// levels; netrepl's limit is lower).
fn too_deep() -> CommandError {
    CommandError::new(
        PyException::RecursionError,
        "maximum recursion depth exceeded during compilation",
    )
    .explain(format!(
        "netrepl reads expressions up to {MAX_EXPRESSION_DEPTH} levels deep (each operator, \
         sign or call in a chain is a level). Split the expression over several lines \
         with variables."
    ))
}

#[derive(Clone, Copy)]
enum Sign {
    Negate,
    Plus,
    Invert,
}

struct Parser {
    tokens: Vec<Spanned>,
    pos: usize,
    /// How many `expression()` calls are under way: the parser recurses
    /// only into brackets, which the tokenizer already bounds, and this
    /// guards the stack even so.
    nesting: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    fn at_punct(&self, c: char) -> bool {
        self.peek() == Some(&Token::Punct(c))
    }

    fn eat_punct(&mut self, c: char) -> bool {
        let found = self.at_punct(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_punct(&mut self, c: char, opener: char) -> CommandResult<()> {
        if self.eat_punct(c) {
            Ok(())
        } else if self.peek().is_none() {
            Err(CommandError::syntax(format!("'{opener}' was never closed")))
        } else {
            Err(CommandError::syntax(
                "invalid syntax. Perhaps you forgot a comma?",
            ))
        }
    }

    fn at_name(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == word)
    }

    fn eat_name(&mut self, word: &str) -> bool {
        let found = self.at_name(word);
        if found {
            self.pos += 1;
        }
        found
    }

    /// One expression: a conditional expression or a lambda, the loosest.
    fn expression(&mut self) -> CommandResult<Node> {
        if self.nesting > MAX_BRACKET_DEPTH {
            return Err(CommandError::syntax("too many nested parentheses"));
        }
        self.nesting += 1;
        let parsed = self.conditional();
        self.nesting -= 1;
        parsed
    }

    fn conditional(&mut self) -> CommandResult<Node> {
        if self.eat_name("lambda") {
            return self.lambda();
        }
        let body = self.or_test()?;
        if !self.eat_name("if") {
            return Ok(body);
        }
        let test = self.or_test()?;
        if !self.eat_name("else") {
            return Err(CommandError::syntax(
                "expected 'else' after 'if' expression",
            ));
        }
        let orelse = self.expression()?;
        let depth = body.depth.max(test.depth).max(orelse.depth) + 1;
        Node::checked(
            Expr::IfElse {
                test: Box::new(test.expr),
                body: Box::new(body.expr),
                orelse: Box::new(orelse.expr),
            },
            depth,
        )
    }

    /// After `lambda`: names, each with an optional `=default`, up to `:`,
    /// then the body.
    fn lambda(&mut self) -> CommandResult<Node> {
        let mut params = Vec::new();
        let mut default_exprs = Vec::new();
        let mut depth = 0;
        while !self.eat_punct(':') {
            match self.peek().cloned() {
                Some(Token::Name(name)) if !params.contains(&name) => {
                    self.pos += 1;
                    params.push(name);
                    if self.eat_punct('=') {
                        let default = self.expression()?;
                        depth = depth.max(default.depth);
                        default_exprs.push(default.expr);
                    } else if !default_exprs.is_empty() {
                        return Err(CommandError::syntax(
                            "non-default argument follows default argument",
                        ));
                    }
                }
                Some(Token::Name(name)) => {
                    return Err(CommandError::syntax(format!(
                        "duplicate argument '{name}' in function definition"
                    )));
                }
                _ => return Err(CommandError::syntax("invalid syntax")),
            }
            if !self.eat_punct(',') && !self.at_punct(':') {
                return Err(CommandError::syntax("invalid syntax"));
            }
        }
        let body = self.expression()?;
        let lambda = Lambda {
            params,
            default_exprs,
            defaults: Vec::new(),
            body: body.expr,
            depth: body.depth,
        };
        Node::checked(Expr::Lambda(Arc::new(lambda)), depth.max(body.depth) + 1)
    }

    fn or_test(&mut self) -> CommandResult<Node> {
        let mut left = self.and_test()?;
        while self.eat_name("or") {
            let right = self.and_test()?;
            left = Node::binary(left, right, |a, b| Expr::Logic(false, a, b))?;
        }
        Ok(left)
    }

    fn and_test(&mut self) -> CommandResult<Node> {
        let mut left = self.not_test()?;
        while self.eat_name("and") {
            let right = self.not_test()?;
            left = Node::binary(left, right, |a, b| Expr::Logic(true, a, b))?;
        }
        Ok(left)
    }

    /// `not` read in a loop, so a long run of them is refused by depth.
    fn not_test(&mut self) -> CommandResult<Node> {
        let mut nots = 0;
        while self.eat_name("not") {
            nots += 1;
        }
        let mut node = self.comparison_expression()?;
        for _ in 0..nots {
            node = Node::unary(node, Expr::Not)?;
        }
        Ok(node)
    }

    /// Comparisons bind looser than any operator; a chain (`a < b < c`)
    /// becomes one node.
    fn comparison_expression(&mut self) -> CommandResult<Node> {
        let left = self.binary(LOWEST_PRECEDENCE)?;
        let mut rest = Vec::new();
        while let Some(comparison) = self.comparison() {
            rest.push((comparison, self.binary(LOWEST_PRECEDENCE)?));
        }
        if rest.len() <= 1 {
            return match rest.pop() {
                None => Ok(left),
                Some((comparison, right)) => {
                    Node::binary(left, right, |a, b| Expr::Compare(comparison, a, b))
                }
            };
        }
        let depth = rest
            .iter()
            .map(|(_, n)| n.depth)
            .fold(left.depth, usize::max)
            + 1;
        let chain = Expr::Chain(
            Box::new(left.expr),
            rest.into_iter().map(|(c, n)| (c, n.expr)).collect(),
        );
        Node::checked(chain, depth)
    }

    /// Consumes a comparison operator if one is next.
    fn comparison(&mut self) -> Option<Comparison> {
        let is_name = |token: Option<&Spanned>, name: &str| matches!(token, Some(Spanned { token: Token::Name(n), .. }) if n == name);
        let next = self.tokens.get(self.pos + 1);
        let (comparison, width) = match self.peek()? {
            Token::Operator("==") => (Comparison::Equal, 1),
            Token::Operator("!=") => (Comparison::NotEqual, 1),
            Token::Operator("<=") => (Comparison::LessEqual, 1),
            Token::Operator(">=") => (Comparison::GreaterEqual, 1),
            Token::Punct('<') => (Comparison::Less, 1),
            Token::Punct('>') => (Comparison::Greater, 1),
            Token::Name(n) if n == "in" => (Comparison::In, 1),
            Token::Name(n) if n == "not" && is_name(next, "in") => (Comparison::NotIn, 2),
            Token::Name(n) if n == "is" && is_name(next, "not") => (Comparison::IsNot, 2),
            Token::Name(n) if n == "is" => (Comparison::Is, 1),
            _ => return None,
        };
        self.pos += width;
        Some(comparison)
    }

    /// `*expr` where a display or a call takes one, else an expression.
    fn item(&mut self) -> CommandResult<Node> {
        if self.eat_punct('*') {
            let inner = self.binary(LOWEST_PRECEDENCE)?;
            return Node::unary(inner, Expr::Starred);
        }
        self.expression()
    }

    /// The `for ... in ... if ...` clauses after a comprehension's element.
    fn clauses(&mut self) -> CommandResult<(Vec<Clause>, usize)> {
        let mut clauses = Vec::new();
        let mut depth = 0;
        while self.eat_name("for") {
            if clauses.len() >= MAX_COMPREHENSION_LOOPS {
                return Err(CommandError::syntax(format!(
                    "netrepl runs comprehensions of up to {MAX_COMPREHENSION_LOOPS} for clauses"
                )));
            }
            let mut targets = vec![self.item_for_target()?];
            while self.eat_punct(',') && !self.at_name("in") {
                targets.push(self.item_for_target()?);
            }
            if !self.eat_name("in") {
                return Err(CommandError::syntax("invalid syntax"));
            }
            let target_expr = if targets.len() == 1 && !matches!(targets[0].expr, Expr::Starred(_))
            {
                targets
                    .pop()
                    .map(|n| n.expr)
                    .unwrap_or(Expr::Tuple(Vec::new()))
            } else {
                Expr::Tuple(targets.into_iter().map(|n| n.expr).collect())
            };
            let target = to_target(&target_expr)?;
            let iter = self.or_test()?;
            depth = depth.max(iter.depth);
            let mut conditions = Vec::new();
            while self.eat_name("if") {
                let condition = self.or_test()?;
                depth = depth.max(condition.depth);
                conditions.push(condition.expr);
            }
            clauses.push(Clause {
                target,
                iter: iter.expr,
                conditions,
            });
        }
        Ok((clauses, depth))
    }

    fn item_for_target(&mut self) -> CommandResult<Node> {
        if self.eat_punct('*') {
            let inner = self.postfix()?;
            return Node::unary(inner, Expr::Starred);
        }
        self.binary(LOWEST_PRECEDENCE)
    }

    /// A comprehension whose element (and value, for a dict) is read, at `for`.
    fn comprehension(
        &mut self,
        built: Built,
        element: Node,
        value: Option<Node>,
    ) -> CommandResult<Node> {
        let (clauses, depth) = self.clauses()?;
        let depth = depth
            .max(element.depth)
            .max(value.as_ref().map_or(0, |v| v.depth))
            + 1;
        let comprehension = Comprehension {
            built,
            element: element.expr,
            value: value.map(|v| v.expr),
            clauses,
        };
        Node::checked(Expr::Comprehension(Box::new(comprehension)), depth)
    }

    /// The items of a display after its first, up to `close`; whether a comma was seen.
    fn rest_of_sequence(
        &mut self,
        first: Node,
        close: char,
        opener: char,
    ) -> CommandResult<(Vec<Node>, bool)> {
        let mut items = vec![first];
        let mut comma = false;
        loop {
            if self.eat_punct(close) {
                return Ok((items, comma));
            }
            if !self.eat_punct(',') {
                self.expect_punct(close, opener)?;
                return Ok((items, comma));
            }
            comma = true;
            if self.eat_punct(close) {
                return Ok((items, comma));
            }
            if self.peek().is_none() {
                return Err(CommandError::syntax(format!("'{opener}' was never closed")));
            }
            items.push(self.item()?);
        }
    }

    /// After `(` or `[`: a display, a parenthesized expression, or a comprehension.
    fn bracketed(&mut self, close: char, opener: char) -> CommandResult<Node> {
        let list = opener == '[';
        if self.eat_punct(close) {
            return Ok(Node::leaf(if list {
                Expr::List(Vec::new())
            } else {
                Expr::Tuple(Vec::new())
            }));
        }
        let first = self.item()?;
        if self.at_name("for") {
            let built = if list { Built::List } else { Built::Generator };
            let node = self.comprehension(built, first, None)?;
            self.expect_punct(close, opener)?;
            return Ok(node);
        }
        let (items, comma) = self.rest_of_sequence(first, close, opener)?;
        if list {
            return Node::over_all(items, Expr::List);
        }
        if items.len() == 1 && !comma && !matches!(items[0].expr, Expr::Starred(_)) {
            return Ok(items
                .into_iter()
                .next()
                .unwrap_or(Node::leaf(Expr::Tuple(Vec::new()))));
        }
        Node::over_all(items, Expr::Tuple)
    }

    /// After `{`: a dict or a set, displayed or comprehended.
    fn braced(&mut self) -> CommandResult<Node> {
        if self.eat_punct('}') {
            return Ok(Node::leaf(Expr::Dict(Vec::new())));
        }
        let first = self.item()?;
        if !self.eat_punct(':') {
            if self.at_name("for") {
                let node = self.comprehension(Built::Set, first, None)?;
                self.expect_punct('}', '{')?;
                return Ok(node);
            }
            let (items, _) = self.rest_of_sequence(first, '}', '{')?;
            return Node::over_all(items, Expr::Set);
        }
        let value = self.expression()?;
        if self.at_name("for") {
            let node = self.comprehension(Built::Dict, first, Some(value))?;
            self.expect_punct('}', '{')?;
            return Ok(node);
        }
        let mut depth = first.depth.max(value.depth);
        let mut pairs = vec![(first.expr, value.expr)];
        while self.eat_punct(',') {
            if self.at_punct('}') {
                break;
            }
            let key = self.expression()?;
            if !self.eat_punct(':') {
                return Err(CommandError::syntax("':' expected after dictionary key"));
            }
            let value = self.expression()?;
            depth = depth.max(key.depth).max(value.depth);
            pairs.push((key.expr, value.expr));
        }
        self.expect_punct('}', '{')?;
        Node::checked(Expr::Dict(pairs), depth + 1)
    }

    /// The binary operator next, if any, and how tightly it binds.
    fn infix(&self) -> Option<(Infix, u8)> {
        Some(match self.peek()? {
            Token::Punct('|') => (Infix::BitOr, 1),
            Token::Punct('^') => (Infix::Op(BinaryOp::Xor), 2),
            Token::Punct('&') => (Infix::Op(BinaryOp::And), 3),
            Token::Operator("<<") => (Infix::Op(BinaryOp::ShiftLeft), 4),
            Token::Operator(">>") => (Infix::Op(BinaryOp::ShiftRight), 4),
            Token::Punct('+') => (Infix::Add, 5),
            Token::Punct('-') => (Infix::Op(BinaryOp::Subtract), 5),
            Token::Punct('*') => (Infix::Op(BinaryOp::Multiply), 6),
            Token::Punct('/') => (Infix::Op(BinaryOp::Divide), 6),
            Token::Operator("//") => (Infix::Op(BinaryOp::FloorDivide), 6),
            Token::Punct('%') => (Infix::Op(BinaryOp::Modulo), 6),
            _ => return None,
        })
    }

    /// Left-associative binary operators binding at least as tightly as
    /// `min_precedence`, by precedence climbing: one function for all the
    /// levels keeps the stack each bracket level costs small.
    fn binary(&mut self, min_precedence: u8) -> CommandResult<Node> {
        let mut left = self.unary()?;
        while let Some((infix, precedence)) = self.infix().filter(|(_, p)| *p >= min_precedence) {
            self.pos += 1;
            let right = self.binary(precedence + 1)?;
            left = Node::binary(left, right, |a, b| infix.make(a, b))?;
        }
        Ok(left)
    }

    /// Unary signs, then a power. A loop, not recursion, so that a long
    /// run of signs is refused by its depth instead of overflowing the stack.
    fn unary(&mut self) -> CommandResult<Node> {
        let signs = self.signs();
        let power = self.power()?;
        Parser::apply_signs(&signs, power)
    }

    /// The `-`, `+` and `~` signs before an operand, in the order written.
    fn signs(&mut self) -> Vec<Sign> {
        let mut signs = Vec::new();
        loop {
            if self.eat_punct('-') {
                signs.push(Sign::Negate);
            } else if self.eat_punct('+') {
                signs.push(Sign::Plus);
            } else if self.eat_punct('~') {
                signs.push(Sign::Invert);
            } else {
                return signs;
            }
        }
    }

    /// The innermost sign applies first; `+` makes no node.
    fn apply_signs(signs: &[Sign], mut node: Node) -> CommandResult<Node> {
        for sign in signs.iter().rev() {
            node = match sign {
                Sign::Negate => Node::unary(node, Expr::Negate)?,
                Sign::Invert => Node::unary(node, Expr::Invert)?,
                Sign::Plus => node,
            };
        }
        Ok(node)
    }

    /// `**` binds tighter than a unary minus on its left (`-2**2` is -4)
    /// and groups to the right: `a ** -b ** c` is `a ** (-(b ** c))`. The
    /// operands are read in a loop and folded from the right.
    fn power(&mut self) -> CommandResult<Node> {
        let mut bases = vec![self.postfix()?];
        let mut exponent_signs = Vec::new();
        while self.peek() == Some(&Token::Operator("**")) {
            self.pos += 1;
            exponent_signs.push(self.signs());
            bases.push(self.postfix()?);
        }
        let mut folded = bases
            .pop()
            .unwrap_or_else(|| Node::leaf(Expr::Tuple(Vec::new())));
        while let (Some(base), Some(signs)) = (bases.pop(), exponent_signs.pop()) {
            let exponent = Parser::apply_signs(&signs, folded)?;
            folded = Node::binary(base, exponent, |a, b| Expr::Binary(BinaryOp::Power, a, b))?;
        }
        Ok(folded)
    }

    fn postfix(&mut self) -> CommandResult<Node> {
        let mut node = self.atom()?;
        loop {
            if self.eat_punct('(') {
                let args = self.call_args()?;
                let depth = args
                    .iter()
                    .map(|(_, d)| *d)
                    .max()
                    .unwrap_or(0)
                    .max(node.depth)
                    + 1;
                let call = Expr::Call {
                    callee: Box::new(node.expr),
                    args: args.into_iter().map(|(arg, _)| arg).collect(),
                };
                node = Node::checked(call, depth)?;
            } else if self.eat_punct('[') {
                node = self.subscript(node)?;
            } else if self.eat_punct('.') {
                let Some(Token::Name(attr)) = self.peek().cloned() else {
                    return Err(CommandError::syntax("invalid syntax"));
                };
                self.pos += 1;
                node = match node.expr {
                    Expr::Name {
                        name,
                        qualified: false,
                    } if name == MODULE => Node::leaf(Expr::Name {
                        name: attr,
                        qualified: true,
                    }),
                    other => Node::checked(Expr::Attribute(Box::new(other), attr), node.depth + 1)?,
                };
            } else {
                return Ok(node);
            }
        }
    }

    /// After `target[`: an index, or a slice when a `:` appears.
    fn subscript(&mut self, target: Node) -> CommandResult<Node> {
        let start = self.slice_part(&[':'])?;
        if !self.eat_punct(':') {
            self.expect_punct(']', '[')?;
            let index = start.ok_or_else(|| CommandError::syntax("invalid syntax"))?;
            return Node::binary(target, index, Expr::Index);
        }
        let stop = self.slice_part(&[':', ']'])?;
        let step = if self.eat_punct(':') {
            self.slice_part(&[']'])?
        } else {
            None
        };
        self.expect_punct(']', '[')?;
        let depth = [&start, &stop, &step]
            .iter()
            .filter_map(|part| part.as_ref().map(|n| n.depth))
            .fold(target.depth, usize::max)
            + 1;
        let boxed = |part: Option<Node>| part.map(|n| Box::new(n.expr));
        let slice = Expr::Slice {
            target: Box::new(target.expr),
            start: boxed(start),
            stop: boxed(stop),
            step: boxed(step),
        };
        Node::checked(slice, depth)
    }

    /// One part of a slice, absent when the next token is one of `ends`.
    fn slice_part(&mut self, ends: &[char]) -> CommandResult<Option<Node>> {
        if ends.iter().any(|&c| self.at_punct(c)) {
            return Ok(None);
        }
        if self.nesting > MAX_BRACKET_DEPTH {
            return Err(CommandError::syntax("too many nested parentheses"));
        }
        self.nesting += 1;
        let part = self.binary(LOWEST_PRECEDENCE);
        self.nesting -= 1;
        Ok(Some(part?))
    }

    /// The arguments of a call, each with the depth of its tree.
    fn call_args(&mut self) -> CommandResult<Vec<(Arg, usize)>> {
        let mut args = Vec::new();
        let mut seen_keyword = false;
        while !self.eat_punct(')') {
            if self.peek().is_none() {
                return Err(CommandError::syntax("'(' was never closed"));
            }
            let keyword = match (self.peek(), self.tokens.get(self.pos + 1).map(|t| &t.token)) {
                (Some(Token::Name(name)), Some(Token::Punct('='))) => Some(name.clone()),
                _ => None,
            };
            if let Some(name) = keyword {
                self.pos += 2;
                let value = self.expression()?;
                args.push((Arg::Keyword(name, value.expr), value.depth));
                seen_keyword = true;
            } else if self.eat_punct('*') {
                let value = self.expression()?;
                args.push((Arg::Star(value.expr), value.depth));
            } else {
                let value = self.expression()?;
                if seen_keyword {
                    return Err(CommandError::syntax(
                        "positional argument follows keyword argument",
                    ));
                }
                if self.at_name("for") {
                    let generator = self.comprehension(Built::Generator, value, None)?;
                    let sole = args.is_empty() && self.at_punct(')');
                    if !sole {
                        return Err(CommandError::syntax(
                            "Generator expression must be parenthesized",
                        ));
                    }
                    args.push((Arg::Positional(generator.expr), generator.depth));
                    continue;
                }
                args.push((Arg::Positional(value.expr), value.depth));
            }
            if !self.eat_punct(',') {
                self.expect_punct(')', '(')?;
                break;
            }
        }
        Ok(args)
    }

    fn atom(&mut self) -> CommandResult<Node> {
        let Some(token) = self.peek().cloned() else {
            return Err(CommandError::syntax("invalid syntax"));
        };
        self.pos += 1;
        let leaf = |expr| Ok(Node::leaf(expr));
        match token {
            Token::Int(n) => leaf(Expr::Literal(Value::Int(n))),
            Token::LargeInt(n) => leaf(Expr::Literal(Value::integer(n))),
            Token::FString(pieces) => {
                // Each field counts toward the line's depth and brackets.
                let nesting = self.nesting + 1;
                let mut depth = 1;
                let mut parse = |source: String| -> CommandResult<Expr> {
                    let node = parse_python_within(&source, nesting)?;
                    depth = depth.max(node.depth + 1);
                    Ok(node.expr)
                };
                let pieces = pieces
                    .into_iter()
                    .map(|piece| piece.try_map(&mut parse))
                    .collect::<CommandResult<Vec<_>>>()?;
                Node::checked(Expr::FString(pieces), depth)
            }
            Token::Float(f) => leaf(Expr::Literal(Value::Float(f))),
            Token::Str(s) => {
                let mut text = s;
                // Adjacent string literals concatenate, as in Python.
                while let Some(Token::Str(more)) = self.peek() {
                    text.push_str(more);
                    self.pos += 1;
                }
                leaf(Expr::Literal(Value::Str(text)))
            }
            Token::Bytes(b) => {
                let mut data = b;
                while let Some(Token::Bytes(more)) = self.peek() {
                    data.extend_from_slice(more);
                    self.pos += 1;
                }
                leaf(Expr::Literal(Value::Bytes(data)))
            }
            Token::Name(name) => leaf(match name.as_str() {
                "None" => Expr::Literal(Value::None),
                "True" => Expr::Literal(Value::Bool(true)),
                "False" => Expr::Literal(Value::Bool(false)),
                _ => Expr::Name {
                    name,
                    qualified: false,
                },
            }),
            Token::Punct('(') => self.bracketed(')', '('),
            Token::Punct('[') => self.bracketed(']', '['),
            Token::Punct('{') => self.braced(),
            Token::Operator(_) => Err(CommandError::syntax("invalid syntax")),
            Token::Punct(c) => Err(CommandError::syntax(if matches!(c, ')' | ']' | '}') {
                format!("unmatched '{c}'")
            } else {
                "invalid syntax".to_string()
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_cmd(name: &str) -> bool {
        matches!(
            name,
            "inet_aton" | "getaddrinfo" | "gethostname" | "gethostbyaddr" | "gethostbyname"
        )
    }

    fn parse(line: &str) -> Statement {
        parse_line(line, &is_cmd).unwrap()
    }

    #[test]
    fn a_call_can_be_a_command_style_argument() {
        let Statement::Eval(Expr::Call { args, .. }) =
            parse("inet_aton gethostbyname(\"local host\")")
        else {
            panic!("not a call")
        };
        assert_eq!(args.len(), 1);
        assert!(matches!(&args[0], Arg::Positional(Expr::Call { .. })));
    }

    #[test]
    fn bracketed_ipv6_socket_address_is_a_word_not_a_list() {
        let Statement::Eval(Expr::Call { args, .. }) = parse("gethostbyaddr [::1]:22 0") else {
            panic!("not a call")
        };
        assert_eq!(args[0], Arg::Positional(Expr::Word("[::1]:22".into())));
        let Statement::Eval(Expr::Call { args, .. }) = parse("gethostbyaddr [1, 2]") else {
            panic!("not a call")
        };
        assert!(matches!(args[0], Arg::Positional(Expr::List(_))));
    }

    #[test]
    fn command_style_and_python_style_give_the_same_call_shape() {
        let Statement::Eval(Expr::Call { args, .. }) = parse("inet_aton 192.168.1.1") else {
            panic!("not a call")
        };
        assert_eq!(
            args,
            vec![Arg::Positional(Expr::Word("192.168.1.1".into()))]
        );
        let Statement::Eval(Expr::Call { callee, args }) =
            parse("socket.inet_aton(\"192.168.1.1\")")
        else {
            panic!("not a call")
        };
        assert_eq!(
            *callee,
            Expr::Name {
                name: "inet_aton".into(),
                qualified: true
            }
        );
        assert_eq!(
            args,
            vec![Arg::Positional(Expr::Literal(Value::str("192.168.1.1")))]
        );
    }

    #[test]
    fn command_style_takes_keywords_and_literals() {
        let Statement::Eval(Expr::Call { args, .. }) =
            parse("getaddrinfo 'my host' 80 family=AF_INET")
        else {
            panic!("not a call")
        };
        assert_eq!(args.len(), 3);
        assert_eq!(
            args[0],
            Arg::Positional(Expr::Literal(Value::str("my host")))
        );
        assert_eq!(
            args[2],
            Arg::Keyword("family".into(), Expr::Word("AF_INET".into()))
        );
    }

    #[test]
    fn assignment_help_and_comments() {
        assert!(
            matches!(parse("ip = gethostbyname localhost"), Statement::Assign(n, _) if n == "ip")
        );
        assert_eq!(
            parse("getaddrinfo?"),
            Statement::Help(Some("getaddrinfo".into()))
        );
        assert_eq!(
            parse("help socket.inet_aton"),
            Statement::Help(Some("inet_aton".into()))
        );
        assert_eq!(parse("# just a note"), Statement::Empty);
        assert!(
            matches!(
                parse("x == 1"),
                Statement::Eval(Expr::Compare(Comparison::Equal, _, _))
            ),
            "comparison is not an assignment"
        );
    }

    #[test]
    fn slices_take_any_of_their_three_parts() {
        let Statement::Eval(Expr::Slice {
            start, stop, step, ..
        }) = parse("data[::-1]")
        else {
            panic!("not a slice")
        };
        assert!(start.is_none() && stop.is_none());
        assert!(matches!(step.as_deref(), Some(Expr::Negate(_))));
        assert!(matches!(
            parse("data[1:]"),
            Statement::Eval(Expr::Slice { stop: None, .. })
        ));
        assert!(matches!(parse("data[1]"), Statement::Eval(Expr::Index(..))));
    }

    #[test]
    fn not_in_is_one_comparison_and_chains_are_one_node() {
        assert!(matches!(
            parse("80 not in ports"),
            Statement::Eval(Expr::Compare(Comparison::NotIn, _, _))
        ));
        assert!(matches!(
            parse("1 == 1 is not None"),
            Statement::Eval(Expr::Chain(_, rest)) if rest[1].0 == Comparison::IsNot
        ));
    }

    #[test]
    fn python_assignments_take_any_target() {
        assert!(matches!(
            parse("first, *rest = [1, 2, 3]"),
            Statement::AssignTo(targets, _) if matches!(&targets[0], Target::Tuple(t) if t[1] == Target::Starred("rest".into()))
        ));
        assert!(matches!(
            parse("x += 1"),
            Statement::AssignTo(_, Expr::Add(..))
        ));
        assert!(matches!(parse("a = b = 0"), Statement::AssignTo(t, _) if t.len() == 2));
        assert!(
            matches!(parse("d['k'] = 1"), Statement::AssignTo(t, _) if matches!(t[0], Target::Index(..)))
        );
        assert!(parse_line("f() = 1", &is_cmd).is_err());
    }

    #[test]
    fn comprehensions_lambdas_and_displays_parse() {
        for line in [
            "[x for x in range(3) if x]",
            "{k: v for k, v in pairs}",
            "{1, 2}",
            "{}",
            "''.join(str(x) for x in y)",
            "sorted(x, key=lambda p: p[1], reverse=True)",
            "a if b else c",
            "not a or b and c",
            "f(*args)",
            "~x",
        ] {
            assert!(parse_line(line, &is_cmd).is_ok(), "{line}");
        }
        assert!(parse_line("f(x for x in y, 1)", &is_cmd).is_err());
    }

    #[test]
    fn nested_calls_parse() {
        let stmt = parse("gethostbyaddr(gethostbyname(\"localhost\"))");
        assert!(matches!(stmt, Statement::Eval(Expr::Call { .. })));
    }

    #[test]
    fn unclosed_call_is_a_syntax_error() {
        let err = parse_line("gethostbyname(\"x\"", &is_cmd).unwrap_err();
        assert_eq!(err.python_line(), "SyntaxError: '(' was never closed");
    }
}
