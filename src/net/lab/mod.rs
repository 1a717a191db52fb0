//! The teaching lab: a small network built from Linux network namespaces out
//! of a [`Description`] (a TOML file; [`description::DEFAULT_TOML`] is the
//! default), so `ping`, `map_network`, DNS look-ups and traceroute have real
//! machines to find without touching any real network.
//!
//! # Topology
//!
//! For a lab with prefix `P` (default `nrlab`; tests use their own so labs never
//! collide), the default description gives:
//!
//! ```text
//!   near 10.77.0.0/24 fd77::/64                      far 10.77.1.0/24 fd77:0:0:1::/64
//!   ══╤══════╤═════╤═══════╤══════╤══════╤═══════╤═══   ══╤══════════╤═══════
//!  scanner  ns   alpha  bravo charlie quiet services router  far.lab
//!   .1      .2    .10    .11    .12    .20    .30    .254 | .254      .10
//! ```
//!
//! - Every subnet is a bridge `br-NAME` in the namespace `P-switch`; every host
//!   is a namespace `P-NAME` whose `eth0` (a router has `eth0`, `eth1`, ...) is
//!   a veth pair with its other end on the bridge. Nothing is ever added to the
//!   root namespace: every `ip` call names its namespace (`ip -n NS ...`), and
//!   the switch has no uplink, so nothing sent in the lab can leave it.
//! - Hosts route by default through the router on their subnet (both
//!   families), so a packet to the far subnet loses one TTL on the way; a
//!   router has forwarding on. IPv6 addresses are `nodad`, so they work at once.
//! - A `down` host has its namespace and cable but no address and its link
//!   down, like a machine switched off; `ignores_ping` sets
//!   `icmp_echo_ignore_all` in its namespace; services run as
//!   `netrepl serve-practice KIND --listen [::]:PORT` in it.
//! - The name server host runs `netrepl serve-dns` for `lab.` and the reverse
//!   zones (see `zones.rs`); every namespace's `resolv.conf` points at it and
//!   no hosts file names a lab machine (see `files.rs`), so look-ups really go
//!   over DNS. `ping_group_range` allows unprivileged ICMP everywhere.
//!
//! # Life cycle
//!
//! [`Lab::up`] first removes any leftovers of the same prefix (a crashed run),
//! then builds; if building fails half-way it removes what it built. The run
//! directory `/run/netrepl/PREFIX` keeps the description, zone files, the
//! servers' pid files and logs (see `daemons.rs`). [`Lab::down`] stops the
//! servers and removes every namespace of the prefix, its `/etc/netns`
//! directories and the run directory. Both are bounded in time.
//! [`Lab::status`] reads the real state back from the kernel.
//!
//! # Entering
//!
//! [`Lab::scanner_command`] builds `ip netns exec SCANNER PROGRAM`;
//! `netrepl --lab` ([`enter_from_command_line`]) re-runs the binary that way,
//! building the default lab first if none is up; `lab shell` does the same as
//! a child. The REPL's `lab` command works on the lab named by
//! `$NETREPL_LAB_PREFIX` (default `nrlab`). Outside a lab, [`guard`] refuses
//! lab addresses and `.lab` names, which would go to the real network.

mod daemons;
pub mod description;
mod files;
pub mod guard;
mod ip;
pub mod servfail;
pub mod silence;
pub mod zones;

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::net::IpAddr;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

pub use description::{Description, DescriptionError, Host, Role, Service};
pub use guard::refuse_outside_lab;
use ip::Deadline;

/// The prefix of the lab the REPL uses unless `NETREPL_LAB_PREFIX` says otherwise.
pub const DEFAULT_PREFIX: &str = "nrlab";
/// The environment variable naming the lab's prefix for the REPL's `lab` command.
pub const PREFIX_ENV: &str = "NETREPL_LAB_PREFIX";
/// The domain of every lab name (`alpha.lab`).
pub const DOMAIN: &str = description::DOMAIN;

