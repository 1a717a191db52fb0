//! Builds the lessons and the book's sources into the binary, so an
//! installed netrepl teaches from, and builds its book in, any directory.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("pub static LESSONS: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("embedded_lessons.rs");
    std::fs::write(out, code).expect("write the embedded lessons");
    embed_book(Path::new(&out_dir));
}

/// The book's own sources (`book/`: book.toml, its style and script, the
/// pages of `book/src`), so an installed netrepl builds the book anywhere.
fn embed_book(out_dir: &Path) {
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    let mut files: Vec<String> = ["book.toml", "netrepl.css", "netrepl.js"]
        .iter()
        .map(|f| f.to_string())
        .collect();
    println!("cargo:rerun-if-changed={}", book.join("src").display());
    let mut pages: Vec<String> = std::fs::read_dir(book.join("src"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .map(|n| format!("src/{n}"))
                .collect()
        })
        .unwrap_or_default();
    pages.sort();
    files.extend(pages);
    let mut code = String::from("pub static BOOK: &[(&str, &str)] = &[\n");
    for name in &files {
        let path = book.join(name);
        if !path.is_file() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("embedded_book.rs"), code).expect("write the embedded book");
}
