//! One frame, layer by layer (Ethernet, ARP, IPv4, IPv6, ICMP, ICMPv6, UDP,
//! TCP, DNS), into plain Rust: a tcpdump-style summary and a tree of named
//! fields. A frame cut short or of an unknown kind says what is there; no
//! bytes can make it panic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{
    ArpPacket, EtherType, Ethernet2Header, Icmpv4Header, Icmpv4Type, Icmpv6Header, Icmpv6Type,
    IpNumber, Ipv4Header, Ipv6Header, TcpHeader, TcpOptionElement, UdpHeader, icmpv4, icmpv6,
};

pub use super::decoded::{Decoded, Node};
use super::dns;

fn mac(bytes: &[u8; 6]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Decodes an Ethernet frame (loopback frames are Ethernet with zero addresses).
pub fn decode(frame: &[u8]) -> Decoded {
    let mut out = Decoded::default();
    let Ok((ethernet, rest)) = Ethernet2Header::from_slice(frame) else {
        out.protocol = "unknown".into();
        out.summary = format!(
            "truncated frame: {} bytes, less than an Ethernet header (14)",
            frame.len()
        );
        return out;
    };
    let ether_type = ethernet.ether_type;
    out.layers.push(Node::layer(
        "Ethernet",
        vec![
            Node::field("destination", mac(&ethernet.destination)),
            Node::field("source", mac(&ethernet.source)),
            Node::field(
                "type",
                format!("0x{:04x} ({})", ether_type.0, ether_name(ether_type)),
            ),
        ],
    ));
    out.protocol = "Ethernet".into();
    out.source = mac(&ethernet.source);
    out.destination = mac(&ethernet.destination);
    match ether_type {
        EtherType::IPV4 => ipv4(rest, &mut out),
        EtherType::IPV6 => ipv6(rest, &mut out),
        EtherType::ARP => arp(rest, &mut out),
        other => {
            out.summary = format!(
                "{} > {}: ethertype 0x{:04x}, length {}",
                out.source,
                out.destination,
                other.0,
                frame.len()
            );
        }
    }
    out
}

fn ether_name(ether_type: EtherType) -> &'static str {
    match ether_type {
        EtherType::IPV4 => "IPv4",
        EtherType::IPV6 => "IPv6",
        EtherType::ARP => "ARP",
        _ => "other",
    }
}

fn arp(bytes: &[u8], out: &mut Decoded) {
    out.protocol = "ARP".into();
    let packet = match ArpPacket::from_slice(bytes) {
        Ok(p) => p,
        Err(_) => {
            out.summary = format!("ARP, truncated ({} bytes)", bytes.len());
            return;
        }
    };
    let Ok(arp) = packet.try_eth_ipv4() else {
        out.summary = format!("ARP, not Ethernet/IPv4, length {}", packet.packet_len());
        return;
    };
    let sender = Ipv4Addr::from(arp.sender_ipv4);
    let target = Ipv4Addr::from(arp.target_ipv4);
    out.addresses = vec![IpAddr::V4(sender), IpAddr::V4(target)];
    out.source = sender.to_string();
    out.destination = target.to_string();
    let operation = match arp.operation.0 {
        1 => "request",
        2 => "reply",
        _ => "other",
    };
    out.layers.push(Node::layer(
        "ARP",
        vec![
            Node::field("operation", format!("{} ({operation})", arp.operation.0)),
            Node::field("sender MAC", mac(&arp.sender_mac)),
            Node::field("sender IP", sender),
            Node::field("target MAC", mac(&arp.target_mac)),
            Node::field("target IP", target),
        ],
    ));
    let length = packet.packet_len();
    out.summary = match arp.operation.0 {
        1 => format!("ARP, Request who-has {target} tell {sender}, length {length}"),
        2 => format!(
            "ARP, Reply {sender} is-at {}, length {length}",
            mac(&arp.sender_mac)
        ),
        n => format!("ARP, operation {n}, length {length}"),
    };
}

