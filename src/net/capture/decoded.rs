//! What a decoded frame is: its summary line, its addresses and a tree of
//! named fields, one node per layer.

use std::net::IpAddr;

/// A field of the detail tree, or a layer when it has children.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub name: String,
    pub value: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn field(name: &str, value: impl ToString) -> Node {
        Node {
            name: name.to_string(),
            value: value.to_string(),
            children: Vec::new(),
        }
    }

    pub fn layer(name: &str, children: Vec<Node>) -> Node {
        Node {
            name: name.to_string(),
            value: String::new(),
            children,
        }
    }
}

/// What a frame holds, as the list and the detail show it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Decoded {
    /// The highest layer understood: "DNS", "TCP", "ICMP", "ARP"...
    pub protocol: String,
    /// Addresses as tcpdump writes them (`10.0.0.1.40022` with a port).
    pub source: String,
    pub destination: String,
    /// The IP addresses the frame is from, to or about (ARP), for filtering.
    pub addresses: Vec<IpAddr>,
    /// The source and destination ports, for TCP and UDP.
    pub ports: Option<(u16, u16)>,
    /// The summary line without its number, time and interface:
    /// `127.0.0.1 > 127.0.0.1: ICMP echo request, id 7, seq 1, length 64`.
    pub summary: String,
    /// One node per layer, each with its fields.
    pub layers: Vec<Node>,
}
