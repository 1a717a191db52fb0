//! The book: an mdBook (`book/`) made from the same lesson files the
//! tutorial teaches from, plus a command reference written from the
//! registry. netrepl is its own mdBook preprocessor (`netrepl mdbook`), so
//! `mdbook build book` works, and it can build and serve the book in-process
//! (`netrepl book build|serve`) with the mdbook crates, so nothing else
//! needs installing.

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
pub mod serve;
pub mod sessions;

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;

pub use preprocess::NetreplPreprocessor;

/// Builds the book in `book_dir` into `dest`, running its examples through
/// the netrepl program at `netrepl`. The error holds the whole cause chain.
pub fn build(book_dir: &Path, dest: &Path, netrepl: &Path) -> Result<PathBuf, String> {
    let chain = |e: mdbook_driver::errors::Error| format!("{e:#}");
    let mut book = MDBook::load(book_dir).map_err(chain)?;
    // Replaces the external command book.toml names (same name, same place
    // in the order), so the in-process build needs no netrepl on PATH.
    book.with_preprocessor(NetreplPreprocessor {
        netrepl: netrepl.to_path_buf(),
    });
    let dest = std::path::absolute(dest).map_err(|e| e.to_string())?;
    book.config.build.build_dir = dest.clone();
    book.build().map_err(chain)?;
    Ok(dest)
}