fn ipv4(bytes: &[u8], out: &mut Decoded) {
    out.protocol = "IPv4".into();
    let (header, rest) = match Ipv4Header::from_slice(bytes) {
        Ok(h) => h,
        Err(e) => {
            out.summary = format!("IPv4, bad or truncated header ({} bytes): {e}", bytes.len());
            return;
        }
    };
    let source = IpAddr::V4(Ipv4Addr::from(header.source));
    let destination = IpAddr::V4(Ipv4Addr::from(header.destination));
    let payload_length = usize::from(header.total_len).saturating_sub(header.header_len());
    // Short frames are padded to Ethernet's minimum: the IP length says where data ends.
    let payload = &rest[..payload_length.min(rest.len())];
    let mut flags = Vec::new();
    if header.dont_fragment {
        flags.push("DF");
    }
    if header.more_fragments {
        flags.push("MF");
    }
    out.layers.push(Node::layer(
        "IPv4",
        vec![
            Node::field("version", 4),
            Node::field(
                "header length",
                format!("{} ({} bytes)", header.ihl(), header.header_len()),
            ),
            Node::field(
                "type of service",
                format!("0x{:02x}", (header.dscp.value() << 2) | header.ecn.value()),
            ),
            Node::field("total length", header.total_len),
            Node::field(
                "identification",
                format!(
                    "0x{:04x} ({})",
                    header.identification, header.identification
                ),
            ),
            Node::field(
                "flags",
                if flags.is_empty() {
                    "none".into()
                } else {
                    flags.join(", ")
                },
            ),
            Node::field("fragment offset", header.fragment_offset.value()),
            Node::field("time to live", header.time_to_live),
            Node::field("protocol", protocol_name(header.protocol)),
            Node::field(
                "header checksum",
                format!("0x{:04x}", header.header_checksum),
            ),
            Node::field("source", source),
            Node::field("destination", destination),
        ],
    ));
    if header.fragment_offset.value() != 0 {
        out.summary = format!(
            "{source} > {destination}: IP fragment, offset {}, length {payload_length}",
            header.fragment_offset.value() * 8
        );
        return;
    }
    transport(
        header.protocol,
        source,
        destination,
        payload,
        payload_length,
        out,
    );
}

fn ipv6(bytes: &[u8], out: &mut Decoded) {
    out.protocol = "IPv6".into();
    let (header, rest) = match Ipv6Header::from_slice(bytes) {
        Ok(h) => h,
        Err(e) => {
            out.summary = format!("IPv6, bad or truncated header ({} bytes): {e}", bytes.len());
            return;
        }
    };
    let source = IpAddr::V6(Ipv6Addr::from(header.source));
    let destination = IpAddr::V6(Ipv6Addr::from(header.destination));
    let payload_length = usize::from(header.payload_length);
    let payload = &rest[..payload_length.min(rest.len())];
    out.layers.push(Node::layer(
        "IPv6",
        vec![
            Node::field("version", 6),
            Node::field("traffic class", format!("0x{:02x}", header.traffic_class)),
            Node::field("flow label", format!("0x{:05x}", header.flow_label.value())),
            Node::field("payload length", header.payload_length),
            Node::field("next header", protocol_name(header.next_header)),
            Node::field("hop limit", header.hop_limit),
            Node::field("source", source),
            Node::field("destination", destination),
        ],
    ));
    transport(
        header.next_header,
        source,
        destination,
        payload,
        payload_length,
        out,
    );
}

fn protocol_name(number: IpNumber) -> String {
    let name = match number {
        IpNumber::TCP => "TCP",
        IpNumber::UDP => "UDP",
        IpNumber::ICMP => "ICMP",
        IpNumber::IPV6_ICMP => "ICMPv6",
        IpNumber::IPV6_HEADER_HOP_BY_HOP => "hop-by-hop options",
        _ => "other",
    };
    format!("{} ({name})", number.0)
}

