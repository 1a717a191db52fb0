//! The teaching lab: a small network built from Linux network namespaces, so
//! `ping`, `map_network` and `gethostbyaddr` have real machines to find without
//! touching any real network.
//!
//! # Topology
//!
//! For a lab with prefix `P` (default `nrlab`; tests use their own so labs never
//! collide) and `N` hosts:
//!
//! ```text
//!                 namespace P-switch: bridge br0
//!        s-scanner   s-alpha   s-bravo   s-charlie  ...   (veth ends on br0)
//!            |          |         |          |
//!   P-scanner lab0   P-alpha   P-bravo   P-charlie        (other end: lab0)
//!   10.77.0.1        .10       .11       .12 (down)
//! ```
//!
//! - Subnet [`SUBNET`] (10.77.0.0/24) exists only inside the lab's namespaces;
//!   nothing is ever added to the root namespace. Every `ip` call names its
//!   namespace (`ip -n NS ...`), and the veth pairs are created from inside the
//!   switch namespace with their far end placed straight into the host.
//! - Hosts are named after the NATO alphabet (`alpha.lab` at 10.77.0.10,
//!   `bravo.lab` at .11, ...), so a lab has at most 26. Every third host
//!   (`charlie`, `foxtrot`, `india`, ...) is deliberately down: its namespace
//!   and cable exist, but its `lab0` is down with no address, so it never
//!   answers, like a machine that is switched off.
//! - The scanner (10.77.0.1, `scanner.lab`) is where netrepl runs inside the
//!   lab (`netrepl --lab`, `lab shell`). Its default route points at the lab
//!   link, so its primary address is 10.77.0.1; the switch has no uplink, so
//!   nothing sent from the scanner can leave the lab. Its `/etc/hosts`,
//!   `resolv.conf` and `nsswitch.conf` are its own (see `files.rs`), so lab
//!   names resolve without DNS and no query escapes. `net.ipv4.ping_group_range`
//!   there is `0 2147483647`, so unprivileged ICMP (`SOCK_DGRAM`) works.
//!
//! # Life cycle
//!
//! [`Lab::up`] first removes any leftovers of the same prefix (a crashed run),
//! then builds; if building fails half-way it removes what it built. [`Lab::down`]
//! removes every namespace of the prefix and the scanner's `/etc/netns`
//! directory, and does nothing when there is nothing to remove. Both are
//! bounded in time. [`Lab::status`] reads the real state back from the kernel.
//! Two `up`s of the same prefix at the same moment are not supported.
//!
//! # Entering
//!
//! [`Lab::scanner_command`] builds `ip netns exec SCANNER PROGRAM` for any
//! program; [`Lab::scanner_command_as_user`] adds `setpriv` to drop to an
//! unprivileged user. `netrepl --lab` ([`enter_from_command_line`]) re-runs the
//! binary that way with the same arguments, building the lab first if it is not
//! up; `lab shell` does the same as a child and returns to the prompt, but
//! only enters a lab that is already up. The REPL's `lab` command works on the
//! lab named by `$NETREPL_LAB_PREFIX` (default `nrlab`), and a process started
//! inside a lab gets that variable set to its lab's prefix.

pub mod description;
mod files;
mod ip;

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::net::Ipv4Addr;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use ip::Deadline;

/// The prefix of the lab the REPL uses unless `NETREPL_LAB_PREFIX` says otherwise.
pub const DEFAULT_PREFIX: &str = "nrlab";
/// The environment variable naming the lab's prefix for the REPL's `lab` command.
pub const PREFIX_ENV: &str = "NETREPL_LAB_PREFIX";
pub const DEFAULT_HOSTS: usize = 5;
/// The lab's network, which exists only inside its namespaces.
pub const SUBNET: &str = "10.77.0.0/24";
pub const PREFIX_LENGTH: u8 = 24;
pub const SCANNER_ADDRESS: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);
/// The first host's address; the others follow it.
pub const FIRST_HOST_ADDRESS: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 10);
/// The domain of every lab name (`alpha.lab`).
pub const DOMAIN: &str = "lab";
/// Host names, in order: host `i` is `HOST_NAMES[i]`.
pub const HOST_NAMES: [&str; 26] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
];
pub const MAX_HOSTS: usize = HOST_NAMES.len();

