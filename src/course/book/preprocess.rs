//! The netrepl preprocessor: takes the book mdBook loaded from `book/src`
//! (introduction, reference page, glossary) and adds the lessons from the
//! lesson directory, in course order, with their blocks run live; fills in
//! the command reference; draws the lab (`{{#netrepl-lab-figure}}`, see
//! `lab_figure`); numbers the chapters; and checks every block and link,
//! failing with the lesson file and line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::errors::{Error, Result};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::plan::{LiveOutputs, RunPlan};
use super::render::{self, Linker};
use super::{blocks, concepts, lab_figure, links, reference, sessions};
use crate::course::lessons::check::cross_check;
use crate::course::lessons::course::{self, Course};
use crate::course::lessons::parse::Problem;

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
    let course = load_course(root, config)?;
    book.for_each_chapter_mut(|chapter| chapter.content = lab_figure::fill(&chapter.content));
    let book_src = shown(&root.join(&config.book.src));
    let mut problems = cross_check(&course);
    problems.extend(blocks::check_lesson_blocks(&course));
    let pages = blocks::read_page_blocks(&book, &book_src, &mut problems);

    let outputs = RunPlan::new(&course, pages).run(netrepl);

    let concepts = glossary_concepts(&book);
    let linker = Linker {
        reference_page: reference::PAGE,
        concepts: &concepts,
    };
    render_pages(&mut book, &book_src, &outputs, &linker, &mut problems);
    let lesson_chapters = lesson_chapters(&course, &outputs, &linker, &mut problems);
    problems.extend(example_problems(&outputs));
    fill_reference(&mut book, &book_src, &course, &outputs, &mut problems);
    if let Err(problem) = insert_lessons(&mut book, &book_src, lesson_chapters) {
        problems.push(problem);
        return Err(problems);
    }
    number_chapters(&mut book.items, &[]);

    problems.extend(check_links(&book, &course, &book_src));
    if problems.is_empty() {
        Ok(book)
    } else {
        Err(problems)
    }
}

/// The course in the lesson directory `book.toml` names (or the default).
fn load_course(root: &Path, config: &Config) -> std::result::Result<Course, Vec<Problem>> {
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
    course::load(&files, &origin)
}

/// The concepts the glossary page defines, for linking them in prose.
fn glossary_concepts(book: &Book) -> HashMap<String, String> {
    let glossary = book
        .chapters()
        .find(|c| c.path.as_deref() == Some(Path::new(GLOSSARY)))
        .map(|c| c.content.clone())
        .unwrap_or_default();
    concepts::from_glossary(&glossary)
}

/// Renders the runnable blocks of the book's own pages as sessions.
fn render_pages(
    book: &mut Book,
    book_src: &str,
    outputs: &LiveOutputs,
    linker: &Linker,
    problems: &mut Vec<Problem>,
) {
    book.for_each_chapter_mut(|chapter| {
        let Some(path) = chapter.path.clone() else {
            return;
        };
        let Some(blocks) = outputs.page_blocks(&path) else {
            return;
        };
        let file = format!("{book_src}/{}", path.display());
        let has_blocks = !blocks.is_empty();
        let sessions = sessions::of_blocks(&file, blocks, problems);
        if has_blocks {
            chapter.content = render::chapter_text(&chapter.content, &sessions, &[], "", linker);
        }
    });
}

/// A chapter per lesson, in course order, with its blocks as sessions.
fn lesson_chapters(
    course: &Course,
    outputs: &LiveOutputs,
    linker: &Linker,
    problems: &mut Vec<Problem>,
) -> Vec<Chapter> {
    let mut chapters = Vec::new();
    for (l, lesson) in course.lessons.iter().enumerate() {
        let blocks = lesson
            .blocks
            .iter()
            .enumerate()
            .map(|(b, block)| (block, outputs.lesson_block(l, b)));
        let sessions = sessions::of_blocks(&lesson.file, blocks, problems);
        let content = render::lesson_chapter(lesson, &sessions, linker);
        let mut chapter = Chapter::new(&lesson.title, content, format!("{}.md", lesson.id), vec![]);
        // The text comes from the lesson directory, not from book/src.
        chapter.source_path = None;
        chapters.push(chapter);
    }
    chapters
}

/// A registry example that could not be run is a problem of the registry.
fn example_problems(outputs: &LiveOutputs) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, output) in outputs.examples() {
        if let Err(e) = output {
            problems.push(Problem {
                file: "src/commands/mod.rs".into(),
                line: 0,
                message: format!("the example of `{name}` could not be run: {e}"),
            });
        }
    }
    problems
}

/// Writes the command reference, with each example's live output, in place
/// of the marker on the reference page.
fn fill_reference(
    book: &mut Book,
    book_src: &str,
    course: &Course,
    outputs: &LiveOutputs,
    problems: &mut Vec<Problem>,
) {
    let example_output = |name: &str, n: usize| -> Vec<String> {
        match outputs.example(name, n) {
            Some(Ok(text)) => text.lines().map(str::to_string).collect(),
            Some(Err(e)) => vec![format!("(could not run the example: {e})")],
            None => Vec::new(),
        }
    };
    let entries = reference::entries(course, &example_output);
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
}

/// Puts the lesson chapters right after the lessons' part title; a book
/// without that title is a problem, as the lessons have nowhere to go.
fn insert_lessons(
    book: &mut Book,
    book_src: &str,
    lesson_chapters: Vec<Chapter>,
) -> std::result::Result<(), Problem> {
    let part = book
        .items
        .iter()
        .position(|item| matches!(item, BookItem::PartTitle(t) if t == LESSONS_PART))
        .ok_or_else(|| Problem {
            file: format!("{book_src}/SUMMARY.md"),
            line: 1,
            message: format!("add a part title `# {LESSONS_PART}` where the lessons go"),
        })?;
    for (n, chapter) in lesson_chapters.into_iter().enumerate() {
        book.items.insert(part + 1 + n, BookItem::Chapter(chapter));
    }
    Ok(())
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
