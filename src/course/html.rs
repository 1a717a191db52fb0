//! Text made safe for HTML, shared by the book's pages, its lab figure (SVG)
//! and the class report, so there is one escaping rule to get right.

/// Escapes text for HTML (and SVG) content and attribute values; control
/// characters other than newline and tab, which no page should carry, become
/// U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_quotes_and_controls_are_escaped() {
        assert_eq!(
            escape("<a href='x'>\"&\u{1b}\n"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;\u{FFFD}\n"
        );
    }
}
