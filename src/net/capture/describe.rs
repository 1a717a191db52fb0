//! The text `packets` shows: one numbered line per frame, and a frame's
//! fields as an indented tree, the way Wireshark lays them out.

use std::time::Duration;

use super::decode::{Decoded, Node};
use super::socket::Frame;

/// `1  0.000 ms  lo  127.0.0.1 > 127.0.0.1: ICMP echo request, ...`; the
/// time counts from the first frame shown.
pub fn list_line(number: usize, since_first: Duration, frame: &Frame, decoded: &Decoded) -> String {
    format!(
        "{number}  {:.3} ms  {}  {}",
        since_first.as_secs_f64() * 1000.0,
        frame.interface,
        decoded.summary
    )
}

/// The frame's header line and its layers, two spaces per level.
pub fn tree_text(number: usize, frame: &Frame, decoded: &Decoded) -> String {
    let direction = if frame.outgoing { "sent" } else { "received" };
    let mut out = format!(
        "Packet {number}: {} bytes on the wire, {} captured, {direction} on {}",
        frame.wire_length,
        frame.bytes.len(),
        frame.interface
    );
    for layer in &decoded.layers {
        write_node(&mut out, layer, 1);
    }
    out
}

fn write_node(out: &mut String, node: &Node, depth: usize) {
    out.push('\n');
    out.push_str(&"  ".repeat(depth));
    out.push_str(&node.name);
    if !node.value.is_empty() {
        out.push_str(": ");
        out.push_str(&node.value);
    }
    for child in &node.children {
        write_node(out, child, depth + 1);
    }
}
