//! Turning a lesson file into a book chapter: the front matter goes, runnable
//! blocks become terminal sessions, exercises become boxes with their hints
//! folded away, and command names and concepts in the prose link to the
//! reference. The output is still Markdown (with HTML blocks), so mdBook
//! renders everything else as it would any chapter.

use std::collections::{HashMap, HashSet};

use super::blocks;
use crate::commands;
pub use crate::course::html::escape;
use crate::course::lessons::parse::{Exercise, Lesson};

/// One input line of a session and the output shown under it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownStep {
    pub input: String,
    pub output: Vec<String>,
}

/// What a runnable block shows: live output, or the recorded output of a
/// block that was not run (or failed), with why.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub steps: Vec<ShownStep>,
    pub format: Option<String>,
    /// A `needs=lab` block: its lines are typed in the lab.
    pub in_lab: bool,
    pub recorded_because: Option<String>,
    /// Where output that shows the machine came from.
    pub machine_note: Option<String>,
}

/// Where prose links go: the reference page's entries and the concepts of
/// the glossary (lowercase term to the command that shows it).
pub struct Linker<'a> {
    pub reference_page: &'a str,
    pub concepts: &'a HashMap<String, String>,
}

/// The chapter text of a lesson; `sessions` holds one entry per runnable
/// block, in order.
pub fn lesson_chapter(lesson: &Lesson, sessions: &[Session], linker: &Linker) -> String {
    let exercises: Vec<&Exercise> = lesson.exercises().collect();
    chapter_text(&lesson.source, sessions, &exercises, &lesson.id, linker)
}

/// The chapter text of any Markdown page with runnable blocks (a lesson, or
/// a page of the book such as the introduction).
pub fn chapter_text(
    source: &str,
    sessions: &[Session],
    exercises: &[&Exercise],
    lesson_id: &str,
    linker: &Linker,
) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let body_start = front_matter_lines(&lines);
    let mut out = String::new();
    let mut sessions = sessions.iter();
    // Command names are linked once per section, so the prose stays readable.
    let mut linked: HashSet<String> = HashSet::new();
    let mut n = body_start;
    while n < lines.len() {
        let line = lines[n];
        let Some(info) = line.trim_start().strip_prefix("```") else {
            if line.starts_with('#') {
                if line.starts_with("## ") {
                    linked.clear();
                }
                out.push_str(line);
            } else {
                out.push_str(&link_prose(line, linker, &mut linked));
            }
            out.push('\n');
            n += 1;
            continue;
        };
        // The same fence rule as `transcript::extract_blocks`: any line
        // starting with three backticks closes the block.
        let close = (n + 1..lines.len())
            .find(|&m| lines[m].trim_start().starts_with("```"))
            .unwrap_or(lines.len());
        let tag = info.split_whitespace().next().unwrap_or_default();
        match tag {
            "netrepl" => {
                if let Some(session) = sessions.next() {
                    out.push_str(&session_html(session));
                }
            }
            "exercise" => {
                if let Some(exercise) = exercises.iter().find(|e| e.line == n + 1) {
                    out.push_str(&exercise_html(exercise, lesson_id));
                }
            }
            _ => {
                for kept in &lines[n..(close + 1).min(lines.len())] {
                    out.push_str(kept);
                    out.push('\n');
                }
            }
        }
        n = close + 1;
    }
    out
}

/// How many lines the front matter takes, closing `---` included.
fn front_matter_lines(lines: &[&str]) -> usize {
    if lines.first().map(|l| l.trim()) != Some("---") {
        return 0;
    }
    lines
        .iter()
        .skip(1)
        .position(|l| l.trim() == "---")
        .map_or(0, |n| n + 2)
}

/// The command a code span names: `inet_aton`, `inet_aton 10.0.0.1` or
/// `socket.inet_aton("10.0.0.1")` all name `inet_aton`.
pub fn command_in_code(code: &str) -> Option<&'static str> {
    let word = code
        .split([' ', '('])
        .next()
        .unwrap_or_default()
        .trim_start_matches("socket.");
    commands::find(word).map(|c| c.name)
}

/// Links the first mention of each command (a code span) and every bold
/// concept of the glossary to the reference. Spans already inside a link
/// are left alone.
fn link_prose(line: &str, linker: &Linker, linked: &mut HashSet<String>) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(['`', '*']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let inside_link = before.ends_with('[');
        if let Some(body) = from.strip_prefix("**")
            && let Some(end) = body.find("**")
        {
            let term = &body[..end];
            let span = &from[..end + 4];
            let after = &body[end + 2..];
            match concept_command(term, linker.concepts) {
                Some(command) if !inside_link && !after.starts_with("](") => {
                    out.push_str(&format!("[{span}]({}#{command})", linker.reference_page));
                }
                _ => out.push_str(span),
            }
            rest = after;
            continue;
        }
        if let Some(body) = from.strip_prefix('`')
            && !body.starts_with('`')
            && let Some(end) = body.find('`')
        {
            let code = &body[..end];
            let span = &from[..end + 2];
            let after = &body[end + 1..];
            match command_in_code(code) {
                Some(command)
                    if !inside_link
                        && !after.starts_with("](")
                        && linked.insert(command.into()) =>
                {
                    out.push_str(&format!("[{span}]({}#{command})", linker.reference_page));
                }
                _ => out.push_str(span),
            }
            rest = after;
            continue;
        }
        // A lone marker, or a run of backticks: copy it through unchanged.
        let run = from
            .find(|c: char| c != from.chars().next().unwrap_or('`'))
            .unwrap_or(from.len());
        out.push_str(&from[..run]);
        rest = &from[run..];
    }
    out.push_str(rest);
    out
}

