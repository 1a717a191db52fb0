//! Issue 10, the learner's files: netrepl never writes through a symlink in
//! its data directory, never hangs on or swallows a FIFO or a huge file in
//! place of one, keeps a file it cannot read aside (and says so) instead of
//! overwriting it, saves progress whole and at once, and merges what two
//! sessions at once finish. Every test has a data directory of its own.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_netrepl");
/// Far longer than any of these runs takes: only a hang reaches it.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// A directory of the test's own under the system's temporary directory,
/// removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("netrepl-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("make a scratch directory");
        Scratch(dir)
    }

    fn data(&self) -> PathBuf {
        self.0.join("data")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs netrepl with `input` on stdin and `data` as its data directory,
/// killed if it outlives the hang guard. Returns (stdout, stderr).
fn run_with_data(data: &Path, args: &[&str], input: &str) -> (String, String) {
    let mut child = Command::new("timeout")
        .args([
            "-s",
            "KILL",
            &HANG_GUARD.as_secs().to_string(),
            BIN,
            "--no-color",
        ])
        .args(args)
        .env("NETREPL_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netrepl starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("netrepl ends");
    assert_ne!(out.status.code(), Some(137), "netrepl hung and was killed");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

/// Finishes exercise `pack-172-16-0-1` of packing-addresses.
const FINISH_PACKING: &str = "lesson packing-addresses\nnext\ninet_aton 172.16.0.1\n";

fn progress_file(data: &Path) -> String {
    fs::read_to_string(data.join("progress.json")).expect("progress.json is there")
}

fn files_named(dir: &Path, part: &str) -> Vec<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(part))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn progress_through_a_symlink_leaves_its_target_untouched() {
    let scratch = Scratch::new("progress-symlink");
    let data = scratch.data();
    fs::create_dir_all(&data).unwrap();
    let outside = scratch.0.join("outside");
    fs::write(&outside, "precious\n").unwrap();
    fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&outside, data.join("progress.json")).unwrap();

    let (stdout, stderr) = run_with_data(&data, &[], FINISH_PACKING);
    assert!(stdout.contains("✓ Exercise done"), "{stdout}");
    assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
    assert_eq!(mode(&outside), 0o644, "the target's mode is not changed");
    assert!(
        stderr.contains("symbolic link"),
        "the learner is told: {stderr}"
    );
    let meta = fs::symlink_metadata(data.join("progress.json")).unwrap();
    assert!(
        meta.file_type().is_file(),
        "progress is now a file of its own"
    );
    assert!(progress_file(&data).contains("pack-172-16-0-1"));
}

#[test]
fn history_through_a_symlink_leaves_its_target_untouched() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipping: no `script` to give netrepl a terminal");
        return;
    }
    let scratch = Scratch::new("history-symlink");
    let data = scratch.data();
    fs::create_dir_all(&data).unwrap();
    let outside = scratch.0.join("outside");
    fs::write(&outside, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&outside, data.join("history")).unwrap();
    interactive_session(&data, "gethostname\n");
    assert_eq!(
        fs::read_to_string(&outside).unwrap(),
        "root:x:0:0:root:/root:/bin/bash\n"
    );
    assert_eq!(mode(&outside), 0o644);
    assert!(
        fs::symlink_metadata(data.join("history"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link itself is left for the learner to look at"
    );
}

/// Runs netrepl on a terminal (util-linux `script` makes one), types
/// `typed`, then Ctrl-D.
fn interactive_session(data: &Path, typed: &str) -> String {
    interactive_session_for(data, typed, Duration::from_millis(500))
}

/// Like [`interactive_session`], with `linger` between typing and Ctrl-D.
fn interactive_session_for(data: &Path, typed: &str, linger: Duration) -> String {
    let mut child = Command::new("timeout")
        .args(["-s", "KILL", &HANG_GUARD.as_secs().to_string()])
        .args(["script", "-qec"])
        .arg(format!("{BIN} --no-color"))
        .arg("/dev/null")
        .env("NETREPL_DATA_DIR", data)
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let typed = typed.to_string();
    std::thread::spawn(move || {
        // Typed after the prompt is up, as a person would.
        std::thread::sleep(Duration::from_millis(500));
        let _ = stdin.write_all(typed.as_bytes());
        std::thread::sleep(linger);
        let _ = stdin.write_all(b"\x04");
        std::thread::sleep(Duration::from_secs(2));
    });
    let out = child.wait_with_output().expect("script ends");
    assert_ne!(out.status.code(), Some(137), "netrepl hung and was killed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn two_interactive_sessions_both_keep_their_history() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipping: no `script` to give netrepl a terminal");
        return;
    }
    let scratch = Scratch::new("history-two");
    let data = scratch.data();
    // Both start before either ends; the later one to leave used to write
    // its own lines over the earlier one's.
    let early = {
        let data = data.clone();
        std::thread::spawn(move || interactive_session(&data, "gethostname\n"))
    };
    let late = {
        let data = data.clone();
        std::thread::spawn(move || {
            interactive_session_for(&data, "inet_aton 127.0.0.1\n", Duration::from_secs(3))
        })
    };
    early.join().expect("first session");
    late.join().expect("second session");
    interactive_session(&data, "gethostbyname localhost\n");
    let history = fs::read_to_string(data.join("history")).expect("history is saved");
    assert!(
        history.contains("gethostname")
            && history.contains("inet_aton 127.0.0.1")
            && history.contains("gethostbyname localhost"),
        "{history}"
    );
    assert_eq!(mode(&data.join("history")), 0o600);
    assert_eq!(mode(&data), 0o700);
}

