//! A teacher's lesson text reaches the learner's terminal, which obeys
//! control characters: ESC can move the cursor, rewrite the screen, set the
//! window title or, on some terminals, answer back as if typed. Lesson text
//! (and anything `lessons check` prints about it) goes through [`sanitize`]
//! first, so it shows as text and never acts.

use std::fmt::Write;

/// Whether `c` would act on a terminal rather than show: the C0 controls and
/// DEL, the C1 controls, and the marks that reorder text (bidi overrides).
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_visible(out: &mut String, c: char) {
    if (c as u32) < 0x100 {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:04x}}}", c as u32);
    }
}

/// The text with every control character but line breaks and tabs written
/// out (`\x1b`), so it can be seen for what it is.
pub fn sanitize(text: &str) -> String {
    if !text
        .chars()
        .any(|c| acts_on_terminal(c) && c != '\n' && c != '\t')
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if acts_on_terminal(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Like [`sanitize`], for text that must stay on one line (a file name).
pub fn sanitize_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if acts_on_terminal(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_show_and_line_breaks_stay() {
        assert_eq!(
            sanitize("a\x1b]0;owned\x07b\n\tc\u{9b}2J\r"),
            "a\\x1b]0;owned\\x07b\n\tc\\x9b2J\\x0d"
        );
        assert_eq!(sanitize("plain ── ▶ text"), "plain ── ▶ text");
        assert_eq!(sanitize_line("x\ny"), "x\\x0ay");
        assert_eq!(sanitize("a\u{202e}b"), "a\\u{202e}b");
    }
}
