//! f-strings as Python 3.11 reads them: `f'text {expr!r:>{width}} {x=}'`.
//! `split` cuts a literal's body into text and fields (the lexer's part,
//! with CPython's SyntaxErrors); the parser turns each field's source into
//! an expression, the evaluator evaluates it, and `render_field` gives the
//! field's text, through the same `format_spec` as `str.format`.

use crate::python::error::{CommandError, CommandResult};
use crate::python::format_spec::{self, convert_field};
use crate::python::value::Value;

/// A piece of an f-string: text as it is, or a field whose expression is
/// `E` (its source text in the lexer, an expression once parsed).
#[derive(Clone, Debug, PartialEq)]
pub enum Piece<E> {
    Text(String),
    Field(Field<E>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field<E> {
    pub expr: E,
    /// `!r`, `!s` or `!a`.
    pub conversion: Option<char>,
    /// The format spec, which may hold fields of its own.
    pub spec: Vec<Piece<E>>,
    /// For `{x=}`: the text shown before the value (`x=`, spaces kept).
    pub debug: Option<String>,
}

impl<E> Piece<E> {
    /// The same pieces with each field's expression mapped (parsed).
    pub fn try_map<F, T>(self, f: &mut T) -> CommandResult<Piece<F>>
    where
        T: FnMut(E) -> CommandResult<F>,
    {
        Ok(match self {
            Piece::Text(t) => Piece::Text(t),
            Piece::Field(field) => Piece::Field(Field {
                expr: f(field.expr)?,
                conversion: field.conversion,
                spec: field
                    .spec
                    .into_iter()
                    .map(|p| p.try_map(f))
                    .collect::<CommandResult<_>>()?,
                debug: field.debug,
            }),
        })
    }
}

/// Every field's expression, those inside specs too (`{x:{width}}`).
pub fn field_exprs<E>(pieces: &[Piece<E>]) -> Vec<&E> {
    let mut out = Vec::new();
    for piece in pieces {
        if let Piece::Field(field) = piece {
            out.push(&field.expr);
            out.extend(field_exprs(&field.spec));
        }
    }
    out
}

fn syntax(message: &str) -> CommandError {
    CommandError::syntax(format!("f-string: {message}"))
}

/// Splits the body of an f-string (between its quotes) into pieces;
/// `decode` turns literal text into its characters (escapes, unless raw).
pub fn split(
    body: &str,
    decode: &dyn Fn(&str) -> CommandResult<String>,
) -> CommandResult<Vec<Piece<String>>> {
    let chars: Vec<char> = body.chars().collect();
    let mut at = 0;
    let pieces = pieces(&chars, &mut at, decode, 0)?;
    Ok(pieces)
}

/// Pieces up to the end, or (inside a spec, `nesting` > 0) up to the `}`
/// that closes the field, which is left for the caller.
fn pieces(
    chars: &[char],
    at: &mut usize,
    decode: &dyn Fn(&str) -> CommandResult<String>,
    nesting: usize,
) -> CommandResult<Vec<Piece<String>>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Piece<String>>| -> CommandResult<()> {
        if !text.is_empty() {
            out.push(Piece::Text(decode(text)?));
            text.clear();
        }
        Ok(())
    };
    while let Some(&c) = chars.get(*at) {
        match c {
            '{' if nesting == 0 && chars.get(*at + 1) == Some(&'{') => {
                text.push('{');
                *at += 2;
            }
            '}' if nesting == 0 && chars.get(*at + 1) == Some(&'}') => {
                text.push('}');
                *at += 2;
            }
            '}' if nesting > 0 => break,
            '}' => return Err(syntax("single '}' is not allowed")),
            '{' => {
                if nesting >= 2 {
                    return Err(syntax("expressions nested too deeply"));
                }
                flush(&mut text, &mut out)?;
                *at += 1;
                out.push(Piece::Field(field(chars, at, decode, nesting)?));
            }
            c => {
                text.push(c);
                *at += 1;
            }
        }
    }
    flush(&mut text, &mut out)?;
    Ok(out)
}

/// One field, after its `{`, through its `}`.
fn field(
    chars: &[char],
    at: &mut usize,
    decode: &dyn Fn(&str) -> CommandResult<String>,
    nesting: usize,
) -> CommandResult<Field<String>> {
    let start = *at;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let expecting = || syntax("expecting '}'");
    // The expression ends at a top-level `}`, `!`, `:` or debugging `=`.
    let end = loop {
        let c = *chars.get(*at).ok_or_else(expecting)?;
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            *at += 1;
            continue;
        }
        let next = chars.get(*at + 1).copied();
        let previous = (*at > start).then(|| chars[*at - 1]);
        match c {
            '\\' => {
                return Err(CommandError::syntax(
                    "f-string expression part cannot include a backslash",
                ));
            }
            '#' => {
                return Err(CommandError::syntax(
                    "f-string expression part cannot include '#'",
                ));
            }
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            '}' => break *at,
            '!' if depth == 0 && next != Some('=') => break *at,
            ':' if depth == 0 => break *at,
            '=' if depth == 0
                && next != Some('=')
                && !matches!(previous, Some('=' | '!' | '<' | '>')) =>
            {
                break *at;
            }
            _ => {}
        }
        *at += 1;
    };
    let source: String = chars[start..end].iter().collect();
    if source.trim().is_empty() {
        return Err(syntax("empty expression not allowed"));
    }
    let mut debug = None;
    if chars[*at] == '=' {
        *at += 1;
        while chars.get(*at).is_some_and(|c| c.is_whitespace()) {
            *at += 1;
        }
        debug = Some(chars[start..*at].iter().collect());
    }
    let mut conversion = None;
    if chars.get(*at) == Some(&'!') {
        *at += 1;
        match chars.get(*at) {
            Some(&c @ ('r' | 's' | 'a')) => conversion = Some(c),
            Some(':' | '}') => {
                return Err(syntax(
                    "invalid conversion character: expected 's', 'r', or 'a'",
                ));
            }
            Some(_) => {
                return Err(syntax(
                    "invalid conversion character: expected 's', 'r', or 'a'",
                ));
            }
            None => return Err(expecting()),
        }
        *at += 1;
    }
    let mut spec = Vec::new();
    if chars.get(*at) == Some(&':') {
        *at += 1;
        spec = pieces(chars, at, decode, nesting + 1)?;
    }
    match chars.get(*at) {
        Some('}') => {
            *at += 1;
            Ok(Field {
                expr: source,
                conversion,
                spec,
                debug,
            })
        }
        _ => Err(expecting()),
    }
}