#[test]
fn the_data_directory_and_progress_are_private() {
    let scratch = Scratch::new("private");
    let data = scratch.data();
    run_with_data(&data, &[], FINISH_PACKING);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("progress.json")), 0o600);
}

#[test]
fn unusable_progress_is_kept_aside_and_the_learner_told() {
    for (name, text, tag) in [
        (
            "truncated",
            "{\"version\": 1, \"current\": \"packing-addr",
            "corrupt",
        ),
        ("garbled", "\u{0}\u{1}not json at all", "corrupt"),
        (
            "wrong-typed",
            "{\"version\": 1, \"lessons\": [1, 2]}",
            "corrupt",
        ),
        (
            "newer",
            "{\"version\": 7, \"lessons\": {}, \"future\": true}",
            "newer",
        ),
    ] {
        let scratch = Scratch::new(&format!("corrupt-{name}"));
        let data = scratch.data();
        fs::create_dir_all(&data).unwrap();
        fs::write(data.join("progress.json"), text).unwrap();
        let (stdout, stderr) = run_with_data(&data, &[], FINISH_PACKING);
        assert!(stdout.contains("✓ Exercise done"), "{name}: {stdout}");
        let aside = files_named(&data, &format!("progress.json.{tag}-"));
        assert_eq!(aside.len(), 1, "{name}: {:?}", files_named(&data, ""));
        assert_eq!(
            fs::read_to_string(data.join(&aside[0])).unwrap(),
            text,
            "{name}: kept as it was"
        );
        assert!(
            stderr.contains(&aside[0]) && stderr.contains("starts afresh"),
            "{name}: {stderr}"
        );
        assert!(progress_file(&data).contains("pack-172-16-0-1"), "{name}");
    }
}

#[test]
fn a_fifo_or_a_huge_file_in_place_of_progress_or_history_does_not_hang() {
    let scratch = Scratch::new("fifo");
    let data = scratch.data();
    fs::create_dir_all(&data).unwrap();
    for name in ["progress.json", "history"] {
        let made = Command::new("mkfifo").arg(data.join(name)).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }
    let started = Instant::now();
    let (stdout, stderr) = run_with_data(&data, &[], FINISH_PACKING);
    assert!(started.elapsed() < HANG_GUARD);
    assert!(stdout.contains("✓ Exercise done"), "{stdout}");
    assert!(stderr.contains("FIFO"), "{stderr}");
    assert_eq!(files_named(&data, "progress.json.refused-").len(), 1);

    let scratch = Scratch::new("huge");
    let data = scratch.data();
    fs::create_dir_all(&data).unwrap();
    let huge = fs::File::create(data.join("progress.json")).unwrap();
    huge.set_len(100 * 1024 * 1024).unwrap();
    drop(huge);
    let (stdout, stderr) = run_with_data(&data, &[], FINISH_PACKING);
    assert!(stdout.contains("✓ Exercise done"), "{stdout}");
    assert!(stderr.contains("bytes"), "{stderr}");
}

/// A netrepl session driven line by line: each line is sent once the
/// output the previous one waited for has appeared.
struct Driven {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    seen: String,
}

