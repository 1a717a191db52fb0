//! A lab in a file: the small TOML format a teacher writes (subnets, hosts and
//! their addresses, routers, services, hosts that drop ping, DNS records, the
//! name server), read into a [`Description`] and checked in full before
//! anything is built. Every error names the file and line and says what to do.
//!
//! The lab's addresses must lie in private ranges (10/8, 172.16/12,
//! 192.168/16, fc00::/7), so a lab can never shadow a real network, and a lab
//! is bounded in subnets, hosts and records. The domain is always `lab.`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Deserialize;
use toml::Spanned;

use crate::net::dns_zone::RecordData;

/// The default lab, built into the binary.
pub const DEFAULT_TOML: &str = include_str!("default.toml");
/// What error messages call the default lab's file.
pub const DEFAULT_FILE_NAME: &str = "default.toml";
/// The domain of every lab name (`alpha.lab`).
pub const DOMAIN: &str = "lab";
pub const MAX_SUBNETS: usize = 4;
pub const MAX_HOSTS: usize = 24;
pub const MAX_RECORDS: usize = 64;
const MAX_TTL: u32 = 86_400;
const DEFAULT_TTL: u32 = 300;
const MAX_SUBNET_NAME: usize = 8;
const MAX_HOST_NAME: usize = 15;
/// Namespace roles the lab keeps for itself.
const RESERVED_NAMES: [&str; 1] = ["switch"];

/// A lab, checked: every address in its subnet, every name unique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    /// The lab's title, for status and the figure.
    pub name: String,
    pub subnets: Vec<Subnet>,
    pub hosts: Vec<Host>,
    /// Records beyond the A/AAAA (and PTR) every host gets, names relative to `lab.`.
    pub records: Vec<Record>,
    /// Index into `hosts` of the DNS server.
    pub nameserver: usize,
    pub ttl: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subnet {
    pub name: String,
    pub ipv4: Option<Prefix>,
    pub ipv6: Option<Prefix>,
}

/// A network prefix such as 10.77.0.0/24.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix {
    pub network: IpAddr,
    pub length: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Where netrepl runs inside the lab; exactly one.
    Scanner,
    /// Joins subnets and forwards between them.
    Router,
    Host,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// TCP port 7: sends back what it gets.
    Echo,
    /// TCP port 80: netrepl's practice HTTP server.
    Http,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// The short name: `alpha` for `alpha.lab`.
    pub name: String,
    pub role: Role,
    pub attachments: Vec<Attachment>,
    pub down: bool,
    pub ignores_ping: bool,
    pub services: Vec<Service>,
}

/// A host's cable to one subnet and its addresses there (at most one per family).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Index into [`Description::subnets`].
    pub subnet: usize,
    pub ipv4: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Relative to `lab.`: `www`, or `@` for `lab.` itself.
    pub name: String,
    pub ttl: u32,
    pub data: RecordData,
}

/// What is wrong with a lab file, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescriptionError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for DescriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for DescriptionError {}

impl Prefix {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = mask_v4(self.length);
                u32::from(a) & mask == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = mask_v6(self.length);
                u128::from(a) & mask == u128::from(net)
            }
            _ => false,
        }
    }

    fn overlaps(&self, other: &Prefix) -> bool {
        self.contains(other.network) || other.contains(self.network)
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.length)
    }
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Scanner => "scanner",
            Role::Router => "router",
            Role::Host => "host",
        }
    }
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Echo => "echo",
            Service::Http => "http",
        }
    }

    pub fn port(self) -> u16 {
        match self {
            Service::Echo => 7,
            Service::Http => 80,
        }
    }
}

impl Host {
    /// `alpha.lab`.
    pub fn full_name(&self) -> String {
        format!("{}.{DOMAIN}", self.name)
    }

    /// Every address, IPv4 first within each subnet.
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.attachments
            .iter()
            .flat_map(|a| {
                a.ipv4
                    .map(IpAddr::V4)
                    .into_iter()
                    .chain(a.ipv6.map(IpAddr::V6))
            })
            .collect()
    }

    pub fn first_ipv4(&self) -> Option<Ipv4Addr> {
        self.attachments.iter().find_map(|a| a.ipv4)
    }
}

impl Description {
    /// The lab built into netrepl.
    pub fn default_lab() -> Description {
        Description::parse(DEFAULT_TOML, DEFAULT_FILE_NAME)
            .expect("the built-in default.toml is checked by a unit test")
    }

