//! Internal links: which pages and anchors a book has, and which links in a
//! chapter point nowhere. mdBook itself lets a broken link through; a book
//! built from lessons must not.

use std::collections::{HashMap, HashSet};

/// A link found in a page, with the 1-based line it is on.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub line: usize,
    pub target: String,
}

/// Every link target in Markdown text: `[text](target)` and HTML
/// `href="target"`, outside fenced code blocks and code spans.
pub fn links_in(markdown: &str) -> Vec<Link> {
    let mut links = Vec::new();
    for (n, line) in prose_lines(markdown) {
        let line = without_code_spans(line);
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            let target = after[..end].split_whitespace().next().unwrap_or_default();
            links.push(Link {
                line: n,
                target: target.trim_matches(['<', '>']).to_string(),
            });
            rest = &after[end..];
        }
        let mut rest = line.as_str();
        while let Some(at) = rest.find("href=\"") {
            let after = &rest[at + 6..];
            let end = after.find('"').unwrap_or(after.len());
            links.push(Link {
                line: n,
                target: after[..end].to_string(),
            });
            rest = &after[end..];
        }
    }
    links
}

/// The anchors a page has: its headings' ids as mdBook makes them (explicit
/// `{#id}` or from the text, `-1`, `-2` for repeats) and HTML `id="..."`.
pub fn anchors_in(markdown: &str) -> HashSet<String> {
    let mut anchors = HashSet::new();
    for (_, line) in prose_lines(markdown) {
        if let Some(heading) = line.strip_prefix('#') {
            let text = heading.trim_start_matches('#').trim();
            let id = match text.rsplit_once("{#") {
                Some((_, explicit)) => explicit.trim_end_matches('}').trim().to_string(),
                None => id_from_heading(text),
            };
            let mut unique = id.clone();
            let mut counter = 1;
            while !anchors.insert(unique.clone()) {
                unique = format!("{id}-{counter}");
                counter += 1;
            }
        }
        let mut rest = line;
        while let Some(at) = rest.find(" id=\"") {
            let after = &rest[at + 5..];
            let end = after.find('"').unwrap_or(after.len());
            anchors.insert(after[..end].to_string());
            rest = &after[end..];
        }
    }
    anchors
}

/// mdBook's heading ids: the text without Markdown, lowercased, spaces to
/// dashes, only letters, digits, `_` and `-` kept.
pub fn id_from_heading(text: &str) -> String {
    let plain = strip_markdown(text);
    plain
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The visible text of a heading: link targets and emphasis marks dropped.
fn strip_markdown(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        rest = after.find(')').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out.replace(['[', ']', '`', '*'], "")
}

/// Lines outside fenced code blocks, numbered from 1.
fn prose_lines(markdown: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for (n, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            lines.push((n + 1, line));
        }
    }
    lines
}

/// A line with the insides of its code spans blanked, so `[a](b)` written
/// as an example in code is not taken for a link.
fn without_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Why a link from `page` is broken, or `None` when it leads somewhere.
/// `pages` maps each page (`host-names.md`) to its anchors.
pub fn broken(
    page: &str,
    target: &str,
    pages: &HashMap<String, HashSet<String>>,
) -> Option<String> {
    if target.is_empty() {
        return Some("a link has an empty target".into());
    }
    if target.contains("://") || target.starts_with("mailto:") || target.starts_with('/') {
        return None;
    }
    let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
    let file = if file.is_empty() {
        page.to_string()
    } else {
        resolve(page, file)
    };
    let file = match file.strip_suffix(".html") {
        Some(stem) => format!("{stem}.md"),
        None => file,
    };
    let Some(anchors) = pages.get(&file) else {
        return Some(format!(
            "the link `{target}` leads to {file}, which is not a page of the book"
        ));
    };
    if !anchor.is_empty() && !anchors.contains(anchor) {
        return Some(format!(
            "the link `{target}` names #{anchor}, which {file} does not have"
        ));
    }
    None
}

/// `file` relative to the directory of `page`, with `..` resolved.
fn resolve(page: &str, file: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in file.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_become_mdbook_ids() {
        let anchors = anchors_in(
            "# Packing addresses\n## IPv4 only: inet_aton and inet_ntoa\n## Exercises\n## Exercises\n### `htons` {#htons}\n```\n# not a heading\n```\n<div id=\"x\">",
        );
        for id in [
            "packing-addresses",
            "ipv4-only-inet_aton-and-inet_ntoa",
            "exercises",
            "exercises-1",
            "htons",
            "x",
        ] {
            assert!(anchors.contains(id), "{id} in {anchors:?}");
        }
        assert!(!anchors.contains("not-a-heading"));
    }

    #[test]
    fn broken_links_are_found_and_good_ones_pass() {
        let pages = HashMap::from([
            (
                "reference.md".to_string(),
                HashSet::from(["htons".to_string()]),
            ),
            ("host-names.md".to_string(), HashSet::new()),
        ]);
        assert_eq!(broken("host-names.md", "reference.md#htons", &pages), None);
        assert_eq!(broken("host-names.md", "https://example.org", &pages), None);
        assert!(broken("host-names.md", "reference.md#nothing", &pages).is_some());
        assert!(broken("host-names.md", "missing.md", &pages).is_some());
        let links =
            links_in("see [x](reference.md#htons) and `[y](z.md)`\n<a href=\"host-names.md\">");
        let targets: Vec<&str> = links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["reference.md#htons", "host-names.md"]);
    }
}
