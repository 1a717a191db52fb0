//! Lesson Markdown rendered for a terminal: headings and bold in bold, code
//! spans in colour, lists with hanging indents, tables in aligned columns,
//! paragraphs wrapped to the width without cutting words. Without colour it
//! stays plain and readable (code keeps its backticks). Example sessions are
//! indented, their `[..]` and `...` wildcards shown as `…`, and a session in
//! `python` format says so. Exercise blocks are left to the tutor, which
//! shows their task in place.
//!
//! pulldown-cmark reads the Markdown; what is drawn is ours.

use crate::course::terminal::sanitize;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// How to draw: the width to wrap to, and whether colour is on.
#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    pub width: usize,
    pub colour: bool,
}

impl Terminal {
    /// The terminal standard output is on (80 columns when it is not one),
    /// with colour as the session has it.
    pub fn current(colour: bool) -> Terminal {
        let width = terminal_size::terminal_size()
            .map(|(w, _)| usize::from(w.0))
            .unwrap_or(80)
            .clamp(30, 100);
        Terminal { width, colour }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// What a fenced block is, from its info string.
fn fence_kind(info: &str) -> (&str, bool) {
    let mut words = info.split_whitespace();
    let kind = words.next().unwrap_or("");
    let python = words.any(|w| w == "format=python");
    (kind, python)
}

/// Builds the lines of one block-level element at a time.
struct Renderer {
    terminal: Terminal,
    out: Vec<String>,
    /// Inline text of the paragraph, heading or item being read.
    inline: String,
    /// Nested list counters: `None` for bullets, `Some(n)` for numbers.
    lists: Vec<Option<u64>>,
    /// The prefix of the current list item's first line, if any.
    item_prefix: Option<String>,
    heading: Option<HeadingLevel>,
    bold: usize,
    code_block: Option<(String, bool)>,
    code_text: String,
    table: Option<Table>,
    quote: usize,
    /// Called with each exercise block's body, so the tutor can show its task.
    exercises: Vec<String>,
}

#[derive(Default)]
struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    row: Vec<String>,
}

impl Renderer {
    fn indent(&self) -> String {
        let mut prefix = "│ ".repeat(self.quote);
        prefix.push_str(&"   ".repeat(self.lists.len().saturating_sub(1)));
        prefix
    }

    /// Ends the inline text: wrapped, with the item's marker on its first line.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.inline);
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let base = self.indent();
        let (first, rest) = match self.item_prefix.take() {
            Some(marker) => {
                let hang = " ".repeat(textwrap::core::display_width(&marker));
                (format!("{base}{marker}"), format!("{base}{hang}"))
            }
            None if !self.lists.is_empty() => {
                let hang = "   ".to_string();
                (format!("{base}{hang}"), format!("{base}{hang}"))
            }
            None => (base.clone(), base),
        };
        let options = textwrap::Options::new(self.terminal.width)
            .initial_indent(&first)
            .subsequent_indent(&rest)
            .break_words(false);
        for line in textwrap::wrap(text, options) {
            self.out.push(line.into_owned());
        }
    }

    fn blank(&mut self) {
        if self.out.last().is_some_and(|l| !l.is_empty()) {
            self.out.push(String::new());
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.blank();
                self.heading = Some(level);
            }
            Tag::Paragraph => {}
            Tag::Strong => {
                self.bold += 1;
                self.inline
                    .push_str(if self.terminal.colour { "\x1b[1m" } else { "" });
            }
            Tag::Emphasis if self.terminal.colour => self.inline.push_str("\x1b[3m"),
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "• ".to_string(),
                };
                self.item_prefix = Some(marker);
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let (kind, python) = fence_kind(&info);
                self.code_block = Some((kind.to_string(), python));
                self.code_text.clear();
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::Table(alignments) => {
                self.flush();
                self.blank();
                self.table = Some(Table {
                    alignments,
                    ..Table::default()
                });
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                let text = std::mem::take(&mut self.inline);
                let level = self.heading.take();
                let shown = match level {
                    Some(HeadingLevel::H1) | Some(HeadingLevel::H2) => {
                        self.terminal.paint("1;4", text.trim())
                    }
                    _ => self.terminal.paint("1", text.trim()),
                };
                self.out.push(shown);
                self.out.push(String::new());
            }
            TagEnd::Paragraph => {
                self.flush();
                if self.lists.is_empty() {
                    self.out.push(String::new());
                }
            }
            TagEnd::Strong => {
                self.bold = self.bold.saturating_sub(1);
                if self.terminal.colour {
                    self.inline.push_str("\x1b[22m");
                }
            }
            TagEnd::Emphasis if self.terminal.colour => self.inline.push_str("\x1b[23m"),
            TagEnd::Item => self.flush(),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.out.push(String::new());
                }
            }
            TagEnd::CodeBlock => self.end_code_block(),
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline).trim().to_string();
                if let Some(table) = &mut self.table {
                    table.row.push(cell);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.draw_table(table);
                }
            }
            _ => {}
        }
    }

    fn end_code_block(&mut self) {
        let Some((kind, python)) = self.code_block.take() else {
            return;
        };
        let body = std::mem::take(&mut self.code_text);
        if kind == "exercise" {
            self.exercises.push(body);
            // A marker the tutor replaces with the exercise's task and state.
            self.out
                .push(format!("\u{0}exercise:{}", self.exercises.len() - 1));
            self.out.push(String::new());
            return;
        }
        let indent = format!("{}    ", self.indent());
        if kind == "netrepl" && python {
            self.out.push(format!(
                "{}(shown as --format python prints it)",
                self.indent()
            ));
        }
        for line in body.lines() {
            let shown = if kind == "netrepl" {
                if line.trim() == "..." {
                    "…".to_string()
                } else {
                    line.replace("[..]", "…")
                }
            } else {
                line.to_string()
            };
            let shown = if kind == "netrepl" && shown.starts_with(">>> ") {
                self.terminal.paint("1", &shown)
            } else {
                shown
            };
            self.out.push(format!("{indent}{shown}"));
        }
        self.out.push(String::new());
    }

    fn draw_table(&mut self, table: Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for row in &table.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(textwrap::core::display_width(cell));
            }
        }
        let indent = self.indent();
        for (n, row) in table.rows.iter().enumerate() {
            let mut line = indent.clone();
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i).map(String::as_str).unwrap_or("");
                let pad = width.saturating_sub(textwrap::core::display_width(cell));
                let right = matches!(table.alignments.get(i), Some(Alignment::Right));
                let padded = if right {
                    format!("{}{cell}", " ".repeat(pad))
                } else {
                    format!("{cell}{}", " ".repeat(pad))
                };
                line.push_str(&padded);
                if i + 1 < columns {
                    line.push_str("  ");
                }
            }
            let line = line.trim_end().to_string();
            self.out.push(if n == 0 {
                self.terminal.paint("1", &line)
            } else {
                line
            });
        }
        self.out.push(String::new());
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if self.code_block.is_some() {
                    self.code_text.push_str(&text);
                } else {
                    self.inline.push_str(&text);
                }
            }
            Event::Code(code) => {
                let shown = if self.terminal.colour {
                    let restore = if self.bold > 0 { "\x1b[39m" } else { "\x1b[0m" };
                    format!("\x1b[36m{code}{restore}")
                } else {
                    format!("`{code}`")
                };
                self.inline.push_str(&shown);
            }
            Event::SoftBreak => self.inline.push(' '),
            Event::HardBreak => {
                self.flush();
            }
            Event::Rule => {
                self.flush();
                self.out.push("─".repeat(self.terminal.width.min(40)));
            }
            // Comments and other HTML are for the book, not the terminal.
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }
}