    /// Reads and checks a lab file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Description, DescriptionError> {
        let raw: RawLab = toml::from_str(text).map_err(|e| DescriptionError {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: format!("{} (see `help lab` for the format)", e.message().trim()),
        })?;
        Checker { text, file }.check(raw)
    }

    /// Reads and checks the lab file at `path`.
    pub fn load(path: &std::path::Path) -> Result<Description, DescriptionError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DescriptionError {
            file: file.clone(),
            line: None,
            message: format!("cannot read the lab file: {e}"),
        })?;
        Description::parse(&text, &file)
    }

    pub fn scanner(&self) -> &Host {
        self.hosts
            .iter()
            .find(|h| h.role == Role::Scanner)
            .expect("a checked description has a scanner")
    }

    pub fn nameserver_host(&self) -> &Host {
        &self.hosts[self.nameserver]
    }

    /// Every prefix of the lab, both families.
    pub fn prefixes(&self) -> Vec<Prefix> {
        self.subnets
            .iter()
            .flat_map(|s| s.ipv4.into_iter().chain(s.ipv6))
            .collect()
    }

    /// Whether `address` lies in one of the lab's subnets.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.prefixes().iter().any(|p| p.contains(address))
    }

    /// The router on `subnet`, if one joins it (the first one).
    pub fn router_on(&self, subnet: usize) -> Option<&Host> {
        self.hosts
            .iter()
            .filter(|h| h.role == Role::Router)
            .find(|h| h.attachments.iter().any(|a| a.subnet == subnet))
    }
}

/// The file's shape, before checking.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLab {
    name: Option<String>,
    nameserver: Spanned<String>,
    ttl: Option<Spanned<u32>>,
    #[serde(default)]
    subnets: Vec<Spanned<RawSubnet>>,
    #[serde(default)]
    hosts: Vec<Spanned<RawHost>>,
    #[serde(default)]
    records: Vec<Spanned<RawRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubnet {
    name: Spanned<String>,
    ipv4: Option<Spanned<String>>,
    ipv6: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHost {
    name: Spanned<String>,
    role: Option<Spanned<String>>,
    addresses: Spanned<BTreeMap<String, Vec<Spanned<String>>>>,
    #[serde(default)]
    down: bool,
    #[serde(default)]
    ignores_ping: bool,
    services: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    name: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    value: Spanned<String>,
    ttl: Option<Spanned<u32>>,
}

struct Checker<'a> {
    text: &'a str,
    file: &'a str,
}

type Checked<T> = Result<T, DescriptionError>;

