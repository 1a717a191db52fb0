//! A sealed place to run programs in: a network namespace with only loopback
//! up, its own `resolv.conf` (a resolver on 127.0.0.1, where none answers, so
//! a look-up fails at once and nothing leaves) and `hosts`, and for every
//! program a UTS namespace of its own with a fixed host name and a mount
//! namespace with a fresh scratch directory at a fixed path. What runs there
//! sees the same machine wherever it runs, so its output is reproducible.
//! Needs root and `ip` (iproute2); the namespace is deleted when dropped.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use super::ffi;

/// A network namespace made for one job, with the host name its programs get.
pub struct SealedNamespace {
    name: String,
    host_name: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Whether this process runs as root (and so may make namespaces).
pub fn is_root() -> bool {
    ffi::effective_uid() == 0
}

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl SealedNamespace {
    /// Makes `PREFIXPID-N` (first deleting any left by a process that is
    /// gone). The error says why it could not be made.
    pub fn create(prefix: &str, host_name: &str) -> Result<SealedNamespace, String> {
        if !is_root() {
            return Err("not root, so no namespace can be made".into());
        }
        remove_stale(prefix);
        let name = format!(
            "{prefix}{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let _ = ip(&["netns", "del", &name]);
        if !ip(&["netns", "add", &name]) {
            return Err("`ip netns add` failed (is iproute2 installed?)".into());
        }
        // From here on, Drop deletes what was made.
        let sealed = SealedNamespace {
            name,
            host_name: host_name.to_string(),
        };
        let etc = Path::new("/etc/netns").join(&sealed.name);
        // No `::1 localhost`: glibc would then answer 127.0.0.1 twice for
        // an IPv4 look-up of localhost.
        let hosts = format!(
            "127.0.0.1\tlocalhost\n127.0.1.1\t{host_name}\n::1\tip6-localhost ip6-loopback\n"
        );
        std::fs::create_dir_all(&etc)
            .and_then(|()| std::fs::write(etc.join("resolv.conf"), "nameserver 127.0.0.1\n"))
            .and_then(|()| std::fs::write(etc.join("hosts"), hosts))
            .map_err(|e| format!("cannot write {}: {e}", etc.display()))?;
        if !ip(&["-n", &sealed.name, "link", "set", "lo", "up"]) {
            return Err("cannot bring loopback up in the namespace".into());
        }
        Ok(sealed)
    }

    /// The host name its programs see.
    pub fn host_name(&self) -> &str {
        &self.host_name
    }

    /// `program`, to be run inside: in the namespace, with the host name,
    /// and a fresh tmpfs over `scratch` (see `ffi::spawn_sealed`).
    pub fn command(&self, program: impl AsRef<OsStr>, scratch: Option<&Path>) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name]).arg(program);
        ffi::spawn_sealed(&mut command, &self.host_name, scratch);
        command
    }
}

impl Drop for SealedNamespace {
    fn drop(&mut self) {
        let _ = ip(&["netns", "del", &self.name]);
        let _ = std::fs::remove_dir_all(Path::new("/etc/netns").join(&self.name));
    }
}

/// Deletes the namespaces `PREFIXPID` or `PREFIXPID-N` whose process has
/// ended without deleting its own (stopped by a signal), with their files in
/// /etc/netns.
pub fn remove_stale(prefix: &str) {
    let Ok(listed) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&listed.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        let Some(pid) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = ip(&["netns", "del", name]);
            let _ = std::fs::remove_dir_all(Path::new("/etc/netns").join(name));
        }
    }
}
