//! The book (`book/`): built in-process from the real lessons and registry,
//! then checked as a reader would meet it: a page per lesson in course
//! order, every command in the reference, sessions and exercise boxes where
//! the lessons have blocks, no broken internal link; and a broken lesson
//! fails the build with its file and line. Also mdBook's preprocessor
//! protocol, spoken by `netrepl mdbook`.
#![cfg(feature = "book")]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use netrepl::commands;
use netrepl::course::lessons::course::load_course;

const NETREPL: &str = env!("CARGO_BIN_EXE_netrepl");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds run one at a time: lesson blocks use fixed socket paths.
fn build_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// The book, built once for all the tests here. (How long a build takes is
/// measured by `benches/book.sh`, not here.)
fn built() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let _lock = build_lock();
        let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-test");
        let _ = std::fs::remove_dir_all(&dest);
        let built = build_without_lab(&root().join("book"), &dest);
        assert!(
            built.problems.is_empty(),
            "the book did not build:\n{}",
            netrepl::course::book::problem_report(&built.problems)
        );
        dest
    })
}

/// Builds a book, sealed, without the lab (which someone may bring up or
/// down at any time), so what the tests see does not depend on it.
fn build_without_lab(book_dir: &Path, dest: &Path) -> netrepl::course::book::Built {
    use netrepl::course::book::{BuildOptions, SealOptions, build_book, seal::LabUse};
    build_book(&BuildOptions {
        book_dir: Some(book_dir.to_path_buf()),
        lessons: None,
        dest: dest.to_path_buf(),
        netrepl: PathBuf::from(NETREPL),
        seal: SealOptions {
            lab: LabUse::Never,
            ..Default::default()
        },
    })
    .unwrap_or_else(|e| panic!("the book was not written:\n{e}"))
}

