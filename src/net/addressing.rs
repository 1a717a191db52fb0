//! What kind of address an address is: loopback, private, link-local,
//! documentation, multicast, global, ... from the IANA special-purpose registries.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressKind {
    Unspecified,
    ThisNetwork,
    Loopback,
    Private,
    UniqueLocal,
    Shared,
    LinkLocal,
    Documentation,
    Benchmarking,
    ProtocolAssignments,
    Multicast,
    Broadcast,
    Reserved,
    Ipv4Mapped,
    Ipv4Compatible,
    Translation,
    SixToFour,
    Teredo,
    Global,
}

impl AddressKind {
    pub fn name(self) -> &'static str {
        match self {
            AddressKind::Unspecified => "unspecified",
            AddressKind::ThisNetwork => "this network",
            AddressKind::Loopback => "loopback",
            AddressKind::Private => "private",
            AddressKind::UniqueLocal => "unique local (private)",
            AddressKind::Shared => "shared (carrier-grade NAT)",
            AddressKind::LinkLocal => "link-local",
            AddressKind::Documentation => "documentation",
            AddressKind::Benchmarking => "benchmarking",
            AddressKind::ProtocolAssignments => "IETF protocol assignments",
            AddressKind::Multicast => "multicast",
            AddressKind::Broadcast => "broadcast",
            AddressKind::Reserved => "reserved",
            AddressKind::Ipv4Mapped => "IPv4-mapped",
            AddressKind::Ipv4Compatible => "IPv4-compatible (deprecated)",
            AddressKind::Translation => "IPv4/IPv6 translation",
            AddressKind::SixToFour => "6to4",
            AddressKind::Teredo => "Teredo",
            AddressKind::Global => "global",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            AddressKind::Unspecified => {
                "No address at all; a server binds to it to listen on every address."
            }
            AddressKind::ThisNetwork => "Means \"this network\"; never a real destination.",
            AddressKind::Loopback => "This machine talking to itself; packets never leave it.",
            AddressKind::Private => {
                "For home, school and office networks; not routed on the Internet (a router translates it, NAT)."
            }
            AddressKind::UniqueLocal => {
                "IPv6's private addresses: for a site's own network, not routed on the Internet."
            }
            AddressKind::Shared => "Used inside Internet providers for carrier-grade NAT.",
            AddressKind::LinkLocal => {
                "Valid only on one link (one cable or Wi-Fi); set up automatically when nothing else is."
            }
            AddressKind::Documentation => {
                "Reserved for examples in books and manuals; never used on real networks."
            }
            AddressKind::Benchmarking => "Reserved for testing network equipment.",
            AddressKind::ProtocolAssignments => "Reserved by the IETF for special protocols.",
            AddressKind::Multicast => {
                "A group address: one packet reaches every member of the group."
            }
            AddressKind::Broadcast => "Every host on the local network.",
            AddressKind::Reserved => "Set aside for future use; not assigned to hosts.",
            AddressKind::Ipv4Mapped => {
                "An IPv4 address written as IPv6 (::ffff:a.b.c.d), used by dual-stack sockets."
            }
            AddressKind::Ipv4Compatible => {
                "An old way to write an IPv4 address as IPv6 (::a.b.c.d), for tunnels; no longer used."
            }
            AddressKind::Translation => {
                "Used by NAT64 gateways to reach IPv4 hosts from IPv6 networks."
            }
            AddressKind::SixToFour => {
                "IPv6 carried over the IPv4 Internet: the site's public IPv4 address follows 2002:."
            }
            AddressKind::Teredo => {
                "IPv6 tunnelled over UDP through NAT: it holds a Teredo server's and the client's IPv4 addresses."
            }
            AddressKind::Global => "A public address, routed on the Internet.",
        }
    }

    /// Whether packets to it go out over the Internet. 6to4 and Teredo
    /// addresses are reached through relays on the Internet, whatever IPv4
    /// addresses they carry.
    pub fn is_globally_routed(self) -> bool {
        matches!(
            self,
            AddressKind::Global | AddressKind::SixToFour | AddressKind::Teredo
        )
    }

    /// Whether it names a group, every host, or nothing assigned, rather than
    /// one host: no probe to it can find a host.
    pub fn is_not_a_host(self) -> bool {
        matches!(
            self,
            AddressKind::Multicast | AddressKind::Broadcast | AddressKind::Reserved
        )
    }
}

