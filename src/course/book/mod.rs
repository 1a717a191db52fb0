//! The book: an mdBook (`book/`) made from the same lesson files the
//! tutorial teaches from, plus a command reference written from the
//! registry. netrepl is its own mdBook preprocessor (`netrepl mdbook`), so
//! `mdbook build book` works, and it can build and serve the book in-process
//! (`netrepl book build|serve`) with the mdbook crates, so nothing else
//! needs installing. The book's sources are built into the binary too, so
//! an installed netrepl builds it from any directory. Its blocks run sealed
//! (`seal`), so the same sources give the same book on any machine.

pub mod blocks;
pub mod cli;
pub mod concepts;
pub mod lab_figure;
pub mod links;
pub mod live;
pub mod plan;
pub mod preprocess;
pub mod reference;
pub mod render;
pub mod seal;
pub mod serve;
pub mod sessions;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use mdbook_driver::MDBook;

use crate::course::lessons::parse::Problem;
pub use preprocess::{LessonSource, NetreplPreprocessor};
pub use seal::SealOptions;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_book.rs"));
}

/// What to build, from what, and how.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The book's sources (`book/`); `None`: those built into the binary.
    pub book_dir: Option<PathBuf>,
    /// The lessons; `None`: those `book.toml` names, or for the built-in
    /// book the built-in course.
    pub lessons: Option<LessonSource>,
    /// Where the HTML goes.
    pub dest: PathBuf,
    /// The netrepl program that runs the blocks.
    pub netrepl: PathBuf,
    pub seal: SealOptions,
}

/// A book that was written, with every problem its sources have.
#[derive(Debug)]
pub struct Built {
    pub dest: PathBuf,
    pub problems: Vec<Problem>,
}

/// Builds the book. It is written even when its sources have problems
/// (those are in `Built::problems`); the error is for a book that could not
/// be written at all, with the whole cause chain.
pub fn build_book(options: &BuildOptions) -> Result<Built, String> {
    let chain = |e: mdbook_driver::errors::Error| format!("{e:#}");
    let written_out;
    let (book_dir, lessons, pages_shown_as) = match &options.book_dir {
        Some(dir) => (dir.clone(), options.lessons.clone(), None),
        None => {
            written_out = BuiltInSources::write()?;
            (
                written_out.0.clone(),
                Some(options.lessons.clone().unwrap_or(LessonSource::BuiltIn)),
                Some("book/src".to_string()),
            )
        }
    };
    let mut book = MDBook::load(&book_dir).map_err(chain)?;
    let preprocessor = NetreplPreprocessor {
        lessons,
        pages_shown_as,
        seal: options.seal,
        ..NetreplPreprocessor::new(options.netrepl.clone())
    };
    let problems = preprocessor.problems.clone();
    // Replaces the external command book.toml names (same name, same place
    // in the order), so the in-process build needs no netrepl on PATH.
    book.with_preprocessor(preprocessor);
    let dest = std::path::absolute(&options.dest).map_err(|e| e.to_string())?;
    book.config.build.build_dir = dest.clone();
    book.build().map_err(chain)?;
    let problems = std::mem::take(&mut *problems.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(Built { dest, problems })
}

/// Builds the book in `book_dir` into `dest`, running its examples through
/// the netrepl program at `netrepl`, sealed. The book is written either way;
/// the error lists its problems (`file:line: message`, one a line) or why
/// it could not be written.
pub fn build(book_dir: &Path, dest: &Path, netrepl: &Path) -> Result<PathBuf, String> {
    let built = build_book(&BuildOptions {
        book_dir: Some(book_dir.to_path_buf()),
        lessons: None,
        dest: dest.to_path_buf(),
        netrepl: netrepl.to_path_buf(),
        seal: SealOptions::default(),
    })?;
    if built.problems.is_empty() {
        Ok(built.dest)
    } else {
        Err(problem_report(&built.problems))
    }
}

/// The problems as the build reports them: a count, then one a line.
pub fn problem_report(problems: &[Problem]) -> String {
    let mut text = format!("the book has {} problem(s):", problems.len());
    for problem in problems {
        text.push_str(&format!("\n{problem}"));
    }
    text
}

/// The built-in book's sources, written to a temporary directory for mdBook
/// to load, and removed when dropped.
struct BuiltInSources(PathBuf);

static SOURCES_COUNTER: AtomicU64 = AtomicU64::new(0);
const SOURCES_PREFIX: &str = "netrepl-book-sources-";

impl BuiltInSources {
    fn write() -> Result<BuiltInSources, String> {
        seal::remove_stale_temp_dirs(SOURCES_PREFIX);
        let dir = std::env::temp_dir().join(format!(
            "{SOURCES_PREFIX}{}-{}",
            std::process::id(),
            SOURCES_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let sources = BuiltInSources(dir);
        for (name, text) in embedded::BOOK {
            let path = sources.0.join(name);
            path.parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, text))
                .map_err(|e| {
                    format!("cannot write the book's sources to {}: {e}", path.display())
                })?;
        }
        Ok(sources)
    }
}

impl Drop for BuiltInSources {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