impl Driven {
    fn start(data: &Path) -> Driven {
        Driven::start_with(|command| {
            command.env("NETREPL_DATA_DIR", data);
        })
    }

    /// A session whose environment `configure` sets.
    fn start_with(configure: impl FnOnce(&mut Command)) -> Driven {
        let mut command = Command::new(BIN);
        configure(&mut command);
        let mut child = command
            .arg("--no-color")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("netrepl starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Driven {
            child,
            stdin,
            lines,
            seen: String::new(),
        }
    }

    fn send(&mut self, line: &str, wait_for: &str) {
        writeln!(self.stdin, "{line}").expect("send a line");
        let deadline = Instant::now() + HANG_GUARD;
        while !self.seen.contains(wait_for) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                }
                Err(_) => panic!("never saw {wait_for:?} after {line:?}:\n{}", self.seen),
            }
        }
        self.seen.clear();
    }

    fn quit(mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.child.wait();
    }
}

impl Drop for Driven {
    /// A test that fails half-way leaves no session behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_sessions_at_once_both_keep_what_they_finished() {
    let scratch = Scratch::new("two-sessions");
    let data = scratch.data();
    let mut first = Driven::start(&data);
    let mut second = Driven::start(&data);
    // Both have read the progress before either finishes anything.
    first.send("lesson packing-addresses", "── Lesson");
    second.send("lesson host-names", "── Lesson");
    // pack-172-16-0-1 is on the second step; my-name on the first.
    first.send("next", "── Lesson");
    first.send("inet_aton 172.16.0.1", "✓ Exercise done");
    second.send("gethostname", "✓ Exercise done");
    first.quit();
    second.quit();
    let progress = progress_file(&data);
    assert!(
        progress.contains("pack-172-16-0-1") && progress.contains("my-name"),
        "{progress}"
    );
}

#[test]
fn many_saves_at_once_never_leave_a_torn_file() {
    let scratch = Scratch::new("torn");
    let data = scratch.data();
    run_with_data(&data, &[], "lesson packing-addresses\n");
    let moves: String =
        "next\nnext\nback\nlesson host-names\nnext\nback\nlesson packing-addresses\n".repeat(10);
    let writers: Vec<_> = (0..6)
        .map(|_| {
            let data = data.clone();
            let moves = moves.clone();
            std::thread::spawn(move || run_with_data(&data, &[], &moves))
        })
        .collect();
    let mut reads = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        if let Ok(text) = fs::read_to_string(data.join("progress.json")) {
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&text);
            assert!(parsed.is_ok(), "a reader saw a torn file: {text:?}");
            reads += 1;
        }
    }
    for writer in writers {
        let (_, stderr) = writer.join().expect("writer");
        assert!(!stderr.contains("could not"), "{stderr}");
    }
    assert!(reads > 0);
    assert!(files_named(&data, ".corrupt-").is_empty());
    assert!(
        files_named(&data, ".tmp").is_empty(),
        "no temporary file is left"
    );
}

#[test]
fn two_sessions_of_one_learner_add_up_their_attempts_and_hints() {
    let scratch = Scratch::new("two-sessions-records");
    let data = scratch.data();
    let mut first = Driven::start(&data);
    let mut second = Driven::start(&data);
    first.send("lesson packing-addresses", "── Lesson");
    second.send("lesson packing-addresses", "── Lesson");
    first.send("next", "── Lesson");
    second.send("next", "── Lesson");
    first.send("hint", "Hint 1");
    first.send("inet_aton 10.0.0.1", "Not quite");
    second.send("inet_aton 10.0.0.2", "Not quite");
    second.send("inet_aton 172.16.0.1", "✓ Exercise done");
    first.quit();
    second.quit();
    let progress: serde_json::Value = serde_json::from_str(&progress_file(&data)).unwrap();
    let lesson = &progress["lessons"]["packing-addresses"];
    let record = &lesson["exercises"]["pack-172-16-0-1"];
    assert_eq!(record["attempts"], 3, "{progress}");
    assert_eq!(record["hints"], 1, "{progress}");
    assert!(record["done_at"].is_string(), "{progress}");
    assert!(lesson["started"].is_string(), "{progress}");
}

/// One user of a shared machine: a home, a data directory and a runtime
/// directory of their own, and nothing of the test's environment that
/// would choose a data directory for them.
struct User {
    home: PathBuf,
    runtime: PathBuf,
}