const SWITCH_ROLE: &str = "switch";
/// Hosts of the labs older netrepl versions built (NATO names), so `up` and `down`
/// also clear a lab left by one of them.
const OLDER_LAB_HOSTS: [&str; 26] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
];
const MAX_PREFIX_LENGTH: usize = 10;
const UP_LIMIT: Duration = Duration::from_secs(90);
const DOWN_LIMIT: Duration = Duration::from_secs(30);
const QUERY_LIMIT: Duration = Duration::from_secs(10);
/// The copy of the description in the run directory.
const DESCRIPTION_FILE: &str = "lab.toml";
const ZONES_DIR: &str = "zones";
const DNS_LABEL: &str = "dns";
/// What holds the DNS port while the server is off (see `silence.rs`).
const SILENCE_LABEL: &str = "dns-off";
/// What answers SERVFAIL on the DNS port (see `servfail.rs`).
const SERVFAIL_LABEL: &str = "dns-servfail";
const DNS_PORT: u16 = 53;
const PING_GROUP_RANGE: &str = "/proc/sys/net/ipv4/ping_group_range";
const ICMP_FOR_ALL_GROUPS: &str = "0 2147483647";
const ICMP_FOR_NO_GROUP: &str = "1 0";
const IGNORE_PING_V4: &str = "/proc/sys/net/ipv4/icmp_echo_ignore_all";
const IGNORE_PING_V6: &str = "/proc/sys/net/ipv6/icmp/echo_ignore_all";
const FORWARD_V4: &str = "/proc/sys/net/ipv4/ip_forward";
const FORWARD_V6: &str = "/proc/sys/net/ipv6/conf/all/forwarding";
const NO_DAD_BY_DEFAULT: &str = "/proc/sys/net/ipv6/conf/default/accept_dad";
const ICMP_RATE_LIMIT_V4: &str = "/proc/sys/net/ipv4/icmp_ratelimit";
const ICMP_RATE_LIMIT_V6: &str = "/proc/sys/net/ipv6/icmp/ratelimit";

/// One machine of a lab as the kernel shows it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineStatus {
    pub host: Host,
    pub namespace: String,
    /// Whether its link is up with its address, so it answers.
    pub up: bool,
    /// Whether its namespace drops echo requests.
    pub ignores_ping: bool,
    /// The services whose server runs now.
    pub running: Vec<Service>,
}

impl MachineStatus {
    /// `alpha.lab`.
    pub fn name(&self) -> String {
        self.host.full_name()
    }

    pub fn state(&self) -> &'static str {
        if self.up { "up" } else { "down" }
    }
}

/// What the kernel says a lab looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabStatus {
    pub prefix: String,
    pub description: Description,
    /// In the description's order.
    pub machines: Vec<MachineStatus>,
    /// What answers on the DNS port.
    pub dns: DnsState,
}

/// The three states of the lab's DNS port (`lab dns on|off|servfail`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsState {
    /// The real server answers.
    On,
    /// Nothing answers: queries time out (see `silence.rs`).
    Off,
    /// Every query gets SERVFAIL at once (see `servfail.rs`).
    Servfail,
}

impl DnsState {
    pub const NAMES: [&'static str; 3] = ["on", "off", "servfail"];

    pub fn name(self) -> &'static str {
        match self {
            DnsState::On => "on",
            DnsState::Off => "off",
            DnsState::Servfail => "servfail",
        }
    }

    pub fn parse(word: &str) -> Option<DnsState> {
        [DnsState::On, DnsState::Off, DnsState::Servfail]
            .into_iter()
            .find(|state| state.name() == word)
    }
}

impl LabStatus {
    /// Hosts that answer ping: what a ping sweep of the lab must find.
    pub fn live_hosts(&self) -> impl Iterator<Item = &MachineStatus> {
        self.machines.iter().filter(|m| m.up && !m.ignores_ping)
    }

    /// Hosts that exist but never answer.
    pub fn dead_hosts(&self) -> impl Iterator<Item = &MachineStatus> {
        self.machines.iter().filter(|m| !m.up)
    }