impl Checker<'_> {
    fn error<T>(&self, at: Option<usize>, message: impl Into<String>) -> Checked<T> {
        Err(DescriptionError {
            file: self.file.to_string(),
            line: at.map(|offset| line_of(self.text, offset)),
            message: message.into(),
        })
    }

    fn check(&self, raw: RawLab) -> Checked<Description> {
        let ttl = match &raw.ttl {
            Some(ttl) => self.ttl(ttl)?,
            None => DEFAULT_TTL,
        };
        let subnets = self.subnets(&raw.subnets)?;
        let hosts = self.hosts(&raw.hosts, &subnets)?;
        let nameserver = self.nameserver(&raw.nameserver, &hosts)?;
        let mut description = Description {
            name: raw.name.unwrap_or_else(|| "a netrepl lab".into()),
            subnets,
            hosts,
            records: Vec::new(),
            nameserver,
            ttl,
        };
        description.records = self.records(&raw.records, &description)?;
        Ok(description)
    }

    fn ttl(&self, ttl: &Spanned<u32>) -> Checked<u32> {
        if *ttl.get_ref() > MAX_TTL {
            return self.error(
                Some(ttl.span().start),
                format!(
                    "a TTL is 0 to {MAX_TTL} seconds (a day), not {}",
                    ttl.get_ref()
                ),
            );
        }
        Ok(*ttl.get_ref())
    }

    fn subnets(&self, raw: &[Spanned<RawSubnet>]) -> Checked<Vec<Subnet>> {
        if raw.is_empty() {
            return self.error(
                None,
                "a lab needs at least one subnet: add a [[subnets]] table with a name and an ipv4 or ipv6 prefix",
            );
        }
        if raw.len() > MAX_SUBNETS {
            return self.error(
                Some(raw[MAX_SUBNETS].span().start),
                format!("a lab has at most {MAX_SUBNETS} subnets; remove some"),
            );
        }
        let mut subnets: Vec<Subnet> = Vec::new();
        for item in raw {
            let subnet = item.get_ref();
            let at = Some(subnet.name.span().start);
            let name = subnet.name.get_ref();
            if !is_word(name, MAX_SUBNET_NAME, false) {
                return self.error(at, format!("the subnet name {name:?} must be 1 to {MAX_SUBNET_NAME} lowercase letters or digits, starting with a letter"));
            }
            if subnets.iter().any(|s| &s.name == name) {
                return self.error(
                    at,
                    format!("there are two subnets named {name:?}; give each its own name"),
                );
            }
            let ipv4 = subnet
                .ipv4
                .as_ref()
                .map(|p| self.prefix(p, false))
                .transpose()?;
            let ipv6 = subnet
                .ipv6
                .as_ref()
                .map(|p| self.prefix(p, true))
                .transpose()?;
            if ipv4.is_none() && ipv6.is_none() {
                return self.error(at, format!("the subnet {name:?} needs an ipv4 or an ipv6 prefix (or both), like ipv4 = \"10.77.0.0/24\""));
            }
            for prefix in ipv4.iter().chain(ipv6.iter()) {
                if let Some(other) = subnets.iter().find(|s| {
                    s.ipv4
                        .iter()
                        .chain(s.ipv6.iter())
                        .any(|p| p.overlaps(prefix))
                }) {
                    return self.error(at, format!("the subnet {name:?} ({prefix}) overlaps the subnet {:?}; give it a prefix of its own", other.name));
                }
            }
            subnets.push(Subnet {
                name: name.clone(),
                ipv4,
                ipv6,
            });
        }
        Ok(subnets)
    }

    fn prefix(&self, raw: &Spanned<String>, v6: bool) -> Checked<Prefix> {
        let at = Some(raw.span().start);
        let text = raw.get_ref();
        let family = if v6 { "IPv6" } else { "IPv4" };
        let example = if v6 { "fd77::/64" } else { "10.77.0.0/24" };
        let parsed = text.split_once('/').and_then(|(address, length)| {
            Some((address.parse::<IpAddr>().ok()?, length.parse::<u8>().ok()?))
        });
        let Some((network, length)) = parsed.filter(|(a, _)| a.is_ipv6() == v6) else {
            return self.error(
                at,
                format!("{text:?} is not an {family} prefix; write it like {example:?}"),
            );
        };
        let (lengths, private) = match network {
            IpAddr::V4(a) => (16..=30, a.is_private()),
            IpAddr::V6(a) => (48..=120, (a.segments()[0] & 0xfe00) == 0xfc00),
        };
        if !private {
            return self.error(at, format!("{text:?} is not a private range: a lab may only use 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or fc00::/7, so it can never hide a real network"));
        }
        if !lengths.contains(&length) {
            return self.error(
                at,
                format!(
                    "the prefix length of {text:?} must be {} to {}",
                    lengths.start(),
                    lengths.end()
                ),
            );
        }
        let prefix = Prefix { network, length };
        let masked = match network {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask_v4(length))),
            IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask_v6(length))),
        };
        if masked != network {
            return self.error(
                at,
                format!("{text:?} has host bits set; the network is {masked}/{length}"),
            );
        }
        Ok(prefix)
    }

    fn hosts(&self, raw: &[Spanned<RawHost>], subnets: &[Subnet]) -> Checked<Vec<Host>> {
        if raw.len() > MAX_HOSTS {
            return self.error(
                Some(raw[MAX_HOSTS].span().start),
                format!("a lab has at most {MAX_HOSTS} hosts; remove some"),
            );
        }
        let mut hosts: Vec<Host> = Vec::new();
        let mut seen: HashMap<IpAddr, String> = HashMap::new();
        for item in raw {
            let host = self.host(item.get_ref(), subnets, &hosts, &mut seen)?;
            hosts.push(host);
        }
        let scanners = hosts.iter().filter(|h| h.role == Role::Scanner).count();
        if scanners != 1 {
            let at = raw.first().map(|h| h.span().start);
            return self.error(at, format!("a lab needs exactly one host with role = \"scanner\" (where netrepl runs), not {scanners}"));
        }
        Ok(hosts)
    }

    fn host(
        &self,
        raw: &RawHost,
        subnets: &[Subnet],
        earlier: &[Host],
        seen: &mut HashMap<IpAddr, String>,
    ) -> Checked<Host> {
        let at = Some(raw.name.span().start);
        let name = raw.name.get_ref();
        if !is_word(name, MAX_HOST_NAME, true) || RESERVED_NAMES.contains(&name.as_str()) {
            return self.error(at, format!("the host name {name:?} must be 1 to {MAX_HOST_NAME} lowercase letters, digits or '-', start with a letter and not be 'switch'; it becomes {name}.lab"));
        }
        if earlier.iter().any(|h| &h.name == name) {
            return self.error(
                at,
                format!("there are two hosts named {name:?}; give each its own name"),
            );
        }
        let role = match raw
            .role
            .as_ref()
            .map(|r| (r.get_ref().as_str(), r.span().start))
        {
            None | Some(("host", _)) => Role::Host,
            Some(("scanner", _)) => Role::Scanner,
            Some(("router", _)) => Role::Router,
            Some((other, offset)) => {
                return self.error(Some(offset), format!("the role {other:?} is unknown; a role is \"host\" (the default), \"router\" or \"scanner\""));
            }
        };
        let addresses_at = Some(raw.addresses.span().start);
        let mut attachments = Vec::new();
        for (subnet_name, texts) in raw.addresses.get_ref() {
            let Some(index) = subnets.iter().position(|s| &s.name == subnet_name) else {
                let known: Vec<&str> = subnets.iter().map(|s| s.name.as_str()).collect();
                return self.error(addresses_at, format!("the host {name:?} has addresses on {subnet_name:?}, which is not a subnet of this lab (its subnets: {})", known.join(", ")));
            };
            attachments.push(self.attachment(name, index, &subnets[index], texts, seen)?);
        }
        attachments.sort_by_key(|a| a.subnet);
        let wanted = if role == Role::Router {
            "two or more subnets"
        } else {
            "exactly one subnet"
        };
        let fits = match role {
            Role::Router => attachments.len() >= 2,
            _ => attachments.len() == 1,
        };
        if !fits {
            return self.error(addresses_at, format!("the {} {name:?} has addresses on {} subnets, but needs {wanted} (only routers join subnets)", role.name(), attachments.len()));
        }
        if raw.down && role != Role::Host {
            return self.error(
                at,
                format!(
                    "the {} {name:?} cannot be down; only plain hosts can be switched off",
                    role.name()
                ),
            );
        }
        let mut services = Vec::new();
        let listed = raw.services.as_ref();
        let services_at = listed.map(|s| s.span().start);
        for service in listed.map(|s| s.get_ref().as_slice()).unwrap_or_default() {
            let parsed = match service.as_str() {
                "echo" => Service::Echo,
                "http" => Service::Http,
                other => {
                    return self.error(services_at, format!("the service {other:?} is unknown; a host can run \"echo\" (port 7) and \"http\" (port 80)"));
                }
            };
            if services.contains(&parsed) {
                return self.error(
                    services_at,
                    format!("the service {service:?} is listed twice"),
                );
            }
            services.push(parsed);
        }
        Ok(Host {
            name: name.clone(),
            role,
            attachments,
            down: raw.down,
            ignores_ping: raw.ignores_ping,
            services,
        })
    }

    fn attachment(
        &self,
        host: &str,
        index: usize,
        subnet: &Subnet,
        texts: &[Spanned<String>],
        seen: &mut HashMap<IpAddr, String>,
    ) -> Checked<Attachment> {
        let mut attachment = Attachment {
            subnet: index,
            ipv4: None,
            ipv6: None,
        };
        for text in texts {
            let at = Some(text.span().start);
            let Ok(address) = text.get_ref().parse::<IpAddr>() else {
                return self.error(at, format!("{:?} is not an IP address", text.get_ref()));
            };
            let prefix = if address.is_ipv4() {
                subnet.ipv4
            } else {
                subnet.ipv6
            };
            let Some(prefix) = prefix.filter(|p| p.contains(address)) else {
                let shown = [subnet.ipv4, subnet.ipv6]
                    .iter()
                    .flatten()
                    .map(Prefix::to_string)
                    .collect::<Vec<_>>()
                    .join(" and ");
                return self.error(at, format!("{address} is outside the subnet {:?} ({shown}); give {host} an address inside it", subnet.name));
            };
            if let IpAddr::V4(v4) = address {
                let bits = 32 - u32::from(prefix.length);
                let host_part = u32::from(v4) & !mask_v4(prefix.length);
                if host_part == 0 || host_part == (1u32 << bits) - 1 {
                    return self.error(at, format!("{address} is the network or broadcast address of {prefix}; hosts take the addresses between"));
                }
            }
            if let Some(owner) = seen.get(&address) {
                return self.error(at, format!("{address} is given to both {owner} and {host}; every address belongs to one host"));
            }
            seen.insert(address, host.to_string());
            let slot_taken = match address {
                IpAddr::V4(a) => attachment.ipv4.replace(a).is_some(),
                IpAddr::V6(a) => attachment.ipv6.replace(a).is_some(),
            };
            if slot_taken {
                return self.error(at, format!("{host} has two addresses of one family on {:?}; a host has at most one IPv4 and one IPv6 address per subnet (use [[records]] for more names)", subnet.name));
            }
        }
        if attachment.ipv4.is_none() && attachment.ipv6.is_none() {
            return self.error(
                None,
                format!(
                    "{host} is on {:?} with no address; give it one",
                    subnet.name
                ),
            );
        }
        Ok(attachment)
    }

    fn nameserver(&self, raw: &Spanned<String>, hosts: &[Host]) -> Checked<usize> {
        let at = Some(raw.span().start);
        let name = raw.get_ref();
        let Some(index) = hosts.iter().position(|h| &h.name == name) else {
            return self.error(at, format!("the nameserver {name:?} is not one of the lab's hosts; name the host that should run the DNS server"));
        };
        let host = &hosts[index];
        if host.down || host.first_ipv4().is_none() {
            return self.error(at, format!("the nameserver {name:?} must be up and have an IPv4 address, since every resolv.conf points at it"));
        }
        Ok(index)
    }

    fn records(&self, raw: &[Spanned<RawRecord>], lab: &Description) -> Checked<Vec<Record>> {
        if raw.len() > MAX_RECORDS {
            return self.error(
                Some(raw[MAX_RECORDS].span().start),
                format!("a lab has at most {MAX_RECORDS} extra records; remove some"),
            );
        }
        let host_names: HashSet<&str> = lab.hosts.iter().map(|h| h.name.as_str()).collect();
        let mut records: Vec<Record> = Vec::new();
        for item in raw {
            let record = self.record(item.get_ref(), lab)?;
            let at = Some(item.get_ref().name.span().start);
            let is_alias = matches!(record.data, RecordData::Cname(_));
            let shares_name = |r: &Record| r.name == record.name;
            if is_alias
                && (host_names.contains(record.name.as_str()) || records.iter().any(shares_name))
            {
                return self.error(at, format!("{}.lab is a CNAME, so it can have no other record and cannot be a host's name; pick another name", record.name));
            }
            if records
                .iter()
                .any(|r| shares_name(r) && matches!(r.data, RecordData::Cname(_)))
            {
                return self.error(
                    at,
                    format!(
                        "{}.lab is already a CNAME, so it can have no other record",
                        record.name
                    ),
                );
            }
            if records
                .iter()
                .any(|r| r.name == record.name && r.data == record.data)
            {
                return self.error(
                    at,
                    format!(
                        "this record repeats an earlier one for {}; remove one",
                        record.name
                    ),
                );
            }
            records.push(record);
        }
        Ok(records)
    }

    fn record(&self, raw: &RawRecord, lab: &Description) -> Checked<Record> {
        let at = Some(raw.name.span().start);
        let value_at = Some(raw.value.span().start);
        let name = raw.name.get_ref().trim_end_matches(".lab").to_string();
        if name != "@" && !name.split('.').all(|label| is_word(label, 63, true)) {
            return self.error(at, format!("the record name {:?} must be \"@\" (lab. itself) or lowercase labels like \"www\"", raw.name.get_ref()));
        }
        let value = raw.value.get_ref();
        let in_lab = |address: IpAddr| -> Checked<()> {
            if lab.contains(address) {
                Ok(())
            } else {
                self.error(value_at, format!("{address} is outside the lab's subnets; records may only point inside the lab"))
            }
        };
        let data = match raw.kind.get_ref().to_ascii_uppercase().as_str() {
            "A" => match value.parse::<Ipv4Addr>() {
                Ok(a) => in_lab(IpAddr::V4(a)).map(|()| RecordData::A(a))?,
                Err(_) => {
                    return self.error(
                        value_at,
                        format!("an A record's value is an IPv4 address, not {value:?}"),
                    );
                }
            },
            "AAAA" => match value.parse::<Ipv6Addr>() {
                Ok(a) => in_lab(IpAddr::V6(a)).map(|()| RecordData::Aaaa(a))?,
                Err(_) => {
                    return self.error(
                        value_at,
                        format!("an AAAA record's value is an IPv6 address, not {value:?}"),
                    );
                }
            },
            "CNAME" => RecordData::Cname(self.target(value, value_at)?),
            "MX" => {
                let parsed = value
                    .split_once(' ')
                    .and_then(|(p, n)| Some((p.parse::<u16>().ok()?, n.trim())));
                let Some((preference, exchange)) = parsed else {
                    return self.error(value_at, format!("an MX record's value is a preference and a name, like \"10 services\", not {value:?}"));
                };
                RecordData::Mx {
                    preference,
                    exchange: self.target(exchange, value_at)?,
                }
            }
            "TXT" => {
                if value.len() > 255 {
                    return self.error(value_at, "a TXT value is at most 255 bytes");
                }
                RecordData::Txt(value.clone())
            }
            other => {
                return self.error(Some(raw.kind.span().start), format!("the record type {other:?} is not served; use A, AAAA, CNAME, MX or TXT (hosts get A, AAAA and PTR by themselves)"));
            }
        };
        let ttl = match &raw.ttl {
            Some(ttl) => self.ttl(ttl)?,
            None => lab.ttl,
        };
        Ok(Record { name, ttl, data })
    }

    /// A name a CNAME or MX points at: relative to `lab.` (`www`), or absolute
    /// inside it (`www.lab.`); kept relative.
    fn target(&self, text: &str, at: Option<usize>) -> Checked<String> {
        let relative = text
            .strip_suffix(".lab.")
            .or_else(|| text.strip_suffix(".lab"))
            .unwrap_or(text);
        if relative.split('.').all(|label| is_word(label, 63, true)) {
            Ok(relative.to_string())
        } else {
            self.error(
                at,
                format!(
                    "{text:?} is not a name in the lab; write it like \"www\" (meaning www.lab)"
                ),
            )
        }
    }
}

