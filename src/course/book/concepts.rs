//! The concepts of the glossary, read from the glossary page itself so the
//! two cannot disagree: each `## Term` entry names the command that shows
//! it with a link to that command's reference entry, and a lesson's bold
//! **term** then links there too.

use std::collections::HashMap;

use super::reference;

/// Lowercase term (and any `<!-- also: a, b -->` aliases) to command name.
pub fn from_glossary(markdown: &str) -> HashMap<String, String> {
    let mut concepts = HashMap::new();
    let mut terms: Vec<String> = Vec::new();
    let mut command: Option<String> = None;
    let mut finish = |terms: &mut Vec<String>, command: &mut Option<String>| {
        if let Some(command) = command.take() {
            for term in terms.iter() {
                concepts.insert(term.clone(), command.clone());
            }
        }
        terms.clear();
    };
    for line in markdown.lines() {
        if let Some(term) = line.strip_prefix("## ") {
            finish(&mut terms, &mut command);
            let term = term.split(" {#").next().unwrap_or(term);
            terms.push(term.trim().to_lowercase());
        } else if let Some(also) = line
            .trim()
            .strip_prefix("<!-- also:")
            .and_then(|rest| rest.strip_suffix("-->"))
        {
            terms.extend(also.split(',').map(|t| t.trim().to_lowercase()));
        } else if command.is_none()
            && !terms.is_empty()
            && let Some(at) = line.find(&format!("{}#", reference::PAGE))
        {
            let rest = &line[at + reference::PAGE.len() + 1..];
            let end = rest.find([')', '"']).unwrap_or(rest.len());
            command = Some(rest[..end].to_string());
        }
    }
    finish(&mut terms, &mut command);
    concepts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_map_terms_and_aliases_to_their_command() {
        let glossary = "# Glossary\n\n## Packing\n<!-- also: unpacking -->\n\nText. Shown by [`inet_aton`](reference.md#inet_aton).\n\n## Nothing shown\n\nNo command.\n";
        let concepts = from_glossary(glossary);
        assert_eq!(
            concepts.get("packing").map(String::as_str),
            Some("inet_aton")
        );
        assert_eq!(
            concepts.get("unpacking").map(String::as_str),
            Some("inet_aton")
        );
        assert!(!concepts.contains_key("nothing shown"));
    }
}