/// The layer above IP; `length` is what the IP header says it carries.
fn transport(
    protocol: IpNumber,
    source: IpAddr,
    destination: IpAddr,
    payload: &[u8],
    length: usize,
    out: &mut Decoded,
) {
    out.addresses = vec![source, destination];
    out.source = source.to_string();
    out.destination = destination.to_string();
    let truncated = |what: &str| {
        format!(
            "{source} > {destination}: {what} (truncated: {} bytes)",
            payload.len()
        )
    };
    match protocol {
        IpNumber::TCP => match TcpHeader::from_slice(payload) {
            Ok((header, data)) => tcp(&header, data, source, destination, out),
            Err(_) => out.summary = truncated("TCP"),
        },
        IpNumber::UDP => match UdpHeader::from_slice(payload) {
            Ok((header, data)) => udp(&header, data, source, destination, out),
            Err(_) => out.summary = truncated("UDP"),
        },
        IpNumber::ICMP => match Icmpv4Header::from_slice(payload) {
            Ok((header, _)) => icmp(&header, payload, length, source, destination, out),
            Err(_) => out.summary = truncated("ICMP"),
        },
        IpNumber::IPV6_ICMP => match Icmpv6Header::from_slice(payload) {
            Ok((header, data)) => icmp6(&header, data, length, source, destination, out),
            Err(_) => out.summary = truncated("ICMP6"),
        },
        other => {
            out.summary = format!(
                "{source} > {destination}: ip-proto-{}, length {length}",
                other.0
            );
        }
    }
}

/// `10.0.0.1.40022`, or `[::1].53`'s tcpdump form `::1.53`.
fn endpoint(address: IpAddr, port: u16) -> String {
    format!("{address}.{port}")
}

fn tcp(header: &TcpHeader, data: &[u8], source: IpAddr, destination: IpAddr, out: &mut Decoded) {
    out.protocol = "TCP".into();
    out.ports = Some((header.source_port, header.destination_port));
    out.source = endpoint(source, header.source_port);
    out.destination = endpoint(destination, header.destination_port);
    let flags = tcp_flags(header);
    let options = tcp_options(header);
    out.layers.push(Node::layer(
        "TCP",
        vec![
            Node::field("source port", header.source_port),
            Node::field("destination port", header.destination_port),
            Node::field("sequence number", header.sequence_number),
            Node::field("acknowledgment number", header.acknowledgment_number),
            Node::field(
                "data offset",
                format!("{} ({} bytes)", header.data_offset(), header.header_len()),
            ),
            Node::field("flags", format!("[{flags}]{}", flag_names(header))),
            Node::field("window", header.window_size),
            Node::field("checksum", format!("0x{:04x}", header.checksum)),
            Node::field("urgent pointer", header.urgent_pointer),
            Node::field(
                "options",
                if options.is_empty() {
                    "none".into()
                } else {
                    options.join(",")
                },
            ),
            Node::field("payload", format!("{} bytes", data.len())),
        ],
    ));
    let mut summary = format!(
        "{} > {}: Flags [{flags}], seq {}",
        out.source, out.destination, header.sequence_number
    );
    if header.ack {
        summary += &format!(", ack {}", header.acknowledgment_number);
    }
    summary += &format!(", win {}", header.window_size);
    if !options.is_empty() {
        summary += &format!(", options [{}]", options.join(","));
    }
    summary += &format!(", length {}", data.len());
    out.summary = summary;
    if (header.source_port == 53 || header.destination_port == 53) && data.len() > 2 {
        // DNS over TCP: each message follows its two-byte length.
        if let Some(text) = dns::decode(&data[2..], out) {
            out.summary = format!("{} > {}: {text}", out.source, out.destination);
        }
    }
}

/// tcpdump's letters: S(YN) F(IN) P(USH) R(ST) U(RG), and `.` for ACK.
fn tcp_flags(header: &TcpHeader) -> String {
    let mut flags = String::new();
    for (set, letter) in [
        (header.syn, 'S'),
        (header.fin, 'F'),
        (header.psh, 'P'),
        (header.rst, 'R'),
        (header.urg, 'U'),
        (header.ece, 'E'),
        (header.cwr, 'W'),
        (header.ack, '.'),
    ] {
        if set {
            flags.push(letter);
        }
    }
    if flags.is_empty() {
        flags.push_str("none");
    }
    flags
}