/// The interface every lab machine has on the lab network.
const LAB_INTERFACE: &str = "lab0";
const BRIDGE: &str = "br0";
const SWITCH_ROLE: &str = "switch";
const SCANNER_ROLE: &str = "scanner";
const MAX_PREFIX_LENGTH: usize = 10;
const UP_LIMIT: Duration = Duration::from_secs(60);
const DOWN_LIMIT: Duration = Duration::from_secs(30);
const QUERY_LIMIT: Duration = Duration::from_secs(10);
const PING_GROUP_RANGE: &str = "/proc/sys/net/ipv4/ping_group_range";
const ICMP_FOR_ALL_GROUPS: &str = "0 2147483647";
const ICMP_FOR_NO_GROUP: &str = "1 0";

/// Whether host number `index` (from 0) is one of the deliberately dead ones.
pub fn host_is_planned_down(index: usize) -> bool {
    index % 3 == 2
}

/// The address of host number `index` (from 0).
pub fn host_address(index: usize) -> Ipv4Addr {
    let offset = u8::try_from(index).expect("a lab has at most 26 hosts");
    let [a, b, c, d] = FIRST_HOST_ADDRESS.octets();
    Ipv4Addr::new(a, b, c, d + offset)
}

/// One machine of the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabHost {
    /// The full name, as `/etc/hosts` in the scanner gives it: `alpha.lab`.
    pub name: String,
    pub address: Ipv4Addr,
    pub namespace: String,
    /// Whether its link is up with its address, so it answers.
    pub up: bool,
}

impl LabHost {
    /// `alpha` for `alpha.lab`.
    pub fn short_name(&self) -> &str {
        self.name.split('.').next().unwrap_or(&self.name)
    }

    pub fn state(&self) -> &'static str {
        if self.up { "up" } else { "down" }
    }
}

/// What the kernel says a lab looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabStatus {
    pub prefix: String,
    pub scanner: LabHost,
    pub hosts: Vec<LabHost>,
}

impl LabStatus {
    /// Hosts that answer: what a ping sweep of the lab must find.
    pub fn live_hosts(&self) -> impl Iterator<Item = &LabHost> {
        self.hosts.iter().filter(|h| h.up)
    }

    /// Hosts that exist but never answer.
    pub fn dead_hosts(&self) -> impl Iterator<Item = &LabHost> {
        self.hosts.iter().filter(|h| !h.up)
    }
}

#[derive(Debug)]
pub enum LabError {
    /// We lack the capabilities to create namespaces.
    NotPrivileged,
    /// iproute2's `ip` is not installed.
    IpMissing,
    InvalidPrefix(String),
    InvalidHostCount(usize),
    /// An operation needs a lab that is not up.
    NotUp(String),
    CommandFailed {
        command: String,
        stderr: String,
    },
    TimedOut {
        command: String,
        seconds: u64,
    },
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::NotPrivileged => write!(
                f,
                "The lab needs root: creating network namespaces takes the CAP_NET_ADMIN and \
                 CAP_SYS_ADMIN capabilities. Run netrepl as root, for example \
                 `sudo netrepl --lab`, or `sudo netrepl` and then `lab up`."
            ),
            LabError::IpMissing => write!(
                f,
                "The lab is built with the `ip` program from iproute2, which is not installed. \
                 Install it (for example `sudo apt install iproute2`) and try again."
            ),
            LabError::InvalidPrefix(prefix) => write!(
                f,
                "The lab prefix '{prefix}' must be 1 to {MAX_PREFIX_LENGTH} lowercase letters \
                 or digits, starting with a letter."
            ),
            LabError::InvalidHostCount(count) => write!(
                f,
                "A lab holds 1 to {MAX_HOSTS} hosts (one per letter of the NATO alphabet), \
                 not {count}."
            ),
            LabError::NotUp(prefix) => write!(
                f,
                "No lab with prefix '{prefix}' is up. `lab up` builds one (as root)."
            ),
            LabError::CommandFailed { command, stderr } => {
                write!(f, "`{command}` failed: {stderr}")
            }
            LabError::TimedOut { command, seconds } => write!(
                f,
                "`{command}` did not finish within {seconds} s, so it was stopped."
            ),
            LabError::Io { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for LabError {}

/// A lab, named by the prefix of its namespaces. Creating one builds nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lab {
    prefix: String,
}

impl Lab {
    /// A lab whose namespaces are called `PREFIX-switch`, `PREFIX-scanner`,
    /// `PREFIX-alpha`, ...
    pub fn new(prefix: &str) -> Result<Lab, LabError> {
        let valid = (1..=MAX_PREFIX_LENGTH).contains(&prefix.len())
            && prefix.starts_with(|c: char| c.is_ascii_lowercase())
            && prefix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !valid {
            return Err(LabError::InvalidPrefix(prefix.to_string()));
        }
        Ok(Lab {
            prefix: prefix.to_string(),
        })
    }

