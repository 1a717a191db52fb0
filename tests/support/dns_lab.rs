//! A lab-like zone written with `dns_zone`, and `netrepl serve-dns` serving
//! it on a loopback address (in the test's namespace when given), stopped
//! with SIGTERM when dropped.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use netrepl::net::dns_zone::{RecordData, Zone, ZoneRecord, write_zone_files};

use super::Namespace;

/// How many A records `many.lab` has: more than fit in 512 bytes of UDP.
pub const MANY: u8 = 40;

fn record(name: &str, ttl: u32, data: RecordData) -> ZoneRecord {
    ZoneRecord {
        name: name.into(),
        ttl,
        data,
    }
}

/// `lab.` and `0.77.10.in-addr.arpa.`: hosts with A and AAAA, www with three
/// A records, web a CNAME to www, MX, TXT, PTR, and `many` for truncation.
pub fn zones() -> Vec<Zone> {
    let mut lab = vec![
        record("ns", 300, RecordData::A(Ipv4Addr::new(127, 0, 0, 1))),
        record("alpha", 120, RecordData::A(Ipv4Addr::new(10, 77, 0, 10))),
        record(
            "alpha",
            120,
            RecordData::Aaaa("fd77::10".parse::<Ipv6Addr>().unwrap()),
        ),
        record("www", 60, RecordData::A(Ipv4Addr::new(10, 77, 0, 20))),
        record("www", 60, RecordData::A(Ipv4Addr::new(10, 77, 0, 21))),
        record("www", 60, RecordData::A(Ipv4Addr::new(10, 77, 0, 22))),
        record("web", 60, RecordData::Cname("www".into())),
        record("mail", 300, RecordData::A(Ipv4Addr::new(10, 77, 0, 25))),
        record(
            "@",
            300,
            RecordData::Mx {
                preference: 10,
                exchange: "mail.lab.".into(),
            },
        ),
        record("@", 300, RecordData::Txt("netrepl teaching lab".into())),
    ];
    for n in 1..=MANY {
        lab.push(record(
            "many",
            30,
            RecordData::A(Ipv4Addr::new(10, 77, 1, n)),
        ));
    }
    vec![
        Zone {
            origin: "lab.".into(),
            nameserver: "ns.lab.".into(),
            ttl: 300,
            records: lab,
        },
        Zone {
            origin: "0.77.10.in-addr.arpa.".into(),
            nameserver: "ns.lab.".into(),
            ttl: 300,
            records: vec![
                record("10", 120, RecordData::Ptr("alpha.lab.".into())),
                record("20", 60, RecordData::Ptr("www.lab.".into())),
            ],
        },
    ]
}

/// A running `netrepl serve-dns`.
pub struct DnsServer {
    child: Child,
    /// The line it printed once listening.
    pub line: String,
    /// Where it listens (the port it got, for port 0).
    pub address: SocketAddr,
    dir: PathBuf,
}

impl DnsServer {
    /// Writes the zones to a fresh directory and serves them on `listen`
    /// (`127.0.0.1:0` for any free port), inside `ns` if given.
    pub fn start(tag: &str, listen: &str, ns: Option<&Namespace>) -> DnsServer {
        let dir = std::env::temp_dir().join(format!("netrepl-dns-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_zone_files(&zones(), &dir).expect("write the zone files");
        let mut command = match ns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", &ns.0, env!("CARGO_BIN_EXE_netrepl")]);
                c
            }
            None => Command::new(env!("CARGO_BIN_EXE_netrepl")),
        };
        let mut child = command
            .arg("serve-dns")
            .arg("--zones")
            .arg(&dir)
            .args(["--listen", listen])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start netrepl serve-dns");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("read the serving line");
        let line = line.trim().to_string();
        let address = line
            .rsplit(" on ")
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("serve-dns printed no address: {line:?}"));
        DnsServer {
            child,
            line,
            address,
            dir,
        }
    }

    /// `server=127.0.0.1 port=PORT`, for a dig line.
    pub fn dig_args(&self) -> String {
        format!("server={} port={}", self.address.ip(), self.address.port())
    }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    pub fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        // SAFETY: kill with a child's pid we own and have not yet reaped.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        if self.terminate().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `/etc/netns/NAME`, the files `ip netns exec` puts over /etc; removed when dropped.
pub struct EtcNetns(pub String);

impl Drop for EtcNetns {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
