//! The scanner namespace's own name-service files in `/etc/netns/<scanner>/`.
//!
//! `ip netns exec` bind-mounts every file found there over its namesake in
//! `/etc`, so inside the lab:
//! - `hosts` names every lab machine, so forward and reverse look-ups of lab
//!   names are answered from the file, with no DNS at all;
//! - `resolv.conf` points DNS at 127.0.0.1, where nothing listens, so a query
//!   for any other name fails at once instead of leaving the lab;
//! - `nsswitch.conf` is the machine's own with its `hosts:` line set to
//!   `files dns`, because modules such as `resolve` would hand the query to a
//!   daemon (systemd-resolved) that lives outside the lab and asks real DNS.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{LabError, LabHost};

const NETNS_ETC: &str = "/etc/netns";
const RESOLV_CONF: &str =
    "# netrepl lab: no DNS server, so no query leaves the lab.\nnameserver 127.0.0.1\n";
const FALLBACK_NSSWITCH: &str = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n";

/// The directory `ip netns exec` reads for a namespace.
pub fn etc_dir(namespace: &str) -> PathBuf {
    Path::new(NETNS_ETC).join(namespace)
}

/// Writes `hosts`, `resolv.conf` and `nsswitch.conf` for the scanner namespace.
pub fn write_scanner_files(
    namespace: &str,
    scanner: &LabHost,
    hosts: &[LabHost],
) -> Result<(), LabError> {
    let dir = etc_dir(namespace);
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        fs::write(&path, text).map_err(|e| io_error(&path, e))
    };
    fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    let machine_name = crate::net::ffi::host_name().ok();
    write(
        "hosts",
        &hosts_file(scanner, hosts, machine_name.as_deref()),
    )?;
    write("resolv.conf", RESOLV_CONF)?;
    let system = fs::read_to_string("/etc/nsswitch.conf").ok();
    write("nsswitch.conf", &nsswitch_file(system.as_deref()))
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

/// The machine's own host name is listed as an alias of the scanner, so
/// `gethostbyname(gethostname())` works inside the lab (the lab shares the
/// machine's host name but not its addresses).
fn hosts_file(scanner: &LabHost, hosts: &[LabHost], machine_name: Option<&str>) -> String {
    let mut text = String::from(
        "# netrepl lab: every name here is answered without DNS.\n\
         127.0.0.1\tlocalhost\n\
         ::1\tlocalhost ip6-localhost ip6-loopback\n",
    );
    let mut scanner_names = vec![scanner.name.clone(), scanner.short_name().to_string()];
    if let Some(name) = machine_name.filter(|n| !n.is_empty() && *n != "localhost") {
        scanner_names.push(name.to_string());
    }
    text.push_str(&format!(
        "{}\t{}\n",
        scanner.address,
        scanner_names.join(" ")
    ));
    for host in hosts {
        text.push_str(&format!(
            "{}\t{} {}\n",
            host.address,
            host.name,
            host.short_name()
        ));
    }
    text
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
    use std::net::Ipv4Addr;

    fn host(name: &str, last: u8) -> LabHost {
        LabHost {
            name: format!("{name}.lab"),
            address: Ipv4Addr::new(10, 77, 0, last),
            namespace: format!("nrt-{name}"),
            up: true,
        }
    }

    #[test]
    fn hosts_file_names_every_lab_machine_and_the_machine_name() {
        let text = hosts_file(&host("scanner", 1), &[host("alpha", 10)], Some("box"));
        assert!(text.contains("127.0.0.1\tlocalhost\n"));
        assert!(text.contains("10.77.0.1\tscanner.lab scanner box\n"));
        assert!(text.contains("10.77.0.10\talpha.lab alpha\n"));
    }

    #[test]
    fn nsswitch_keeps_other_databases_but_looks_hosts_up_in_files_and_dns_only() {
        let text = nsswitch_file(Some("passwd: files systemd\nhosts: files resolve dns\n"));
        assert_eq!(text, "passwd: files systemd\nhosts: files dns\n");
        assert!(nsswitch_file(Some("passwd: files\n")).ends_with("hosts: files dns\n"));
    }
}
