//! The `socket` module's constants: names from Python, values from this system's
//! C headers (through the `libc` crate), and the enum class Python wraps each in.

use crate::python::value::{EnumMember, Value};

#[derive(Clone, Copy, Debug)]
pub struct Constant {
    pub name: &'static str,
    pub value: i64,
    /// The `enum` class Python shows the constant as, or `None` for a plain int.
    pub class: Option<&'static str>,
    pub meaning: &'static str,
}

pub const ADDRESS_FAMILY: &str = "AddressFamily";
pub const SOCKET_KIND: &str = "SocketKind";
pub const ADDRESS_INFO: &str = "AddressInfo";
pub const MSG_FLAG: &str = "MsgFlag";

/// Enum classes that are flags: their members combine with `|` and keep the class.
fn is_flag_class(class: &str) -> bool {
    class == ADDRESS_INFO || class == MSG_FLAG
}

macro_rules! constants {
    ($( $class:expr => [ $( $name:ident = $value:expr, $meaning:literal; )* ] )*) => {
        pub const CONSTANTS: &[Constant] = &[
            $( $( Constant { name: stringify!($name), value: $value as i64, class: $class, meaning: $meaning }, )* )*
        ];
    };
}

constants! {
    Some(ADDRESS_FAMILY) => [
        AF_UNSPEC = libc::AF_UNSPEC, "any address family (let getaddrinfo choose)";
        AF_UNIX = libc::AF_UNIX, "Unix domain sockets: a path on this machine";
        AF_INET = libc::AF_INET, "IPv4";
        AF_INET6 = libc::AF_INET6, "IPv6";
        AF_NETLINK = libc::AF_NETLINK, "Linux kernel messages (routing, interfaces)";
        AF_PACKET = libc::AF_PACKET, "raw link-layer frames";
        AF_BLUETOOTH = libc::AF_BLUETOOTH, "Bluetooth";
        AF_CAN = libc::AF_CAN, "Controller Area Network";
        AF_VSOCK = libc::AF_VSOCK, "virtual machine to host sockets";
        AF_ALG = libc::AF_ALG, "kernel crypto API";
        AF_TIPC = libc::AF_TIPC, "cluster IPC";
        AF_APPLETALK = libc::AF_APPLETALK, "AppleTalk (historic)";
        AF_IPX = libc::AF_IPX, "Novell IPX (historic)";
        AF_AX25 = libc::AF_AX25, "amateur radio AX.25";
        AF_NETROM = libc::AF_NETROM, "amateur radio NET/ROM";
        AF_BRIDGE = libc::AF_BRIDGE, "multiprotocol bridge";
        AF_ATMPVC = libc::AF_ATMPVC, "ATM permanent virtual circuits";
        AF_X25 = libc::AF_X25, "ITU-T X.25";
        AF_ROSE = libc::AF_ROSE, "amateur radio X.25 PLP";
        AF_NETBEUI = libc::AF_NETBEUI, "NetBEUI (historic)";
        AF_SECURITY = libc::AF_SECURITY, "security callback pseudo family";
        AF_KEY = libc::AF_KEY, "IPsec key management";
        AF_ROUTE = libc::AF_ROUTE, "another name of AF_NETLINK";
        AF_ASH = libc::AF_ASH, "Ash";
        AF_ECONET = libc::AF_ECONET, "Acorn Econet";
        AF_ATMSVC = libc::AF_ATMSVC, "ATM switched virtual circuits";
        AF_RDS = libc::AF_RDS, "reliable datagram sockets";
        AF_SNA = libc::AF_SNA, "IBM SNA";
        AF_IRDA = libc::AF_IRDA, "infrared links";
        AF_PPPOX = libc::AF_PPPOX, "PPP over X";
        AF_WANPIPE = libc::AF_WANPIPE, "Sangoma WANPIPE";
        AF_LLC = libc::AF_LLC, "IEEE 802.2 logical link control";
        // linux/socket.h; the libc crate does not have it on every target.
        AF_QIPCRTR = 42, "Qualcomm IPC router";
    ]
    // Python leaves DECnet out of its AddressFamily enum: a plain int.
    None => [
        AF_DECnet = libc::AF_DECnet, "DECnet (historic)";
    ]
    Some(SOCKET_KIND) => [
        SOCK_STREAM = libc::SOCK_STREAM, "a reliable byte stream (TCP for IP)";
        SOCK_DGRAM = libc::SOCK_DGRAM, "separate datagrams (UDP for IP)";
        SOCK_RAW = libc::SOCK_RAW, "raw packets of a protocol (ICMP for ping)";
        SOCK_RDM = libc::SOCK_RDM, "reliably delivered messages";
        SOCK_SEQPACKET = libc::SOCK_SEQPACKET, "ordered, reliable datagrams";
        SOCK_NONBLOCK = libc::SOCK_NONBLOCK, "flag: create the socket non-blocking";
        SOCK_CLOEXEC = libc::SOCK_CLOEXEC, "flag: close the socket across exec";
    ]
    None => [
        IPPROTO_IP = libc::IPPROTO_IP, "Internet Protocol (0: the default for the type)";
        IPPROTO_HOPOPTS = libc::IPPROTO_HOPOPTS, "IPv6 hop-by-hop options";
        IPPROTO_ICMP = libc::IPPROTO_ICMP, "Internet Control Message Protocol (ping)";
        IPPROTO_IGMP = libc::IPPROTO_IGMP, "Internet Group Management Protocol (multicast)";
        IPPROTO_IPIP = libc::IPPROTO_IPIP, "IP in IP tunnels";
        IPPROTO_TCP = libc::IPPROTO_TCP, "Transmission Control Protocol";
        IPPROTO_EGP = libc::IPPROTO_EGP, "Exterior Gateway Protocol";
        IPPROTO_PUP = libc::IPPROTO_PUP, "PARC Universal Packet";
        IPPROTO_UDP = libc::IPPROTO_UDP, "User Datagram Protocol";
        IPPROTO_IDP = libc::IPPROTO_IDP, "XNS IDP";
        IPPROTO_TP = libc::IPPROTO_TP, "ISO transport protocol class 4";
        IPPROTO_IPV6 = libc::IPPROTO_IPV6, "IPv6 header";
        IPPROTO_ROUTING = libc::IPPROTO_ROUTING, "IPv6 routing header";
        IPPROTO_FRAGMENT = libc::IPPROTO_FRAGMENT, "IPv6 fragment header";
        IPPROTO_RSVP = libc::IPPROTO_RSVP, "Resource Reservation Protocol";
        IPPROTO_GRE = libc::IPPROTO_GRE, "Generic Routing Encapsulation";
        IPPROTO_ESP = libc::IPPROTO_ESP, "IPsec Encapsulating Security Payload";
        IPPROTO_AH = libc::IPPROTO_AH, "IPsec Authentication Header";
        IPPROTO_ICMPV6 = libc::IPPROTO_ICMPV6, "ICMP for IPv6";
        IPPROTO_NONE = libc::IPPROTO_NONE, "IPv6 no next header";
        IPPROTO_DSTOPTS = libc::IPPROTO_DSTOPTS, "IPv6 destination options";
        IPPROTO_PIM = libc::IPPROTO_PIM, "Protocol Independent Multicast";
        IPPROTO_SCTP = libc::IPPROTO_SCTP, "Stream Control Transmission Protocol";
        IPPROTO_UDPLITE = libc::IPPROTO_UDPLITE, "UDP-Lite";
        IPPROTO_MPTCP = libc::IPPROTO_MPTCP, "Multipath TCP";
        IPPROTO_RAW = libc::IPPROTO_RAW, "raw IP packets";
    ]
    Some(ADDRESS_INFO) => [
        AI_PASSIVE = libc::AI_PASSIVE, "addresses for a server to bind (wildcard when host is None)";
        AI_CANONNAME = libc::AI_CANONNAME, "also return the host's canonical name";
        AI_NUMERICHOST = libc::AI_NUMERICHOST, "host must be a numeric address: no DNS";
        AI_V4MAPPED = libc::AI_V4MAPPED, "with AF_INET6, map IPv4 results to ::ffff:a.b.c.d";
        AI_ALL = libc::AI_ALL, "with AI_V4MAPPED, return both IPv6 and mapped IPv4";
        AI_ADDRCONFIG = libc::AI_ADDRCONFIG, "only families this machine has an address for";
        AI_NUMERICSERV = libc::AI_NUMERICSERV, "port must be a number: no services look-up";
    ]
    None => [
        NI_NUMERICHOST = libc::NI_NUMERICHOST, "return the address, not the name";
        NI_NUMERICSERV = libc::NI_NUMERICSERV, "return the port number, not the service";
        NI_NOFQDN = libc::NI_NOFQDN, "only the host part of local names";
        NI_NAMEREQD = libc::NI_NAMEREQD, "fail if the address has no name";
        NI_DGRAM = libc::NI_DGRAM, "the service is datagram (UDP)";
        NI_MAXHOST = libc::NI_MAXHOST, "longest host name getnameinfo returns";
        NI_MAXSERV = 32, "longest service name getnameinfo returns";
        EAI_BADFLAGS = libc::EAI_BADFLAGS, "getaddrinfo: invalid flags";
        EAI_NONAME = libc::EAI_NONAME, "getaddrinfo: name or service not known";
        EAI_AGAIN = libc::EAI_AGAIN, "getaddrinfo: temporary failure, try again";
        EAI_FAIL = libc::EAI_FAIL, "getaddrinfo: non-recoverable failure";
        EAI_NODATA = libc::EAI_NODATA, "getaddrinfo: no address for the name";
        EAI_FAMILY = libc::EAI_FAMILY, "getaddrinfo: family not supported";
        EAI_SOCKTYPE = libc::EAI_SOCKTYPE, "getaddrinfo: socket type not supported";
        EAI_SERVICE = libc::EAI_SERVICE, "getaddrinfo: service not supported for the type";
        EAI_ADDRFAMILY = crate::net::ffi::EAI_ADDRFAMILY, "getaddrinfo: no address in the family";
        EAI_MEMORY = libc::EAI_MEMORY, "getaddrinfo: out of memory";
        EAI_SYSTEM = libc::EAI_SYSTEM, "getaddrinfo: system error, see errno";
        EAI_OVERFLOW = libc::EAI_OVERFLOW, "getaddrinfo: buffer overflow";
        SOL_SOCKET = libc::SOL_SOCKET, "socket-level options (setsockopt)";
        SOL_IP = libc::SOL_IP, "IPv4-level options";
        SOL_TCP = libc::SOL_TCP, "TCP-level options";
        SOL_UDP = libc::SOL_UDP, "UDP-level options";
        SO_DEBUG = libc::SO_DEBUG, "record debugging information";
        SO_REUSEADDR = libc::SO_REUSEADDR, "allow binding an address in TIME_WAIT";
        SO_TYPE = libc::SO_TYPE, "the socket type (read only)";
        SO_ERROR = libc::SO_ERROR, "pending error (read only)";
        SO_DONTROUTE = libc::SO_DONTROUTE, "send only to directly connected hosts";
        SO_BROADCAST = libc::SO_BROADCAST, "allow sending to broadcast addresses";
        SO_SNDBUF = libc::SO_SNDBUF, "send buffer size";
        SO_RCVBUF = libc::SO_RCVBUF, "receive buffer size";
        SO_KEEPALIVE = libc::SO_KEEPALIVE, "send TCP keep-alive probes";
        SO_OOBINLINE = libc::SO_OOBINLINE, "urgent data inline";
        SO_LINGER = libc::SO_LINGER, "linger on close while data is unsent";
        SO_REUSEPORT = libc::SO_REUSEPORT, "several sockets may bind one port";
        SO_RCVTIMEO = libc::SO_RCVTIMEO, "receive timeout";
        SO_SNDTIMEO = libc::SO_SNDTIMEO, "send timeout";
        SO_ACCEPTCONN = libc::SO_ACCEPTCONN, "socket is listening (read only)";
        SO_BINDTODEVICE = libc::SO_BINDTODEVICE, "bind to one network interface";
        SO_PROTOCOL = libc::SO_PROTOCOL, "the socket's protocol (read only)";
        SO_DOMAIN = libc::SO_DOMAIN, "the socket's family (read only)";
        SHUT_RD = libc::SHUT_RD, "shutdown: no more receiving";
        SHUT_WR = libc::SHUT_WR, "shutdown: no more sending";
        SHUT_RDWR = libc::SHUT_RDWR, "shutdown: neither";
        SOMAXCONN = libc::SOMAXCONN, "largest listen() backlog";
        TCP_NODELAY = libc::TCP_NODELAY, "send small segments at once (no Nagle)";
        TCP_MAXSEG = libc::TCP_MAXSEG, "maximum segment size";
        TCP_CORK = libc::TCP_CORK, "hold partial segments";
        TCP_KEEPIDLE = libc::TCP_KEEPIDLE, "idle time before keep-alive probes";
        TCP_KEEPINTVL = libc::TCP_KEEPINTVL, "time between keep-alive probes";
        TCP_KEEPCNT = libc::TCP_KEEPCNT, "keep-alive probes before dropping";
        TCP_QUICKACK = libc::TCP_QUICKACK, "acknowledge at once";
        TCP_FASTOPEN = libc::TCP_FASTOPEN, "TCP Fast Open";
        TCP_USER_TIMEOUT = libc::TCP_USER_TIMEOUT, "how long unacknowledged data may wait";
        IP_TOS = libc::IP_TOS, "type of service byte";
        IP_TTL = libc::IP_TTL, "time to live of unicast packets";
        IP_HDRINCL = libc::IP_HDRINCL, "raw socket supplies the IP header";
        IP_MULTICAST_IF = libc::IP_MULTICAST_IF, "interface for outgoing multicast";
        IP_MULTICAST_TTL = libc::IP_MULTICAST_TTL, "time to live of multicast packets";
        IP_MULTICAST_LOOP = libc::IP_MULTICAST_LOOP, "deliver own multicast back to this host";
        IP_ADD_MEMBERSHIP = libc::IP_ADD_MEMBERSHIP, "join a multicast group";
        IP_DROP_MEMBERSHIP = libc::IP_DROP_MEMBERSHIP, "leave a multicast group";
        IPV6_V6ONLY = libc::IPV6_V6ONLY, "IPv6 socket refuses IPv4-mapped peers";
        IPV6_UNICAST_HOPS = libc::IPV6_UNICAST_HOPS, "hop limit of unicast packets";
        IPV6_MULTICAST_IF = libc::IPV6_MULTICAST_IF, "interface for outgoing multicast";
        IPV6_MULTICAST_HOPS = libc::IPV6_MULTICAST_HOPS, "hop limit of multicast packets";
        IPV6_MULTICAST_LOOP = libc::IPV6_MULTICAST_LOOP, "deliver own multicast back to this host";
        IPV6_JOIN_GROUP = libc::IPV6_ADD_MEMBERSHIP, "join an IPv6 multicast group";
        IPV6_LEAVE_GROUP = libc::IPV6_DROP_MEMBERSHIP, "leave an IPv6 multicast group";
        INADDR_ANY = libc::INADDR_ANY, "0.0.0.0: every local IPv4 address";
        INADDR_BROADCAST = libc::INADDR_BROADCAST, "255.255.255.255: the local broadcast";
        INADDR_LOOPBACK = libc::INADDR_LOOPBACK, "127.0.0.1 as a number";
        INADDR_NONE = libc::INADDR_NONE, "the error value of inet_addr()";
    ]
    Some(MSG_FLAG) => [
        MSG_OOB = libc::MSG_OOB, "urgent (out-of-band) data";
        MSG_PEEK = libc::MSG_PEEK, "look at data without removing it";
        MSG_DONTROUTE = libc::MSG_DONTROUTE, "send only to directly connected hosts";
        MSG_TRUNC = libc::MSG_TRUNC, "datagram was longer than the buffer";
        MSG_DONTWAIT = libc::MSG_DONTWAIT, "this call only: do not block";
        MSG_WAITALL = libc::MSG_WAITALL, "wait for the full amount";
        MSG_NOSIGNAL = libc::MSG_NOSIGNAL, "no SIGPIPE on a broken connection";
    ]
}

