//! Each lab namespace's own name-service files in `/etc/netns/<namespace>/`.
//!
//! `ip netns exec` bind-mounts every file found there over its namesake in
//! `/etc`, so inside the lab:
//! - `hosts` holds only localhost (and, on the scanner, the machine's own host
//!   name on 127.0.1.1 as Debian does, so `gethostbyname(gethostname())` works
//!   and the scanner's address still reverses to `scanner.lab`), never a lab
//!   name, so every lab look-up really goes over DNS;
//! - `resolv.conf` points at the lab's name server, with a one-second timeout
//!   and one attempt, so a look-up with the server off fails quickly;
//! - `gai.conf` holds RFC 6724's precedences, under which IPv4 comes before
//!   the lab's unique-local IPv6 (glibc's built-in table would put fd77:: first);
//! - `nsswitch.conf` is the machine's own with its `hosts:` line set to
//!   `files dns`, because modules such as `resolve` would hand the query to a
//!   daemon (systemd-resolved) that lives outside the lab and asks real DNS.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use std::net::IpAddr;

use super::LabError;

const NETNS_ETC: &str = "/etc/netns";
const GAI_CONF: &str = "# netrepl lab: RFC 6724's precedence table (IPv4 before unique-local IPv6).\n\
precedence ::1/128 50\n\
precedence ::/0 40\n\
precedence ::ffff:0:0/96 35\n\
precedence 2002::/16 30\n\
precedence 2001::/32 5\n\
precedence fc00::/7 3\n\
precedence ::/96 1\n\
precedence fec0::/10 1\n\
precedence 3ffe::/16 1\n";
const FALLBACK_NSSWITCH: &str = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n";

/// The directory `ip netns exec` reads for a namespace.
pub fn etc_dir(namespace: &str) -> PathBuf {
    Path::new(NETNS_ETC).join(namespace)
}

/// Writes `hosts`, `resolv.conf` and `nsswitch.conf` for one lab namespace;
/// `machine_name` goes only into the scanner's hosts file.
pub fn write_namespace_files(
    namespace: &str,
    machine_name: Option<&str>,
    nameserver: IpAddr,
) -> Result<(), LabError> {
    let dir = etc_dir(namespace);
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        fs::write(&path, text).map_err(|e| io_error(&path, e))
    };
    fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    write("hosts", &hosts_file(machine_name))?;
    write("resolv.conf", &resolv_conf(nameserver))?;
    write("gai.conf", GAI_CONF)?;
    let system = fs::read_to_string("/etc/nsswitch.conf").ok();
    write("nsswitch.conf", &nsswitch_file(system.as_deref()))
}

/// This machine's host name, unless it is empty or localhost.
pub fn machine_name() -> Option<String> {
    crate::net::ffi::host_name()
        .ok()
        .filter(|n| !n.is_empty() && n != "localhost")
}

/// Removes the namespace's `/etc/netns` directory; a missing one is fine.
pub fn remove_etc_dir(namespace: &str) -> Result<(), LabError> {
    let dir = etc_dir(namespace);
    match fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error(&dir, e)),
        _ => Ok(()),
    }
}

/// Names of the directories in `/etc/netns` (none when it does not exist).
pub fn etc_dir_names() -> Vec<String> {
    fs::read_dir(NETNS_ETC)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Only localhost, and the machine's host name on 127.0.1.1 (the scanner's
/// file), so `gethostbyname(gethostname())` works inside the lab; lab names are DNS's.
fn hosts_file(machine_name: Option<&str>) -> String {
    let mut text = String::from(
        "# netrepl lab: lab names are not here; they come from the lab's DNS server.\n\
         127.0.0.1\tlocalhost\n\
         ::1\tlocalhost ip6-localhost ip6-loopback\n",
    );
    if let Some(name) = machine_name {
        text.push_str(&format!("127.0.1.1\t{name}\n"));
    }
    text
}

fn resolv_conf(nameserver: IpAddr) -> String {
    format!(
        "# netrepl lab: the lab's own DNS server (ns); `lab dns off` stops it.\n\
         nameserver {nameserver}\n\
         options timeout:1 attempts:1\n"
    )
}

fn nsswitch_file(system: Option<&str>) -> String {
    let Some(system) = system else {
        return FALLBACK_NSSWITCH.to_string();
    };
    let mut text: String = system
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("hosts:") {
                "hosts: files dns"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    if !system.lines().any(|l| l.trim_start().starts_with("hosts:")) {
        text.push_str("\nhosts: files dns");
    }
    text.push('\n');
    text
}

fn io_error(path: &Path, source: io::Error) -> LabError {
    LabError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_file_names_no_lab_machine() {
        let text = hosts_file(Some("box"));
        assert!(text.contains("127.0.0.1\tlocalhost\n"));
        assert!(text.contains("127.0.1.1\tbox\n"));
        assert!(!text.contains(".lab"));
        assert!(
            resolv_conf("10.77.0.2".parse().unwrap())
                .contains("nameserver 10.77.0.2\noptions timeout:1 attempts:1\n")
        );
    }

    #[test]
    fn nsswitch_keeps_other_databases_but_looks_hosts_up_in_files_and_dns_only() {
        let text = nsswitch_file(Some("passwd: files systemd\nhosts: files resolve dns\n"));
        assert_eq!(text, "passwd: files systemd\nhosts: files dns\n");
        assert!(nsswitch_file(Some("passwd: files\n")).ends_with("hosts: files dns\n"));
    }
}
