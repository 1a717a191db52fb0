//! The layers of `src/`, from the ground up, and the rule that holds them
//! apart: a file may name its own layer and the layers below it, never one
//! above. The test reads every `.rs` file under `src/` and fails on any
//! `crate::` path (in a `use` or inline in code) that points upward, and on a
//! `super::` that climbs out of its layer; and on any circle of imports
//! between files, in a layer or across. There are no opt-outs.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers in order, lowest first: `(folder under src/, what it owns)`.
const LAYERS: &[(&str, &str)] = &[
    (
        "python",
        "the language: values and their repr, errors in Python's form, both syntaxes, operators, built-ins, str/bytes methods, codecs, IDNA",
    ),
    (
        "net",
        "the operating system: libc wrappers, resolver, ICMP and ping, the sweep and its guards, the socket table and practice servers, interfaces, the lab",
    ),
    (
        "commands",
        "the commands: the registry's types and one file per family, turning what the OS answers into Python values and errors",
    ),
    (
        "session",
        "the session: variables, running a parsed line against the registry, rendering in pretty/python/json, help",
    ),
    (
        "course",
        "the course: lessons, their parsing and checking, the tutor, progress, transcripts and the book",
    ),
    (
        "repl",
        "the line editor and the loops that read lines and show results",
    ),
];

/// `main.rs` and `lib.rs` sit above every layer and may name any of them.
const ROOT_FILES: &[&str] = &["main.rs", "lib.rs"];

fn layer_index(name: &str) -> Option<usize> {
    LAYERS.iter().position(|(layer, _)| *layer == name)
}

/// One reference that breaks the rule, for the failure message.
#[derive(Debug, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    text: String,
}

/// Source text with comments, strings and char literals blanked out (newlines
/// kept), so only code is read and line numbers still match.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('#') | Some('"')) && !ident_before(&chars, i) {
            // A raw string: r"..." or r#"..."#.
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let closing: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = j + 1;
            let rest: String = chars[body_start..].iter().collect();
            let end = rest.find(&closing).map_or(chars.len(), |at| {
                body_start + rest[..at].chars().count() + closing.len()
            });
            for &ch in &chars[i..end] {
                out.push(blank(ch));
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            let end = char_literal_end(&chars, i);
            for &ch in &chars[i..end] {
                out.push(blank(ch));
            }
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// `'a'`, `'\n'`, `'\u{1F600}'` (not a lifetime such as `'static`).
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

fn char_literal_end(chars: &[char], i: usize) -> usize {
    let mut j = i + 1;
    if chars.get(j) == Some(&'\\') {
        j += 2;
    } else {
        j += 1;
    }
    while j < chars.len() && chars[j] != '\'' {
        j += 1;
    }
    (j + 1).min(chars.len())
}

/// The first segments of every `crate::` path in `code`, with their line:
/// `crate::net::ping` gives `net`, `crate::{net::ffi, python}` gives both.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue; // `mycrate::`, not `crate::`
        }
        let line = code[..start].matches('\n').count() + 1;
        let rest = code[from..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            for name in top_level_names(group) {
                found.push((line, name));
            }
        } else {
            found.push((line, leading_ident(rest)));
        }
    }
    found
}