/// The kind of an address and the special block it falls in, if any.
pub fn classify(ip: IpAddr) -> (AddressKind, Option<(IpAddr, u8)>) {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

const V4_BLOCKS: &[([u8; 4], u8, AddressKind)] = &[
    ([255, 255, 255, 255], 32, AddressKind::Broadcast),
    ([0, 0, 0, 0], 32, AddressKind::Unspecified),
    ([0, 0, 0, 0], 8, AddressKind::ThisNetwork),
    ([10, 0, 0, 0], 8, AddressKind::Private),
    ([100, 64, 0, 0], 10, AddressKind::Shared),
    ([127, 0, 0, 0], 8, AddressKind::Loopback),
    ([169, 254, 0, 0], 16, AddressKind::LinkLocal),
    ([172, 16, 0, 0], 12, AddressKind::Private),
    ([192, 0, 0, 0], 24, AddressKind::ProtocolAssignments),
    ([192, 0, 2, 0], 24, AddressKind::Documentation),
    ([192, 168, 0, 0], 16, AddressKind::Private),
    ([198, 18, 0, 0], 15, AddressKind::Benchmarking),
    ([198, 51, 100, 0], 24, AddressKind::Documentation),
    ([203, 0, 113, 0], 24, AddressKind::Documentation),
    ([224, 0, 0, 0], 4, AddressKind::Multicast),
    ([240, 0, 0, 0], 4, AddressKind::Reserved),
];

fn classify_v4(ip: Ipv4Addr) -> (AddressKind, Option<(IpAddr, u8)>) {
    let bits = u32::from(ip);
    for &(net, prefix, kind) in V4_BLOCKS {
        let net_bits = u32::from(Ipv4Addr::from(net));
        if bits & prefix_mask_v4(prefix) == net_bits {
            return (kind, Some((IpAddr::from(net), prefix)));
        }
    }
    (AddressKind::Global, None)
}

pub fn prefix_mask_v4(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

pub fn prefix_mask_v6(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix.min(128)))
    }
}

/// `a:b:c:d:e:f:g:h` as bits, for the tables below.
const fn v6(segments: [u16; 8]) -> u128 {
    let mut bits = 0u128;
    let mut i = 0;
    while i < 8 {
        bits = (bits << 16) | segments[i] as u128;
        i += 1;
    }
    bits
}

/// First match wins, so the narrower blocks come before the ones they sit in.
const V6_BLOCKS: &[(u128, u8, AddressKind)] = &[
    (0, 128, AddressKind::Unspecified),
    (1, 128, AddressKind::Loopback),
    (
        v6([0, 0, 0, 0, 0, 0xffff, 0, 0]),
        96,
        AddressKind::Ipv4Mapped,
    ),
    // RFC 2765's IPv4-translated form, ::ffff:0:a.b.c.d.
    (
        v6([0, 0, 0, 0, 0xffff, 0, 0, 0]),
        96,
        AddressKind::Translation,
    ),
    (0, 96, AddressKind::Ipv4Compatible),
    (
        v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0]),
        96,
        AddressKind::Translation,
    ),
    (
        v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0]),
        48,
        AddressKind::Translation,
    ),
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 32, AddressKind::Teredo),
    (
        v6([0x2001, 0x2, 0, 0, 0, 0, 0, 0]),
        48,
        AddressKind::Benchmarking,
    ),
    (
        v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]),
        32,
        AddressKind::Documentation,
    ),
    (
        v6([0x2002, 0, 0, 0, 0, 0, 0, 0]),
        16,
        AddressKind::SixToFour,
    ),
    (
        v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]),
        7,
        AddressKind::UniqueLocal,
    ),
    (
        v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]),
        10,
        AddressKind::LinkLocal,
    ),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0]), 8, AddressKind::Multicast),
    (v6([0x2000, 0, 0, 0, 0, 0, 0, 0]), 3, AddressKind::Global),
];

fn classify_v6(ip: Ipv6Addr) -> (AddressKind, Option<(IpAddr, u8)>) {
    let bits = u128::from(ip);
    for &(net, prefix, kind) in V6_BLOCKS {
        if bits & prefix_mask_v6(prefix) == net {
            let block =
                (kind != AddressKind::Global).then_some((IpAddr::V6(Ipv6Addr::from(net)), prefix));
            return (kind, block);
        }
    }
    (AddressKind::Reserved, None)
}