fn page(name: &str) -> String {
    let path = built().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_lesson_is_a_page_in_course_order() {
    let course = load_course(Some(&root().join("lessons"))).expect("the course loads");
    let toc = page("toc.html");
    let mut last = 0;
    for lesson in &course.lessons {
        let html = page(&format!("{}.html", lesson.id));
        assert!(
            html.contains(&format!("<title>{}", lesson.title)),
            "{}: the page is titled by the lesson",
            lesson.id
        );
        assert!(
            !html.contains("teaches:"),
            "{}: front matter leaked",
            lesson.id
        );
        let at = toc
            .find(&format!("href=\"{}.html\"", lesson.id))
            .unwrap_or_else(|| panic!("{} is not in the table of contents", lesson.id));
        assert!(at > last, "{} is out of course order", lesson.id);
        last = at;
    }
    for extra in ["introduction.html", "reference.html", "glossary.html"] {
        assert!(built().join(extra).is_file(), "{extra}");
    }
}

#[test]
fn the_reference_lists_every_command_and_links_to_its_lesson() {
    let reference = page("reference.html");
    let course = load_course(Some(&root().join("lessons"))).expect("the course loads");
    for command in commands::all() {
        let heading = format!("id=\"{}\"", command.name);
        let at = reference
            .find(&heading)
            .unwrap_or_else(|| panic!("the reference has no entry for {}", command.name));
        let entry = &reference[at..];
        let entry = &entry[..entry[1..].find("<h3").map_or(entry.len(), |n| n + 1)];
        if let Some(python) = command.python {
            assert!(
                entry.contains(&escape(python)),
                "{}: Python equivalent",
                command.name
            );
        }
        assert!(
            entry.contains("netrepl-session"),
            "{}: example",
            command.name
        );
        if let Some(lesson) = course.teaching(command.name).first() {
            assert!(
                entry.contains(&format!("href=\"{}.html\"", lesson.id)),
                "{}: link back to lesson {}",
                command.name,
                lesson.id
            );
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn runnable_blocks_render_as_sessions_with_copy_buttons() {
    let course = load_course(Some(&root().join("lessons"))).expect("the course loads");
    for lesson in &course.lessons {
        let html = page(&format!("{}.html", lesson.id));
        let sessions = html.matches("<div class=\"netrepl-session\">").count();
        assert_eq!(sessions, lesson.blocks.len(), "{}: sessions", lesson.id);
        let recorded = lesson.blocks.iter().filter(|b| b.needs.is_some()).count();
        assert_eq!(
            html.matches("class=\"netrepl-recorded\"").count(),
            recorded,
            "{}: blocks that need root or the lab say their output is recorded",
            lesson.id
        );
        assert_eq!(
            html.matches("class=\"netrepl-exercise\"").count(),
            lesson.exercises().count(),
            "{}: exercise boxes",
            lesson.id
        );
        assert!(
            !html.contains("language-netrepl") && !html.contains("language-exercise"),
            "{}: a block was left as code",
            lesson.id
        );
        assert!(
            !html.contains("[..]"),
            "{}: a wildcard was shown",
            lesson.id
        );
    }
    let packing = page("packing-addresses.html");
    assert!(packing.contains("<span class=\"netrepl-prompt\">&gt;&gt;&gt; </span><span class=\"netrepl-command\">inet_aton 192.168.1.1</span>"));
    assert!(packing.contains("data-copy=\"inet_aton 192.168.1.1\""));
    assert!(packing.contains("data-copy=\"netrepl -c &quot;inet_aton 192.168.1.1&quot;\""));
    assert!(packing.contains("b'\\xc0\\xa8\\x01\\x01'"));
    // Commands in the prose link to the reference.
    assert!(packing.contains("href=\"reference.html#inet_aton\""));
    // The copy buttons' script and style are on every page.
    assert!(packing.contains("src=\"netrepl-") && packing.contains("href=\"netrepl-"));
}

#[test]
fn no_internal_link_is_broken() {
    let dest = &built();
    let mut broken = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(dest).expect("the book directory") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // 404.html resolves its links against the site root, not its folder.
        if !name.ends_with(".html") || name == "404.html" {
            continue;
        }
        let html = std::fs::read_to_string(&path).expect("page");
        for target in attribute_values(&html, "href=\"").chain(attribute_values(&html, "src=\"")) {
            if target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with("javascript:")
            {
                continue;
            }
            checked += 1;
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file = file.split('?').next().unwrap_or_default();
            let linked = if file.is_empty() {
                path.clone()
            } else {
                dest.join(file)
            };
            if !linked.is_file() {
                broken.push(format!("{name}: {target} (no such file)"));
                continue;
            }
            if !anchor.is_empty() && linked.extension().is_some_and(|e| e == "html") {
                let text = std::fs::read_to_string(&linked).expect("page");
                if !text.contains(&format!("id=\"{anchor}\"")) {
                    broken.push(format!("{name}: {target} (no such anchor)"));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

fn attribute_values<'a>(html: &'a str, attribute: &'a str) -> impl Iterator<Item = &'a str> {
    html.match_indices(attribute).filter_map(move |(at, _)| {
        let rest = &html[at + attribute.len()..];
        rest.find('"').map(|end| &rest[..end])
    })
}

/// A copy of the book whose lessons come from a copy of `lessons/` with
/// `edit` applied to one lesson.
fn broken_copy(name: &str, lesson: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&root().join("book"), &dir.join("book"));
    copy_dir(&root().join("lessons"), &dir.join("lessons"));
    let file = dir.join("lessons").join(lesson);
    let text = std::fs::read_to_string(&file).expect("lesson");
    std::fs::write(&file, edit(&text)).expect("write lesson");
    dir.join("book")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            if entry.file_name() != "book" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The line (1-based) of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1
}

#[test]
fn a_broken_lesson_fails_the_build_with_file_and_line() {
    let marker = "## IPv4 only: inet_aton and inet_ntoa";
    let insert = "See [the missing page](nowhere.md) first.\n\n```netrepl\n>>> inet_atom 1.2.3.4\nb'x'\n>>> inet_aton(\"1.2\n```\n\n";
    let book = broken_copy("book-broken", "packing-addresses.md", |text| {
        text.replacen(marker, &format!("{insert}{marker}"), 1)
    });
    let edited =
        std::fs::read_to_string(book.join("../lessons/packing-addresses.md")).expect("edited");
    let dest = book.join("../out");
    let _lock = build_lock();
    let error = netrepl::course::book::build(&book, &dest, Path::new(NETREPL))
        .expect_err("a broken lesson must not build");
    let file = "lessons/packing-addresses.md";
    let link_line = line_of(&edited, "nowhere.md");
    let unknown_line = line_of(&edited, ">>> inet_atom");
    let unparsable_line = line_of(&edited, ">>> inet_aton(\"1.2");
    for (line, what) in [
        (link_line, "nowhere.md"),
        (unknown_line, "`inet_atom` is not a command"),
        (unparsable_line, "does not parse"),
    ] {
        let expected = format!("{file}:{line}: ");
        assert!(
            error
                .lines()
                .any(|l| l.contains(&expected) && l.contains(what)),
            "expected `{expected}...{what}` in:\n{error}"
        );
    }
}

#[test]
fn mdbook_runs_netrepl_as_its_preprocessor() {
    let supports = |renderer: &str| {
        Command::new(NETREPL)
            .args(["mdbook", "supports", renderer])
            .status()
            .expect("run netrepl")
            .success()
    };
    assert!(supports("html"));
    assert!(!supports("latex"));

    // What mdBook sends: [context, book] as JSON on stdin.
    let book_dir = root().join("book");
    let loaded = mdbook_driver::MDBook::load(&book_dir).expect("book.toml loads");
    let ctx = mdbook_preprocessor::PreprocessorContext::new(
        book_dir.clone(),
        loaded.config.clone(),
        "html".into(),
    );
    let input = serde_json::to_vec(&(&ctx, &loaded.book)).expect("json");
    let _lock = build_lock();
    let mut child = Command::new(NETREPL)
        .arg("mdbook")
        .current_dir(&book_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run netrepl mdbook");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&input)
    });
    let output = child.wait_with_output().expect("output");
    writer.join().expect("writer").expect("write");
    assert!(
        output.status.success(),
        "netrepl mdbook failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let book: mdbook_preprocessor::book::Book =
        serde_json::from_slice(&output.stdout).expect("stdout holds only the book JSON");
    let paths: HashSet<String> = book
        .chapters()
        .filter_map(|c| c.path.as_ref().map(|p| p.display().to_string()))
        .collect();
    let course = load_course(Some(&root().join("lessons"))).expect("the course loads");
    for lesson in &course.lessons {
        assert!(
            paths.contains(&format!("{}.md", lesson.id)),
            "{}",
            lesson.id
        );
    }
}

/// The real `mdbook` program, when one is installed (on PATH, or named by
/// NETREPL_TEST_MDBOOK), builds the book with netrepl as its preprocessor.
/// CI has no mdbook, so there this says so and skips; the protocol itself is
/// tested above with mdBook's own types.
#[test]
fn an_installed_mdbook_builds_the_book() {
    let mdbook = std::env::var("NETREPL_TEST_MDBOOK").unwrap_or_else(|_| "mdbook".into());
    let installed = Command::new(&mdbook)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        println!("SKIPPED: no mdbook program installed (set NETREPL_TEST_MDBOOK to use one)");
        return;
    }
    let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-by-mdbook");
    let _ = std::fs::remove_dir_all(&dest);
    let _lock = build_lock();
    let output = Command::new(&mdbook)
        .arg("build")
        .arg(root().join("book"))
        .arg("--dest-dir")
        .arg(&dest)
        // This test's netrepl, not the `cargo run` that book.toml names.
        .env(
            "MDBOOK_PREPROCESSOR__NETREPL__COMMAND",
            format!("{NETREPL} mdbook"),
        )
        .output()
        .expect("mdbook runs");
    assert!(
        output.status.success(),
        "mdbook build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lesson = std::fs::read_to_string(dest.join("packing-addresses.html")).expect("lesson page");
    assert!(lesson.contains("netrepl-prompt"), "sessions are rendered");
    let reference = std::fs::read_to_string(dest.join("reference.html")).expect("reference");
    assert!(
        reference.contains("inet_aton"),
        "the reference is filled in"
    );
}

/// Where an exercise box that starts just inside `rest` ends: at the
/// `</div>` that closes its own `<div`, counting the divs nested in it (the
/// box is followed by the rest of the page, examples and all, now that
/// exercises stand between a lesson's paragraphs).
fn box_end(rest: &str) -> usize {
    let mut depth = 1;
    let mut at = 0;
    while depth > 0 {
        let open = rest[at..].find("<div").map(|i| at + i);
        let close = rest[at..].find("</div>").map(|i| at + i);
        match (open, close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                at = o + "<div".len();
            }
            (_, Some(c)) => {
                depth -= 1;
                at = c + "</div>".len();
            }
            (_, None) => return rest.len(),
        }
    }
    at
}

/// Each exercise box of a page, with its folded hints cut out.
fn exercise_boxes_without_hints(html: &str) -> Vec<String> {
    html.split("<div class=\"netrepl-exercise\"")
        .skip(1)
        .map(|rest| {
            let end = box_end(rest);
            let mut shown = String::new();
            let mut text = &rest[..end];
            while let Some(start) = text.find("<details") {
                shown.push_str(&text[..start]);
                text = text[start..]
                    .find("</details>")
                    .map_or("", |close| &text[start + close..]);
            }
            shown.push_str(text);
            shown
        })
        .collect()
}

#[test]
fn no_exercise_shows_its_expected_result_outside_a_folded_hint() {
    use netrepl::course::lessons::parse::Expect;
    let course = load_course(Some(&root().join("lessons"))).expect("the course loads");
    for lesson in &course.lessons {
        let html = page(&format!("{}.html", lesson.id));
        let boxes = exercise_boxes_without_hints(&html);
        for exercise in lesson.exercises() {
            let expected = match &exercise.expect {
                Expect::Result(r) | Expect::Error(r) => r,
                Expect::Success => continue,
            };
            // The longest literal piece of the expected text, HTML-escaped as the page has it.
            let raw = expected
                .split("[..]")
                .max_by_key(|p| p.len())
                .unwrap_or_default();
            let escaped = raw
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\'', "&#39;");
            if raw.trim().len() < 6 {
                continue;
            }
            for shown in &boxes {
                let piece = raw;
                assert!(
                    !shown.contains(raw) && !shown.contains(&escaped),
                    "{}: exercise {} shows its expected result {piece:?} outside a hint",
                    lesson.id,
                    exercise.id
                );
            }
        }
    }
}

/// Whether this test may make network namespaces (root, and `ip` installed);
/// says why not when it may not.
fn can_make_namespaces() -> bool {
    let root = netrepl::net::sealed::is_root();
    let ip = Command::new("ip")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !(root && ip) {
        println!("SKIPPED: needs root and ip (iproute2) to make a network namespace");
    }
    root && ip
}

/// A namespace of the test's own with only loopback up and a resolver on
/// loopback, deleted when dropped (even when the test fails).
struct TestNamespace(String);

impl TestNamespace {
    fn new(what: &str) -> TestNamespace {
        let name = format!("nrbooktest-{what}-{}", std::process::id());
        let ip = |args: &[&str]| {
            Command::new("ip")
                .args(args)
                .status()
                .is_ok_and(|s| s.success())
        };
        let _ = ip(&["netns", "del", &name]);
        let namespace = TestNamespace(name);
        let etc = format!("/etc/netns/{}", namespace.0);
        std::fs::create_dir_all(&etc).expect("mkdir /etc/netns/NAME");
        std::fs::write(format!("{etc}/resolv.conf"), "nameserver 127.0.0.1\n")
            .expect("resolv.conf");
        assert!(ip(&["netns", "add", &namespace.0]), "ip netns add");
        assert!(
            ip(&["-n", &namespace.0, "link", "set", "lo", "up"]),
            "lo up"
        );
        namespace
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.0, program]);
        command
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.0));
    }
}

/// A scratch directory of this test binary, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// Every file of a built book, by its path inside it.
fn book_files(dest: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dest.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                let name = path.strip_prefix(dest).unwrap().display().to_string();
                files.push((name, text));
            }
        }
    }
    files.sort();
    files
}