/// The names at the outer level of a `{...}` group (nested groups skipped).
fn top_level_names(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut expecting = true;
    let mut chars = group.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expecting = true,
            c if expecting && depth == 0 && (c.is_alphabetic() || c == '_') => {
                names.push(leading_ident(&group[at..]));
                expecting = false;
                while chars
                    .peek()
                    .is_some_and(|(_, c)| c.is_alphanumeric() || *c == '_')
                {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    names
}

fn leading_ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The layer a file under `src/` belongs to, `None` for the root files.
fn layer_of(relative: &Path) -> Result<Option<usize>, String> {
    let mut parts = relative.components();
    let first = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    if parts.next().is_none() {
        if ROOT_FILES.contains(&first.as_str()) {
            return Ok(None);
        }
        let module = first.trim_end_matches(".rs");
        return layer_index(module).map(Some).ok_or_else(|| {
            format!("src/{first} belongs to no layer: move it into one of {LAYER_NAMES:?}")
        });
    }
    layer_index(&first).map(Some).ok_or_else(|| {
        format!(
            "src/{} belongs to no layer: add `{first}` to LAYERS in tests/layers.rs, or move it into one",
            relative.display()
        )
    })
}

const LAYER_NAMES: [&str; 6] = ["python", "net", "commands", "session", "course", "repl"];

/// Every rule broken by one file, given its path under `src/` and its text.
fn violations_in(relative: &Path, source: &str) -> Result<Vec<Violation>, String> {
    let Some(own) = layer_of(relative)? else {
        return Ok(Vec::new());
    };
    let code = code_only(source);
    let file = format!("src/{}", relative.display());
    let mut found = Vec::new();
    for (line, name) in crate_paths(&code) {
        let target = match layer_index(&name) {
            Some(index) => index,
            None => {
                found.push(Violation {
                    file: file.clone(),
                    line,
                    text: format!("crate::{name} is not a layer; name the layer first"),
                });
                continue;
            }
        };
        if target > own {
            found.push(Violation {
                file: file.clone(),
                line,
                text: format!(
                    "{} (layer {}) reaches up to {} (layer {})",
                    LAYERS[own].0,
                    own + 1,
                    LAYERS[target].0,
                    target + 1
                ),
            });
        }
    }
    for (line, name) in super_paths_to_root(relative, &code) {
        let target = layer_index(&name);
        if target.is_none_or(|target| target > own) {
            found.push(Violation {
                file: file.clone(),
                line,
                text: format!(
                    "super:: climbs out of {} to `{name}`; name a layer below with crate::",
                    LAYERS[own].0
                ),
            });
        }
    }
    Ok(found)
}

/// The depth of a file's module: `python/mod.rs` is 1, `python/value.rs` 2.
fn module_depth(relative: &Path) -> usize {
    let parts = relative.components().count();
    if relative.ends_with("mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// The first names after every `super::` chain that climbs to the crate root,
/// counting the inline `mod name { ... }` blocks around it.
fn super_paths_to_root(relative: &Path, code: &str) -> Vec<(usize, String)> {
    let depth = module_depth(relative);
    let mut found = Vec::new();
    // Each open brace: whether it opened an inline module.
    let mut braces: Vec<bool> = Vec::new();
    let mut previous_words: [&str; 2] = ["", ""];
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let c = rest.chars().next().expect("in bounds");
        if c.is_alphabetic() || c == '_' {
            let word = leading_ident(rest);
            if word == "super" && !code[..at].ends_with("::") {
                let mut climbs = 0;
                let mut tail = rest;
                while let Some(after) = tail
                    .strip_prefix("super")
                    .and_then(|t| t.trim_start().strip_prefix("::"))
                {
                    climbs += 1;
                    tail = after.trim_start();
                }
                let inline = braces.iter().filter(|is_mod| **is_mod).count();
                if climbs > 0 && climbs >= depth + inline {
                    let line = code[..at].matches('\n').count() + 1;
                    if let Some(group) = tail.strip_prefix('{') {
                        found.extend(top_level_names(group).into_iter().map(|n| (line, n)));
                    } else {
                        found.push((line, leading_ident(tail)));
                    }
                }
            }
            previous_words = [previous_words[1], &code[at..at + word.len()]];
            at += word.len();
            continue;
        }
        match c {
            '{' => braces.push(previous_words[0] == "mod"),
            '}' => {
                braces.pop();
            }
            ';' => previous_words = ["", ""],
            _ => {}
        }
        if !c.is_whitespace() && c != '{' {
            previous_words = ["", ""];
        }
        at += c.len_utf8();
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_file_in_src_reaches_a_layer_above_its_own() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 20, "read the whole of src/");
    let mut problems = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&root).expect("under src/");
        let source = fs::read_to_string(path).expect("readable source");
        match violations_in(relative, &source) {
            Ok(found) => problems.extend(
                found
                    .into_iter()
                    .map(|v| format!("{}:{}: {}", v.file, v.line, v.text)),
            ),
            Err(why) => problems.push(why),
        }
    }
    assert!(
        problems.is_empty(),
        "imports must point down the layers {LAYER_NAMES:?}:\n{}",
        problems.join("\n")
    );
}

#[test]
fn src_has_only_the_layers_at_its_top() {
    let mut top: Vec<String> = fs::read_dir(src())
        .expect("src/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !ROOT_FILES.contains(&name.as_str()))
        .map(|name| name.trim_end_matches(".rs").to_string())
        .collect();
    top.sort();
    top.dedup();
    let mut layers: Vec<String> = LAYERS.iter().map(|(l, _)| l.to_string()).collect();
    layers.sort();
    assert_eq!(
        top, layers,
        "src/ holds the layers and main.rs/lib.rs, nothing else"
    );
    assert!(LAYERS.len() <= 8, "at most 8 top-level modules");
    assert_eq!(LAYER_NAMES.len(), LAYERS.len());
    for (name, owns) in LAYERS {
        assert!(LAYER_NAMES.contains(name));
        assert!(!owns.is_empty(), "{name}: say what the layer owns");
    }
}

#[test]
fn every_layer_says_what_it_owns_may_use_and_must_not() {
    for (name, _) in LAYERS {
        let module = src().join(name).join("mod.rs");
        let text = fs::read_to_string(&module)
            .unwrap_or_else(|_| fs::read_to_string(src().join(format!("{name}.rs"))).unwrap());
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("//!"),
            "src/{name}/mod.rs starts with a //! doc: what it owns, what it may use, what it must not"
        );
        let doc: String = text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        assert!(
            doc.contains("may use"),
            "src/{name}/mod.rs: say what the layer may use"
        );
        assert!(
            doc.contains("must not"),
            "src/{name}/mod.rs: say what the layer must not know"
        );
    }
}

#[test]
fn an_upward_path_is_caught_wherever_it_is_written() {
    let check = |file: &str, source: &str| {
        violations_in(Path::new(file), source)
            .expect("a file in a layer")
            .len()
    };
    assert_eq!(check("python/value.rs", "use crate::net::sockets;\n"), 1);
    assert_eq!(
        check("python/value.rs", "use crate::{python::error, repl};\n"),
        1
    );
    assert_eq!(
        check(
            "net/ping.rs",
            "fn f() { crate::session::Format::Pretty; }\n"
        ),
        1,
        "an inline path counts as much as a use"
    );
    assert_eq!(
        check(
            "commands/lab.rs",
            "use crate::{\n  net::lab,\n  course::x,\n};\n"
        ),
        1
    );
    assert_eq!(check("course/book/x.rs", "use crate::repl::data_dir;\n"), 1);
    assert_eq!(
        check("net/mod.rs", "use super::repl;\n"),
        1,
        "super:: out of a layer"
    );
    assert_eq!(check("net/ping.rs", "use super::super::repl::x;\n"), 1);
    assert_eq!(
        check(
            "net/ping.rs",
            "mod tests { use super::super::super::course; }\n"
        ),
        1
    );
}

#[test]
fn downward_paths_comments_and_strings_are_allowed() {
    let check = |file: &str, source: &str| {
        violations_in(Path::new(file), source)
            .expect("a file in a layer")
            .len()
    };
    assert_eq!(
        check(
            "repl/mod.rs",
            "use crate::{course, session, python::value};\n"
        ),
        0
    );
    assert_eq!(check("session/mod.rs", "use crate::session::help;\n"), 0);
    assert_eq!(
        check("net/ping.rs", "// see crate::repl for why\nfn f() {}\n"),
        0
    );
    assert_eq!(
        check("net/ping.rs", "const S: &str = \"crate::repl\";\n"),
        0
    );
    assert_eq!(
        check("net/ping.rs", "const S: &str = r#\"crate::repl\"#;\n"),
        0
    );
    assert_eq!(
        check("net/ping.rs", "fn f<'a>(x: &'a str) -> char { 'c' }\n"),
        0
    );
    assert_eq!(check("net/sweep/targets.rs", "use super::Method;\n"), 0);
    assert_eq!(check("net/mod.rs", "mod tests {\n  use super::*;\n}\n"), 0);
    assert_eq!(
        check("net/ping.rs", "use super::super::python::error;\n"),
        0
    );
    assert!(
        layer_of(Path::new("utils.rs")).is_err(),
        "a file outside the layers"
    );
}

/// Every file of one layer, as code only (comments and strings blanked).
fn layer_code(layer: &str) -> Vec<(String, String)> {
    if let Ok(single) = fs::read_to_string(src().join(format!("{layer}.rs"))) {
        return vec![(format!("src/{layer}.rs"), code_only(&single))];
    }
    let mut files = Vec::new();
    rust_files(&src().join(layer), &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("readable source");
            let shown = path
                .strip_prefix(src())
                .expect("under src/")
                .display()
                .to_string();
            (format!("src/{shown}"), code_only(&text))
        })
        .collect()
}

fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    })
}

#[test]
fn the_os_layer_returns_rust_types_not_python_values() {
    for (file, code) in layer_code("net") {
        for word in ["Value", "SocketRef"] {
            assert!(
                !has_word(&code, word),
                "{file} uses the language's {word}: return a Rust type and let commands/ make the value"
            );
        }
    }
}

#[test]
fn the_language_knows_no_sockets_and_no_runtime() {
    for (file, code) in layer_code("python") {
        for name in [
            "socket2",
            "tokio",
            "dns_lookup",
            "surge_ping",
            "TcpStream",
            "UdpSocket",
        ] {
            assert!(
                !code.contains(name),
                "{file} uses {name}: the OS layer owns it"
            );
        }
    }
}

#[test]
fn unsafe_lives_only_in_the_libc_wrappers_and_the_line_editor_only_in_repl() {
    for (layer, _) in LAYERS {
        for (file, code) in layer_code(layer) {
            if file != "src/net/ffi.rs" {
                assert!(
                    !has_word(&code, "unsafe"),
                    "{file}: unsafe belongs in src/net/ffi.rs"
                );
            }
            if *layer != "repl" {
                assert!(
                    !code.contains("rustyline"),
                    "{file}: the line editor belongs in src/repl/"
                );
            }
        }
    }
}