/// The command a bold term stands for, if the glossary defines it
/// (plurals included: **datagrams** is **datagram**).
fn concept_command<'a>(term: &str, concepts: &'a HashMap<String, String>) -> Option<&'a str> {
    let term = term.to_lowercase();
    concepts
        .get(&term)
        .or_else(|| concepts.get(term.strip_suffix('s')?))
        .map(String::as_str)
}

/// The shell line that runs one input: `netrepl -c "inet_aton 192.168.1.1"`,
/// or `sudo netrepl --lab -c "..."` for a line of the lab. Double quotes when
/// nothing in the line is special inside them, else single quotes, so the
/// line pastes into sh, bash or zsh unchanged.
pub fn one_liner(input: &str, format: Option<&str>, in_lab: bool) -> String {
    let quoted = if input.contains(['"', '$', '`', '\\', '!']) {
        format!("'{}'", input.replace('\'', r"'\''"))
    } else {
        format!("\"{input}\"")
    };
    let program = if in_lab {
        "sudo netrepl --lab"
    } else {
        "netrepl"
    };
    match format {
        Some(f) if f != "pretty" => format!("{program} --format {f} -c {quoted}"),
        _ => format!("{program} -c {quoted}"),
    }
}

/// A runnable block as a terminal session. The HTML has no blank line, so
/// Markdown keeps it as one HTML block; output line breaks are `&#10;`.
pub fn session_html(session: &Session) -> String {
    // `:format NAME` inside a block changes the format of the lines after it.
    let mut format = session.format.clone();
    let mut html = String::from("\n<div class=\"netrepl-session\">\n");
    html.push_str("<div class=\"netrepl-bar\"><span class=\"netrepl-title\">netrepl");
    if let Some(f) = format.as_deref().filter(|f| *f != "pretty") {
        html.push_str(&format!(" --format {}", escape(f)));
    }
    html.push_str("</span></div>\n");
    for step in &session.steps {
        html.push_str(
            "<div class=\"netrepl-input\"><span class=\"netrepl-prompt\">&gt;&gt;&gt; </span>",
        );
        html.push_str(&format!(
            "<span class=\"netrepl-command\">{}</span>",
            escape(&step.input)
        ));
        let input = step.input.trim();
        if let Some(name) = input.strip_prefix(":format ") {
            format = Some(name.trim().to_string());
        }
        // A comment or a setting does nothing on its own: no buttons. The
        // one-liner only for a line that runs without the lines before it.
        if !input.is_empty() && !input.starts_with(['#', ':']) {
            html.push_str(&format!(
                "<span class=\"netrepl-buttons\"><button type=\"button\" class=\"netrepl-copy\" data-copy=\"{}\" title=\"Copy the command\" aria-label=\"Copy the command\">copy</button>",
                escape(input)
            ));
            if blocks::runs_on_its_own(input) {
                let line = one_liner(input, format.as_deref(), session.in_lab);
                let label = if session.in_lab {
                    "sudo netrepl --lab -c"
                } else {
                    "netrepl -c"
                };
                html.push_str(&format!(
                    "<button type=\"button\" class=\"netrepl-copy netrepl-copy-oneliner\" data-copy=\"{}\" title=\"Copy the one-liner: {}\" aria-label=\"Copy the one-liner\">{label}</button>",
                    escape(&line),
                    escape(&line)
                ));
            }
            html.push_str("</span>");
        }
        html.push_str("</div>\n");
        if !step.output.is_empty() {
            let text: Vec<String> = step.output.iter().map(|l| escape(l)).collect();
            html.push_str(&format!(
                "<pre class=\"netrepl-output\">{}</pre>\n",
                text.join("&#10;")
            ));
        }
    }
    if let Some(note) = &session.machine_note {
        html.push_str(&format!(
            "<div class=\"netrepl-machine\">{}</div>\n",
            escape(note)
        ));
    }
    if let Some(why) = &session.recorded_because {
        html.push_str(&format!(
            "<div class=\"netrepl-recorded\">Recorded output, not run when the book was built: {}. \u{2026} stands for text that differs between machines.</div>\n",
            escape(why)
        ));
    }
    html.push_str("</div>\n\n");
    html
}

