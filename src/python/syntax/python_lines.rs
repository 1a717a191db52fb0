//! Python lines that are not expressions: several statements joined with
//! `;`, the `import socket` a pasted note starts with, and the block
//! statements (`for`, `def`, ...) that a one-line REPL cannot run.

use crate::python::error::{CommandError, CommandResult, PyException};

/// The statements of a line split at `;` (outside strings and comments).
pub fn split_statements(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '#' => break,
            ';' => {
                parts.push(&line[start..at]);
                start = at + 1;
            }
            '\'' | '"' => quote = Some(c),
            _ => {}
        }
    }
    parts.push(&line[start..]);
    parts.retain(|p| !p.trim().is_empty());
    if parts.is_empty() {
        parts.push(line);
    }
    parts
}

/// Python's statements that open a block or only make sense inside one.
const BLOCK_KEYWORDS: &[&str] = &[
    "for", "while", "if", "elif", "else", "def", "class", "with", "try", "except", "finally",
    "async", "await", "return", "yield", "raise", "del", "global", "nonlocal", "break", "continue",
    "assert",
];

/// Whether `word` starts one of the statements `keyword_statement` reads.
pub fn is_statement_keyword(word: &str) -> bool {
    matches!(word, "pass" | "import" | "from") || BLOCK_KEYWORDS.contains(&word)
}

/// What a line that starts with a Python keyword means here: `Ok` with the
/// modules it imports (none for `pass`), an error for what cannot run, and
/// `None` for lines that are not keyword statements.
pub fn keyword_statement(text: &str) -> Option<CommandResult<Vec<&'static str>>> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let (keyword, rest) = (&text[..end], text[end..].trim());
    let starts_statement = rest.is_empty() || text[end..].starts_with([' ', '\t', ':', '(']);
    if !starts_statement {
        return None;
    }
    match keyword {
        "pass" if rest.is_empty() => Some(Ok(Vec::new())),
        "import" => Some(import(rest)),
        "from" => Some(from_import(rest).map(|()| Vec::new())),
        "return" | "yield" => Some(Err(CommandError::syntax(format!(
            "'{keyword}' outside function"
        )))),
        "break" => Some(Err(CommandError::syntax("'break' outside loop"))),
        "continue" => Some(Err(CommandError::syntax("'continue' not properly in loop"))),
        "elif" | "else" | "except" | "finally" => Some(Err(CommandError::syntax("invalid syntax"))),
        k if BLOCK_KEYWORDS.contains(&k) => Some(Err(CommandError::syntax(format!(
            "netrepl does not run `{k}` statements"
        ))
        .explain(
            "netrepl runs for, while, if and with blocks and the Python around socket \
             calls; help python lists what runs.",
        ))),
        _ => None,
    }
}

/// `import socket` (always loaded) and `import binascii`, which the
/// session remembers; any other module is refused.
fn import(rest: &str) -> CommandResult<Vec<&'static str>> {
    let mut modules = Vec::new();
    for module in rest.split(',').map(str::trim) {
        if let Some(known) = ["socket", "binascii"].into_iter().find(|m| *m == module) {
            modules.push(known);
            continue;
        }
        if let Some(alias) = module.strip_prefix("socket").map(str::trim)
            && alias.starts_with("as ")
        {
            return Err(CommandError::syntax(format!(
                "netrepl knows the module only as socket; `import socket {alias}` is not supported"
            ))
            .explain("Write socket.NAME, or just NAME: the socket module is always loaded."));
        }
        return Err(not_here(module));
    }
    Ok(modules)
}

/// `from socket import ...`: every name of the module is there already.
fn from_import(rest: &str) -> CommandResult<()> {
    let module = rest.split_whitespace().next().unwrap_or_default();
    let imports = rest.split_whitespace().nth(1) == Some("import");
    match (module, imports) {
        ("socket", true) => Ok(()),
        (_, false) => Err(CommandError::syntax("invalid syntax")),
        (other, true) => Err(not_here(other)),
    }
}

fn not_here(module: &str) -> CommandError {
    CommandError::new(
        PyException::ImportError,
        format!("netrepl has no module named '{module}'"),
    )
    .explain("netrepl runs the socket module and a few built-ins (help python); run other modules in Python itself.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_split_statements_but_not_strings_or_comments() {
        assert_eq!(
            split_statements("c.close(); s.close()"),
            vec!["c.close()", " s.close()"]
        );
        assert_eq!(
            split_statements("print('a;b'); x = b\"c;\" # d; e"),
            vec!["print('a;b')", " x = b\"c;\" # d; e"]
        );
        assert_eq!(split_statements("gethostname"), vec!["gethostname"]);
        assert_eq!(split_statements("# only ; a comment").len(), 1);
    }

    #[test]
    fn import_socket_is_quietly_accepted_and_others_are_not() {
        assert_eq!(keyword_statement("import socket"), Some(Ok(vec!["socket"])));
        assert_eq!(
            keyword_statement("import socket, binascii"),
            Some(Ok(vec!["socket", "binascii"]))
        );
        assert_eq!(keyword_statement("from socket import *"), Some(Ok(vec![])));
        let os = keyword_statement("import os").and_then(Result::err);
        assert_eq!(
            os.map(|e| e.python_line()),
            Some("ImportError: netrepl has no module named 'os'".to_string())
        );
        assert!(keyword_statement("for i in x: print(i)").is_some_and(|r| r.is_err()));
        assert_eq!(keyword_statement("format = 1"), None);
        assert_eq!(keyword_statement("iffy"), None);
    }
}
