//! Packet capture for `packets`: an AF_PACKET socket read on its own thread
//! while a line runs (`socket`), each frame decoded with etherparse and
//! hickory-proto into a tcpdump-style line and a field-by-field tree
//! (`decode`, DNS payloads in `dns`), and the text shown for them: the
//! numbered list and the indented tree (`describe`).
//!
//! Needs root or CAP_NET_RAW; without either, opening the socket fails with
//! a PermissionError that says what to do. Knows nothing of Python values.

pub mod decode;
pub mod decoded;
pub mod describe;
mod dns;
#[cfg(test)]
mod recorded_frames;
pub mod socket;
