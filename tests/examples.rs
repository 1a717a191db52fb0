//! Every example in the command registry, the ones `help NAME` shows, runs
//! through the real binary and must print what it promises. No command can
//! opt out: the loop reads the registry itself.

mod support;

use netrepl::commands;
use netrepl::course::transcript::match_lines;

/// Runs one example in a fresh `--format python` process, with a data
/// directory of its own (`runtime_dir()` makes one there, not in the home of
/// whoever runs the tests).
fn example_failure(command: &str, input: &str, expected: &str) -> Option<String> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = std::env::temp_dir().join(format!("netrepl-examples-{}-{run}", std::process::id()));
    let mut netrepl = support::netrepl("python");
    netrepl.env("NETREPL_DATA_DIR", &data);
    let output = support::run_merged(netrepl, &format!("{input}\n"));
    let _ = std::fs::remove_dir_all(&data);
    let actual: Vec<&str> = output.lines().collect();
    let expected: Vec<&str> = expected.lines().collect();
    match_lines(&expected, &actual)
        .err()
        .map(|report| format!("{command}: >>> {input}\n{report}"))
}

#[test]
fn every_registry_example_prints_what_it_promises() {
    let mut failures = Vec::new();
    let mut count = 0;
    for command in commands::all() {
        for example in command.examples {
            count += 1;
            failures.extend(example_failure(command.name, example.input, example.output));
        }
    }
    assert!(count >= commands::all().len(), "every command has examples");
    assert!(
        failures.is_empty(),
        "{} of {count} examples failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_wrong_example_would_be_caught() {
    // Guards the harness: a promise the binary does not keep must fail.
    assert!(example_failure("htons", "htons 80", "80").is_some());
    assert!(example_failure("htons", "htons 80", "20480").is_none());
}

#[test]
fn the_lab_status_example_holds_whether_or_not_a_lab_is_up() {
    let lab = commands::find("lab").expect("lab is a command");
    let pattern = lab.examples[0].output;
    assert!(netrepl::course::transcript::line_matches(pattern, "[]"));
    assert!(netrepl::course::transcript::line_matches(
        pattern,
        "[{'name': 'scanner.lab', 'address': '10.77.0.1'}]"
    ));
}
