//! The netrepl preprocessor: takes the book mdBook loaded from `book/src`
//! (introduction, reference page, glossary) and adds the lessons from the
//! lesson directory, in course order, with their blocks run live; fills in
//! the command reference; numbers the chapters; and checks every block and
//! link, failing with the lesson file and line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::errors::{Error, Result};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::live::{self, Run};
use super::render::{self, Linker, Session, ShownStep};
use super::{concepts, links, reference};
use crate::builtins;
use crate::lessons::check::cross_check;
use crate::lessons::course::{self, Course};
use crate::lessons::parse::Problem;
use crate::registry;
use crate::sockets::methods;
use crate::syntax::{Arg, Expr, Statement, parse_line};
use crate::text_methods;
use crate::transcript::Block;

/// The part title in `SUMMARY.md` after which the lessons go.
pub const LESSONS_PART: &str = "Lessons";
/// Where the lessons are, relative to the book, unless `book.toml` says
/// otherwise (`[preprocessor.netrepl] lessons = "..."`).
const DEFAULT_LESSONS: &str = "../lessons";
const GLOSSARY: &str = "glossary.md";

/// The preprocessor, running blocks through the netrepl program at `netrepl`.
pub struct NetreplPreprocessor {
    pub netrepl: PathBuf,
}

impl Preprocessor for NetreplPreprocessor {
    fn name(&self) -> &str {
        "netrepl"
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> Result<Book> {
        prepare(&ctx.root, &ctx.config, book, &self.netrepl).map_err(|problems| {
            let mut text = format!("the book has {} problem(s):", problems.len());
            for problem in &problems {
                text.push_str(&format!("\n  {problem}"));
            }
            Error::msg(text)
        })
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        // The sessions and exercise boxes are HTML.
        Ok(renderer == "html")
    }
}

/// A path as people read it: relative to the working directory when inside it.
fn shown(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The whole job; every problem found is returned, not just the first.
pub fn prepare(
    root: &Path,
    config: &Config,
    mut book: Book,
    netrepl: &Path,
) -> std::result::Result<Book, Vec<Problem>> {
    let lessons_dir: String = config
        .get("preprocessor.netrepl.lessons")
        .ok()
        .flatten()
        .unwrap_or_else(|| DEFAULT_LESSONS.to_string());
    let lessons_dir = root.join(lessons_dir);
    let origin = shown(&lessons_dir);
    let files = course::directory_files(&lessons_dir).map_err(|message| {
        vec![Problem {
            file: origin.clone(),
            line: 0,
            message,
        }]
    })?;
    let course = course::load(&files, &origin)?;
    let mut problems = cross_check(&course);
    let book_src = shown(&root.join(&config.book.src));

    // Plan every run: lesson blocks without needs, then registry examples.
    let mut runs = Vec::new();
    let mut block_runs: HashMap<(usize, usize), usize> = HashMap::new();
    for (l, lesson) in course.lessons.iter().enumerate() {
        for (b, block) in lesson.blocks.iter().enumerate() {
            problems.extend(check_block_commands(&lesson.file, &lesson.source, block));
            if block.needs.is_none() {
                block_runs.insert((l, b), runs.len());
                runs.push(Run {
                    group: lesson.file.clone(),
                    format: block.format.clone().unwrap_or_else(|| "pretty".into()),
                    inputs: block.inputs().map(str::to_string).collect(),
                });
            }
        }
    }
    // Runnable blocks in the book's own pages (the introduction) run too.
    let mut page_blocks: HashMap<PathBuf, Vec<(Block, Option<usize>)>> = HashMap::new();
    for chapter in book.chapters() {
        let Some(path) = &chapter.path else { continue };
        match crate::transcript::extract_blocks(&chapter.content) {
            Ok(blocks) => {
                let file = format!("{book_src}/{}", path.display());
                for block in &blocks {
                    problems.extend(check_block_commands(&file, &chapter.content, block));
                }
                let planned = blocks
                    .into_iter()
                    .map(|block| {
                        let run = block.needs.is_none().then(|| {
                            runs.push(Run {
                                group: path.display().to_string(),
                                format: block.format.clone().unwrap_or_else(|| "pretty".into()),
                                inputs: block.inputs().map(str::to_string).collect(),
                            });
                            runs.len() - 1
                        });
                        (block, run)
                    })
                    .collect();
                page_blocks.insert(path.clone(), planned);
            }
            Err(message) => problems.push(Problem {
                file: format!("{book_src}/{}", path.display()),
                line: 1,
                message,
            }),
        }
    }
    let mut example_runs: HashMap<(&str, usize), usize> = HashMap::new();
    for command in registry::all() {
        for (n, example) in command.examples.iter().enumerate() {
            example_runs.insert((command.name, n), runs.len());
            runs.push(Run {
                group: format!("example {}", command.name),
                format: "python".into(),
                inputs: vec![example.input.to_string()],
            });
        }
    }
    let outputs = live::run_all(netrepl, &runs);

    let glossary = book
        .chapters()
        .find(|c| c.path.as_deref() == Some(Path::new(GLOSSARY)))
        .map(|c| c.content.clone())
        .unwrap_or_default();
    let concepts = concepts::from_glossary(&glossary);
    let linker = Linker {
        reference_page: reference::PAGE,
        concepts: &concepts,
    };

    book.for_each_chapter_mut(|chapter| {
        let Some(path) = chapter.path.clone() else {
            return;
        };
        let Some(planned) = page_blocks.get(&path) else {
            return;
        };
        let file = format!("{book_src}/{}", path.display());
        let mut sessions = Vec::new();
        for (block, run) in planned {
            let session = match run {
                Some(run) => live_session(&file, block, &outputs[*run]),
                None => Ok(recorded_session(block)),
            };
            match session {
                Ok(session) => sessions.push(session),
                Err(problem) => problems.push(problem),
            }
        }
        if !planned.is_empty() {
            chapter.content = render::chapter_text(&chapter.content, &sessions, &[], "", &linker);
        }
    });

    let mut lesson_chapters = Vec::new();
    for (l, lesson) in course.lessons.iter().enumerate() {
        let mut sessions = Vec::new();
        for (b, block) in lesson.blocks.iter().enumerate() {
            let session = match block_runs.get(&(l, b)) {
                Some(&run) => live_session(&lesson.file, block, &outputs[run]),
                None => Ok(recorded_session(block)),
            };
            match session {
                Ok(session) => sessions.push(session),
                Err(problem) => problems.push(problem),
            }
        }
        let content = render::lesson_chapter(lesson, &sessions, &linker);
        let mut chapter = Chapter::new(&lesson.title, content, format!("{}.md", lesson.id), vec![]);
        // The text comes from the lesson directory, not from book/src.
        chapter.source_path = None;
        lesson_chapters.push(chapter);
    }

    let example_output = |name: &str, n: usize| -> Vec<String> {
        match example_runs.get(&(name, n)).map(|&run| &outputs[run]) {
            Some(Ok(text)) => text.lines().map(str::to_string).collect(),
            Some(Err(e)) => vec![format!("(could not run the example: {e})")],
            None => Vec::new(),
        }
    };
    for (&(name, _), &run) in &example_runs {
        if let Err(e) = &outputs[run] {
            problems.push(Problem {
                file: "src/registry.rs".into(),
                line: 0,
                message: format!("the example of `{name}` could not be run: {e}"),
            });
        }
    }
    let entries = reference::entries(&course, &example_output);
    let mut reference_found = false;
    book.for_each_chapter_mut(|chapter| {
        if chapter.path.as_deref() == Some(Path::new(reference::PAGE))
            && chapter.content.contains(reference::MARKER)
        {
            chapter.content = chapter.content.replace(reference::MARKER, &entries);
            reference_found = true;
        }
    });
    if !reference_found {
        problems.push(Problem {
            file: format!("{book_src}/SUMMARY.md"),
            line: 1,
            message: format!(
                "the book needs a chapter {} holding the line `{}`, where the command reference goes",
                reference::PAGE,
                reference::MARKER
            ),
        });
    }

    let Some(part) = book
        .items
        .iter()
        .position(|item| matches!(item, BookItem::PartTitle(t) if t == LESSONS_PART))
    else {
        problems.push(Problem {
            file: format!("{book_src}/SUMMARY.md"),
            line: 1,
            message: format!("add a part title `# {LESSONS_PART}` where the lessons go"),
        });
        return Err(problems);
    };
    for (n, chapter) in lesson_chapters.into_iter().enumerate() {
        book.items.insert(part + 1 + n, BookItem::Chapter(chapter));
    }
    number_chapters(&mut book.items, &[]);

    problems.extend(check_links(&book, &course, &book_src));
    if problems.is_empty() {
        Ok(book)
    } else {
        Err(problems)
    }
}

/// Numbers chapters 1, 2, ... in reading order (lessons first, then the
/// reference pages); unnumbered ones (the introduction) stay so.
fn number_chapters(items: &mut [BookItem], parent: &[u32]) {
    let mut counter = 0;
    for item in items {
        if let BookItem::Chapter(chapter) = item
            && !chapter.is_draft_chapter()
            && (chapter.number.is_some() || chapter.source_path.is_none())
        {
            counter += 1;
            let mut number = parent.to_vec();
            number.push(counter);
            chapter.number = Some(SectionNumber::new(number.clone()));
            number_chapters(&mut chapter.sub_items, &number);
        }
    }
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
    let is_command = |name: &str| {
        registry::find(name).is_some()
            || name
                .split_once('.')
                .is_some_and(|(_, method)| methods::find(method).is_some())
    };
    let mut problems = Vec::new();
    for (n, step) in block.steps.iter().enumerate() {
        let shows_error = step.expected.iter().any(|l| l.contains("Error"));
        let line = lines.get(n).copied().unwrap_or(block.line);
        let problem = |message: String| Problem {
            file: file.to_string(),
            line,
            message,
        };
        match parse_line(&step.input, &is_command) {
            Err(_) if !shows_error && let Some(word) = unknown_leading_word(&step.input) => {
                problems.push(problem(unknown_command(word)))
            }
            Err(e) if !shows_error => problems.push(problem(format!(
                "`{}` does not parse ({}); fix the line or show the error it gives",
                step.input,
                e.python_line()
            ))),
            Ok(statement) if !shows_error => {
                let mut unknown = Vec::new();
                match &statement {
                    Statement::Eval(e) | Statement::Assign(_, e) | Statement::Unpack(_, e) => {
                        unknown_calls(e, &mut unknown)
                    }
                    _ => {}
                }
                for name in unknown {
                    problems.push(problem(unknown_command(&name)));
                }
            }
            _ => {}
        }
    }
    problems
}

fn unknown_command(name: &str) -> String {
    let mut message = format!("`{name}` is not a command");
    let names = registry::all().iter().map(|c| c.name);
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
    (is_word && registry::find(word).is_none() && !rest.starts_with(['=', '(', '[', '.']))
        .then_some(word)
}

/// Names called in an expression that are neither commands nor socket methods.
fn unknown_calls(expr: &Expr, unknown: &mut Vec<String>) {
    match expr {
        Expr::Call { callee, args } => {
            match callee.as_ref() {
                Expr::Name { name, .. }
                    if registry::find(name).is_none() && !builtins::is_builtin(name) =>
                {
                    unknown.push(name.clone())
                }
                Expr::Attribute(target, method) => {
                    let known = methods::find(method).is_some()
                        || text_methods::STR_METHODS.contains(&method.as_str())
                        || text_methods::BYTES_METHODS.contains(&method.as_str());
                    if !known {
                        unknown.push(method.clone());
                    }
                    unknown_calls(target, unknown);
                }
                _ => {}
            }
            for arg in args {
                match arg {
                    Arg::Positional(e) | Arg::Keyword(_, e) => unknown_calls(e, unknown),
                }
            }
        }
        Expr::Tuple(items) | Expr::List(items) => {
            items.iter().for_each(|e| unknown_calls(e, unknown))
        }
        Expr::BitOr(a, b)
        | Expr::Add(a, b)
        | Expr::Index(a, b)
        | Expr::Compare(_, a, b)
        | Expr::Binary(_, a, b) => {
            unknown_calls(a, unknown);
            unknown_calls(b, unknown);
        }
        Expr::Slice {
            target,
            start,
            stop,
            step,
        } => {
            unknown_calls(target, unknown);
            for part in [start, stop, step].into_iter().flatten() {
                unknown_calls(part, unknown);
            }
        }
        Expr::Negate(e) | Expr::Attribute(e, _) => unknown_calls(e, unknown),
        Expr::Literal(_) | Expr::Name { .. } | Expr::Word(_) => {}
    }
}

/// A block's live output, split at its inputs.
fn live_session(
    file: &str,
    block: &Block,
    output: &std::result::Result<String, String>,
) -> std::result::Result<Session, Problem> {
    let problem = |message: String| Problem {
        file: file.to_string(),
        line: block.line,
        message,
    };
    let output = output
        .as_ref()
        .map_err(|e| problem(format!("the block could not be run: {e}")))?;
    let actual: Vec<&str> = output.lines().collect();
    let expected: Vec<Vec<String>> = block.steps.iter().map(|s| s.expected.clone()).collect();
    let parts = live::split_by_steps(&expected, &actual).ok_or_else(|| {
        let diff = crate::transcript::match_lines(&block.expected(), &actual)
            .err()
            .unwrap_or_default();
        problem(format!(
            "the block's output differs from what it shows (netrepl lessons check says the same); run it and update the block\n{diff}"
        ))
    })?;
    Ok(Session {
        steps: block
            .steps
            .iter()
            .zip(parts)
            .map(|(step, output)| ShownStep {
                input: step.input.clone(),
                output,
            })
            .collect(),
        format: block.format.clone(),
        recorded_because: None,
    })
}

/// A block that needs root or the lab keeps the output the lesson recorded.
fn recorded_session(block: &Block) -> Session {
    let why = match block.needs.as_deref() {
        Some("lab") => "it runs inside the practice lab (as root: netrepl -c \"lab up\", then sudo netrepl --lab)".to_string(),
        Some("root") => "it needs root or ICMP permission (try it with sudo netrepl)".to_string(),
        Some(other) => format!("it needs {other}"),
        None => "it was not run".to_string(),
    };
    Session {
        steps: block
            .steps
            .iter()
            .map(|step| ShownStep {
                input: step.input.clone(),
                output: render::recorded_output(&step.expected),
            })
            .collect(),
        format: block.format.clone(),
        recorded_because: Some(why),
    }
}

/// Every internal link of every chapter must lead to a page and anchor of
/// the book. Links written in a lesson are reported at their lesson line.
fn check_links(book: &Book, course: &Course, book_src: &str) -> Vec<Problem> {
    let mut pages: HashMap<String, HashSet<String>> = HashMap::new();
    for chapter in book.chapters() {
        if let Some(path) = &chapter.path {
            pages.insert(
                path.to_string_lossy().replace('\\', "/"),
                links::anchors_in(&chapter.content),
            );
        }
    }
    let mut problems = Vec::new();
    for chapter in book.chapters() {
        let Some(path) = &chapter.path else { continue };
        let page = path.to_string_lossy().replace('\\', "/");
        let lesson = course
            .lessons
            .iter()
            .find(|l| format!("{}.md", l.id) == page);
        let (file, text) = match lesson {
            Some(lesson) => (lesson.file.clone(), lesson.source.as_str()),
            None => (format!("{book_src}/{page}"), chapter.content.as_str()),
        };
        let mut reported = HashSet::new();
        for link in links::links_in(text) {
            if let Some(message) = links::broken(&page, &link.target, &pages) {
                reported.insert(link.target.clone());
                problems.push(Problem {
                    file: file.clone(),
                    line: link.line,
                    message,
                });
            }
        }
        // Links the build itself wrote into a lesson (to the reference).
        if lesson.is_some() {
            for link in links::links_in(&chapter.content) {
                if !reported.contains(&link.target)
                    && let Some(message) = links::broken(&page, &link.target, &pages)
                {
                    reported.insert(link.target.clone());
                    problems.push(Problem {
                        file: file.clone(),
                        line: 1,
                        message: format!("{message} (a link the book added)"),
                    });
                }
            }
        }
    }
    problems
}