    /// The lab the REPL works with: `$NETREPL_LAB_PREFIX`, else `nrlab`.
    pub fn from_env() -> Result<Lab, LabError> {
        match std::env::var(PREFIX_ENV) {
            Ok(prefix) if !prefix.is_empty() => Lab::new(&prefix),
            _ => Lab::new(DEFAULT_PREFIX),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn scanner_namespace(&self) -> String {
        self.namespace(SCANNER_ROLE)
    }

    pub fn switch_namespace(&self) -> String {
        self.namespace(SWITCH_ROLE)
    }

    fn namespace(&self, role: &str) -> String {
        format!("{}-{role}", self.prefix)
    }

    /// Builds the lab with `hosts` hosts, after removing any leftovers of it.
    pub fn up(&self, hosts: usize) -> Result<LabStatus, LabError> {
        if !(1..=MAX_HOSTS).contains(&hosts) {
            return Err(LabError::InvalidHostCount(hosts));
        }
        check_can_build()?;
        let deadline = Deadline::after(UP_LIMIT);
        self.remove(deadline)?;
        let plan = self.plan(hosts);
        if let Err(error) = self.build(&plan, deadline) {
            let _ = self.remove(Deadline::after(DOWN_LIMIT));
            return Err(error);
        }
        self.status()
            .ok_or_else(|| LabError::NotUp(self.prefix.clone()))
    }

    /// Removes everything the lab consists of; returns the namespaces removed.
    pub fn down(&self) -> Result<Vec<String>, LabError> {
        self.remove(Deadline::after(DOWN_LIMIT))
    }

    /// The lab as it is now, or `None` when it is not up (no scanner namespace)
    /// or cannot be read (see [`Lab::try_status`]).
    pub fn status(&self) -> Option<LabStatus> {
        self.try_status().ok().flatten()
    }

    /// The lab as it is now, or `None` when it is not up. Reading a machine's
    /// state means entering its namespace, which needs the same privileges as
    /// building; without them this fails rather than call every machine down.
    pub fn try_status(&self) -> Result<Option<LabStatus>, LabError> {
        let deadline = Deadline::after(QUERY_LIMIT);
        let existing = self.existing_namespaces(deadline)?;
        let scanner_namespace = self.scanner_namespace();
        if !existing.contains(&scanner_namespace) {
            return Ok(None);
        }
        check_can_build()?;
        let scanner = LabHost {
            name: format!("{SCANNER_ROLE}.{DOMAIN}"),
            address: SCANNER_ADDRESS,
            up: has_address(&scanner_namespace, SCANNER_ADDRESS, deadline),
            namespace: scanner_namespace,
        };
        let hosts = HOST_NAMES
            .iter()
            .enumerate()
            .map(|(index, short)| (index, short, self.namespace(short)))
            .filter(|(_, _, namespace)| existing.contains(namespace))
            .map(|(index, short, namespace)| LabHost {
                name: format!("{short}.{DOMAIN}"),
                address: host_address(index),
                up: has_address(&namespace, host_address(index), deadline),
                namespace,
            })
            .collect();
        Ok(Some(LabStatus {
            prefix: self.prefix.clone(),
            scanner,
            hosts,
        }))
    }

    /// `ip netns exec SCANNER PROGRAM`: add arguments, then run it. The program
    /// sees the lab's network and its name-service files, nothing else.
    pub fn scanner_command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec"])
            .arg(self.scanner_namespace())
            .arg(program)
            .env(PREFIX_ENV, &self.prefix);
        command
    }

    /// Like [`Lab::scanner_command`], but the program runs as `uid`/`gid` with
    /// no supplementary groups (via util-linux `setpriv`), for testing what an
    /// unprivileged user may do in the lab.
    pub fn scanner_command_as_user(
        &self,
        uid: u32,
        gid: u32,
        program: impl AsRef<OsStr>,
    ) -> Command {
        let mut command = self.scanner_command("setpriv");
        command
            .arg(format!("--reuid={uid}"))
            .arg(format!("--regid={gid}"))
            .arg("--clear-groups")
            .arg(program);
        command
    }

    /// Lets every group (`true`) or none (`false`) open unprivileged ICMP
    /// sockets in the scanner namespace (`net.ipv4.ping_group_range`, which is
    /// per namespace). `up` allows it; tests of the "no ICMP" error forbid it.
    pub fn set_unprivileged_icmp(&self, allowed: bool) -> Result<(), LabError> {
        let range = if allowed {
            ICMP_FOR_ALL_GROUPS
        } else {
            ICMP_FOR_NO_GROUP
        };
        self.write_scanner_sysctl(PING_GROUP_RANGE, range, Deadline::after(QUERY_LIMIT))
    }

    /// Runs this netrepl binary inside the scanner namespace with `args`,
    /// sharing the terminal, and waits for it (for `--lab` and `lab shell`).
    pub fn run_netrepl_inside(
        &self,
        args: impl IntoIterator<Item = OsString>,
    ) -> Result<ExitStatus, LabError> {
        let exe = std::env::current_exe().map_err(|source| LabError::Io {
            path: "/proc/self/exe".into(),
            source,
        })?;
        check_can_build()?;
        if self.status().is_none() {
            return Err(LabError::NotUp(self.prefix.clone()));
        }
        self.scanner_command(exe)
            .args(args)
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| LabError::CommandFailed {
                command: format!("ip netns exec {} netrepl", self.scanner_namespace()),
                stderr: e.to_string(),
            })
    }

