//! The kernel's routing and neighbour tables, read over rtnetlink: one
//! `RTM_GETROUTE` or `RTM_GETNEIGH` dump request on a `NETLINK_ROUTE` socket,
//! and the answer's messages decoded here from their bytes (no `unsafe`: the
//! socket is socket2's, the decoding plain slice reading). Interface numbers
//! become names through if_indextoname, in this process's own namespace.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use socket2::{Domain, Protocol, Socket, Type};

/// Which address family to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Any,
    V4,
    V6,
}

impl Family {
    fn code(self) -> u8 {
        match self {
            Family::Any => libc::AF_UNSPEC as u8,
            Family::V4 => libc::AF_INET as u8,
            Family::V6 => libc::AF_INET6 as u8,
        }
    }
}

/// One route of the main table (or another non-local table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub destination: IpAddr,
    pub prefix: u8,
    pub gateway: Option<IpAddr>,
    pub interface: Option<String>,
    pub source: Option<IpAddr>,
    pub metric: Option<u32>,
    pub protocol: &'static str,
    pub scope: &'static str,
    pub table: u32,
}

impl Route {
    /// `default` for 0.0.0.0/0 and ::/0, else the CIDR text.
    pub fn destination_text(&self) -> String {
        if self.prefix == 0 {
            "default".into()
        } else {
            format!("{}/{}", self.destination, self.prefix)
        }
    }
}

/// One entry of the neighbour table: an IP on a local link and its MAC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neighbour {
    pub address: IpAddr,
    pub link_address: Option<String>,
    pub interface: Option<String>,
    pub state: &'static str,
}

const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const RTM_NEWROUTE: u16 = 24;
const RTM_GETROUTE: u16 = 26;
const RTM_NEWNEIGH: u16 = 28;
const RTM_GETNEIGH: u16 = 30;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_DUMP: u16 = 0x300;
/// The kernel's own table of local and broadcast addresses: not what people
/// mean by "the routing table", so it is left out.
const RT_TABLE_LOCAL: u32 = 255;
/// Route types: only unicast routes send packets somewhere.
const RTN_UNICAST: u8 = 1;

/// The routes of every table but the local one, IPv4 first.
pub fn routes(family: Family) -> io::Result<Vec<Route>> {
    let messages = dump(RTM_GETROUTE, family)?;
    let mut routes: Vec<Route> = messages
        .iter()
        .filter(|(kind, _)| *kind == RTM_NEWROUTE)
        .filter_map(|(_, body)| decode_route(body, &crate::net::ffi::interface_name))
        .filter(|r| r.table != RT_TABLE_LOCAL)
        .collect();
    routes.sort_by_key(|r| r.destination.is_ipv6());
    Ok(routes)
}

/// Every neighbour entry, IPv4 (ARP) first, then IPv6 (NDP).
pub fn neighbours(family: Family) -> io::Result<Vec<Neighbour>> {
    let messages = dump(RTM_GETNEIGH, family)?;
    let mut list: Vec<Neighbour> = messages
        .iter()
        .filter(|(kind, _)| *kind == RTM_NEWNEIGH)
        .filter_map(|(_, body)| decode_neighbour(body, &crate::net::ffi::interface_name))
        .collect();
    list.sort_by_key(|n| n.address.is_ipv6());
    Ok(list)
}

/// Sends one dump request and collects the answer's (type, body) messages
/// until NLMSG_DONE. Bounded: a dump that never ends is cut off.
fn dump(request: u16, family: Family) -> io::Result<Vec<(u16, Vec<u8>)>> {
    let socket = Socket::new(
        Domain::from(libc::AF_NETLINK),
        Type::RAW,
        Some(Protocol::from(libc::NETLINK_ROUTE)),
    )?;
    socket.set_read_timeout(Some(std::time::Duration::from_secs(2)))?;
    // nlmsghdr (16 bytes) then a 12-byte rtmsg / ndmsg whose first byte is
    // the family; the rest zero asks for everything.
    let mut message = Vec::with_capacity(28);
    message.extend_from_slice(&28u32.to_ne_bytes());
    message.extend_from_slice(&request.to_ne_bytes());
    message.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    message.extend_from_slice(&1u32.to_ne_bytes()); // sequence number
    message.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel fills it
    message.push(family.code());
    message.extend_from_slice(&[0; 11]);
    socket.send(&message)?;

    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    for _ in 0..10_000 {
        let n = crate::net::ffi::receive(&socket, &mut buf, 0)?;
        for (kind, body) in split_messages(&buf[..n]) {
            match kind {
                NLMSG_DONE => return Ok(out),
                NLMSG_ERROR => {
                    let errno = body
                        .get(..4)
                        .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                        .unwrap_or(0);
                    if errno != 0 {
                        return Err(io::Error::from_raw_os_error(-errno));
                    }
                }
                _ => out.push((kind, body.to_vec())),
            }
        }
    }
    Err(io::Error::other("the kernel's table dump did not end"))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Netlink pads every message and attribute to 4 bytes.
fn aligned(length: usize) -> usize {
    (length + 3) & !3
}

/// The messages of one datagram: (type, body after the 16-byte header).
/// A truncated or nonsensical length ends the walk.
pub fn split_messages(mut data: &[u8]) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    while let (Some(length), Some(kind)) = (u32_at(data, 0), u16_at(data, 4)) {
        let length = length as usize;
        if length < 16 || length > data.len() {
            break;
        }
        out.push((kind, &data[16..length]));
        data = &data[aligned(length).min(data.len())..];
    }
    out
}