impl User {
    fn new(scratch: &Scratch, name: &str) -> User {
        let home = scratch.0.join(name);
        let runtime = scratch.0.join(format!("{name}-run"));
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(&runtime).unwrap();
        fs::set_permissions(&runtime, fs::Permissions::from_mode(0o700)).unwrap();
        User { home, runtime }
    }

    fn session(&self) -> Driven {
        Driven::start_with(|command| {
            command
                .env_remove("NETREPL_DATA_DIR")
                .env("HOME", &self.home)
                .env("XDG_DATA_HOME", self.home.join("data"))
                .env("XDG_RUNTIME_DIR", &self.runtime);
        })
    }
}

#[test]
fn two_users_at_once_bind_the_same_socket_name_each_in_their_own_directory() {
    let scratch = Scratch::new("two-users");
    let (ada, bob) = (User::new(&scratch, "ada"), User::new(&scratch, "bob"));
    let mut ada_session = ada.session();
    let mut bob_session = bob.session();
    for session in [&mut ada_session, &mut bob_session] {
        session.send("srv = socket unix", "");
        session.send("srv.bind(runtime_dir() + '/echo.sock')", "");
        session.send("srv.listen()", "");
        session.send("srv.getsockname()", "echo.sock");
    }
    // Both are bound to echo.sock at once, each in its own directory.
    for user in [&ada, &bob] {
        let dir = user.runtime.join("netrepl");
        assert_eq!(mode(&dir), 0o700, "the runtime directory is private");
        let socket = fs::symlink_metadata(dir.join("echo.sock")).expect("the socket file");
        assert!(std::os::unix::fs::FileTypeExt::is_socket(
            &socket.file_type()
        ));
    }
    ada_session.send("lesson packing-addresses", "── Lesson");
    bob_session.send("lesson host-names", "── Lesson");
    ada_session.quit();
    bob_session.quit();
    // Each one's progress went to their own data directory.
    let progress = |user: &User| {
        fs::read_to_string(user.home.join("data/netrepl/progress.json")).expect("progress")
    };
    assert!(progress(&ada).contains("packing-addresses") && !progress(&ada).contains("host-names"));
    assert!(progress(&bob).contains("host-names") && !progress(&bob).contains("packing-addresses"));
    for user in [&ada, &bob] {
        assert!(
            !user.runtime.join("netrepl/echo.sock").exists(),
            "the socket file is removed when the session ends"
        );
    }
}

#[test]
fn without_a_runtime_directory_sockets_go_in_the_data_directory() {
    let scratch = Scratch::new("no-xdg-runtime");
    let home = scratch.0.join("home");
    let out = Command::new(BIN)
        .args(["--format", "python", "-c", "runtime_dir()"])
        .env_remove("NETREPL_DATA_DIR")
        .env_remove("XDG_RUNTIME_DIR")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("netrepl runs");
    let shown = String::from_utf8_lossy(&out.stdout);
    let expected = home.join("data/netrepl/run");
    assert_eq!(shown.trim(), format!("'{}'", expected.display()));
    assert_eq!(mode(&expected), 0o700);
    // A chosen data directory brings its own runtime directory.
    let (shown, _) = run_with_data(
        &scratch.data(),
        &["--format", "python", "-c", "runtime_dir()"],
        "",
    );
    assert_eq!(
        shown.trim(),
        format!("'{}'", scratch.data().join("run").display())
    );
}

#[test]
fn a_runtime_directory_others_may_enter_is_refused() {
    let scratch = Scratch::new("open-runtime");
    let user = User::new(&scratch, "eve");
    let open = user.runtime.join("netrepl");
    fs::create_dir_all(&open).unwrap();
    fs::set_permissions(&open, fs::Permissions::from_mode(0o777)).unwrap();
    let out = Command::new(BIN)
        .args(["-c", "runtime_dir()"])
        .env_remove("NETREPL_DATA_DIR")
        .env("HOME", &user.home)
        .env("XDG_DATA_HOME", user.home.join("data"))
        .env("XDG_RUNTIME_DIR", &user.runtime)
        .output()
        .expect("netrepl runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PermissionError") && stderr.contains("alone"),
        "{stderr}"
    );
    assert_eq!(
        mode(&open),
        0o777,
        "left as it is, for its owner to look at"
    );
}