/// A lesson step's Markdown drawn for the terminal. Each exercise block
/// becomes whatever `exercise` returns for its body (its task and state).
pub fn render(
    markdown: &str,
    terminal: Terminal,
    exercise: &mut dyn FnMut(&str) -> String,
) -> String {
    // The text is a teacher's: its control characters show, never act.
    let text = sanitize(markdown);
    let mut renderer = Renderer {
        terminal,
        out: Vec::new(),
        inline: String::new(),
        lists: Vec::new(),
        item_prefix: None,
        heading: None,
        bold: 0,
        code_block: None,
        code_text: String::new(),
        table: None,
        quote: 0,
        exercises: Vec::new(),
    };
    for event in Parser::new_ext(
        &text,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        renderer.event(event);
    }
    renderer.flush();
    let bodies = std::mem::take(&mut renderer.exercises);
    let lines: Vec<String> = renderer
        .out
        .into_iter()
        .map(|line| match line.strip_prefix("\u{0}exercise:") {
            Some(index) => index
                .parse::<usize>()
                .ok()
                .and_then(|i| bodies.get(i))
                .map(|body| exercise(body))
                .unwrap_or_default(),
            None => line,
        })
        .collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(markdown: &str, width: usize) -> String {
        render(
            markdown,
            Terminal {
                width,
                colour: false,
            },
            &mut |body| {
                body.lines()
                    .find_map(|l| l.strip_prefix("task:"))
                    .map(|t| format!("  Exercise: {}", t.trim()))
                    .unwrap_or_default()
            },
        )
    }

    #[test]
    fn paragraphs_wrap_without_cutting_words_and_code_keeps_backticks() {
        let text = plain(
            "A socket is one end of a conversation, and `getaddrinfo` finds the addresses.",
            30,
        );
        for line in text.lines() {
            assert!(line.chars().count() <= 30, "{line:?}");
        }
        assert!(text.contains("`getaddrinfo`"), "{text}");
        assert!(!text.contains("getaddr\n"), "{text}");
    }

    #[test]
    fn lists_tables_and_sessions_are_drawn_for_people() {
        let text = plain(
            "- first\n- second item\n\n| name | port |\n|---|---:|\n| ssh | 22 |\n| https | 443 |\n\n```netrepl format=python\n>>> gethostname\n'[..]'\n...\n```\n\n```exercise\nid: x\ntask: Do it.\n```\n",
            60,
        );
        assert!(text.contains("• first\n• second item"), "{text}");
        assert!(
            text.contains("name   port\nssh      22\nhttps   443"),
            "{text}"
        );
        assert!(
            text.contains("(shown as --format python prints it)"),
            "{text}"
        );
        assert!(text.contains("    '…'\n    …"), "{text}");
        assert!(!text.contains("[..]"), "{text}");
        assert!(text.contains("  Exercise: Do it."), "{text}");
    }

    #[test]
    fn colour_styles_code_and_plain_text_carries_no_escapes() {
        let coloured = render(
            "Use `ping` **now**.",
            Terminal {
                width: 80,
                colour: true,
            },
            &mut |_| String::new(),
        );
        assert!(coloured.contains("\x1b[36mping"), "{coloured:?}");
        assert!(!plain("Use `ping` **now**.", 80).contains('\x1b'));
    }

    #[test]
    fn control_characters_in_a_lesson_are_made_visible() {
        let text = plain("Beware \x1b[2J\x07 this.", 80);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.contains("\\x1b"), "{text:?}");
    }
}