/// The attributes after a fixed header: type to value bytes.
pub fn attributes(mut data: &[u8]) -> HashMap<u16, &[u8]> {
    let mut out = HashMap::new();
    while let (Some(length), Some(kind)) = (u16_at(data, 0), u16_at(data, 2)) {
        let length = length as usize;
        if length < 4 || length > data.len() {
            break;
        }
        // The top bits are flags (nested, byte order), not part of the type.
        out.insert(kind & 0x3fff, &data[4..length]);
        data = &data[aligned(length).min(data.len())..];
    }
    out
}

fn ip_from(family: u8, bytes: &[u8]) -> Option<IpAddr> {
    match (i32::from(family), bytes.len()) {
        (libc::AF_INET, 4) => Some(IpAddr::V4(Ipv4Addr::new(
            bytes[0], bytes[1], bytes[2], bytes[3],
        ))),
        (libc::AF_INET6, 16) => {
            let octets: [u8; 16] = bytes.try_into().ok()?;
            Some(IpAddr::V6(Ipv6Addr::from(octets)))
        }
        _ => None,
    }
}

fn unspecified(family: u8) -> Option<IpAddr> {
    match i32::from(family) {
        libc::AF_INET => Some(Ipv4Addr::UNSPECIFIED.into()),
        libc::AF_INET6 => Some(Ipv6Addr::UNSPECIFIED.into()),
        _ => None,
    }
}

/// An `rtmsg` body (12 bytes: family, dst_len, src_len, tos, table,
/// protocol, scope, type, flags) and its attributes, as a unicast route.
pub fn decode_route(body: &[u8], names: &InterfaceNames) -> Option<Route> {
    let header = body.get(..12)?;
    let family = header[0];
    let prefix = header[1];
    if header[7] != RTN_UNICAST {
        return None;
    }
    let attrs = attributes(&body[12..]);
    let ip = |kind: u16| attrs.get(&kind).and_then(|b| ip_from(family, b));
    let number = |kind: u16| attrs.get(&kind).and_then(|b| u32_at(b, 0));
    const RTA_DST: u16 = 1;
    const RTA_OIF: u16 = 4;
    const RTA_GATEWAY: u16 = 5;
    const RTA_PRIORITY: u16 = 6;
    const RTA_PREFSRC: u16 = 7;
    const RTA_TABLE: u16 = 15;
    Some(Route {
        destination: ip(RTA_DST).or_else(|| unspecified(family))?,
        prefix,
        gateway: ip(RTA_GATEWAY),
        interface: number(RTA_OIF).map(|i| interface_name(i, names)),
        source: ip(RTA_PREFSRC),
        metric: number(RTA_PRIORITY),
        protocol: protocol_name(header[5]),
        scope: scope_name(header[6]),
        table: number(RTA_TABLE).unwrap_or(u32::from(header[4])),
    })
}

/// An `ndmsg` body (12 bytes: family, 3 pad, ifindex, state, flags, type)
/// and its attributes.
pub fn decode_neighbour(body: &[u8], names: &InterfaceNames) -> Option<Neighbour> {
    let header = body.get(..12)?;
    let family = header[0];
    let index = u32_at(header, 4)?;
    let state = u16_at(header, 8)?;
    let attrs = attributes(&body[12..]);
    const NDA_DST: u16 = 1;
    const NDA_LLADDR: u16 = 2;
    let address = attrs.get(&NDA_DST).and_then(|b| ip_from(family, b))?;
    let link_address = attrs.get(&NDA_LLADDR).map(|mac| {
        mac.iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    });
    Some(Neighbour {
        address,
        link_address,
        interface: Some(interface_name(index, names)),
        state: state_name(state),
    })
}