fn run_book_build(mut command: Command) -> (bool, String) {
    let output = command.output().expect("run netrepl book build");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_book_built_in_a_namespace_with_its_own_host_name_shows_neither_it_nor_progress() {
    if !can_make_namespaces() {
        return;
    }
    let dir = scratch("book-host-name");
    // The builder's own progress: the first lesson done.
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let course = load_course(Some(&root().join("lessons"))).expect("the course loads");
    let first = &course.lessons[0];
    let done: Vec<String> = first.exercises().map(|e| e.id.clone()).collect();
    let progress = serde_json::json!({"version": 1, "current": first.id,
        "lessons": {&first.id: {"step": 0, "done": done, "seen_all": true}}});
    std::fs::write(data.join("progress.json"), progress.to_string()).expect("seed progress");
    let namespace = TestNamespace::new("host");
    let host_name = format!("nrhost{}x", std::process::id());
    let in_namespace = |args: &[&str]| {
        let mut command = namespace.command(NETREPL);
        command.args(args).env("NETREPL_DATA_DIR", &data);
        netrepl::net::ffi::spawn_sealed(&mut command, &host_name, None);
        command
    };
    // The seed is progress netrepl reads, and the host name is the builder's.
    let lessons = in_namespace(&["-c", "lessons"]).output().expect("lessons");
    let lessons = String::from_utf8_lossy(&lessons.stdout);
    assert!(lessons.contains("(1 of "), "the seeded progress: {lessons}");
    let name = in_namespace(&["-c", "gethostname"])
        .output()
        .expect("gethostname");
    assert!(String::from_utf8_lossy(&name.stdout).contains(&host_name));

    let dest = dir.join("out");
    let _lock = build_lock();
    let mut build = in_namespace(&["book", "build", "--no-lab", "-o"]);
    build.arg(&dest).current_dir(&dir);
    let (ok, stderr) = run_book_build(build);
    assert!(ok, "the book did not build:\n{stderr}");
    let files = book_files(&dest);
    assert!(files.len() > 20, "{} files", files.len());
    for (name, text) in &files {
        assert!(
            !text.contains(&host_name),
            "{name} shows the builder's host name"
        );
        assert!(
            !text.contains("(1 of "),
            "{name} shows the builder's progress"
        );
    }
    let host_names = std::fs::read_to_string(dest.join("host-names.html")).expect("page");
    assert!(host_names.contains(netrepl::course::book::seal::HOST_NAME));
    let reference = std::fs::read_to_string(dest.join("reference.html")).expect("page");
    assert!(reference.contains(&format!("(0 of {} lessons done)", course.lessons.len())));
}

#[test]
fn a_book_builds_with_no_route_out() {
    if !can_make_namespaces() {
        return;
    }
    let dir = scratch("book-offline");
    let namespace = TestNamespace::new("offline");
    let dest = dir.join("out");
    let _lock = build_lock();
    // Unsealed, so get_ip_4, interfaces and routes meet the machine as it
    // is: one with only loopback and no route anywhere.
    let mut build = namespace.command(NETREPL);
    build
        .args(["book", "build", "--unsealed", "--no-lab", "-o"])
        .arg(&dest)
        .current_dir(&dir);
    let (ok, stderr) = run_book_build(build);
    assert!(ok, "the book did not build offline:\n{stderr}");
    let address = std::fs::read_to_string(dest.join("finding-your-address.html")).expect("page");
    assert!(
        address.contains("netrepl-machine\">This machine"),
        "blocks that show the machine say whose it is"
    );
    let reference = std::fs::read_to_string(dest.join("reference.html")).expect("page");
    assert!(reference.contains("id=\"get_ip_4\""));
}

#[test]
fn book_build_works_from_any_directory_with_the_built_in_book() {
    let dir = scratch("book-anywhere");
    let _lock = build_lock();
    let mut build = Command::new(NETREPL);
    build
        .args(["book", "build", "--no-lab"])
        .current_dir(&dir)
        .env("NETREPL_DATA_DIR", dir.join("data"));
    let (ok, stderr) = run_book_build(build);
    assert!(ok, "the built-in book did not build:\n{stderr}");
    let course = load_course(None).expect("the built-in course");
    for lesson in &course.lessons {
        assert!(
            dir.join("netrepl-book")
                .join(format!("{}.html", lesson.id))
                .is_file(),
            "{}",
            lesson.id
        );
    }
    let reference =
        std::fs::read_to_string(dir.join("netrepl-book/reference.html")).expect("reference");
    assert!(reference.contains("id=\"inet_aton\""));
}

#[test]
fn a_broken_block_is_reported_at_its_line_and_the_book_is_still_written() {
    let marker = "## IPv4 only: inet_aton and inet_ntoa";
    let insert = "```netrepl\n>>> inet_aton 1.2.3.4\nb'nothing like it'\n```\n\n";
    let book = broken_copy("book-broken-block", "packing-addresses.md", |text| {
        text.replacen(marker, &format!("{insert}{marker}"), 1)
    });
    let lessons = book.join("../lessons");
    let edited = std::fs::read_to_string(lessons.join("packing-addresses.md")).expect("edited");
    let block_line = edited
        .lines()
        .collect::<Vec<_>>()
        .windows(2)
        .position(|w| w[0] == "```netrepl" && w[1] == ">>> inet_aton 1.2.3.4")
        .expect("the inserted block")
        + 1;
    let dest = book.join("../out");
    let _lock = build_lock();
    let mut build = Command::new(NETREPL);
    build
        .args(["book", "build", "--no-lab", "--lessons"])
        .arg(&lessons)
        .arg("-o")
        .arg(&dest)
        .current_dir(book.join(".."));
    let (ok, stderr) = run_book_build(build);
    assert!(!ok, "a broken block must make the build fail");
    assert!(
        stderr.contains(&format!("packing-addresses.md:{block_line}: ")),
        "file:line of the block in:\n{stderr}"
    );
    let page = std::fs::read_to_string(dest.join("packing-addresses.html")).expect("the page");
    let course = load_course(Some(&lessons)).expect("the edited course");
    let lesson = &course.lessons[course.find("packing-addresses").expect("lesson").0];
    assert_eq!(
        page.matches("<div class=\"netrepl-session\">").count(),
        lesson.blocks.len(),
        "every block still has its session"
    );
    assert!(dest.join("reference.html").is_file());
}

/// A book's text with what differs on every run masked: round trip times
/// (decimals), the time of day (`01:02:03`), ephemeral ports (32768 and up,
/// after `:` or `, `), all the OS picks afresh, and the search index's name,
/// a hash of its text.
fn without_timings_and_ephemeral_ports(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            out.push_str("#.#");
            continue;
        }
        let digits: String = chars[start..i].iter().collect();
        let clock = |at: usize| {
            chars.get(at) == Some(&':')
                && chars.get(at + 1).is_some_and(char::is_ascii_digit)
                && chars.get(at + 2).is_some_and(char::is_ascii_digit)
        };
        if digits.len() == 2 && clock(i) && clock(i + 3) {
            out.push_str("HH:MM:SS");
            i += 6;
            continue;
        }
        let after_colon = start > 0 && chars[start - 1] == ':';
        let after_comma = start > 1 && chars[start - 1] == ' ' && chars[start - 2] == ',';
        match digits.parse::<u32>() {
            Ok(port) if (32768..=65535).contains(&port) && (after_colon || after_comma) => {
                out.push_str("PORT")
            }
            _ => out.push_str(&digits),
        }
    }
    let mut masked = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("searchindex-") {
        masked.push_str(&rest[..at + "searchindex-".len()]);
        rest = &rest[at + "searchindex-".len()..];
        rest = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    }
    masked.push_str(rest);
    masked
}

