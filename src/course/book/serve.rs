//! `netrepl book serve`: a live preview. The book is built, served over HTTP
//! on loopback only, and rebuilt whenever a lesson or a book source changes
//! (reload the page to see it). The server is a few lines of std: it answers
//! GET for files under the built book and nothing else.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{BuildOptions, LessonSource};

/// Builds, serves on `127.0.0.1:port` and rebuilds on change, until killed.
/// A book with problems is served all the same, its problems printed.
pub fn serve(options: &BuildOptions, port: u16) -> Result<(), String> {
    let build = || {
        super::build_book(options).map(|built| {
            if !built.problems.is_empty() {
                eprintln!("{}", super::problem_report(&built.problems));
            }
            built.dest
        })
    };
    let dest = build()?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    eprintln!("Serving the book on http://127.0.0.1:{port}/ (Ctrl-C stops)");
    let root = dest.clone();
    std::thread::spawn(move || serve_files(listener, root));
    let watched = watched_dirs(options);
    let mut stamp = newest_change(&watched);
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let now = newest_change(&watched);
        if now != stamp {
            stamp = now;
            match build() {
                Ok(_) => eprintln!("Rebuilt the book; reload the page."),
                Err(e) => eprintln!("The book did not build: {e}"),
            }
        }
    }
}

/// Serves files under `root` to each connection, one thread per connection.
pub fn serve_files(listener: TcpListener, root: PathBuf) {
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        std::thread::spawn(move || {
            let _ = answer(stream, &root);
        });
    }
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // The headers are not needed, but are read so the client is not reset.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut words = request.split_whitespace();
    let (Some(method), Some(target)) = (words.next(), words.next()) else {
        return respond(&mut stream, "400 Bad Request", "text/plain", b"bad request");
    };
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only",
        );
    }
    let Some(path) = file_for(root, target) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found");
    };
    match std::fs::read(&path) {
        Ok(body) => {
            let body = if method == "HEAD" { Vec::new() } else { body };
            respond(&mut stream, "200 OK", content_type(&path), &body)
        }
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found"),
    }
}

/// The file a request path names, never outside `root`.
fn file_for(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decode(path)?;
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

/// The book's sources and the lessons it reads.
/// The sources on disk: the book's (none for the built-in one) and the lessons'.
fn watched_dirs(options: &BuildOptions) -> Vec<PathBuf> {
    let mut watched = Vec::new();
    if let Some(book_dir) = &options.book_dir {
        for part in ["src", "book.toml", "theme", "netrepl.css", "netrepl.js"] {
            watched.push(book_dir.join(part));
        }
        if options.lessons.is_none() {
            watched.push(book_dir.join("..").join("lessons"));
        }
    }
    if let Some(LessonSource::Dir(dir)) = &options.lessons {
        watched.push(dir.clone());
    }
    watched
}

/// The latest modification time under the watched paths.
fn newest_change(paths: &[PathBuf]) -> Option<SystemTime> {
    let mut newest = None;
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if let Ok(modified) = meta.modified() {
            newest = newest.max(Some(modified));
        }
        if meta.is_dir()
            && let Ok(entries) = std::fs::read_dir(&path)
        {
            stack.extend(entries.flatten().map(|e| e.path()));
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_never_leave_the_book() {
        let root = std::env::temp_dir();
        assert_eq!(file_for(&root, "/../etc/passwd"), None);
        assert_eq!(file_for(&root, "/%2e%2e/etc/passwd"), None);
    }
}
