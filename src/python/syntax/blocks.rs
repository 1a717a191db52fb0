//! Compound statements: `for`, `while`, `if`/`elif`/`else` and `with`, on
//! one line (`for i in range(3): print(i)`) or as indented blocks, typed,
//! pasted, or read from a script. A block is parsed into a tree of
//! statements whose simple lines stay text: each is parsed when it runs, as
//! a line typed alone would be, so command style works inside blocks too.

use super::lexer::{Token, next_token};
use super::parser::{
    Expr, MAX_NESTED_BLOCKS, Target, parse_python, to_target, too_many_nested_blocks,
};
use super::python_lines::split_statements;
use crate::python::error::{CommandError, CommandResult, PyException};

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// A simple statement, run as a line of its own.
    Line(String),
    If {
        branches: Vec<(Expr, Vec<Stmt>)>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Target,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    With {
        context: Expr,
        name: Option<Target>,
        body: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    /// `def NAME(...):` with its body skipped: netrepl runs no functions of
    /// its own, but has the notes' helpers built in (the session says which).
    Def(String),
}

/// Statements that open a block.
const COMPOUND: &[&str] = &["if", "for", "while", "with", "def", "class", "try", "async"];

/// Lines that continue the block above them at its own indentation.
const CONTINUATIONS: &[&str] = &["elif", "else", "except", "finally"];

fn first_word(line: &str) -> &str {
    let line = line.trim_start();
    let end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    &line[..end]
}

/// Whether `text` starts with a compound statement (`for ...:`, `def ...`),
/// which runs as a block rather than as a line.
pub fn starts_block(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let word = first_word(first);
    let after = &first.trim_start()[word.len()..];
    COMPOUND.contains(&word) && (after.starts_with([' ', '\t', '(', ':']) || after.is_empty())
}

/// Whether a line of a script belongs to the block above it: indented,
/// blank, or an `elif`/`else`/... of it.
pub fn continues_block(line: &str) -> bool {
    line.trim().is_empty()
        || line.starts_with([' ', '\t'])
        || CONTINUATIONS.contains(&first_word(line))
}

/// Whether typed text is a whole statement, for the line editor: a block
/// is done at an empty line, as at Python's prompt.
pub fn is_complete(text: &str) -> bool {
    let last_line_empty = text.contains('\n')
        && text
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty());
    !starts_block(text) || last_line_empty
}

/// One line of a block: its number (from 1), indentation and text.
struct Line<'a> {
    number: usize,
    indent: usize,
    text: &'a str,
}

/// Parses a block of one or more lines.
pub fn parse_block(text: &str) -> CommandResult<Vec<Stmt>> {
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(n, l)| Line {
            number: n + 1,
            indent: l.len() - l.trim_start().len(),
            text: l.trim(),
        })
        .collect();
    let mut pos = 0;
    let Some(first) = lines.first() else {
        return Ok(Vec::new());
    };
    let stmts = suite(&lines, &mut pos, first.indent)?;
    match lines.get(pos) {
        Some(line) => Err(indentation_error(
            line,
            "unindent does not match any outer indentation level",
        )),
        None => Ok(stmts),
    }
}

fn indentation_error(line: &Line, message: &str) -> CommandError {
    CommandError::new(PyException::IndentationError, message.to_string()).explain(format!(
        "Line {} of the block: the lines of a block share one indentation, deeper than the line that opens it.",
        line.number
    ))
}

/// The statements at exactly `indent`, from `pos` on.
fn suite(lines: &[Line], pos: &mut usize, indent: usize) -> CommandResult<Vec<Stmt>> {
    // Each level of indentation is a level of recursion here and when the
    // block runs; CPython stops at the same depth.
    let depth = lines
        .iter()
        .take(*pos + 1)
        .filter(|l| l.indent < indent)
        .map(|l| l.indent)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if depth > MAX_NESTED_BLOCKS {
        return Err(too_many_nested_blocks());
    }
    let mut stmts = Vec::new();
    while let Some(line) = lines.get(*pos) {
        if line.indent < indent {
            break;
        }
        if line.indent > indent {
            return Err(indentation_error(line, "unexpected indent"));
        }
        stmts.extend(statement(lines, pos)?);
    }
    Ok(stmts)
}

