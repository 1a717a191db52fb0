//! The built book in a real browser: headless Chromium (Debian's `chromium`
//! package) opens it from netrepl's own little HTTP server on 127.0.0.1,
//! and the test checks that every lesson page loads without console errors,
//! that search finds a command by name, and that the copy buttons are there
//! and answer a click. A screenshot of one lesson page is saved to
//! `target/book-screenshot.png`.
//!
//! Chromium is driven over the DevTools protocol on a pipe
//! (`--remote-debugging-pipe`: JSON messages ending in a NUL byte, written
//! to its fd 3 and read from its fd 4), so no port is opened for it and no
//! extra crate is needed. It is only ever pointed at loopback.
#![cfg(feature = "book")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use netrepl::course::lessons::course::load_course;

const NETREPL: &str = env!("CARGO_BIN_EXE_netrepl");

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// A headless Chromium and the pipe to talk to it; killed when dropped.
struct Browser {
    child: Child,
    to_browser: std::fs::File,
    events: Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    /// Events received while waiting for something else.
    seen: Vec<Value>,
    _profile: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of `fd` numbered 10 or above, so moving it to 3 or 4 in the child
/// cannot clobber the other end.
fn high_fd(fd: &impl AsRawFd) -> OwnedFd {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) returns a new descriptor we then own.
    let copy = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    assert!(copy >= 0, "fcntl failed");
    // SAFETY: `copy` is a fresh, open descriptor owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(copy) }
}

impl Browser {
    fn start(chromium: &Path) -> Browser {
        let profile = std::env::temp_dir().join(format!("netrepl-chromium-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("profile dir");
        let (browser_reads, we_write) = std::io::pipe().expect("pipe");
        let (we_read, browser_writes) = std::io::pipe().expect("pipe");
        let (input, output) = (high_fd(&browser_reads), high_fd(&browser_writes));
        drop((browser_reads, browser_writes));
        let (input_fd, output_fd) = (input.as_raw_fd(), output.as_raw_fd());
        let mut command = Command::new(chromium);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe dup2 calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(input_fd, 3) < 0 || libc::dup2(output_fd, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("start chromium");
        // Our copies of Chromium's ends must close, or its exit is never seen.
        drop((input, output));
        let (sender, events) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(we_read);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).unwrap_or(0) > 0 {
                message.pop_if(|b| *b == 0);
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && sender.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        Browser {
            child,
            to_browser: std::fs::File::from(OwnedFd::from(we_write)),
            events,
            next_id: 0,
            session: None,
            seen: Vec::new(),
            _profile: TempDir(profile),
        }
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).expect("json");
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .expect("write to chromium");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = self
                .next_event(deadline)
                .unwrap_or_else(|| panic!("chromium did not answer {method}"));
            if value["id"] == json!(id) {
                if let Some(error) = value.get("error") {
                    panic!("{method} failed: {error}");
                }
                return value["result"].clone();
            }
            self.seen.push(value);
        }
    }

    fn next_event(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.events.recv_timeout(left).ok()
    }

    /// Waits for an event of the page; earlier events are kept in `seen`.
    fn wait_for(&mut self, method: &str) {
        if let Some(at) = self.seen.iter().position(|e| e["method"] == json!(method)) {
            self.seen.remove(at);
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let event = self
                .next_event(deadline)
                .unwrap_or_else(|| panic!("no {method} from chromium"));
            if event["method"] == json!(method) {
                return;
            }
            self.seen.push(event);
        }
    }

    /// Opens a page and waits for it to load, then a little longer for its
    /// scripts; returns the console errors and exceptions it produced.
    fn open(&mut self, url: &str) -> Vec<String> {
        self.seen.clear();
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for("Page.loadEventFired");
        let settle = Instant::now() + Duration::from_millis(300);
        while let Some(event) = self.next_event(settle) {
            self.seen.push(event);
        }
        self.seen.iter().filter_map(console_error).collect()
    }

    fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        result["result"]["value"].clone()
    }
}

/// The text of an event that is a console error or an uncaught exception.
fn console_error(event: &Value) -> Option<String> {
    let params = &event["params"];
    match event["method"].as_str()? {
        "Runtime.exceptionThrown" => Some(format!("exception: {}", params["exceptionDetails"])),
        "Runtime.consoleAPICalled" if params["type"] == json!("error") => {
            Some(format!("console.error: {}", params["args"]))
        }
        "Log.entryAdded" if params["entry"]["level"] == json!("error") => Some(format!(
            "{}: {}",
            params["entry"]["url"], params["entry"]["text"]
        )),
        _ => None,
    }
}