#[test]
fn the_same_sources_give_the_same_book() {
    let dir = scratch("book-twice");
    let build = |name: &str| {
        let dest = dir.join(name);
        let _lock = build_lock();
        let built = build_without_lab(&root().join("book"), &dest);
        assert!(
            built.problems.is_empty(),
            "{}",
            netrepl::course::book::problem_report(&built.problems)
        );
        book_files(&dest)
            .into_iter()
            .map(|(name, text)| {
                (
                    without_timings_and_ephemeral_ports(&name),
                    without_timings_and_ephemeral_ports(&text),
                )
            })
            .collect::<Vec<_>>()
    };
    let first = build("one");
    let second = build("two");
    assert_eq!(
        first.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        second.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        // The search index counts words, timings among them; it is made
        // from the pages, which are compared.
        if a != b && !name.starts_with("searchindex") {
            let line = a
                .lines()
                .zip(b.lines())
                .find(|(x, y)| x != y)
                .map(|(x, y)| {
                    let cut = |l: &str| l.chars().take(300).collect::<String>();
                    format!("\n  {}\n  {}", cut(x), cut(y))
                })
                .unwrap_or_default();
            panic!("{name} differs between two builds:{line}");
        }
    }
}

#[test]
fn only_lines_that_run_on_their_own_get_a_one_liner_and_lab_lines_need_sudo() {
    let page = page("finding-your-address.html");
    let buttons_of = |input: &str| {
        let at = page
            .find(&format!("netrepl-command\">{input}</span>"))
            .unwrap_or_else(|| panic!("no line {input}"));
        let rest = &page[at..];
        rest[..rest.find("</div>").unwrap_or(rest.len())].to_string()
    };
    assert!(buttons_of("mine = interfaces").contains("netrepl-copy-oneliner"));
    let needs_mine = buttons_of("mine[0]");
    assert!(needs_mine.contains("data-copy=\"mine[0]\""));
    assert!(
        !needs_mine.contains("netrepl-copy-oneliner"),
        "mine[0] needs the line before it: {needs_mine}"
    );
    assert!(
        buttons_of("get_ip_4").contains("data-copy=\"sudo netrepl --lab -c &quot;get_ip_4&quot;\""),
        "a lab line copies as sudo netrepl --lab"
    );
}