pub fn find(name: &str) -> Option<&'static Constant> {
    CONSTANTS.iter().find(|c| c.name == name)
}

/// The value Python shows for a constant: an enum member or a plain int.
pub fn constant_value(c: &Constant) -> Value {
    match c.class {
        Some(class) => enum_value(class, c.value),
        None => Value::Int(i128::from(c.value)),
    }
}

/// `Class(value)` as Python would build it: the member with that value, a flag
/// combination, or (for plain enums, where Python's converter gives up) the int.
pub fn enum_value(class: &'static str, value: i64) -> Value {
    let members = || CONSTANTS.iter().filter(move |c| c.class == Some(class));
    if let Some(member) = members().find(|c| c.value == value) {
        return Value::Enum(EnumMember {
            class,
            names: vec![member.name.to_string()],
            value,
        });
    }
    if !is_flag_class(class) || value < 0 {
        return Value::Int(i128::from(value));
    }
    let mut singles: Vec<&Constant> = members()
        .filter(|c| c.value > 0 && c.value & (c.value - 1) == 0)
        .collect();
    singles.sort_by_key(|c| c.value);
    let mut names = Vec::new();
    let mut rest = value;
    for c in singles {
        if rest & c.value != 0 {
            names.push(c.name.to_string());
            rest &= !c.value;
        }
    }
    if rest != 0 {
        names.push(rest.to_string());
    }
    Value::Enum(EnumMember {
        class,
        names,
        value,
    })
}