/// Standard base64, as the DevTools protocol sends screenshots.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut bits = 0u32;
        for (n, &c) in chunk.iter().enumerate() {
            bits |= u32::from(value(c)) << (18 - 6 * n);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_like_the_standard() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("YWJj"), b"abc");
}

#[test]
fn the_book_works_in_headless_chromium() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dest = target.join("book-browser");
    let _ = std::fs::remove_dir_all(&dest);
    netrepl::course::book::build(&root.join("book"), &dest, Path::new(NETREPL))
        .unwrap_or_else(|e| panic!("the book did not build:\n{e}"));

    let listener = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let served = dest.clone();
    std::thread::spawn(move || netrepl::course::book::serve::serve_files(listener, served));

    let mut browser = Browser::start(&chromium);
    let target_id =
        browser.call("Target.createTarget", json!({"url": "about:blank"}))["targetId"].clone();
    let attached = browser.call(
        "Target.attachToTarget",
        json!({"targetId": target_id, "flatten": true}),
    );
    browser.session = attached["sessionId"].as_str().map(str::to_string);
    for method in ["Page.enable", "Runtime.enable", "Log.enable"] {
        browser.call(method, json!({}));
    }
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": false}),
    );

    let course = load_course(Some(&root.join("lessons"))).expect("the course loads");
    let mut failures = Vec::new();
    for lesson in &course.lessons {
        let errors = browser.open(&format!("{base}/{}.html", lesson.id));
        let title = browser.evaluate("document.title");
        if !title.as_str().unwrap_or_default().contains(&lesson.title) {
            failures.push(format!("{}: title is {title}", lesson.id));
        }
        let sessions = browser.evaluate("document.querySelectorAll('.netrepl-session').length");
        if sessions != json!(lesson.blocks.len()) {
            failures.push(format!("{}: {sessions} sessions shown", lesson.id));
        }
        for error in errors {
            failures.push(format!("{}: {error}", lesson.id));
        }
    }
    assert!(
        failures.is_empty(),
        "lesson pages:\n{}",
        failures.join("\n")
    );

    // Search, as a reader would use it: `?search=` opens it with the term.
    let errors = browser.open(&format!("{base}/introduction.html?search=inet_aton"));
    assert!(errors.is_empty(), "search page: {errors:?}");
    let found = browser.evaluate(
        "new Promise(done => { let tries = 0; const look = () => { \
           const links = Array.from(document.querySelectorAll('#mdbook-searchresults a')).map(a => a.getAttribute('href')); \
           if (links.length || ++tries > 50) done(links); else setTimeout(look, 100); }; look(); })",
    );
    let links: Vec<&str> = found
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        links
            .iter()
            .any(|l| l.contains("reference.html") && l.contains("#inet_aton")),
        "search for inet_aton did not find its reference entry: {links:?}"
    );

    // The copy buttons: there, with the command and the one-liner, and
    // answering a click (the clipboard may be refused headless; the button
    // says so either way).
    let errors = browser.open(&format!("{base}/packing-addresses.html"));
    assert!(errors.is_empty(), "{errors:?}");
    let copies = browser.evaluate(
        "Array.from(document.querySelectorAll('button.netrepl-copy')).map(b => b.dataset.copy)",
    );
    let copies: Vec<&str> = copies
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(copies.contains(&"inet_aton 192.168.1.1"), "{copies:?}");
    assert!(
        copies.contains(&"netrepl -c \"inet_aton 192.168.1.1\""),
        "{copies:?}"
    );
    // The screenshot first, before a click changes a button.
    let shot = browser.call("Page.captureScreenshot", json!({"format": "png"}));
    let png = base64_decode(shot["data"].as_str().expect("screenshot data"));
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    let path = target
        .parent()
        .unwrap_or(target)
        .join("book-screenshot.png");
    std::fs::write(&path, png).expect("write the screenshot");
    eprintln!("screenshot: {}", path.display());
    let clicked = browser.evaluate(
        "new Promise(done => { const b = document.querySelector('button.netrepl-copy'); b.click(); \
           setTimeout(() => done(b.classList.contains('netrepl-copied')), 200); })",
    );
    assert_eq!(clicked, json!(true), "the copy button did not react");
}