/// The NUD_* state bits; the kernel sets one at a time.
pub fn state_name(state: u16) -> &'static str {
    match state {
        0x01 => "INCOMPLETE",
        0x02 => "REACHABLE",
        0x04 => "STALE",
        0x08 => "DELAY",
        0x10 => "PROBE",
        0x20 => "FAILED",
        0x40 => "NOARP",
        0x80 => "PERMANENT",
        0 => "NONE",
        _ => "UNKNOWN",
    }
}

/// Who put the route there (RTPROT_*).
fn protocol_name(code: u8) -> &'static str {
    match code {
        1 => "redirect",
        2 => "kernel",
        3 => "boot",
        4 => "static",
        16 => "dhcp",
        9 => "ra",
        _ => "other",
    }
}

/// How far the destination is (RT_SCOPE_*): `link` means on this link,
/// reached without a gateway; `universe` means anywhere, through one.
fn scope_name(code: u8) -> &'static str {
    match code {
        0 => "universe",
        200 => "site",
        253 => "link",
        254 => "host",
        _ => "other",
    }
}

/// Looks an interface index up by name: `ffi::interface_name` (if_indextoname,
/// in this process's namespace), or a table in the unit tests.
pub type InterfaceNames = dyn Fn(u32) -> Option<String>;

fn interface_name(index: u32, names: &InterfaceNames) -> String {
    names(index).unwrap_or_else(|| format!("if{index}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(kind: u16, value: &[u8]) -> Vec<u8> {
        let mut out = ((4 + value.len()) as u16).to_ne_bytes().to_vec();
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(value);
        out.resize(aligned(out.len()), 0);
        out
    }

    #[test]
    fn decodes_a_default_route_with_gateway() {
        // family AF_INET, dst_len 0, table main, proto static, scope universe, unicast
        let mut body = vec![2, 0, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0];
        body.extend(attribute(15, &254u32.to_ne_bytes()));
        body.extend(attribute(5, &[10, 77, 0, 1]));
        body.extend(attribute(4, &7u32.to_ne_bytes()));
        body.extend(attribute(6, &100u32.to_ne_bytes()));
        let names = HashMap::from([(7, "eth0".to_string())]);
        let route = decode_route(&body, &move |i| names.get(&i).cloned()).unwrap();
        assert_eq!(route.destination_text(), "default");
        assert_eq!(route.gateway, Some("10.77.0.1".parse().unwrap()));
        assert_eq!(route.interface.as_deref(), Some("eth0"));
        assert_eq!(route.metric, Some(100));
        assert_eq!(
            (route.protocol, route.scope, route.table),
            ("static", "universe", 254)
        );
    }

    #[test]
    fn decodes_a_link_route_and_skips_other_types() {
        let mut body = vec![2, 24, 0, 0, 254, 2, 253, 1, 0, 0, 0, 0];
        body.extend(attribute(1, &[192, 168, 5, 0]));
        body.extend(attribute(7, &[192, 168, 5, 9]));
        body.extend(attribute(4, &3u32.to_ne_bytes()));
        let route = decode_route(&body, &|_| None).unwrap();
        assert_eq!(route.destination_text(), "192.168.5.0/24");
        assert_eq!(route.source, Some("192.168.5.9".parse().unwrap()));
        assert_eq!(route.interface.as_deref(), Some("if3"));
        assert_eq!(route.gateway, None);
        assert_eq!(route.scope, "link");
        body[7] = 2; // RTN_LOCAL
        assert_eq!(decode_route(&body, &|_| None), None);
    }

    #[test]
    fn decodes_an_ipv6_neighbour() {
        let mut body = vec![10, 0, 0, 0];
        body.extend(5u32.to_ne_bytes());
        body.extend(0x04u16.to_ne_bytes()); // STALE
        body.extend([0, 0]);
        let ip: Ipv6Addr = "fe80::1".parse().unwrap();
        body.extend(attribute(1, &ip.octets()));
        body.extend(attribute(2, &[2, 0, 0, 0, 0, 0xab]));
        let names = HashMap::from([(5, "veth0".to_string())]);
        let n = decode_neighbour(&body, &move |i| names.get(&i).cloned()).unwrap();
        assert_eq!(n.address, IpAddr::V6(ip));
        assert_eq!(n.link_address.as_deref(), Some("02:00:00:00:00:ab"));
        assert_eq!(n.state, "STALE");
        assert_eq!(n.interface.as_deref(), Some("veth0"));
    }

    #[test]
    fn truncated_input_decodes_to_nothing() {
        assert_eq!(decode_route(&[2, 0, 0], &|_| None), None);
        assert!(split_messages(&[40, 0, 0, 0, 1, 0]).is_empty());
        // An attribute claiming more bytes than there are ends the walk.
        assert!(attributes(&[200, 0, 1, 0, 1, 2]).is_empty());
    }
}