/// The text of one field, from its evaluated value and spec.
pub fn render_field(
    value: Value,
    conversion: Option<char>,
    spec: &str,
    debug: Option<&str>,
) -> CommandResult<String> {
    // `{x=}` shows the repr unless a conversion or a spec says otherwise.
    let conversion = match (debug, conversion, spec.is_empty()) {
        (Some(_), None, true) => Some('r'),
        _ => conversion,
    };
    let value = convert_field(value, conversion)?;
    let text = format_spec::format_value(&value, spec)?;
    Ok(format!("{}{text}", debug.unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> CommandResult<String> {
        Ok(text.to_string())
    }

    fn shape(body: &str) -> String {
        match split(body, &plain) {
            Ok(pieces) => format!("{pieces:?}"),
            Err(e) => e.python_line(),
        }
    }

    #[test]
    fn fields_split_at_conversions_specs_and_debug_equals() {
        assert_eq!(
            shape("a{x!r:>{w}}b"),
            r#"[Text("a"), Field(Field { expr: "x", conversion: Some('r'), spec: [Text(">"), Field(Field { expr: "w", conversion: None, spec: [], debug: None })], debug: None }), Text("b")]"#
        );
        assert_eq!(
            shape("{1 != 2=}"),
            r#"[Field(Field { expr: "1 != 2", conversion: None, spec: [], debug: Some("1 != 2=") })]"#
        );
        assert_eq!(
            shape("{d['a']:x}"),
            r#"[Field(Field { expr: "d['a']", conversion: None, spec: [Text("x")], debug: None })]"#
        );
    }

    #[test]
    fn malformed_fields_are_cpythons_syntax_errors() {
        for (body, error) in [
            ("{}", "SyntaxError: f-string: empty expression not allowed"),
            ("{", "SyntaxError: f-string: expecting '}'"),
            ("}", "SyntaxError: f-string: single '}' is not allowed"),
            (
                "{1!z}",
                "SyntaxError: f-string: invalid conversion character: expected 's', 'r', or 'a'",
            ),
            (
                "{1:{2:{3}}}",
                "SyntaxError: f-string: expressions nested too deeply",
            ),
            (
                "{#}",
                "SyntaxError: f-string expression part cannot include '#'",
            ),
            ("{1!rr}", "SyntaxError: f-string: expecting '}'"),
        ] {
            assert_eq!(shape(body), error, "{body}");
        }
    }
}
