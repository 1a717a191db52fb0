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
    Translation,
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
            AddressKind::Translation => "IPv4/IPv6 translation",
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
            AddressKind::Translation => {
                "Used by NAT64 gateways to reach IPv4 hosts from IPv6 networks."
            }
            AddressKind::Global => "A public address, routed on the Internet.",
        }
    }

    /// Whether packets to it may leave for the Internet (what scans must refuse).
    pub fn is_globally_routed(self) -> bool {
        self == AddressKind::Global
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

const V6_BLOCKS: &[(&str, u8, AddressKind)] = &[
    ("::", 128, AddressKind::Unspecified),
    ("::1", 128, AddressKind::Loopback),
    ("::ffff:0:0", 96, AddressKind::Ipv4Mapped),
    ("64:ff9b::", 96, AddressKind::Translation),
    ("2001:db8::", 32, AddressKind::Documentation),
    ("fc00::", 7, AddressKind::UniqueLocal),
    ("fe80::", 10, AddressKind::LinkLocal),
    ("ff00::", 8, AddressKind::Multicast),
    ("2000::", 3, AddressKind::Global),
];

fn classify_v6(ip: Ipv6Addr) -> (AddressKind, Option<(IpAddr, u8)>) {
    let bits = u128::from(ip);
    for &(net, prefix, kind) in V6_BLOCKS {
        let Ok(net) = net.parse::<Ipv6Addr>() else {
            continue;
        };
        if bits & prefix_mask_v6(prefix) == u128::from(net) {
            let block = (kind != AddressKind::Global).then_some((IpAddr::V6(net), prefix));
            return (kind, block);
        }
    }
    (AddressKind::Reserved, None)
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
}
