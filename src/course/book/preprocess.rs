//! The netrepl preprocessor: takes the book mdBook loaded from `book/src`
//! (introduction, reference page, glossary) and adds the lessons from the
//! lesson directory, in course order, with their blocks run live; fills in
//! the command reference; draws the lab (`{{#netrepl-lab-figure}}`, see
//! `lab_figure`); numbers the lessons; and checks every block and link.
//! Every problem is kept with its file and line, and the book is made all
//! the same: one broken block does not cost the reader the rest.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::plan::{LiveOutputs, RunPlan};
use super::render::{self, Linker};
use super::seal::{self, Seal, SealOptions};
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
    /// How the blocks run (see `seal`).
    pub seal: SealOptions,
    /// The lessons, when not those `book.toml` names.
    pub lessons: Option<LessonSource>,
    /// How problems name the book's own pages (`book/src`), when not by
    /// their path (a book written out from the binary).
    pub pages_shown_as: Option<String>,
    /// Every problem of the last run, for the caller to report.
    pub problems: Arc<Mutex<Vec<Problem>>>,
}

/// Where the lessons come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonSource {
    /// The course built into the binary.
    BuiltIn,
    Dir(PathBuf),
}

impl NetreplPreprocessor {
    /// Lessons as `book.toml` says, blocks sealed, problems kept.
    pub fn new(netrepl: PathBuf) -> NetreplPreprocessor {
        NetreplPreprocessor {
            netrepl,
            seal: SealOptions::default(),
            lessons: None,
            pages_shown_as: None,
            problems: Arc::default(),
        }
    }

    /// The problems the last run found (and forgets them).
    pub fn take_problems(&self) -> Vec<Problem> {
        std::mem::take(&mut *self.problems.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Preprocessor for NetreplPreprocessor {
    fn name(&self) -> &str {
        "netrepl"
    }

    /// Never fails on the book's problems: they are kept (see
    /// `take_problems`) and the book goes on to be written.
    fn run(&self, ctx: &PreprocessorContext, book: Book) -> Result<Book> {
        let (book, problems) = prepare(&ctx.root, &ctx.config, book, self);
        self.problems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(problems);
        Ok(book)
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

/// The whole job: the book, as complete as its sources allow, and every
/// problem found, not just the first.
pub fn prepare(
    root: &Path,
    config: &Config,
    mut book: Book,
    settings: &NetreplPreprocessor,
) -> (Book, Vec<Problem>) {
    let mut problems = Vec::new();
    let course = load_course(root, config, settings.lessons.as_ref()).unwrap_or_else(|found| {
        problems.extend(found);
        Course {
            lessons: Vec::new(),
            id: None,
            version: None,
            origin: "lessons".into(),
        }
    });
    let book_src = settings
        .pages_shown_as
        .clone()
        .unwrap_or_else(|| shown(&root.join(&config.book.src)));
    let seal = match Seal::new(&settings.netrepl, settings.seal) {
        Ok(seal) => seal,
        Err(message) => {
            problems.push(Problem {
                file: book_src,
                line: 0,
                message,
            });
            return (book, problems);
        }
    };
    book.for_each_chapter_mut(|chapter| chapter.content = lab_figure::fill(&chapter.content));
    problems.extend(cross_check(&course));
    problems.extend(blocks::check_lesson_blocks(&course));
    let pages = blocks::read_page_blocks(&book, &book_src, &mut problems);

    let outputs = RunPlan::new(&course, pages, &seal).run(&seal);

    let concepts = glossary_concepts(&book);
    let linker = Linker {
        reference_page: reference::PAGE,
        concepts: &concepts,
    };
    render_pages(
        &mut book,
        &book_src,
        &outputs,
        &linker,
        &seal,
        &mut problems,
    );
    let lesson_chapters = lesson_chapters(&course, &outputs, &linker, &seal, &mut problems);
    problems.extend(example_problems(&outputs));
    fill_reference(
        &mut book,
        &book_src,
        &course,
        &outputs,
        &seal,
        &mut problems,
    );
    match insert_lessons(&mut book, &book_src, lesson_chapters) {
        Ok(()) => number_chapters(&mut book.items, &[]),
        Err(problem) => problems.push(problem),
    }

    problems.extend(check_links(&book, &course, &book_src));
    (book, problems)
}

/// The course: the one given, else the lesson directory `book.toml` names
/// (or the default).
fn load_course(
    root: &Path,
    config: &Config,
    given: Option<&LessonSource>,
) -> std::result::Result<Course, Vec<Problem>> {
    let lessons_dir = match given {
        Some(LessonSource::BuiltIn) => return course::load(&course::embedded_files(), "lessons"),
        Some(LessonSource::Dir(dir)) => return load_lesson_dir(dir),
        None => config_lessons_dir(root, config),
    };
    load_lesson_dir(&lessons_dir)
}

fn config_lessons_dir(root: &Path, config: &Config) -> PathBuf {
    let lessons_dir: String = config
        .get("preprocessor.netrepl.lessons")
        .ok()
        .flatten()
        .unwrap_or_else(|| DEFAULT_LESSONS.to_string());
    root.join(lessons_dir)
}

fn load_lesson_dir(lessons_dir: &Path) -> std::result::Result<Course, Vec<Problem>> {
    let origin = shown(lessons_dir);
    let files = course::directory_files(lessons_dir).map_err(|message| {
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
    seal: &Seal,
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
        let sessions = sessions::of_blocks(&file, blocks, seal, problems);
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
    seal: &Seal,
    problems: &mut Vec<Problem>,
) -> Vec<Chapter> {
    let mut chapters = Vec::new();
    for (l, lesson) in course.lessons.iter().enumerate() {
        let blocks = lesson
            .blocks
            .iter()
            .enumerate()
            .map(|(b, block)| (block, outputs.lesson_block(l, b)));
        let sessions = sessions::of_blocks(&lesson.file, blocks, seal, problems);
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
    seal: &Seal,
    problems: &mut Vec<Problem>,
) {
    let example_output = |name: &str, n: usize| -> Vec<String> {
        match outputs.example(name, n) {
            Some(Ok(text)) => text.lines().map(str::to_string).collect(),
            Some(Err(e)) => vec![format!("(could not run the example: {e})")],
            None => Vec::new(),
        }
    };
    let machine_note = |input: &str| {
        seal::shows_this_machine(input).then(|| sessions::machine_note(seal.machine()))
    };
    let entries = reference::entries(
        course,
        &reference::ExampleOutputs {
            output: &example_output,
            machine_note: &machine_note,
        },
    );
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

/// Numbers the lessons 1, 2, ... in reading order; the book's own pages
/// (introduction, reference, glossary) are not lessons and stay unnumbered.
fn number_chapters(items: &mut [BookItem], parent: &[u32]) {
    let mut counter = 0;
    for item in items {
        if let BookItem::Chapter(chapter) = item
            && !chapter.is_draft_chapter()
        {
            if chapter.source_path.is_none() {
                counter += 1;
                let mut number = parent.to_vec();
                number.push(counter);
                chapter.number = Some(SectionNumber::new(number.clone()));
                number_chapters(&mut chapter.sub_items, &number);
            } else {
                chapter.number = None;
                number_chapters(&mut chapter.sub_items, parent);
            }
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
