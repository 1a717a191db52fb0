//! Where the book's blocks run: a sealed session, so the book shows the
//! course and not the machine or the person that built it. Every run gets a
//! fresh, empty data directory (never the builder's history or progress) and
//! a small fixed environment; as root, runs go into a throwaway namespace
//! with only loopback and the host name [`HOST_NAME`] (`net::sealed`), and
//! `needs=lab` blocks into the lab when it is up (or, asked to, brought up
//! for the build and taken down after), sealed the same way. Without a
//! namespace, what a block shows of the machine is marked as this machine's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::commands;
use crate::commands::registry::Topic;
use crate::net::lab::{self, Lab};
use crate::net::sealed::SealedNamespace;
use crate::session::data_files;

/// The host name of the machine the book's blocks run on.
pub const HOST_NAME: &str = "netrepl-book";
/// Where a sealed run's files go (its data and runtime directories): a
/// fresh tmpfs there for each run, so the paths a block shows (a Unix
/// socket's, say) are the same in every build.
pub const SEALED_HOME: &str = "/tmp/netrepl-book";
const NAMESPACE_PREFIX: &str = "netrepl-book-";

/// How the build was asked to run its blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SealOptions {
    /// Run on this machine as it is, even where a namespace could be made.
    pub unsealed: bool,
    pub lab: LabUse,
}

/// Whether `needs=lab` blocks run in the lab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LabUse {
    /// In the lab if it is up; else they keep their recording.
    #[default]
    IfUp,
    /// In the lab, brought up for the build if it is down (and taken down
    /// after): `--lab`, as root.
    Build,
    /// Never: `--no-lab`.
    Never,
}

/// What the blocks ran on, as the book tells its reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Machine {
    /// The sealed namespace: only loopback, host name [`HOST_NAME`].
    Sealed,
    /// The builder's own machine, with why no namespace was used.
    ThisMachine(String),
}

/// The sealed session of one build; dropping it removes all it made.
pub struct Seal {
    netrepl: PathBuf,
    scratch: Scratch,
    namespace: Option<SealedNamespace>,
    machine: Machine,
    lab: Option<Lab>,
    /// Why `needs=lab` blocks are not run, when they are not.
    lab_missing: String,
    built_lab: bool,
    runs: AtomicU64,
}

impl Seal {
    /// Makes the session for runs of the netrepl at `netrepl`. Only a
    /// missing temporary directory fails it: what cannot be sealed runs on
    /// this machine and says so.
    pub fn new(netrepl: &Path, options: SealOptions) -> Result<Seal, String> {
        let scratch = Scratch::new().map_err(|e| {
            format!("cannot make a temporary directory to run the book's blocks in: {e}")
        })?;
        let (namespace, machine) = if options.unsealed {
            (
                None,
                Machine::ThisMachine("it was built with --unsealed".into()),
            )
        } else {
            match SealedNamespace::create(NAMESPACE_PREFIX, HOST_NAME)
                .and_then(|namespace| mount_point().map(|()| namespace))
            {
                Ok(namespace) => (Some(namespace), Machine::Sealed),
                Err(why) => (None, Machine::ThisMachine(why)),
            }
        };
        let mut seal = Seal {
            netrepl: netrepl.to_path_buf(),
            scratch,
            namespace,
            machine,
            lab: None,
            lab_missing: "the lab was not up when the book was built (netrepl book build --lab, as root, brings it up for the build)".into(),
            built_lab: false,
            runs: AtomicU64::new(0),
        };
        match options.lab {
            LabUse::IfUp => seal.find_lab(),
            LabUse::Build => seal.bring_lab(),
            LabUse::Never => seal.lab_missing = "the book was built with --no-lab".into(),
        }
        Ok(seal)
    }

    fn find_lab(&mut self) {
        if let Ok(lab) = Lab::from_env()
            && lab.status().is_some()
        {
            self.lab = Some(lab);
        }
    }