    /// Whether this process runs in the lab's scanner namespace.
    pub fn contains_this_process(&self) -> bool {
        ip::ip(&["netns", "identify"], Deadline::after(QUERY_LIMIT))
            .map(|out| {
                out.stdout
                    .split_whitespace()
                    .any(|name| name == self.scanner_namespace())
            })
            .unwrap_or(false)
    }

    /// The machines of a lab of `count` hosts, as they are meant to be.
    fn plan(&self, count: usize) -> Vec<LabHost> {
        HOST_NAMES[..count]
            .iter()
            .enumerate()
            .map(|(index, short)| LabHost {
                name: format!("{short}.{DOMAIN}"),
                address: host_address(index),
                namespace: self.namespace(short),
                up: !host_is_planned_down(index),
            })
            .collect()
    }

    fn build(&self, hosts: &[LabHost], deadline: Deadline) -> Result<(), LabError> {
        let switch = self.switch_namespace();
        let scanner = LabHost {
            name: format!("{SCANNER_ROLE}.{DOMAIN}"),
            address: SCANNER_ADDRESS,
            namespace: self.scanner_namespace(),
            up: true,
        };
        add_namespace(&switch, deadline)?;
        ip_in(&switch, &["link", "set", "lo", "up"], deadline)?;
        ip_in(
            &switch,
            &["link", "add", BRIDGE, "type", "bridge"],
            deadline,
        )?;
        ip_in(&switch, &["link", "set", BRIDGE, "up"], deadline)?;
        for machine in std::iter::once(&scanner).chain(hosts) {
            add_namespace(&machine.namespace, deadline)?;
            self.cable(machine, deadline)?;
            if machine.up {
                bring_up_address(machine, deadline)?;
            }
        }
        let lab_link = ["route", "add", "default", "dev", LAB_INTERFACE];
        ip_in(&scanner.namespace, &lab_link, deadline)?;
        self.write_scanner_sysctl(PING_GROUP_RANGE, ICMP_FOR_ALL_GROUPS, deadline)?;
        files::write_scanner_files(&scanner.namespace, &scanner, hosts)
    }