/// Recorded output as it is shown: wildcards become an ellipsis, and the
/// lines of a step that have wildcards keep their columns: the text before
/// each wildcard is padded to the widest text in that place on those lines,
/// so what follows a wildcard lines up as the live table's columns would.
pub fn recorded_output(expected: &[String]) -> Vec<String> {
    let pieces = |line: &str| -> Option<Vec<String>> {
        (line != "..." && line.contains("[..]"))
            .then(|| line.split("[..]").map(str::to_string).collect())
    };
    let tables: Vec<Vec<String>> = expected.iter().filter_map(|l| pieces(l)).collect();
    let mut widths: Vec<usize> = Vec::new();
    if tables.len() > 1 {
        for row in &tables {
            for (i, piece) in row.iter().enumerate().take(row.len() - 1) {
                if widths.len() <= i {
                    widths.push(0);
                }
                widths[i] = widths[i].max(piece.chars().count());
            }
        }
    }
    expected
        .iter()
        .map(|line| {
            if line == "..." {
                return "\u{2026}".to_string();
            }
            let Some(row) = pieces(line) else {
                return line.clone();
            };
            let last = row.len() - 1;
            let mut out = String::new();
            for (i, piece) in row.iter().enumerate() {
                out.push_str(piece);
                if i < last {
                    let width = widths.get(i).copied().unwrap_or(0);
                    let pad = width.saturating_sub(piece.chars().count());
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push('\u{2026}');
                }
            }
            out
        })
        .collect()
}

/// An exercise as a box: the task, what the tutorial checks, and the hints
/// folded one by one. Blank lines around the Markdown parts let mdBook
/// render their inline code and links.
pub fn exercise_html(exercise: &Exercise, lesson_id: &str) -> String {
    let mut html = format!(
        "\n<div class=\"netrepl-exercise\" id=\"exercise-{}\">\n<div class=\"netrepl-exercise-title\">Exercise</div>\n\n{}\n\n",
        escape(&exercise.id),
        exercise.task
    );
    // The expected result is never shown: only the hints, folded, may lead
    // to the line to type.
    html.push_str(&format!(
        "<p class=\"netrepl-exercise-check\">Try it in the tutorial (<code>netrepl --lesson {}</code>): it checks the <code>{}</code> line you type and what it gives back.</p>\n\n",
        escape(lesson_id),
        escape(&exercise.command),
    ));
    for (n, hint) in exercise.hints.iter().enumerate() {
        html.push_str(&format!(
            "<details class=\"netrepl-hint\"><summary>Hint {}</summary>\n\n{hint}\n\n</details>\n\n",
            n + 1
        ));
    }
    html.push_str("</div>\n\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_liners_quote_for_the_shell() {
        assert_eq!(
            one_liner("inet_aton 192.168.1.1", None, false),
            "netrepl -c \"inet_aton 192.168.1.1\""
        );
        assert_eq!(
            one_liner("socket.inet_aton(\"10.0.0.1\")", Some("python"), false),
            "netrepl --format python -c 'socket.inet_aton(\"10.0.0.1\")'"
        );
        assert_eq!(
            one_liner("x = \"it's\"", None, false),
            "netrepl -c 'x = \"it'\\''s\"'"
        );
        assert_eq!(
            one_liner("lab status", None, true),
            "sudo netrepl --lab -c \"lab status\""
        );
    }

    #[test]
    fn prose_links_commands_once_and_concepts_always() {
        let concepts = HashMap::from([("packing".to_string(), "inet_aton".to_string())]);
        let linker = Linker {
            reference_page: "reference.md",
            concepts: &concepts,
        };
        let mut linked = HashSet::new();
        let line = "Use `inet_aton` for **packing**, and `inet_aton 1.2.3.4` again; `x`.";
        assert_eq!(
            link_prose(line, &linker, &mut linked),
            "Use [`inet_aton`](reference.md#inet_aton) for [**packing**](reference.md#inet_aton), and `inet_aton 1.2.3.4` again; `x`."
        );
        let mut fresh = HashSet::new();
        assert_eq!(
            link_prose(
                "[`inet_aton`](x.md) ```` ```netrepl ````",
                &linker,
                &mut fresh
            ),
            "[`inet_aton`](x.md) ```` ```netrepl ````"
        );
    }

    #[test]
    fn recorded_tables_keep_their_columns() {
        let lines: Vec<String> = ["address[..]state", "...", "10.77.0.10[..]lab0  REACHABLE"]
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(
            recorded_output(&lines),
            [
                "address   \u{2026}state",
                "\u{2026}",
                "10.77.0.10\u{2026}lab0  REACHABLE"
            ]
        );
        let one = vec!["time=[..] ms".to_string(), "  two  spaces".to_string()];
        assert_eq!(recorded_output(&one), ["time=\u{2026} ms", "  two  spaces"]);
    }

    #[test]
    fn sessions_have_no_blank_line_inside() {
        let session = Session {
            steps: vec![ShownStep {
                input: "inet_aton 1.2.3.4".into(),
                output: vec!["a".into(), String::new(), "<b>".into()],
            }],
            format: None,
            in_lab: false,
            recorded_because: None,
            machine_note: None,
        };
        let html = session_html(&session);
        assert!(!html.trim().contains("\n\n"), "{html}");
        assert!(html.contains("a&#10;&#10;&lt;b&gt;"));
        assert!(html.contains("data-copy=\"netrepl -c &quot;inet_aton 1.2.3.4&quot;\""));
    }
}
