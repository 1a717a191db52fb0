//! The operating system, layer 2: everything that asks the kernel or the C
//! library. The libc wrappers (`ffi`, the only module with `unsafe`), the
//! resolver (`getaddrinfo` and friends), DNS on the wire (`dns_zone`: zones
//! and their master files; `dns_server`: the lab's authoritative server;
//! `dns_query`: one query as `dig` sends it; `dns_wire`: its bytes field by
//! field), ICMP sockets and `ping`, `traceroute`, the sweep
//! behind `map_network` and the rules that keep it safe, the session's socket
//! table and practice servers (`sockets`), interface addresses and address
//! classes (`addressing`), the namespace lab built from a TOML description,
//! with the guards that keep its addresses and names inside it (`lab`), a
//! sealed namespace to run programs in reproducibly (`sealed`), and `live`:
//! the tokio runtime that network waits run on, Ctrl-C, and lines streamed
//! while a command runs.
//!
//! May use: the language's errors (`python::error`): an OS failure's Python
//! exception is fixed by its errno where it happens, so there is one error
//! type all the way up.
//!
//! Must not: build or read Python values (it returns Rust types: addresses,
//! reports, socket numbers and descriptions), or know of the registry, the
//! session, the course or the line editor.

pub mod addressing;
pub mod capture;
pub mod dns_query;
pub mod dns_server;
pub mod dns_wire;
pub mod dns_zone;
pub mod ffi;
pub mod icmp;
pub mod lab;
pub mod live;
pub mod ping;
pub mod resolver;
pub mod routing;
pub mod sealed;
pub mod sockets;
pub mod sweep;
pub mod traceroute;
