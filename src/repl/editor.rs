//! The line editor's helper: Tab completion of commands, constants and
//! variables, a greyed signature hint, and colouring of what is typed.

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::commands;
use crate::commands::socket_constants;
use crate::commands::socket_methods;
use crate::python::builtins;
use crate::python::syntax::blocks;

/// Words the REPL itself understands besides commands.
const SESSION_WORDS: &[&str] = &["help", "exit", "quit", ":format", ":vars", ":quit"];

pub struct LineHelper {
    pub colour: bool,
    /// The session's variable names, refreshed after every line.
    pub variables: Vec<String>,
    /// The variables that hold sockets, whose methods `s.<Tab>` completes.
    pub sockets: Vec<String>,
    /// The variables that hold str or bytes, with their methods.
    pub texts: Vec<(String, &'static [&'static str])>,
}

impl LineHelper {
    fn candidates(&self) -> impl Iterator<Item = &str> {
        commands::all()
            .iter()
            .map(|c| c.name)
            .chain(socket_constants::CONSTANTS.iter().map(|c| c.name))
            .chain(SESSION_WORDS.iter().copied())
            .chain(builtins::NAMES.iter().copied())
            .chain(crate::python::iterables::NAMES.iter().copied())
            .chain(self.variables.iter().map(String::as_str))
    }
}

/// Start of the word that ends at `pos` (words hold names, `:` and `.`).
fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

impl LineHelper {
    /// The method names of the value in variable `var`: a socket's, or those
    /// of str and bytes.
    fn methods_of(&self, var: &str) -> Option<Vec<&'static str>> {
        if self.sockets.iter().any(|s| s == var) {
            return Some(socket_methods::METHODS.iter().map(|m| m.name).collect());
        }
        let (_, names) = self.texts.iter().find(|(name, _)| name == var)?;
        Some(names.to_vec())
    }

    /// `bufsize [flags]` for `conn.recv`, when `conn` holds a socket.
    fn method_parameters(&self, name: &str) -> Option<String> {
        let (var, method) = name.split_once('.')?;
        if !self.sockets.iter().any(|s| s == var) {
            return None;
        }
        let params = socket_methods::find(method)?.params.iter().map(|p| {
            if p.required {
                p.name.to_string()
            } else {
                format!("[{}]", p.name)
            }
        });
        Some(params.collect::<Vec<_>>().join(" "))
    }
}