/// The IPv4 addresses an IPv6 address carries, which is where packets to it
/// may end up: the last 32 bits of the mapped, translated, compatible and
/// NAT64 forms, the site's address in 6to4, and a Teredo address's server and
/// client (the client's bits inverted). A local-use NAT64 prefix
/// (64:ff9b:1::/48) may hold a NAT64 prefix of /48, /56, /64 or /96, each
/// placing the IPv4 address elsewhere (RFC 6052, skipping bits 64-71), so
/// every reading is given.
pub fn embedded_ipv4(ip: Ipv6Addr) -> Vec<Ipv4Addr> {
    let o = ip.octets();
    let v4 = |bytes: [u8; 4]| Ipv4Addr::from(bytes);
    let last = v4([o[12], o[13], o[14], o[15]]);
    match classify_v6(ip).0 {
        AddressKind::Ipv4Mapped | AddressKind::Ipv4Compatible => vec![last],
        AddressKind::Translation if o[..6] == [0, 0x64, 0xff, 0x9b, 0, 1] => vec![
            v4([o[6], o[7], o[9], o[10]]),
            v4([o[7], o[9], o[10], o[11]]),
            v4([o[9], o[10], o[11], o[12]]),
            last,
        ],
        AddressKind::Translation => vec![last],
        AddressKind::SixToFour => vec![v4([o[2], o[3], o[4], o[5]])],
        AddressKind::Teredo => vec![
            v4([o[4], o[5], o[6], o[7]]),
            v4([!o[12], !o[13], !o[14], !o[15]]),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> AddressKind {
        classify(text.parse().unwrap()).0
    }

    #[test]
    fn classifies_the_usual_suspects() {
        assert_eq!(kind("127.0.0.1"), AddressKind::Loopback);
        assert_eq!(kind("192.168.1.1"), AddressKind::Private);
        assert_eq!(kind("172.31.255.255"), AddressKind::Private);
        assert_eq!(kind("172.32.0.1"), AddressKind::Global);
        assert_eq!(kind("100.64.0.1"), AddressKind::Shared);
        assert_eq!(kind("8.8.8.8"), AddressKind::Global);
        assert_eq!(kind("::1"), AddressKind::Loopback);
        assert_eq!(kind("fe80::1"), AddressKind::LinkLocal);
        assert_eq!(kind("fd00::2"), AddressKind::UniqueLocal);
        assert_eq!(kind("2001:db8::1"), AddressKind::Documentation);
        assert_eq!(kind("2606:4700::1"), AddressKind::Global);
        assert_eq!(kind("255.255.255.255"), AddressKind::Broadcast);
    }

    #[test]
    fn classifies_the_forms_that_carry_ipv4() {
        assert_eq!(kind("::ffff:8.8.8.8"), AddressKind::Ipv4Mapped);
        assert_eq!(kind("::8.8.8.8"), AddressKind::Ipv4Compatible);
        assert_eq!(kind("::ffff:0:8.8.8.8"), AddressKind::Translation);
        assert_eq!(kind("64:ff9b::8.8.8.8"), AddressKind::Translation);
        assert_eq!(kind("64:ff9b:1::8.8.8.8"), AddressKind::Translation);
        assert_eq!(kind("2002:808:808::1"), AddressKind::SixToFour);
        assert_eq!(kind("2001:0:4136:e378::1"), AddressKind::Teredo);
        assert_eq!(kind("2001:db8::8.8.8.8"), AddressKind::Documentation);
        assert_eq!(kind("4000::1"), AddressKind::Reserved);
    }

    fn carried(text: &str) -> Vec<String> {
        embedded_ipv4(text.parse().unwrap())
            .iter()
            .map(Ipv4Addr::to_string)
            .collect()
    }

    #[test]
    fn finds_the_ipv4_inside_each_form() {
        assert_eq!(carried("::ffff:8.8.8.8"), ["8.8.8.8"]);
        assert_eq!(carried("::ffff:0:1.2.3.4"), ["1.2.3.4"]);
        assert_eq!(carried("::8.8.4.4"), ["8.8.4.4"]);
        assert_eq!(carried("64:ff9b::c000:221"), ["192.0.2.33"]);
        assert_eq!(carried("2002:c000:221::1"), ["192.0.2.33"]);
        // RFC 4380's example: server 65.54.227.120, client 192.0.2.45.
        assert_eq!(
            carried("2001:0:4136:e378:8000:63bf:3fff:fdd2"),
            ["65.54.227.120", "192.0.2.45"]
        );
        // RFC 6052's /48 example for 192.0.2.33, and the /96 reading.
        let local_use = carried("64:ff9b:1:c000:2:2100::");
        assert!(
            local_use.contains(&"192.0.2.33".to_string()),
            "{local_use:?}"
        );
        assert_eq!(carried("64:ff9b:1::c000:221").last().unwrap(), "192.0.2.33");
        assert!(carried("::1").is_empty());
        assert!(carried("2606:4700::1").is_empty());
    }
}