/// The flags in words, for the detail: ` (SYN, ACK)`.
fn flag_names(header: &TcpHeader) -> String {
    let names: Vec<&str> = [
        (header.fin, "FIN"),
        (header.syn, "SYN"),
        (header.rst, "RST"),
        (header.psh, "PSH"),
        (header.ack, "ACK"),
        (header.urg, "URG"),
        (header.ece, "ECE"),
        (header.cwr, "CWR"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    }
}

/// The options as tcpdump lists them: `mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7`.
fn tcp_options(header: &TcpHeader) -> Vec<String> {
    header
        .options_iterator()
        .map(|option| match option {
            Ok(TcpOptionElement::Noop) => "nop".to_string(),
            Ok(TcpOptionElement::MaximumSegmentSize(mss)) => format!("mss {mss}"),
            Ok(TcpOptionElement::WindowScale(shift)) => format!("wscale {shift}"),
            Ok(TcpOptionElement::SelectiveAcknowledgementPermitted) => "sackOK".to_string(),
            Ok(TcpOptionElement::SelectiveAcknowledgement(..)) => "sack".to_string(),
            Ok(TcpOptionElement::Timestamp(value, echo)) => format!("TS val {value} ecr {echo}"),
            Err(_) => "bad option".to_string(),
        })
        .collect()
}

fn udp(header: &UdpHeader, data: &[u8], source: IpAddr, destination: IpAddr, out: &mut Decoded) {
    out.protocol = "UDP".into();
    out.ports = Some((header.source_port, header.destination_port));
    out.source = endpoint(source, header.source_port);
    out.destination = endpoint(destination, header.destination_port);
    out.layers.push(Node::layer(
        "UDP",
        vec![
            Node::field("source port", header.source_port),
            Node::field("destination port", header.destination_port),
            Node::field("length", header.length),
            Node::field("checksum", format!("0x{:04x}", header.checksum)),
            Node::field("payload", format!("{} bytes", data.len())),
        ],
    ));
    out.summary = format!(
        "{} > {}: UDP, length {}",
        out.source,
        out.destination,
        data.len()
    );
    if (header.source_port == 53 || header.destination_port == 53)
        && let Some(text) = dns::decode(data, out)
    {
        out.summary = format!("{} > {}: {text}", out.source, out.destination);
    }
}

fn icmp(
    header: &Icmpv4Header,
    message: &[u8],
    length: usize,
    source: IpAddr,
    destination: IpAddr,
    out: &mut Decoded,
) {
    out.protocol = "ICMP".into();
    let raw_type = message.first().copied().unwrap_or(0);
    let raw_code = message.get(1).copied().unwrap_or(0);
    let mut fields = vec![
        Node::field("type", raw_type),
        Node::field("code", raw_code),
        Node::field("checksum", format!("0x{:04x}", header.checksum)),
    ];
    let text = match &header.icmp_type {
        Icmpv4Type::EchoRequest(echo) | Icmpv4Type::EchoReply(echo) => {
            fields.push(Node::field("identifier", echo.id));
            fields.push(Node::field("sequence number", echo.seq));
            let kind = if matches!(header.icmp_type, Icmpv4Type::EchoRequest(_)) {
                "request"
            } else {
                "reply"
            };
            format!("ICMP echo {kind}, id {}, seq {}", echo.id, echo.seq)
        }
        Icmpv4Type::DestinationUnreachable(reason) => {
            let quoted = quoted_datagram(&message[8.min(message.len())..]);
            match reason {
                icmpv4::DestUnreachableHeader::Port => match quoted {
                    Some((proto, port, original)) => {
                        format!("ICMP {original} {proto} port {port} unreachable")
                    }
                    None => "ICMP port unreachable".into(),
                },
                icmpv4::DestUnreachableHeader::Host => "ICMP host unreachable".into(),
                icmpv4::DestUnreachableHeader::Network => "ICMP net unreachable".into(),
                icmpv4::DestUnreachableHeader::Protocol => "ICMP protocol unreachable".into(),
                other => format!("ICMP destination unreachable ({other:?})"),
            }
        }
        Icmpv4Type::TimeExceeded(code) => match code {
            icmpv4::TimeExceededCode::TtlExceededInTransit => {
                "ICMP time exceeded in-transit".into()
            }
            icmpv4::TimeExceededCode::FragmentReassemblyTimeExceeded => {
                "ICMP ip reassembly time exceeded".into()
            }
        },
        Icmpv4Type::Redirect(_) => "ICMP redirect".into(),
        Icmpv4Type::ParameterProblem(_) => "ICMP parameter problem".into(),
        Icmpv4Type::TimestampRequest(_) => "ICMP time stamp query".into(),
        Icmpv4Type::TimestampReply(_) => "ICMP time stamp reply".into(),
        Icmpv4Type::Unknown {
            type_u8, code_u8, ..
        } => {
            format!("ICMP type {type_u8}, code {code_u8}")
        }
    };
    out.layers.push(Node::layer("ICMP", fields));
    out.summary = format!("{source} > {destination}: {text}, length {length}");
}

/// The protocol, destination port and destination address of the datagram an
/// ICMP error quotes (its IP header and first eight bytes).
fn quoted_datagram(quoted: &[u8]) -> Option<(&'static str, u16, Ipv4Addr)> {
    let (header, rest) = Ipv4Header::from_slice(quoted).ok()?;
    let name = match header.protocol {
        IpNumber::UDP => "udp",
        IpNumber::TCP => "tcp",
        _ => return None,
    };
    let port = u16::from_be_bytes([*rest.get(2)?, *rest.get(3)?]);
    Some((name, port, Ipv4Addr::from(header.destination)))
}

fn icmp6(
    header: &Icmpv6Header,
    body: &[u8],
    length: usize,
    source: IpAddr,
    destination: IpAddr,
    out: &mut Decoded,
) {
    out.protocol = "ICMPv6".into();
    let bytes = header.to_bytes();
    let mut fields = vec![
        Node::field("type", bytes[0]),
        Node::field("code", bytes[1]),
        Node::field("checksum", format!("0x{:04x}", header.checksum)),
    ];
    let target = || {
        body.get(..16)
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .map(|b| Ipv6Addr::from(b).to_string())
            .unwrap_or_else(|| "(truncated)".into())
    };
    let text = match header.icmp_type {
        Icmpv6Type::EchoRequest(echo) | Icmpv6Type::EchoReply(echo) => {
            fields.push(Node::field("identifier", echo.id));
            fields.push(Node::field("sequence number", echo.seq));
            let kind = if matches!(header.icmp_type, Icmpv6Type::EchoRequest(_)) {
                "request"
            } else {
                "reply"
            };
            format!("ICMP6, echo {kind}, id {}, seq {}", echo.id, echo.seq)
        }
        Icmpv6Type::NeighborSolicitation => {
            fields.push(Node::field("target", target()));
            format!("ICMP6, neighbor solicitation, who has {}", target())
        }
        Icmpv6Type::NeighborAdvertisement(_) => {
            fields.push(Node::field("target", target()));
            format!("ICMP6, neighbor advertisement, tgt is {}", target())
        }
        Icmpv6Type::RouterSolicitation => "ICMP6, router solicitation".into(),
        Icmpv6Type::RouterAdvertisement(_) => "ICMP6, router advertisement".into(),
        Icmpv6Type::DestinationUnreachable(code) => match code {
            icmpv6::DestUnreachableCode::Port => {
                "ICMP6, destination unreachable, unreachable port".into()
            }
            other => format!("ICMP6, destination unreachable, {other:?}"),
        },
        Icmpv6Type::TimeExceeded(_) => "ICMP6, time exceeded in-transit".into(),
        Icmpv6Type::PacketTooBig { mtu } => format!("ICMP6, packet too big, mtu {mtu}"),
        Icmpv6Type::ParameterProblem(_) => "ICMP6, parameter problem".into(),
        Icmpv6Type::Redirect => "ICMP6, redirect".into(),
        Icmpv6Type::Unknown {
            type_u8, code_u8, ..
        } => {
            format!("ICMP6, type {type_u8}, code {code_u8}")
        }
    };
    out.layers.push(Node::layer("ICMPv6", fields));
    out.summary = format!("{source} > {destination}: {text}, length {length}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::capture::recorded_frames as frames;
    use etherparse::{
        ArpEthIpv4Packet, ArpOperation, PacketBuilder, icmpv6::NeighborAdvertisementHeader,
    };

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    fn summary(hex: &str) -> String {
        decode(&bytes(hex)).summary
    }

    #[test]
    fn an_echo_request_and_its_reply() {
        assert_eq!(
            summary(frames::ICMP_ECHO_REQUEST),
            "127.0.0.1 > 127.0.0.1: ICMP echo request, id 30549, seq 1, length 64"
        );
        let reply = decode(&bytes(frames::ICMP_ECHO_REPLY));
        assert_eq!(reply.protocol, "ICMP");
        assert_eq!(
            reply.summary,
            "127.0.0.1 > 127.0.0.1: ICMP echo reply, id 30549, seq 1, length 64"
        );
        let names: Vec<&str> = reply.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Ethernet", "IPv4", "ICMP"]);
        let ipv4 = &reply.layers[1].children;
        assert!(ipv4.contains(&Node::field("time to live", 64)));
        assert!(ipv4.contains(&Node::field("protocol", "1 (ICMP)")));
    }

    #[test]
    fn the_three_way_handshake() {
        let syn = summary(frames::TCP_SYN);
        assert!(
            syn.starts_with("127.0.0.1.44806 > 127.0.0.1.7007: Flags [S], seq 950023944, win 65495, options [mss 65495,sackOK,TS val "),
            "{syn}"
        );
        assert!(syn.ends_with(",nop,wscale 10], length 0"), "{syn}");
        let syn_ack = summary(frames::TCP_SYN_ACK);
        assert!(
            syn_ack.starts_with(
                "127.0.0.1.7007 > 127.0.0.1.44806: Flags [S.], seq 2626703110, ack 950023945, "
            ),
            "{syn_ack}"
        );
        let ack = summary(frames::TCP_ACK);
        assert!(
            ack.starts_with("127.0.0.1.44806 > 127.0.0.1.7007: Flags [.], seq 950023945, ack 2626703111, win 64, options [nop,nop,TS val "),
            "{ack}"
        );
    }

    #[test]
    fn a_closed_port_answers_with_a_reset() {
        assert!(summary(frames::TCP_SYN_CLOSED_PORT).contains(": Flags [S], "));
        let rst = decode(&bytes(frames::TCP_RST));
        assert_eq!(
            rst.summary,
            "127.0.0.1.7008 > 127.0.0.1.36350: Flags [R.], seq 0, ack 2658254200, win 0, length 0"
        );
        let tcp = &rst.layers[2].children;
        assert!(tcp.contains(&Node::field("flags", "[R.] (RST, ACK)")));
    }

    #[test]
    fn a_dns_question_and_its_answer() {
        let query = decode(&bytes(frames::DNS_QUERY));
        assert_eq!(query.protocol, "DNS");
        assert_eq!(
            query.summary,
            "127.0.0.1.44656 > 127.0.0.1.53: DNS query A x.test"
        );
        let response = decode(&bytes(frames::DNS_RESPONSE));
        assert_eq!(
            response.summary,
            "127.0.0.1.53 > 127.0.0.1.44656: DNS response A x.test: 192.0.2.7"
        );
        let dns = response.layers.last().unwrap();
        assert_eq!(dns.name, "DNS");
        let answer = dns.children.iter().find(|n| n.name == "answer").unwrap();
        assert_eq!(
            answer.children,
            [Node::field("x.test", "IN A TTL 60 192.0.2.7")]
        );
    }

    #[test]
    fn a_name_that_does_not_exist() {
        // The recorded response with its flags changed to NXDOMAIN and no answer.
        let mut frame = bytes(frames::DNS_RESPONSE);
        let dns = 14 + 20 + 8;
        frame[dns + 3] = 0x83;
        frame[dns + 7] = 0;
        assert!(
            decode(&frame)
                .summary
                .ends_with("DNS response A x.test: NXDOMAIN"),
            "{}",
            decode(&frame).summary
        );
    }

    #[test]
    fn an_icmpv6_echo_pair() {
        assert_eq!(
            summary(frames::ICMPV6_ECHO_REQUEST),
            "::1 > ::1: ICMP6, echo request, id 30549, seq 1, length 64"
        );
        assert_eq!(
            summary(frames::ICMPV6_ECHO_REPLY),
            "::1 > ::1: ICMP6, echo reply, id 30549, seq 1, length 64"
        );
    }

    fn built(builder: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut frame = Vec::new();
        builder(&mut frame);
        frame
    }

    #[test]
    fn arp_who_has_and_is_at() {
        let (a, b) = ([0x02, 0, 0, 0, 0, 1], [0x02, 0, 0, 0, 0, 0x0a]);
        let arp = |operation, sender_mac, target_mac, sender_ipv4, target_ipv4| ArpEthIpv4Packet {
            operation,
            sender_mac,
            sender_ipv4,
            target_mac,
            target_ipv4,
        };
        let request = built(|out| {
            PacketBuilder::ethernet2(a, [0xff; 6])
                .arp(
                    arp(
                        ArpOperation::REQUEST,
                        a,
                        [0; 6],
                        [10, 77, 0, 1],
                        [10, 77, 0, 10],
                    )
                    .into(),
                )
                .write(out)
                .unwrap()
        });
        assert_eq!(
            decode(&request).summary,
            "ARP, Request who-has 10.77.0.10 tell 10.77.0.1, length 28"
        );
        let reply = built(|out| {
            PacketBuilder::ethernet2(b, a)
                .arp(arp(ArpOperation::REPLY, b, a, [10, 77, 0, 10], [10, 77, 0, 1]).into())
                .write(out)
                .unwrap()
        });
        assert_eq!(
            decode(&reply).summary,
            "ARP, Reply 10.77.0.10 is-at 02:00:00:00:00:0a, length 28"
        );
    }

    #[test]
    fn neighbour_solicitation_and_advertisement() {
        let target: Ipv6Addr = "fe80::a".parse().unwrap();
        let frame = |icmp_type| {
            built(|out| {
                PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [0x33, 0x33, 0xff, 0, 0, 0x0a])
                    .ipv6(
                        "fe80::1".parse::<Ipv6Addr>().unwrap().octets(),
                        "ff02::1:ff00:a".parse::<Ipv6Addr>().unwrap().octets(),
                        255,
                    )
                    .icmpv6(icmp_type)
                    .write(out, &target.octets())
                    .unwrap()
            })
        };
        assert_eq!(
            decode(&frame(Icmpv6Type::NeighborSolicitation)).summary,
            "fe80::1 > ff02::1:ff00:a: ICMP6, neighbor solicitation, who has fe80::a, length 24"
        );
        let advertisement = Icmpv6Type::NeighborAdvertisement(NeighborAdvertisementHeader {
            router: false,
            solicited: true,
            r#override: true,
        });
        assert!(
            decode(&frame(advertisement))
                .summary
                .contains("ICMP6, neighbor advertisement, tgt is fe80::a")
        );
    }

    #[test]
    fn cut_frames_say_what_is_there() {
        let whole = bytes(frames::TCP_SYN);
        assert_eq!(
            decode(&whole[..10]).summary,
            "truncated frame: 10 bytes, less than an Ethernet header (14)"
        );
        assert!(
            decode(&whole[..20])
                .summary
                .starts_with("IPv4, bad or truncated header")
        );
        assert_eq!(
            decode(&whole[..40]).summary,
            "127.0.0.1 > 127.0.0.1: TCP (truncated: 6 bytes)"
        );
        // Every cut of every recorded frame decodes to some line.
        for hex in [
            frames::DNS_RESPONSE,
            frames::ICMPV6_ECHO_REPLY,
            frames::TCP_SYN_ACK,
        ] {
            let frame = bytes(hex);
            for end in 0..frame.len() {
                assert!(!decode(&frame[..end]).summary.is_empty());
            }
        }
    }
}
