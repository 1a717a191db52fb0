//! The runnable blocks the book shows: a lesson's (the course has parsed
//! them) and those of the book's own pages (read here). Each input must
//! parse and call only commands that exist, so a typo fails the build at
//! its line instead of reaching a reader.

use std::path::PathBuf;

use mdbook_preprocessor::book::Book;

use crate::commands;
use crate::commands::registry;
use crate::commands::socket_constants;
use crate::commands::socket_methods;
use crate::course::lessons::course::Course;
use crate::course::lessons::parse::Problem;
use crate::course::transcript::Block;
use crate::python::builtins;
use crate::python::syntax::{Arg, Expr, Statement, Target, blocks, parse_line, split_statements};
use crate::python::text_methods;

/// Problems in the commands of every lesson's blocks.
pub fn check_lesson_blocks(course: &Course) -> Vec<Problem> {
    let mut problems = Vec::new();
    for lesson in &course.lessons {
        for block in &lesson.blocks {
            problems.extend(check_block_commands(&lesson.file, &lesson.source, block));
        }
    }
    problems
}

/// The runnable blocks of each of the book's own pages (the introduction),
/// in reading order. A page whose blocks cannot be read, or whose blocks
/// call unknown commands, adds its problems; a page with no path has none.
pub fn read_page_blocks(
    book: &Book,
    book_src: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(PathBuf, Vec<Block>)> {
    let mut pages = Vec::new();
    for chapter in book.chapters() {
        let Some(path) = &chapter.path else { continue };
        let file = format!("{book_src}/{}", path.display());
        match crate::course::transcript::extract_blocks(&chapter.content) {
            Ok(blocks) => {
                for block in &blocks {
                    problems.extend(check_block_commands(&file, &chapter.content, block));
                }
                pages.push((path.clone(), blocks));
            }
            Err(message) => problems.push(Problem {
                file,
                line: 1,
                message,
            }),
        }
    }
    pages
}

/// The 1-based line of each input line of a block in its lesson file.
fn input_lines(source: &str, block: &Block) -> Vec<usize> {
    source
        .lines()
        .enumerate()
        .skip(block.line)
        .take_while(|(_, l)| !l.trim_start().starts_with("```"))
        .filter(|(_, l)| l.starts_with(">>>"))
        .map(|(n, _)| n + 1)
        .collect()
}

/// Each input must parse and call only commands that exist, unless the
/// lesson shows it failing on purpose (its recorded output is an error).
fn check_block_commands(file: &str, source: &str, block: &Block) -> Vec<Problem> {
    let lines = input_lines(source, block);
    // What the session calls in command style; variables are unknown here,
    // so any `var.method` of a socket, str or bytes counts.
    let is_command = |name: &str| match name.split_once('.') {
        Some((_, method)) => {
            socket_methods::find(method).is_some()
                || text_methods::STR_METHODS.contains(&method)
                || text_methods::BYTES_METHODS.contains(&method)
        }
        None => commands::find(name).is_some() || builtins::is_builtin(name),
    };
    let mut problems = Vec::new();
    let mut n = 0;
    while let Some(first) = block.steps.get(n) {
        // A block typed over several `>>> ` lines (indented, then an empty
        // one) is checked as the one statement it is.
        let mut group = vec![first];
        if blocks::starts_block(&first.input) {
            while let Some(next) = block
                .steps
                .get(n + group.len())
                .filter(|s| blocks::continues_block(&s.input))
            {
                group.push(next);
            }
        }
        let line = lines.get(n).copied().unwrap_or(block.line);
        n += group.len();
        let shows_error = group
            .iter()
            .any(|s| s.expected.iter().any(|l| l.contains("Error")));
        let text: Vec<&str> = group.iter().map(|s| s.input.as_str()).collect();
        let step_input = text.join("\n");
        let problem = |message: String| Problem {
            file: file.to_string(),
            line,
            message,
        };
        // A block (`for s in ...: print(...)`) is checked line by line.
        let inputs = if blocks::starts_block(&step_input) {
            match blocks::parse_block(&step_input) {
                Ok(stmts) => block_lines(&stmts),
                Err(e) if !shows_error => {
                    problems.push(problem(format!(
                        "`{}` does not parse ({}); fix the line or show the error it gives",
                        step_input,
                        e.python_line()
                    )));
                    Vec::new()
                }
                Err(_) => Vec::new(),
            }
        } else {
            // `a; b` runs as two statements, each checked.
            split_statements(&step_input)
                .into_iter()
                .map(|s| s.trim().to_string())
                .collect()
        };
        for input in inputs.iter().map(String::as_str) {
            match parse_line(input, &is_command) {
                Err(_) if !shows_error && let Some(word) = unknown_leading_word(input) => {
                    problems.push(problem(unknown_command(word)))
                }
                Err(e) if !shows_error => problems.push(problem(format!(
                    "`{}` does not parse ({}); fix the line or show the error it gives",
                    input,
                    e.python_line()
                ))),
                Ok(statement) if !shows_error => {
                    let mut unknown = Vec::new();
                    match &statement {
                        Statement::Eval(e)
                        | Statement::Assign(_, e)
                        | Statement::Unpack(_, e)
                        | Statement::AssignTo(_, e) => unknown_calls(e, &mut unknown),
                        _ => {}
                    }
                    for name in unknown {
                        problems.push(problem(unknown_command(&name)));
                    }
                }
                _ => {}
            }
        }
    }
    problems
}

/// The simple lines of a block, in order, however deep they sit.
fn block_lines(stmts: &[blocks::Stmt]) -> Vec<String> {
    use blocks::Stmt;
    let mut lines = Vec::new();
    for stmt in stmts {
        match stmt {
            Stmt::Line(line) => lines.push(line.clone()),
            Stmt::If { branches, orelse } => {
                for (_, body) in branches {
                    lines.extend(block_lines(body));
                }
                lines.extend(block_lines(orelse));
            }
            Stmt::While { body, orelse, .. } | Stmt::For { body, orelse, .. } => {
                lines.extend(block_lines(body));
                lines.extend(block_lines(orelse));
            }
            Stmt::With { body, .. } => lines.extend(block_lines(body)),
            Stmt::Break | Stmt::Continue | Stmt::Pass | Stmt::Def(_) => {}
        }
    }
    lines
}

fn unknown_command(name: &str) -> String {
    let mut message = format!("`{name}` is not a command");
    let names = commands::all().iter().map(|c| c.name);
    if let Some(near) = registry::suggestions(name, names).first() {
        message.push_str(&format!(" (did you mean `{near}`?)"));
    }
    message.push_str("; `netrepl -c help` lists them");
    message
}

/// `inet_atom 1.2.3.4`: a command-style line whose first word is no command
/// (the parser reads it as Python and fails on the words after it).
fn unknown_leading_word(input: &str) -> Option<&str> {
    let text = input.trim();
    let end = text.find(char::is_whitespace)?;
    let word = &text[..end];
    let is_word = word.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !word.starts_with(|c: char| c.is_ascii_digit());
    let rest = text[end..].trim_start();
    (is_word && commands::find(word).is_none() && !rest.starts_with(['=', '(', '[', '.']))
        .then_some(word)
}

/// Names called in an expression that are neither commands nor socket methods
/// (a lambda's body is not looked into: it may call its own parameters).
fn unknown_calls(expr: &Expr, unknown: &mut Vec<String>) {
    if let Expr::Call { callee, .. } = expr {
        match callee.as_ref() {
            Expr::Name { name, .. }
                if commands::find(name).is_none() && !builtins::is_builtin(name) =>
            {
                unknown.push(name.clone())
            }
            Expr::Attribute(_, method) if !is_known_method(method) => unknown.push(method.clone()),
            _ => {}
        }
    }
    if !matches!(expr, Expr::Lambda(_)) {
        for child in expr.children() {
            unknown_calls(child, unknown);
        }
    }
}

fn is_known_method(method: &str) -> bool {
    socket_methods::find(method).is_some()
        || text_methods::STR_METHODS.contains(&method)
        || text_methods::BYTES_METHODS.contains(&method)
        || crate::python::containers::LIST_METHODS.contains(&method)
        || crate::python::containers::DICT_METHODS.contains(&method)
        || crate::python::containers::SET_METHODS.contains(&method)
}

/// Whether an input line runs on its own, as `netrepl -c LINE`: it parses,
/// and every name it reads is a command, a builtin, a socket constant or a
/// variable the line itself sets first (`x = 1; x + 1`). A line that reads a
/// variable of an earlier line (`c.recv(1024)`, `_`) needs the session.
pub fn runs_on_its_own(input: &str) -> bool {
    let is_command = |name: &str| match name.split_once('.') {
        Some((_, method)) => {
            socket_methods::find(method).is_some()
                || text_methods::STR_METHODS.contains(&method)
                || text_methods::BYTES_METHODS.contains(&method)
        }
        None => commands::find(name).is_some() || builtins::is_builtin(name),
    };
    let mut bound: Vec<String> = Vec::new();
    for input in split_statements(input).into_iter().map(str::trim) {
        let Ok(statement) = parse_line(input, &is_command) else {
            return false;
        };
        let mut read = Vec::new();
        match &statement {
            Statement::Eval(e) => names_read(e, &mut read),
            Statement::Assign(name, e) => {
                names_read(e, &mut read);
                bound.push(name.clone());
            }
            Statement::Unpack(names, e) => {
                names_read(e, &mut read);
                bound.extend(names.iter().cloned());
            }
            _ => {}
        }
        let defined = |name: &String| {
            bound.contains(name)
                || (name != "_"
                    && (commands::find(name).is_some()
                        || builtins::is_builtin(name)
                        || socket_constants::find(name).is_some()))
        };
        if !read.iter().all(defined) {
            return false;
        }
    }
    true
}

/// The plain names an expression reads (not those it calls as commands, nor
/// those a lambda or comprehension binds for itself).
fn names_read(expr: &Expr, read: &mut Vec<String>) {
    let mut inner = Vec::new();
    let bound: Vec<String> = match expr {
        Expr::Name { name, qualified } => {
            if !qualified {
                read.push(name.clone());
            }
            return;
        }
        Expr::Call { callee, args } => {
            if !matches!(callee.as_ref(), Expr::Name { .. }) {
                names_read(callee, read);
            }
            for arg in args {
                match arg {
                    Arg::Positional(e) | Arg::Keyword(_, e) | Arg::Star(e) => names_read(e, read),
                }
            }
            return;
        }
        Expr::Lambda(lambda) => lambda.params.clone(),
        Expr::Comprehension(c) => {
            let mut names = Vec::new();
            for clause in &c.clauses {
                target_names(&clause.target, &mut names);
            }
            names
        }
        _ => Vec::new(),
    };
    for child in expr.children() {
        names_read(child, &mut inner);
    }
    read.extend(inner.into_iter().filter(|name| !bound.contains(name)));
}

/// The names a `for` target binds (`a, *rest`).
fn target_names(target: &Target, names: &mut Vec<String>) {
    match target {
        Target::Name(name) | Target::Starred(name) => names.push(name.clone()),
        Target::Tuple(items) => items.iter().for_each(|t| target_names(t, names)),
        Target::Index(..) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_runs_on_its_own_unless_it_reads_an_earlier_lines_variable() {
        for alone in [
            "inet_aton 192.168.1.1",
            "socket.inet_aton(\"10.0.0.1\")",
            "mine = interfaces",
            "x = 1; x + 1",
            "getaddrinfo localhost 80 AF_INET SOCK_STREAM",
            "ipinfo(get_ip_4())['kind']",
        ] {
            assert!(runs_on_its_own(alone), "{alone}");
        }
        for needs_more in ["mine[0]", "c.recv(1024)", "s.close()", "_", "inet_aton("] {
            assert!(!runs_on_its_own(needs_more), "{needs_more}");
        }
    }
}