/// The file a module path names, following it as far as files go:
/// `["commands", "registry", "Command"]` is `src/commands/registry.rs`.
fn file_of(path: &[String]) -> Option<PathBuf> {
    let mut dir = src();
    let mut found = None;
    for segment in path {
        let file = dir.join(format!("{segment}.rs"));
        let folder = dir.join(segment).join("mod.rs");
        if file.is_file() {
            found = Some(file);
        } else if folder.is_file() {
            found = Some(folder);
        } else {
            break;
        }
        dir = dir.join(segment);
    }
    found
}

/// A file's own module path: `src/course/lessons/tutor.rs` is
/// `["course", "lessons", "tutor"]`, a `mod.rs` its folder's.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every path a file's code names with `crate::`, `super::` or `self::`,
/// as the segments after the crate root (groups expanded one level).
fn named_paths(relative: &Path, code: &str) -> Vec<Vec<String>> {
    let own = module_path(relative);
    let mut paths = Vec::new();
    let segments_at = |text: &str| -> Vec<Vec<String>> {
        let mut head = Vec::new();
        let mut rest = text;
        loop {
            rest = rest.trim_start();
            if let Some(group) = rest.strip_prefix('{') {
                return top_level_names(group)
                    .into_iter()
                    .map(|n| {
                        let mut p = head.clone();
                        p.push(n);
                        p
                    })
                    .collect();
            }
            let word = leading_ident(rest);
            if word.is_empty() {
                return vec![head];
            }
            rest = &rest[word.len()..];
            head.push(word);
            match rest.trim_start().strip_prefix("::") {
                Some(after) => rest = after,
                None => return vec![head],
            }
        }
    };
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        paths.extend(segments_at(&code[at + "crate::".len()..]));
    }
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with("::") {
            continue;
        }
        let mut rest = &code[at..];
        let mut base = own.clone();
        while let Some(after) = rest.strip_prefix("super::") {
            base.pop();
            rest = after.trim_start();
        }
        for tail in segments_at(rest) {
            let mut p = base.clone();
            p.extend(tail);
            paths.push(p);
        }
    }
    paths
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut edges: std::collections::BTreeMap<PathBuf, std::collections::BTreeSet<PathBuf>> =
        Default::default();
    for path in &files {
        let relative = path.strip_prefix(&root).expect("under src/").to_path_buf();
        let code = code_only(&fs::read_to_string(path).expect("readable"));
        // A file's own tests may reach anywhere in its layer; they are not its imports.
        let code = code
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .to_string();
        let targets = edges.entry(path.clone()).or_default();
        for named in named_paths(&relative, &code) {
            if let Some(target) = file_of(&named)
                && target != *path
            {
                targets.insert(target);
            }
        }
    }
    // Depth-first search for a back edge, reporting the circle it closes.
    fn visit(
        node: &PathBuf,
        edges: &std::collections::BTreeMap<PathBuf, std::collections::BTreeSet<PathBuf>>,
        stack: &mut Vec<PathBuf>,
        done: &mut std::collections::BTreeSet<PathBuf>,
        circles: &mut Vec<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = stack.iter().position(|n| n == node) {
            let circle: Vec<String> = stack[at..]
                .iter()
                .chain(std::iter::once(node))
                .map(|p| p.strip_prefix(src()).unwrap_or(p).display().to_string())
                .collect();
            circles.push(circle.join(" -> "));
            return;
        }
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, stack, done, circles);
        }
        stack.pop();
        done.insert(node.clone());
    }
    let mut circles = Vec::new();
    let mut done = std::collections::BTreeSet::new();
    for node in edges.keys() {
        visit(node, &edges, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(
        circles.is_empty(),
        "imports that run in a circle (break one arrow of each):\n{}",
        circles.join("\n")
    );
}

#[test]
fn module_paths_resolve_to_the_files_that_hold_them() {
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        file_of(&path(&["commands", "registry", "Command"])),
        Some(src().join("commands/registry.rs"))
    );
    assert_eq!(
        file_of(&path(&["commands", "all"])),
        Some(src().join("commands/mod.rs"))
    );
    let named = named_paths(
        Path::new("course/lessons/tutor.rs"),
        "use super::{check, exercise::Verdict};\nuse crate::session::Attempt;\n",
    );
    assert!(
        named.contains(&path(&["course", "lessons", "check"])),
        "{named:?}"
    );
    assert!(
        named.contains(&path(&["course", "lessons", "exercise"])),
        "{named:?}"
    );
    assert!(named.contains(&path(&["session", "Attempt"])), "{named:?}");
}