/// A lowercase word: a letter, then letters, digits (and `-` when allowed).
fn is_word(text: &str, max: usize, hyphen: bool) -> bool {
    (1..=max).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || (hyphen && c == '-'))
        && !text.ends_with('-')
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn mask_v4(length: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0)
}

fn mask_v6(length: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(length)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
nameserver = "ns"
[[subnets]]
name = "net"
ipv4 = "192.168.50.0/24"
[[hosts]]
name = "me"
role = "scanner"
addresses = { net = ["192.168.50.1"] }
[[hosts]]
name = "ns"
addresses = { net = ["192.168.50.2"] }
"#;

    fn error_of(text: &str) -> DescriptionError {
        Description::parse(text, "t.toml").expect_err("should be refused")
    }

    #[test]
    fn the_default_lab_is_valid_and_has_what_the_lessons_need() {
        let lab = Description::default_lab();
        let names: Vec<&str> = lab.hosts.iter().map(|h| h.name.as_str()).collect();
        for name in [
            "scanner", "router", "ns", "alpha", "bravo", "charlie", "quiet", "services", "far",
        ] {
            assert!(names.contains(&name), "{name} missing");
        }
        assert_eq!(
            lab.scanner().first_ipv4(),
            Some(Ipv4Addr::new(10, 77, 0, 1))
        );
        assert_eq!(lab.nameserver_host().name, "ns");
        assert!(lab.contains("10.77.1.10".parse().unwrap()));
        assert!(!lab.contains("10.78.0.1".parse().unwrap()));
        assert_eq!(lab.router_on(1).map(|h| h.name.as_str()), Some("router"));
        let www = lab.records.iter().filter(|r| r.name == "www").count();
        assert_eq!(www, 3);
    }

    #[test]
    fn a_small_lab_parses() {
        let lab = Description::parse(SMALL, "t.toml").unwrap();
        assert_eq!(lab.hosts.len(), 2);
        assert_eq!(lab.ttl, DEFAULT_TTL);
        assert!(lab.router_on(0).is_none());
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let text = SMALL.replace("role = \"scanner\"", "role = \"scanner\"\nsize = 3");
        let error = error_of(&text);
        assert_eq!(error.line, Some(9), "{error}");
        assert!(error.to_string().starts_with("t.toml:9: "), "{error}");
        assert!(error.message.contains("size"), "{error}");
    }

    #[test]
    fn addresses_outside_their_subnet_are_refused() {
        let error = error_of(&SMALL.replace("192.168.50.2\"", "192.168.51.2\""));
        assert_eq!(error.line, Some(12));
        assert!(
            error.message.contains("outside the subnet \"net\""),
            "{error}"
        );
    }

    #[test]
    fn public_ranges_are_refused() {
        let error = error_of(&SMALL.replace("192.168.50.0/24", "8.8.8.0/24"));
        assert!(error.message.contains("not a private range"), "{error}");
        let error =
            error_of(&SMALL.replace("ipv4 = \"192.168.50.0/24\"", "ipv6 = \"2001:db8::/64\""));
        assert!(error.message.contains("not a private range"), "{error}");
    }

    #[test]
    fn duplicates_and_clashes_are_refused() {
        let twice = SMALL.replace("name = \"ns\"\naddresses", "name = \"me\"\naddresses");
        assert!(error_of(&twice).message.contains("two hosts named \"me\""));
        let same = SMALL.replace("192.168.50.2", "192.168.50.1");
        assert!(error_of(&same).message.contains("given to both me and ns"));
        let alias =
            format!("{SMALL}[[records]]\nname = \"ns\"\ntype = \"CNAME\"\nvalue = \"me\"\n");
        assert!(error_of(&alias).message.contains("CNAME"));
    }

    #[test]
    fn too_many_hosts_are_refused() {
        let mut text = SMALL.to_string();
        for i in 0..MAX_HOSTS {
            text.push_str(&format!(
                "[[hosts]]\nname = \"h{i}\"\naddresses = {{ net = [\"192.168.50.{}\"] }}\n",
                i + 10
            ));
        }
        assert!(error_of(&text).message.contains("at most 24 hosts"));
    }

    #[test]
    fn roles_services_and_records_are_checked() {
        let router = SMALL.replace("name = \"ns\"\n", "name = \"ns\"\nrole = \"router\"\n");
        assert!(
            error_of(&router)
                .message
                .contains("needs two or more subnets")
        );
        let two = SMALL.replace("name = \"ns\"\n", "name = \"ns\"\nrole = \"scanner\"\n");
        assert!(
            error_of(&two)
                .message
                .contains("exactly one host with role = \"scanner\"")
        );
        let service = SMALL.replace("name = \"ns\"\n", "name = \"ns\"\nservices = [\"ftp\"]\n");
        assert!(
            error_of(&service)
                .message
                .contains("the service \"ftp\" is unknown")
        );
        let outside =
            format!("{SMALL}[[records]]\nname = \"x\"\ntype = \"A\"\nvalue = \"8.8.8.8\"\n");
        assert!(
            error_of(&outside)
                .message
                .contains("outside the lab's subnets")
        );
        let kind = format!("{SMALL}[[records]]\nname = \"x\"\ntype = \"SRV\"\nvalue = \"y\"\n");
        assert!(
            error_of(&kind)
                .message
                .contains("use A, AAAA, CNAME, MX or TXT")
        );
        let nameserver = SMALL.replace("nameserver = \"ns\"", "nameserver = \"nobody\"");
        assert!(
            error_of(&nameserver)
                .message
                .contains("not one of the lab's hosts")
        );
    }

    #[test]
    fn bad_toml_names_its_line() {
        let error = error_of("nameserver = \"ns\"\n[[subnets]\n");
        assert_eq!(error.line, Some(2), "{error}");
    }

    #[test]
    fn prefixes_contain_their_addresses() {
        let prefix = Prefix {
            network: "10.77.0.0".parse().unwrap(),
            length: 24,
        };
        assert!(prefix.contains("10.77.0.255".parse().unwrap()));
        assert!(!prefix.contains("10.77.1.0".parse().unwrap()));
        let v6 = Prefix {
            network: "fd77::".parse().unwrap(),
            length: 64,
        };
        assert!(v6.contains("fd77::10".parse().unwrap()));
        assert!(!v6.contains("fd77:0:0:1::10".parse().unwrap()));
    }
}