    pub fn machine(&self, short_name: &str) -> Option<&MachineStatus> {
        self.machines.iter().find(|m| m.host.name == short_name)
    }
}

#[derive(Debug)]
pub enum LabError {
    /// We lack the capabilities to create namespaces.
    NotPrivileged,
    /// iproute2's `ip` is not installed.
    IpMissing,
    InvalidPrefix(String),
    /// The lab file is wrong (where and why).
    Description(DescriptionError),
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
            LabError::Description(error) => write!(f, "{error}"),
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
    /// The netrepl program its servers run; this one unless set.
    netrepl: Option<PathBuf>,
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
            netrepl: None,
        })
    }

    /// Runs the lab's servers (`netrepl serve-dns`, `serve-practice`) with
    /// this program instead of the running one (for tests, whose running
    /// program is the test binary).
    pub fn with_netrepl(mut self, program: impl Into<PathBuf>) -> Lab {
        self.netrepl = Some(program.into());
        self
    }

    fn netrepl_program(&self) -> Result<PathBuf, LabError> {
        match &self.netrepl {
            Some(program) => Ok(program.clone()),
            None => std::env::current_exe().map_err(|source| LabError::Io {
                path: "/proc/self/exe".into(),
                source,
            }),
        }
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

    pub fn run_dir(&self) -> PathBuf {
        daemons::run_dir(&self.prefix)
    }

    /// The description the lab was built from (kept in its run directory), or
    /// the default one when there is none.
    pub fn description(&self) -> Description {
        let path = self.run_dir().join(DESCRIPTION_FILE);
        std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| Description::parse(&text, &path.display().to_string()).ok())
            .unwrap_or_else(Description::default_lab)
    }

    pub fn scanner_namespace(&self) -> String {
        self.namespace(&self.description().scanner().name)
    }

    pub fn switch_namespace(&self) -> String {
        self.namespace(SWITCH_ROLE)
    }

    pub fn namespace(&self, short_name: &str) -> String {
        format!("{}-{short_name}", self.prefix)
    }

    /// Builds the default lab, after removing any leftovers of this prefix.
    pub fn up_default(&self) -> Result<LabStatus, LabError> {
        self.up(description::DEFAULT_TOML, description::DEFAULT_FILE_NAME)
    }

    /// Builds the lab from the file at `path`.
    pub fn up_file(&self, path: &Path) -> Result<LabStatus, LabError> {
        let text = std::fs::read_to_string(path).map_err(|source| LabError::Io {
            path: path.display().to_string(),
            source,
        })?;
        self.up(&text, &path.display().to_string())
    }

    /// Builds the lab described by `text` (a lab file; `file` names it in
    /// errors), after removing any leftovers of this prefix.
    pub fn up(&self, text: &str, file: &str) -> Result<LabStatus, LabError> {
        let description = Description::parse(text, file).map_err(LabError::Description)?;
        check_can_build()?;
        let deadline = Deadline::after(UP_LIMIT);
        self.remove(deadline)?;
        let built = self
            .write_run_dir(text)
            .and_then(|()| self.build(&description, deadline));
        if let Err(error) = built {
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

    /// Puts the lab's DNS port in `wanted` state: the real server, silence
    /// or SERVFAIL; returns the state it was in before.
    pub fn set_dns(&self, wanted: DnsState) -> Result<DnsState, LabError> {
        check_can_build()?;
        let Some(status) = self.try_status()? else {
            return Err(LabError::NotUp(self.prefix.clone()));
        };
        let before = status.dns;
        if before == wanted {
            return Ok(before);
        }
        let dir = self.run_dir();
        // Whatever holds the port lets go of it first.
        for label in [DNS_LABEL, SILENCE_LABEL, SERVFAIL_LABEL] {
            daemons::stop(&dir, label);
        }
        let host = status.description.nameserver_host();
        let mut args = vec!["serve-silent".to_string()];
        let label = match wanted {
            DnsState::On => return self.start_dns(&status.description).map(|()| before),
            DnsState::Off => SILENCE_LABEL,
            DnsState::Servfail => {
                args.push("--servfail".into());
                SERVFAIL_LABEL
            }
        };
        for address in host.addresses() {
            args.push("--listen".into());
            args.push(std::net::SocketAddr::new(address, DNS_PORT).to_string());
        }
        let program = self.netrepl_program()?;
        let namespace = self.namespace(&host.name);
        daemons::start(&program, &dir, label, &namespace, &args)?;
        Ok(before)
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
        let description = self.description();
        let existing = self.existing_namespaces(&description, deadline)?;
        if !existing.contains(&self.namespace(&description.scanner().name)) {
            return Ok(None);
        }
        check_can_build()?;
        let dir = self.run_dir();
        let machines = description
            .hosts
            .iter()
            .map(|host| {
                let namespace = self.namespace(&host.name);
                let exists = existing.contains(&namespace);
                MachineStatus {
                    up: exists && first_link_is_up(&namespace, deadline),
                    ignores_ping: exists
                        && read_sysctl(&namespace, IGNORE_PING_V4, deadline) == "1",
                    running: host
                        .services
                        .iter()
                        .copied()
                        .filter(|s| daemons::is_running(&dir, &service_label(host, *s)))
                        .collect(),
                    host: host.clone(),
                    namespace,
                }
            })
            .collect();
        Ok(Some(LabStatus {
            prefix: self.prefix.clone(),
            dns: if daemons::is_running(&dir, DNS_LABEL) {
                DnsState::On
            } else if daemons::is_running(&dir, SERVFAIL_LABEL) {
                DnsState::Servfail
            } else {
                DnsState::Off
            },
            description,
            machines,
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
        write_sysctl(
            &self.scanner_namespace(),
            PING_GROUP_RANGE,
            range,
            Deadline::after(QUERY_LIMIT),
        )
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

    /// Whether this process runs in the lab's scanner namespace: the same
    /// namespace file as `/run/netns/SCANNER`.
    pub fn contains_this_process(&self) -> bool {
        let ours = std::fs::metadata("/proc/self/ns/net");
        let scanner = std::fs::metadata(Path::new("/run/netns").join(self.scanner_namespace()));
        match (ours, scanner) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }

    fn write_run_dir(&self, text: &str) -> Result<(), LabError> {
        let dir = self.run_dir();
        std::fs::create_dir_all(&dir).map_err(|e| daemons::io_error(&dir, e))?;
        let path = dir.join(DESCRIPTION_FILE);
        std::fs::write(&path, text).map_err(|e| daemons::io_error(&path, e))
    }

    fn build(&self, lab: &Description, deadline: Deadline) -> Result<(), LabError> {
        let switch = self.switch_namespace();
        add_namespace(&switch, deadline)?;
        ip_in(&switch, &["link", "set", "lo", "up"], deadline)?;
        for subnet in &lab.subnets {
            let bridge = bridge_name(&subnet.name);
            // No multicast snooping: neighbour discovery reaches every port at
            // once, before any host has reported its groups.
            let args = [
                "link",
                "add",
                &bridge,
                "type",
                "bridge",
                "mcast_snooping",
                "0",
            ];
            ip_in(&switch, &args, deadline)?;
            ip_in(&switch, &["link", "set", &bridge, "up"], deadline)?;
        }
        let nameserver = IpAddr::V4(
            lab.nameserver_host()
                .first_ipv4()
                .expect("a checked nameserver has an IPv4 address"),
        );
        let machine_name = files::machine_name();
        for (index, host) in lab.hosts.iter().enumerate() {
            let namespace = self.namespace(&host.name);
            add_namespace(&namespace, deadline)?;
            // Before its cables arrive, so their link-local addresses, like
            // the nodad ones, work at once (a router forwards only then).
            write_sysctl(&namespace, NO_DAD_BY_DEFAULT, "0", deadline)?;
            ip_in(&namespace, &["link", "set", "lo", "up"], deadline)?;
            for (slot, attachment) in host.attachments.iter().enumerate() {
                let subnet = &lab.subnets[attachment.subnet];
                self.cable(&namespace, index, slot, &subnet.name, deadline)?;
                if !host.down {
                    bring_up(&namespace, slot, subnet, attachment, deadline)?;
                }
            }
            write_sysctl(&namespace, PING_GROUP_RANGE, ICMP_FOR_ALL_GROUPS, deadline)?;
            if host.down {
                continue;
            }
            match host.role {
                Role::Router => {
                    write_sysctl(&namespace, FORWARD_V4, "1", deadline)?;
                    write_sysctl(&namespace, FORWARD_V6, "1", deadline)?;
                    // Every traceroute probe gets its "time exceeded", not one a second.
                    write_sysctl(&namespace, ICMP_RATE_LIMIT_V4, "0", deadline)?;
                    write_sysctl(&namespace, ICMP_RATE_LIMIT_V6, "0", deadline)?;
                }
                _ => add_default_routes(lab, host, &namespace, deadline)?,
            }
            if host.ignores_ping {
                write_sysctl(&namespace, IGNORE_PING_V4, "1", deadline)?;
                // Older kernels have no IPv6 switch; IPv4 is what the lessons show.
                let _ = write_sysctl(&namespace, IGNORE_PING_V6, "1", deadline);
            }
            let name = machine_name
                .as_deref()
                .filter(|_| host.role == Role::Scanner);
            files::write_namespace_files(&namespace, name, nameserver)?;
        }
        for host in lab.hosts.iter().filter(|h| h.down) {
            files::write_namespace_files(&self.namespace(&host.name), None, nameserver)?;
        }
        let zones_dir = self.run_dir().join(ZONES_DIR);
        crate::net::dns_zone::write_zone_files(&zones::zones(lab), &zones_dir)
            .map_err(|e| daemons::io_error(&zones_dir, e))?;
        self.start_dns(lab)?;
        let program = self.netrepl_program()?;
        for host in lab.hosts.iter().filter(|h| !h.down) {
            for service in &host.services {
                let args = [
                    "serve-practice".to_string(),
                    service.name().to_string(),
                    "--listen".to_string(),
                    format!("[::]:{}", service.port()),
                ];
                let label = service_label(host, *service);
                let namespace = self.namespace(&host.name);
                daemons::start(&program, &self.run_dir(), &label, &namespace, &args)?;
            }
        }
        Ok(())
    }

    fn start_dns(&self, lab: &Description) -> Result<(), LabError> {
        let host = lab.nameserver_host();
        let mut args = vec![
            "serve-dns".to_string(),
            "--zones".to_string(),
            self.run_dir().join(ZONES_DIR).display().to_string(),
        ];
        for address in host.addresses() {
            args.push("--listen".into());
            args.push(std::net::SocketAddr::new(address, DNS_PORT).to_string());
        }
        let program = self.netrepl_program()?;
        daemons::start(
            &program,
            &self.run_dir(),
            DNS_LABEL,
            &self.namespace(&host.name),
            &args,
        )
        .map(drop)
    }

    /// Joins a host to a subnet's bridge: a veth pair whose switch end
    /// (`SUBNET-INDEX`) is a bridge port and whose other end is the host's `ethSLOT`.
    fn cable(
        &self,
        namespace: &str,
        index: usize,
        slot: usize,
        subnet: &str,
        deadline: Deadline,
    ) -> Result<(), LabError> {
        let switch = self.switch_namespace();
        let port = format!("{subnet}-{index}");
        let inside = interface_name(slot);
        ip_in(
            &switch,
            &[
                "link", "add", &port, "type", "veth", "peer", "name", &inside, "netns", namespace,
            ],
            deadline,
        )?;
        ip_in(
            &switch,
            &["link", "set", &port, "master", &bridge_name(subnet)],
            deadline,
        )?;
        ip_in(&switch, &["link", "set", &port, "up"], deadline)
    }

    /// Every namespace of this lab that exists now: the switch and the hosts of
    /// `lab`, of the default lab or of an older netrepl's lab (so a crashed lab
    /// of any kind is found).
    fn existing_namespaces(
        &self,
        lab: &Description,
        deadline: Deadline,
    ) -> Result<Vec<String>, LabError> {
        let listing = match ip::ip(&["netns", "list"], deadline) {
            Ok(listing) => listing.stdout,
            Err(LabError::IpMissing) => String::new(),
            Err(error) => return Err(error),
        };
        let ours = self.owned_namespaces(lab);
        Ok(listing
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| ours.iter().any(|n| n == name))
            .map(str::to_string)
            .collect())
    }

    /// Only the names a lab of this prefix would create, so a user's own
    /// `nrlab-something` namespace is never removed.
    fn owned_namespaces(&self, lab: &Description) -> Vec<String> {
        let default = Description::default_lab();
        let mut names = vec![self.switch_namespace()];
        let hosts = lab
            .hosts
            .iter()
            .chain(&default.hosts)
            .map(|h| h.name.as_str());
        for host in hosts.chain(OLDER_LAB_HOSTS) {
            let name = self.namespace(host);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    fn remove(&self, deadline: Deadline) -> Result<Vec<String>, LabError> {
        let lab = self.description();
        let namespaces = self.existing_namespaces(&lab, deadline)?;
        let owned = self.owned_namespaces(&lab);
        let leftover_dirs: Vec<String> = files::etc_dir_names()
            .into_iter()
            .filter(|name| owned.contains(name))
            .collect();
        let run_dir = self.run_dir();
        if namespaces.is_empty() && leftover_dirs.is_empty() && !run_dir.exists() {
            return Ok(namespaces);
        }
        check_can_build()?;
        daemons::stop_all(&run_dir);
        let scanner = self.namespace(&lab.scanner().name);
        for namespace in namespaces.iter().filter(|n| **n != scanner) {
            // Only our servers run there; one left by a crash would keep the
            // namespace alive after its name is gone.
            if let Ok(pids) = ip::ip(&["netns", "pids", namespace], deadline) {
                for pid in pids
                    .stdout
                    .split_whitespace()
                    .filter_map(|p| p.parse().ok())
                {
                    daemons::stop_pid(pid);
                }
            }
        }
        for namespace in &namespaces {
            ip::ip(&["netns", "delete", namespace], deadline)?;
        }
        for dir in &leftover_dirs {
            files::remove_etc_dir(dir)?;
        }
        if let Err(e) = std::fs::remove_dir_all(&run_dir)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(daemons::io_error(&run_dir, e));
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
        if let Err(error) = lab.up_default() {
            return Some(fail(&error));
        }
        eprintln!(
            "netrepl: built the lab '{}' (see `lab status`); `lab down` removes it.",
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

fn bridge_name(subnet: &str) -> String {
    format!("br-{subnet}")
}

/// A host's interface on its `slot`-th subnet: `eth0`, `eth1`, ...
fn interface_name(slot: usize) -> String {
    format!("eth{slot}")
}

/// The pid-file label of a host's service: `services-echo`.
fn service_label(host: &Host, service: Service) -> String {
    format!("{}-{}", host.name, service.name())
}

fn bring_up(
    namespace: &str,
    slot: usize,
    subnet: &description::Subnet,
    attachment: &description::Attachment,
    deadline: Deadline,
) -> Result<(), LabError> {
    let device = interface_name(slot);
    if let (Some(address), Some(prefix)) = (attachment.ipv4, subnet.ipv4) {
        let text = format!("{address}/{}", prefix.length);
        ip_in(namespace, &["addr", "add", &text, "dev", &device], deadline)?;
    }
    if let (Some(address), Some(prefix)) = (attachment.ipv6, subnet.ipv6) {
        // nodad: usable at once, without waiting for duplicate detection.
        let text = format!("{address}/{}", prefix.length);
        let args = ["-6", "addr", "add", &text, "dev", &device, "nodad"];
        ip_in(namespace, &args, deadline)?;
    }
    ip_in(namespace, &["link", "set", &device, "up"], deadline)
}

/// Through the router on the host's subnet when there is one (per family);
/// else straight onto the link, which leads nowhere but the lab.
fn add_default_routes(
    lab: &Description,
    host: &Host,
    namespace: &str,
    deadline: Deadline,
) -> Result<(), LabError> {
    let Some(attachment) = host.attachments.first() else {
        return Ok(());
    };
    let device = interface_name(0);
    let router = lab
        .router_on(attachment.subnet)
        .and_then(|r| r.attachments.iter().find(|a| a.subnet == attachment.subnet));
    match router.and_then(|r| r.ipv4) {
        Some(gateway) => {
            let gateway = gateway.to_string();
            let args = ["route", "add", "default", "via", &gateway, "dev", &device];
            ip_in(namespace, &args, deadline)?;
        }
        None if attachment.ipv4.is_some() => {
            ip_in(
                namespace,
                &["route", "add", "default", "dev", &device],
                deadline,
            )?;
        }
        None => {}
    }
    if let (Some(gateway), Some(_)) = (router.and_then(|r| r.ipv6), attachment.ipv6) {
        let gateway = gateway.to_string();
        let args = [
            "-6", "route", "add", "default", "via", &gateway, "dev", &device,
        ];
        ip_in(namespace, &args, deadline)?;
    }
    Ok(())
}

/// Whether the namespace's `eth0` is up: `ip -br link` prints `eth0@if5 UP ...`.
fn first_link_is_up(namespace: &str, deadline: Deadline) -> bool {
    let device = interface_name(0);
    let args = ["-n", namespace, "-br", "link", "show", "dev", &device];
    ip::ip(&args, deadline)
        .map(|out| out.stdout.split_whitespace().nth(1) == Some("UP"))
        .unwrap_or(false)
}

/// A sysctl under /proc/sys/net belongs to the writer's namespace, so the
/// write happens in a process inside it.
fn write_sysctl(
    namespace: &str,
    path: &str,
    value: &str,
    deadline: Deadline,
) -> Result<(), LabError> {
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", namespace, "sh", "-c"])
        .arg("printf '%s\\n' \"$1\" > \"$2\"")
        .args(["sh", value, path]);
    ip::run(command, deadline).map(drop)
}

fn read_sysctl(namespace: &str, path: &str, deadline: Deadline) -> String {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", namespace, "cat", path]);
    ip::run(command, deadline)
        .map(|out| out.stdout.trim().to_string())
        .unwrap_or_default()
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
    fn namespaces_are_named_by_prefix_and_host() {
        let lab = Lab::new("nrt").unwrap();
        assert_eq!(lab.switch_namespace(), "nrt-switch");
        assert_eq!(lab.namespace("alpha"), "nrt-alpha");
        let owned = lab.owned_namespaces(&Description::default_lab());
        assert!(owned.contains(&"nrt-scanner".to_string()));
        assert!(owned.contains(&"nrt-far".to_string()));
        assert!(!owned.contains(&"nrt-mine".to_string()));
        assert!(
            owned.contains(&"nrt-zulu".to_string()),
            "an older lab's host"
        );
    }

    #[test]
    fn interface_names_fit_the_kernel_limit() {
        // SUBNET-INDEX in the switch, br-SUBNET for the bridge: at most 15 bytes.
        let longest = "a".repeat(8);
        assert!(format!("{longest}-{}", description::MAX_HOSTS).len() <= 15);
        assert!(bridge_name(&longest).len() <= 15);
    }

    #[test]
    fn only_the_first_lab_flag_is_taken_out() {
        let args = ["--lab", "-c", "--lab"].map(OsString::from);
        assert_eq!(without_lab_flag(args.into_iter()), ["-c", "--lab"]);
    }

    #[test]
    fn a_bad_lab_file_is_refused_before_anything_is_built() {
        let lab = Lab::new("nrt").unwrap();
        let error = lab.up("nameserver = 3", "bad.toml").unwrap_err();
        assert!(matches!(error, LabError::Description(_)), "{error}");
        assert!(error.to_string().starts_with("bad.toml:1: "), "{error}");
    }
}