impl Completer for LineHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let mut start = word_start(line, pos);
        let mut word = &line[start..pos];
        // `socket.AF_` completes the part after the module name.
        if let Some(rest) = word.strip_prefix("socket.") {
            start += "socket.".len();
            word = rest;
        }
        // `conn.re` and `data.de` complete the methods of a variable's value.
        if let Some((var, method)) = word.split_once('.')
            && let Some(names) = self.methods_of(var)
        {
            let pairs = names
                .into_iter()
                .filter(|m| m.starts_with(method))
                .map(|m| Pair {
                    display: m.to_string(),
                    replacement: m.to_string(),
                })
                .collect();
            return Ok((start + var.len() + 1, pairs));
        }
        let mut matches: Vec<&str> = self.candidates().filter(|c| c.starts_with(word)).collect();
        matches.sort_unstable();
        matches.dedup();
        let pairs = matches
            .into_iter()
            .map(|m| Pair {
                display: m.to_string(),
                replacement: m.to_string(),
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for LineHelper {
    type Hint = String;

    /// After a command name and a space (or parenthesis), the rest of its signature.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        let trimmed = line.trim_start();
        let end = trimmed.find([' ', '(']).unwrap_or(trimmed.len());
        let name = trimmed[..end].trim_start_matches("socket.");
        let rest = match commands::find(name) {
            Some(command) => command.signature()[command.name.len()..]
                .trim_start()
                .to_string(),
            None => self.method_parameters(name)?,
        };
        if rest.is_empty() {
            return None;
        }
        let typed_args = trimmed[end..].split_whitespace().count();
        if end == trimmed.len() {
            return Some(format!(" {rest}"));
        }
        if trimmed[end..].starts_with(' ') && typed_args == 0 {
            let pad = if line.ends_with(' ') { "" } else { " " };
            return Some(format!("{pad}{rest}"));
        }
        None
    }
}

impl Highlighter for LineHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colour || line.is_empty() {
            return Cow::Borrowed(line);
        }
        Cow::Owned(colour_line(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(format!("\x1b[90m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.colour && kind != CmdKind::ForcedRefresh
    }
}

/// Commands bold cyan, constants yellow, strings green, numbers magenta,
/// comments grey: a light touch, never changing the text's width.
fn colour_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let run_end = |pred: &dyn Fn(char) -> bool, from: usize| {
            let mut j = from;
            while j < chars.len() && pred(chars[j].1) {
                j += 1;
            }
            j
        };
        if c == '#' {
            out.push_str(&format!("\x1b[90m{}\x1b[0m", &line[at..]));
            break;
        } else if c == '\'' || c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != c {
                j += if chars[j].1 == '\\' { 2 } else { 1 };
            }
            let end = chars.get(j + 1).map_or(line.len(), |(n, _)| *n);
            out.push_str(&format!("\x1b[32m{}\x1b[0m", &line[at..end]));
            i = j + 1;
        } else if c.is_alphabetic() || c == '_' {
            let j = run_end(&|ch| ch.is_alphanumeric() || ch == '_', i);
            let end = chars.get(j).map_or(line.len(), |(n, _)| *n);
            let word = &line[at..end];
            let colour = if commands::find(word).is_some() {
                Some("1;36")
            } else if socket_constants::find(word).is_some() {
                Some("33")
            } else {
                None
            };
            match colour {
                Some(code) => out.push_str(&format!("\x1b[{code}m{word}\x1b[0m")),
                None => out.push_str(word),
            }
            i = j;
        } else if c.is_ascii_digit() {
            let j = run_end(
                &|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == ':',
                i,
            );
            let end = chars.get(j).map_or(line.len(), |(n, _)| *n);
            out.push_str(&format!("\x1b[35m{}\x1b[0m", &line[at..end]));
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// What the editor shows at the start of each further line of a block, as
/// Python's prompt does; it is taken out again before the block runs.
pub const CONTINUATION: &str = "... ";

/// The typed text without the continuation prompts the editor put in it.
pub fn without_continuation(text: &str) -> String {
    text.split('\n')
        .map(|line| line.strip_prefix(CONTINUATION).unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A block is done at an empty line; until then Enter starts a new line.
impl Validator for LineHelper {
    fn validate(
        &self,
        ctx: &mut rustyline::validate::ValidationContext,
    ) -> rustyline::Result<rustyline::validate::ValidationResult> {
        use rustyline::validate::ValidationResult;
        let text = without_continuation(ctx.input());
        Ok(if blocks::is_complete(&text) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

/// Enter in an unfinished block: a new line that starts with `... `.
pub struct ContinuationPrompt;

impl rustyline::ConditionalEventHandler for ContinuationPrompt {
    fn handle(
        &self,
        _: &rustyline::Event,
        _: rustyline::RepeatCount,
        _: bool,
        ctx: &rustyline::EventContext,
    ) -> Option<rustyline::Cmd> {
        let text = without_continuation(ctx.line());
        let at_end = ctx.pos() == ctx.line().len();
        (at_end && !blocks::is_complete(&text))
            .then(|| rustyline::Cmd::Insert(1, format!("\n{CONTINUATION}")))
    }
}

impl Helper for LineHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colouring_keeps_the_visible_text() {
        let line = "getaddrinfo('localhost', 80, family=AF_INET) # note";
        let coloured = colour_line(line);
        let mut plain = String::new();
        let mut in_escape = false;
        for c in coloured.chars() {
            match (in_escape, c) {
                (false, '\x1b') => in_escape = true,
                (true, 'm') => in_escape = false,
                (true, _) => {}
                (false, c) => plain.push(c),
            }
        }
        assert_eq!(plain, line);
    }

    #[test]
    fn tab_completes_builtins_and_the_methods_of_a_bytes_variable() {
        let helper = LineHelper {
            colour: false,
            variables: vec!["data".into()],
            sockets: Vec::new(),
            texts: vec![("data".into(), crate::python::text_methods::BYTES_METHODS)],
        };
        let history = rustyline::history::DefaultHistory::new();
        let context = Context::new(&history);
        let names = |line: &str| {
            let (start, pairs) = helper.complete(line, line.len(), &context).unwrap();
            (
                start,
                pairs.into_iter().map(|p| p.replacement).collect::<Vec<_>>(),
            )
        };
        assert_eq!(names("x = data.de"), (9, vec!["decode".to_string()]));
        assert_eq!(names("pri"), (0, vec!["print".to_string()]));
    }

    #[test]
    fn continuation_prompts_are_taken_out_before_running() {
        let typed = "for i in range(2):\n...     print(i)\n... ";
        assert_eq!(
            without_continuation(typed),
            "for i in range(2):\n    print(i)\n"
        );
        assert!(blocks::is_complete(&without_continuation(typed)));
        assert!(!blocks::is_complete(&without_continuation(
            "for i in range(2):\n...     print(i)"
        )));
    }

    #[test]
    fn word_start_finds_the_current_word() {
        assert_eq!(word_start("getaddrinfo x family=AF_IN", 26), 21);
        assert_eq!(word_start("socket.AF", 9), 0);
    }
}