/// `a | b` with Python's types: flags stay flags, plain enums decay to int.
pub fn bit_or(left: &Value, right: &Value) -> Option<Value> {
    let (Some(l), Some(r)) = (left.as_int(), right.as_int()) else {
        return crate::python::arithmetic::bit_or(left, right);
    };
    let value = i64::try_from(l | r).ok();
    let flag_class = [left, right].into_iter().find_map(|v| match v {
        Value::Enum(m) if is_flag_class(m.class) => Some(m.class),
        _ => None,
    });
    let both_same_enum = match (left, right) {
        (Value::Enum(a), Value::Enum(b)) => a.class == b.class,
        _ => false,
    };
    let other_is_plain = |v: &Value| matches!(v, Value::Int(_) | Value::Enum(_));
    match (flag_class, value) {
        (Some(class), Some(value))
            if both_same_enum || (other_is_plain(left) && other_is_plain(right)) =>
        {
            Some(enum_value(class, value))
        }
        _ => crate::python::arithmetic::bit_or(left, right),
    }
}

/// Constants whose name starts with `prefix` (all of them for an empty prefix).
pub fn with_prefix(prefix: &str) -> impl Iterator<Item = &'static Constant> + '_ {
    CONSTANTS.iter().filter(move |c| c.name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_combine_in_value_order_like_python() {
        let passive = constant_value(find("AI_PASSIVE").unwrap());
        let canon = constant_value(find("AI_CANONNAME").unwrap());
        let both = bit_or(&canon, &passive).unwrap();
        assert_eq!(both.repr(), "<AddressInfo.AI_PASSIVE|AI_CANONNAME: 3>");
        let odd = bit_or(&canon, &Value::Int(4096)).unwrap();
        assert_eq!(odd.repr(), "<AddressInfo.AI_CANONNAME|4096: 4098>");
    }

    #[test]
    fn plain_enums_decay_to_int_when_combined() {
        let inet = constant_value(find("AF_INET").unwrap());
        let inet6 = constant_value(find("AF_INET6").unwrap());
        assert_eq!(bit_or(&inet, &inet6), Some(Value::Int(10)));
        assert_eq!(inet.repr(), "<AddressFamily.AF_INET: 2>");
    }
}