/// The statement (or, for `a; b`, the statements) starting at `pos`.
fn statement(lines: &[Line], pos: &mut usize) -> CommandResult<Vec<Stmt>> {
    let line = &lines[*pos];
    *pos += 1;
    let keyword = first_word(line.text);
    let rest = line.text[keyword.len()..].trim_start();
    let is_keyword = |w: &str| {
        keyword == w
            && (rest.is_empty()
                || !line.text[w.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    };
    if COMPOUND.contains(&keyword) && is_keyword(keyword) {
        return compound(keyword, lines, pos, line).map(|s| vec![s]);
    }
    if CONTINUATIONS.contains(&keyword) && is_keyword(keyword) {
        return Err(CommandError::syntax("invalid syntax"));
    }
    simple_statements(line.text)
}

fn simple_statements(text: &str) -> CommandResult<Vec<Stmt>> {
    split_statements(text)
        .into_iter()
        .map(str::trim)
        .map(|part| {
            Ok(match part {
                "break" => Stmt::Break,
                "continue" => Stmt::Continue,
                "pass" => Stmt::Pass,
                other if starts_block(other) => {
                    return Err(CommandError::syntax("invalid syntax"));
                }
                other => Stmt::Line(other.to_string()),
            })
        })
        .collect()
}

fn compound(keyword: &str, lines: &[Line], pos: &mut usize, line: &Line) -> CommandResult<Stmt> {
    let (head, inline) = split_header(&line.text[keyword.len()..])?;
    match keyword {
        "def" => {
            let name = first_word(head).to_string();
            skip_body(lines, pos, line, inline);
            return Ok(Stmt::Def(name));
        }
        "class" | "try" | "async" => {
            return Err(
                CommandError::syntax(format!("netrepl does not run `{keyword}` blocks")).explain(
                    "netrepl runs for, while, if and with blocks around socket calls; \
                 help python lists what runs.",
                ),
            );
        }
        _ => {}
    }
    let body = body(keyword, lines, pos, line, inline)?;
    Ok(match keyword {
        "if" => {
            let mut branches = vec![(expression(head)?, body)];
            let mut orelse = Vec::new();
            while let Some(next) = lines.get(*pos).filter(|l| l.indent == line.indent) {
                match first_word(next.text) {
                    "elif" => {
                        *pos += 1;
                        let (test, inline) = split_header(&next.text[4..])?;
                        let test = expression(test)?;
                        branches.push((test, self::body("elif", lines, pos, next, inline)?));
                    }
                    "else" => {
                        orelse = else_body(lines, pos, next)?;
                        break;
                    }
                    _ => break,
                }
            }
            Stmt::If { branches, orelse }
        }
        "while" => Stmt::While {
            test: expression(head)?,
            body,
            orelse: optional_else(lines, pos, line)?,
        },
        "for" => {
            let (target, iter) = split_at_keyword(head, "in")
                .ok_or_else(|| CommandError::syntax("invalid syntax"))?;
            Stmt::For {
                target: to_target(&parse_python(target.trim())?)?,
                iter: expression(iter)?,
                body,
                orelse: optional_else(lines, pos, line)?,
            }
        }
        _ => {
            let (context, name) = match split_at_keyword(head, "as") {
                Some((context, name)) => (context, Some(to_target(&parse_python(name.trim())?)?)),
                None => (head, None),
            };
            Stmt::With {
                context: expression(context)?,
                name,
                body,
            }
        }
    })
}

fn expression(text: &str) -> CommandResult<Expr> {
    if text.trim().is_empty() {
        return Err(CommandError::syntax("invalid syntax"));
    }
    parse_python(text.trim())
}

fn optional_else(lines: &[Line], pos: &mut usize, line: &Line) -> CommandResult<Vec<Stmt>> {
    match lines.get(*pos) {
        Some(next) if next.indent == line.indent && first_word(next.text) == "else" => {
            else_body(lines, pos, next)
        }
        _ => Ok(Vec::new()),
    }
}

fn else_body(lines: &[Line], pos: &mut usize, next: &Line) -> CommandResult<Vec<Stmt>> {
    *pos += 1;
    let (head, inline) = split_header(&next.text[4..])?;
    if !head.trim().is_empty() {
        return Err(CommandError::syntax("expected ':'"));
    }
    body("else", lines, pos, next, inline)
}

/// The body after a header: the rest of its line, or the lines indented under it.
fn body(
    keyword: &str,
    lines: &[Line],
    pos: &mut usize,
    line: &Line,
    inline: &str,
) -> CommandResult<Vec<Stmt>> {
    if !inline.trim().is_empty() {
        return simple_statements(inline.trim());
    }
    match lines.get(*pos) {
        Some(next) if next.indent > line.indent => suite(lines, pos, next.indent),
        _ => Err(CommandError::new(
            PyException::IndentationError,
            format!(
                "expected an indented block after '{keyword}' statement on line {}",
                line.number
            ),
        )),
    }
}

/// Passes over a `def`'s body without reading it.
fn skip_body(lines: &[Line], pos: &mut usize, line: &Line, inline: &str) {
    if !inline.trim().is_empty() {
        return;
    }
    while lines.get(*pos).is_some_and(|l| l.indent > line.indent) {
        *pos += 1;
    }
}

/// A header's text split at its `:` (outside brackets, strings and lambdas):
/// the part before, and the body on the same line, if any.
fn split_header(text: &str) -> CommandResult<(&str, &str)> {
    let mut at = 0;
    let mut depth = 0usize;
    let mut lambdas = 0usize;
    while let Some(tok) = next_token(text, at)? {
        at = tok.end;
        match tok.token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Token::Name(n) if n == "lambda" && depth == 0 => lambdas += 1,
            Token::Punct(':') if depth == 0 && lambdas > 0 => lambdas -= 1,
            Token::Punct(':') if depth == 0 => return Ok((&text[..tok.start], &text[tok.end..])),
            _ => {}
        }
    }
    Err(CommandError::syntax("expected ':'"))
}

/// `head` split at the first `keyword` outside brackets (`in` of a `for`,
/// `as` of a `with`).
fn split_at_keyword<'a>(head: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let mut at = 0;
    let mut depth = 0usize;
    while let Some(tok) = next_token(head, at).ok()? {
        at = tok.end;
        match &tok.token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Token::Name(n) if n == keyword && depth == 0 => {
                return Some((&head[..tok.start], &head[tok.end..]));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_and_indented_blocks_give_the_same_tree() {
        let one = parse_block("for i in range(3): print(i)").unwrap();
        let two = parse_block("for i in range(3):\n    print(i)\n").unwrap();
        assert_eq!(one, two);
        assert!(
            matches!(&one[0], Stmt::For { body, .. } if body == &vec![Stmt::Line("print(i)".into())])
        );
    }

    #[test]
    fn elif_else_and_nested_blocks() {
        let text = "if x:\n  a\nelif y:\n  for i in z:\n    if i: break\n  b\nelse:\n  c\n";
        let stmts = parse_block(text).unwrap();
        let Stmt::If { branches, orelse } = &stmts[0] else {
            panic!("not an if")
        };
        assert_eq!(branches.len(), 2);
        assert_eq!(branches[1].1.len(), 2);
        assert_eq!(orelse, &vec![Stmt::Line("c".into())]);
    }

    #[test]
    fn bad_indentation_and_missing_bodies_are_python_errors() {
        let err = parse_block("for i in x:\nprint(i)").unwrap_err();
        assert_eq!(
            err.python_line(),
            "IndentationError: expected an indented block after 'for' statement on line 1"
        );
        let err = parse_block("if x:\n    a\n      b").unwrap_err();
        assert_eq!(err.python_line(), "IndentationError: unexpected indent");
    }

    #[test]
    fn a_def_is_read_quietly_and_others_are_refused() {
        let stmts = parse_block("def get_ip_4(host):\n    return 1\n").unwrap();
        assert_eq!(stmts, vec![Stmt::Def("get_ip_4".into())]);
        assert!(parse_block("class A:\n    pass").is_err());
        assert!(starts_block("with socket() as s: s.close()"));
        assert!(!starts_block("format = 1"));
    }

    #[test]
    fn the_editor_waits_for_an_empty_line() {
        assert!(!is_complete("for i in x:"));
        assert!(!is_complete("for i in x:\n    print(i)"));
        assert!(is_complete("for i in x:\n    print(i)\n"));
        assert!(is_complete("print(1)"));
    }
}