    /// Joins a machine to the bridge: a veth pair whose switch end (`s-NAME`)
    /// is a bridge port and whose other end is the machine's `lab0`.
    fn cable(&self, machine: &LabHost, deadline: Deadline) -> Result<(), LabError> {
        let switch = self.switch_namespace();
        let port = format!("s-{}", machine.short_name());
        ip_in(
            &switch,
            &[
                "link",
                "add",
                &port,
                "type",
                "veth",
                "peer",
                "name",
                LAB_INTERFACE,
                "netns",
                &machine.namespace,
            ],
            deadline,
        )?;
        ip_in(&switch, &["link", "set", &port, "master", BRIDGE], deadline)?;
        ip_in(&switch, &["link", "set", &port, "up"], deadline)?;
        ip_in(&machine.namespace, &["link", "set", "lo", "up"], deadline)
    }

    fn write_scanner_sysctl(
        &self,
        path: &str,
        value: &str,
        deadline: Deadline,
    ) -> Result<(), LabError> {
        // A sysctl under /proc/sys/net belongs to the writer's namespace, so the
        // write must happen in a process inside the scanner.
        let mut command = self.scanner_command("sh");
        command
            .arg("-c")
            .arg("printf '%s\\n' \"$1\" > \"$2\"")
            .args(["sh", value, path]);
        ip::run(command, deadline).map(drop)
    }

    /// Every namespace (and `/etc/netns` directory) of this lab that exists now.
    fn existing_namespaces(&self, deadline: Deadline) -> Result<Vec<String>, LabError> {
        let listing = match ip::ip(&["netns", "list"], deadline) {
            Ok(listing) => listing.stdout,
            Err(LabError::IpMissing) => String::new(),
            Err(error) => return Err(error),
        };
        Ok(listing
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| self.owns_namespace(name))
            .map(str::to_string)
            .collect())
    }

    /// Only the names a lab of this prefix would create, so a user's own
    /// `nrlab-something` namespace is never removed.
    fn owns_namespace(&self, name: &str) -> bool {
        name.strip_prefix(&self.prefix)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|role| {
                role == SWITCH_ROLE || role == SCANNER_ROLE || HOST_NAMES.contains(&role)
            })
    }

    fn remove(&self, deadline: Deadline) -> Result<Vec<String>, LabError> {
        let namespaces = self.existing_namespaces(deadline)?;
        let leftover_dirs: Vec<String> = files::etc_dir_names()
            .into_iter()
            .filter(|name| self.owns_namespace(name))
            .collect();
        if namespaces.is_empty() && leftover_dirs.is_empty() {
            return Ok(namespaces);
        }
        check_can_build()?;
        for namespace in &namespaces {
            ip::ip(&["netns", "delete", namespace], deadline)?;
        }
        for dir in &leftover_dirs {
            files::remove_etc_dir(dir)?;
        }
        Ok(namespaces)
    }
}

/// `netrepl --lab`: runs this binary again inside the scanner namespace of
/// [`Lab::from_env`], with the same arguments minus `--lab`, building the lab
/// first when it is not up. Returns the exit status to end with, or `None`
/// when this process already runs in the lab and should simply go on.
pub fn enter_from_command_line() -> Option<u8> {
    let lab = match Lab::from_env() {
        Ok(lab) => lab,
        Err(error) => return Some(fail(&error)),
    };
    if lab.contains_this_process() {
        return None;
    }
    if lab.status().is_none() {
        if let Err(error) = lab.up(DEFAULT_HOSTS) {
            return Some(fail(&error));
        }
        eprintln!(
            "netrepl: built the lab '{}' ({DEFAULT_HOSTS} hosts on {SUBNET}); `lab down` removes it.",
            lab.prefix()
        );
    }
    let args = without_lab_flag(std::env::args_os().skip(1));
    match lab.run_netrepl_inside(args) {
        Ok(status) => Some(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1))),
        Err(error) => Some(fail(&error)),
    }
}

fn fail(error: &LabError) -> u8 {
    eprintln!("netrepl: {error}");
    1
}

/// The arguments with the first `--lab` taken out (a later one may be a
/// value, as in `-c --lab`, and stays).
fn without_lab_flag(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let mut removed = false;
    args.filter(|arg| {
        let is_flag = !removed && arg == "--lab";
        removed |= is_flag;
        !is_flag
    })
    .collect()
}

