//! The line editor's history, kept in `history` in the data directory, read
//! and written here rather than by rustyline so the file is handled like the
//! learner's other files (`session::data_files`): never through a symlink,
//! never a FIFO or a huge file, replaced whole and at once. Each session
//! appends only the lines it added, under a lock, so two sessions' lines are
//! both kept rather than the last one to exit writing over the other's.
//!
//! The format is rustyline's, so older files still load: a `#V2` line, then
//! one entry a line with `\` written `\\` and a line break `\n`.

use std::path::Path;

use crate::session::data_files::{self, FileLock, ReadError};

pub const FILE_NAME: &str = "history";
/// How many lines the file keeps; older ones are dropped when it is written.
pub const LIMIT: usize = 5000;
const HEADER: &str = "#V2";

fn escape(entry: &str) -> String {
    entry.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some('n')) => {
                out.push('\n');
                chars.next();
            }
            ('\\', Some('\\')) => {
                out.push('\\');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

pub fn parse(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| *line != HEADER && !line.is_empty())
        .map(unescape)
        .collect()
}

pub fn render(entries: &[String]) -> String {
    let mut text = format!("{HEADER}\n");
    for entry in entries {
        text.push_str(&escape(entry));
        text.push('\n');
    }
    text
}

/// The saved lines, oldest first; a file that cannot be used is reported
/// on stderr and left as it is.
pub fn load(path: &Path) -> Vec<String> {
    match data_files::read_regular_text(path, data_files::MAX_FILE_BYTES) {
        Ok(text) => parse(&text),
        Err(ReadError::Missing) => Vec::new(),
        Err(why) => {
            eprintln!(
                "netrepl: not using the history in {} ({why}); this session's lines will not be saved there",
                path.display()
            );
            Vec::new()
        }
    }
}

/// Adds this session's `new` lines to the end of the file as it is now.
pub fn append(path: &Path, new: &[String]) -> Result<(), String> {
    if new.is_empty() {
        return Ok(());
    }
    let _lock = FileLock::acquire(path).map_err(|e| format!("cannot lock it: {e}"))?;
    let mut entries = match data_files::read_regular_text(path, data_files::MAX_FILE_BYTES) {
        Ok(text) => parse(&text),
        Err(ReadError::Missing) => Vec::new(),
        Err(why) => return Err(format!("it is left as it is: {why}")),
    };
    entries.extend(new.iter().cloned());
    let keep_from = entries.len().saturating_sub(LIMIT);
    data_files::write_atomically(path, render(&entries[keep_from..]).as_bytes())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_breaks_and_backslashes_survive_the_file() {
        let entries = vec![
            "inet_aton 127.0.0.1".to_string(),
            "for x in y:\n    print(x)".to_string(),
            "b'\\x00\\n'".to_string(),
        ];
        assert_eq!(parse(&render(&entries)), entries);
    }
}