#[test]
fn the_glossary_and_reference_are_not_numbered_lessons_and_nothing_typed_has_curly_quotes() {
    let toc = page("toc.html");
    for extra in ["reference.html", "glossary.html"] {
        let at = toc.find(&format!("href=\"{extra}\"")).expect("in the toc");
        let item = &toc[at..at + toc[at..].find("</a>").unwrap_or(0)];
        assert!(!item.contains("aria-hidden"), "{extra} is numbered: {item}");
    }
    let glossary = page("glossary.html");
    for term in ["nat", "dhcp", "lease", "tcp", "udp", "ttl", "unicast"] {
        assert!(
            glossary.contains(&format!("id=\"{term}\"")),
            "glossary: {term}"
        );
    }
    let addresses = page("ipv4-addresses.html");
    assert!(!addresses.contains("href=\"reference.html#gethostname\"><strong>host</strong>"));
    let private = page("loopback-private-public.html");
    assert!(private.contains("href=\"reference.html#routes\"><strong>default gateway</strong>"));
    for entry in std::fs::read_dir(built()).expect("book").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("page");
        for (open, close) in [("<code", "</code>"), ("data-copy=\"", "\"")] {
            for (at, _) in html.match_indices(open) {
                let rest = &html[at..];
                let code = &rest[..rest[open.len()..]
                    .find(close)
                    .map_or(rest.len(), |n| n + open.len())];
                assert!(
                    !code.contains(['\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}']),
                    "{name}: typographic quotes in code: {code}"
                );
            }
        }
    }
}

#[test]
fn the_lab_chapter_shows_the_default_lab_as_a_figure_and_its_file() {
    let html = page("lab.html");
    assert!(
        !html.contains("{{#netrepl-lab"),
        "a mark was left in the page"
    );
    let figure = html
        .find("netrepl-lab-figure")
        .expect("the lab figure is in the page");
    let svg_start = figure + html[figure..].find("<svg").expect("an svg");
    let svg = &html[svg_start..html[svg_start..].find("</svg>").unwrap() + svg_start];
    for name in [
        "scanner.lab",
        "router.lab",
        "ns.lab",
        "quiet.lab",
        "far.lab",
    ] {
        assert!(svg.contains(&format!(">{name}</text>")), "{name} is drawn");
    }
    assert!(svg.contains("10.77.1.0/24"), "the far subnet is drawn");
    // The file, verbatim (as HTML text), from the same source `lab up` reads.
    let first_host = "name = &quot;scanner&quot;";
    assert!(
        html.contains(first_host) || html.contains("name = \"scanner\""),
        "the file is shown"
    );
    assert!(html.contains("[[subnets]]"));
    assert!(
        page("toc.html").contains("lab.html"),
        "the chapter is in the contents"
    );
}