/// Whether this process can build a lab: `ip` is installed and we hold the
/// capabilities namespaces need. Tests use it to skip when it cannot.
pub fn check_can_build() -> Result<(), LabError> {
    if !ip::ip_is_installed() {
        return Err(LabError::IpMissing);
    }
    if !ip::may_build_namespaces() {
        return Err(LabError::NotPrivileged);
    }
    Ok(())
}

fn add_namespace(namespace: &str, deadline: Deadline) -> Result<(), LabError> {
    ip::ip(&["netns", "add", namespace], deadline).map(drop)
}

/// `ip -n NAMESPACE ARGS...`: the only way the lab changes a network.
fn ip_in(namespace: &str, args: &[&str], deadline: Deadline) -> Result<(), LabError> {
    let mut all = vec!["-n", namespace];
    all.extend_from_slice(args);
    ip::ip(&all, deadline).map(drop)
}

fn bring_up_address(machine: &LabHost, deadline: Deadline) -> Result<(), LabError> {
    let address = format!("{}/{PREFIX_LENGTH}", machine.address);
    let namespace = &machine.namespace;
    ip_in(
        namespace,
        &["addr", "add", &address, "dev", LAB_INTERFACE],
        deadline,
    )?;
    ip_in(namespace, &["link", "set", LAB_INTERFACE, "up"], deadline)
}

/// Whether the namespace's `lab0` is up and holds `address`: `ip -br` prints
/// `lab0@if5  UP  10.77.0.10/24`.
fn has_address(namespace: &str, address: Ipv4Addr, deadline: Deadline) -> bool {
    let args = ["-br", "-4", "addr", "show", "dev", LAB_INTERFACE];
    let mut all = vec!["-n", namespace];
    all.extend_from_slice(&args);
    let Ok(out) = ip::ip(&all, deadline) else {
        return false;
    };
    let mut fields = out.stdout.split_whitespace().skip(1);
    let with_prefix = format!("{address}/{PREFIX_LENGTH}");
    fields.next() == Some("UP") && fields.any(|f| f == with_prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_short_lowercase_words() {
        assert!(Lab::new("nrlab").is_ok());
        assert!(Lab::new("nrt1").is_ok());
        for bad in ["", "1abc", "a-b", "NR", "averyverylongprefix", "a b"] {
            assert!(Lab::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn namespaces_are_named_by_prefix_and_role() {
        let lab = Lab::new("nrt").unwrap();
        assert_eq!(lab.scanner_namespace(), "nrt-scanner");
        assert_eq!(lab.switch_namespace(), "nrt-switch");
        assert!(lab.owns_namespace("nrt-alpha"));
        assert!(!lab.owns_namespace("nrt-mine"));
        assert!(!lab.owns_namespace("nrt2-alpha"));
        assert!(!lab.owns_namespace("nrtalpha"));
    }

    #[test]
    fn every_third_host_is_planned_down() {
        let lab = Lab::new("nrt").unwrap();
        let plan = lab.plan(5);
        let down: Vec<&str> = plan
            .iter()
            .filter(|h| !h.up)
            .map(|h| h.short_name())
            .collect();
        assert_eq!(down, ["charlie"]);
        assert_eq!(plan[0].name, "alpha.lab");
        assert_eq!(plan[0].address, Ipv4Addr::new(10, 77, 0, 10));
        assert_eq!(plan[4].address, Ipv4Addr::new(10, 77, 0, 14));
    }

    #[test]
    fn interface_names_fit_the_kernel_limit() {
        let longest = HOST_NAMES.iter().map(|n| n.len()).max().unwrap();
        assert!("s-".len() + longest <= 15);
    }

    #[test]
    fn only_the_first_lab_flag_is_taken_out() {
        let args = ["--lab", "-c", "--lab"].map(OsString::from);
        assert_eq!(without_lab_flag(args.into_iter()), ["-c", "--lab"]);
    }

    #[test]
    fn host_counts_outside_the_alphabet_are_refused() {
        let lab = Lab::new("nrt").unwrap();
        assert!(matches!(lab.up(0), Err(LabError::InvalidHostCount(0))));
        assert!(matches!(lab.up(27), Err(LabError::InvalidHostCount(27))));
    }
}