    fn bring_lab(&mut self) {
        let found = Lab::from_env().map_err(|e| e.to_string()).and_then(|lab| {
            if lab.status().is_none() {
                lab::check_can_build().map_err(|e| e.to_string())?;
                lab.up_default().map_err(|e| e.to_string())?;
                self.built_lab = true;
            }
            Ok(lab)
        });
        match found {
            Ok(lab) => self.lab = Some(lab),
            Err(e) => self.lab_missing = format!("the lab could not be brought up ({e})"),
        }
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Whether `needs=lab` blocks can run; else why not.
    pub fn lab(&self) -> Result<(), &str> {
        match self.lab {
            Some(_) => Ok(()),
            None => Err(&self.lab_missing),
        }
    }

    /// The netrepl command for one run, in the lab or the namespace, with a
    /// fresh data directory of its own and nothing of the builder's
    /// environment but `PATH`.
    pub fn command(&self, in_lab: bool) -> Result<Command, String> {
        let sealed_home = Path::new(SEALED_HOME);
        let (mut command, home) = match (&self.lab, &self.namespace) {
            (Some(lab), _) if in_lab => {
                // An unsealed build has not made the mount point yet.
                mount_point()?;
                let mut command = lab.scanner_command(&self.netrepl);
                crate::net::ffi::spawn_sealed(&mut command, HOST_NAME, Some(sealed_home));
                (command, sealed_home.to_path_buf())
            }
            (_, Some(namespace)) if !in_lab => (
                namespace.command(&self.netrepl, Some(sealed_home)),
                sealed_home.to_path_buf(),
            ),
            (_, None) if !in_lab => {
                let n = self.runs.fetch_add(1, Ordering::Relaxed);
                let home = self.scratch.0.join(format!("run-{n}"));
                data_files::create_private_dir(&home)
                    .map_err(|e| format!("cannot make {}: {e}", home.display()))?;
                (Command::new(&self.netrepl), home)
            }
            _ => return Err("the lab is not up".into()),
        };
        // What the command set (the lab's prefix) stays; all else goes.
        let kept: Vec<_> = command
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
            .collect();
        command.env_clear().envs(kept);
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command
            .env("HOME", &home)
            .env("NETREPL_DATA_DIR", &home)
            .env("XDG_DATA_HOME", &home)
            .env("XDG_RUNTIME_DIR", &home)
            .env("LANG", "C.UTF-8")
            .env("TZ", "UTC")
            .env("TERM", "dumb")
            .env("NO_COLOR", "1");
        Ok(command)
    }
}

impl Drop for Seal {
    fn drop(&mut self) {
        if self.built_lab
            && let Some(lab) = &self.lab
        {
            let _ = lab.down();
        }
    }
}

/// Makes [`SEALED_HOME`], where each sealed run mounts its tmpfs: a real
/// directory of root's (never a link someone left there).
fn mount_point() -> Result<(), String> {
    let path = Path::new(SEALED_HOME);
    let _ = std::fs::create_dir(path);
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() && std::os::unix::fs::MetadataExt::uid(&meta) == 0 => Ok(()),
        Ok(_) => Err(format!("{SEALED_HOME} is not a directory of root's")),
        Err(e) => Err(format!("cannot make {SEALED_HOME}: {e}")),
    }
}

/// The build's temporary directory, removed when dropped.
struct Scratch(PathBuf);

static SCRATCH_COUNTER: AtomicU64 = AtomicU64::new(0);
const SCRATCH_PREFIX: &str = "netrepl-book-";

/// Removes the temporary directories `PREFIXPID-N` of builds that ended
/// without removing their own (stopped by a signal): those whose process is
/// gone, and only this user's.
pub fn remove_stale_temp_dirs(prefix: &str) {
    use std::os::unix::fs::MetadataExt;
    let me = crate::net::ffi::effective_uid();
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, n)| n.parse::<u64>().ok().and(pid.parse::<u32>().ok()))
        else {
            continue;
        };
        let ours = entry
            .path()
            .symlink_metadata()
            .is_ok_and(|m| m.is_dir() && m.uid() == me);
        if ours && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        remove_stale_temp_dirs(SCRATCH_PREFIX);
        let dir = std::env::temp_dir().join(format!(
            "{SCRATCH_PREFIX}{}-{}",
            std::process::id(),
            SCRATCH_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        data_files::create_private_dir(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether an input line shows something of the machine it runs on: its
/// host name, interfaces, addresses or routes (a command of the registry's
/// "this machine" topic but `ipinfo`, which only reads the address it is
/// given; `gethostname`; `getfqdn`).
pub fn shows_this_machine(input: &str) -> bool {
    input
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter_map(commands::find)
        .any(|c| {
            (c.topic == Topic::ThisMachine && c.name != "ipinfo")
                || matches!(c.name, "gethostname" | "getfqdn")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_dirs_of_ended_builds_are_removed_and_live_ones_kept() {
        let prefix = "netrepl-stale-test-";
        // No process has a number past the kernel's pid_max (2^22).
        let ended = std::env::temp_dir().join(format!("{prefix}4999999-0"));
        let live = std::env::temp_dir().join(format!("{prefix}{}-0", std::process::id()));
        for dir in [&ended, &live] {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        remove_stale_temp_dirs(prefix);
        assert!(!ended.exists());
        assert!(live.exists());
        let _ = std::fs::remove_dir_all(&live);
    }

    #[test]
    fn lines_that_show_the_machine_are_told_apart() {
        assert!(shows_this_machine("gethostname"));
        assert!(shows_this_machine("ipinfo(get_ip_4())['kind']"));
        assert!(shows_this_machine("routes 4"));
        assert!(!shows_this_machine("ipinfo('192.168.1.10')"));
        assert!(!shows_this_machine("inet_aton 127.0.0.1"));
    }
}
