//! Turns one input line into a statement. Two surface syntaxes share one tree:
//! Python calls pasted from a note (`socket.inet_aton("10.0.0.1")`) and shell-like
//! commands (`inet_aton 10.0.0.1`), whose bare words are typed later by the
//! parameter they land in.

use super::lexer::{BracketDepth, Spanned, Token, next_token, string_start, tokenize};
use super::python_lines::keyword_statement;
use crate::python::error::{CommandError, CommandResult, PyException};
use crate::python::limits::{MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH};
use crate::python::value::Value;

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
}

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    Empty,
    Eval(Expr),
    Assign(String, Expr),
    /// `conn, addr = s.accept()`: a tuple unpacked into names.
    Unpack(Vec<String>, Expr),
    /// `help`, `help NAME`, `NAME?`
    Help(Option<String>),
    /// `:NAME ARGS...`, settings of the REPL itself.
    Meta(String, Vec<String>),
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
        return result.map(|()| Statement::Empty);
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
    let mut node = parser.expression()?;
    // `a, b` at the top of a line is a tuple, as at Python's prompt.
    if parser.at_punct(',') {
        let mut items = vec![node];
        while parser.eat_punct(',') && parser.peek().is_some() {
            items.push(parser.expression()?);
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

    /// Comparisons bind loosest, as in Python; netrepl takes one per
    /// expression (no chains like `a == b == c`).
    fn expression(&mut self) -> CommandResult<Node> {
        if self.nesting > MAX_BRACKET_DEPTH {
            return Err(CommandError::syntax("too many nested parentheses"));
        }
        self.nesting += 1;
        let parsed = self.comparison_expression();
        self.nesting -= 1;
        parsed
    }

    fn comparison_expression(&mut self) -> CommandResult<Node> {
        let left = self.binary(LOWEST_PRECEDENCE)?;
        let Some(comparison) = self.comparison() else {
            return Ok(left);
        };
        let right = self.binary(LOWEST_PRECEDENCE)?;
        if self.comparison().is_some() {
            return Err(CommandError::syntax(
                "invalid syntax (netrepl compares two values at a time)",
            ));
        }
        Node::binary(left, right, |a, b| Expr::Compare(comparison, a, b))
    }

    /// Consumes a comparison operator if one is next.
    fn comparison(&mut self) -> Option<Comparison> {
        let is_name = |token: Option<&Spanned>, name: &str| matches!(token, Some(Spanned { token: Token::Name(n), .. }) if n == name);
        let (comparison, width) = match self.peek()? {
            Token::Operator("==") => (Comparison::Equal, 1),
            Token::Operator("!=") => (Comparison::NotEqual, 1),
            Token::Operator("<=") => (Comparison::LessEqual, 1),
            Token::Operator(">=") => (Comparison::GreaterEqual, 1),
            Token::Punct('<') => (Comparison::Less, 1),
            Token::Punct('>') => (Comparison::Greater, 1),
            Token::Name(n) if n == "in" => (Comparison::In, 1),
            Token::Name(n) if n == "not" && is_name(self.tokens.get(self.pos + 1), "in") => {
                (Comparison::NotIn, 2)
            }
            _ => return None,
        };
        self.pos += width;
        Some(comparison)
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

    /// The `-`, `+` and `~` signs before an operand; `+` makes no node.
    fn signs(&mut self) -> Vec<char> {
        let mut signs = Vec::new();
        while let Some(&Token::Punct(sign @ ('-' | '+' | '~'))) = self.peek() {
            self.pos += 1;
            signs.push(sign);
        }
        signs
    }

    /// Applies the signs innermost (nearest the operand) first: `-~x` is `-(~x)`.
    fn apply_signs(signs: &[char], mut node: Node) -> CommandResult<Node> {
        for &sign in signs.iter().rev() {
            node = match sign {
                '-' => Node::unary(node, Expr::Negate)?,
                '~' => Node::unary(node, Expr::Invert)?,
                _ => node,
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
            } else {
                let value = self.expression()?;
                if seen_keyword {
                    return Err(CommandError::syntax(
                        "positional argument follows keyword argument",
                    ));
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

    /// Comma-separated items up to `close`; returns them and whether a comma was seen.
    fn sequence(&mut self, close: char, opener: char) -> CommandResult<(Vec<Node>, bool)> {
        let mut items = Vec::new();
        let mut comma = false;
        while !self.eat_punct(close) {
            if self.peek().is_none() {
                return Err(CommandError::syntax(format!("'{opener}' was never closed")));
            }
            items.push(self.expression()?);
            if self.eat_punct(',') {
                comma = true;
            } else {
                self.expect_punct(close, opener)?;
                break;
            }
        }
        Ok((items, comma))
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
            Token::Punct('(') => {
                let (items, comma) = self.sequence(')', '(')?;
                if items.len() == 1 && !comma {
                    Ok(items
                        .into_iter()
                        .next()
                        .unwrap_or(Node::leaf(Expr::Tuple(Vec::new()))))
                } else {
                    Node::over_all(items, Expr::Tuple)
                }
            }
            Token::Punct('[') => Node::over_all(self.sequence(']', '[')?.0, Expr::List),
            Token::Operator(_) => Err(CommandError::syntax("invalid syntax")),
            Token::Punct(c) => Err(CommandError::syntax(if matches!(c, ')' | ']') {
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
    fn not_in_is_one_comparison_and_chains_are_refused() {
        assert!(matches!(
            parse("80 not in ports"),
            Statement::Eval(Expr::Compare(Comparison::NotIn, _, _))
        ));
        assert!(parse_line("1 == 1 == 1", &is_cmd).is_err());
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
