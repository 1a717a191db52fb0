//! The commands, layer 3: the registry's types (`registry`: a command's
//! name, Python signature, help, examples), what a command hands back
//! (`output`) and may know of the line it runs for (`context`), and one file
//! per family of commands: host names, DNS queries (`dig`), getaddrinfo, services, address
//! packing, this machine, probing, traceroute, packet capture, the lab, sockets and their methods, the
//! socket module's constants, the tutorial. Each turns what `net` answers into
//! Python values and errors. [`COMMANDS`] is the one list that help,
//! completion, the book's reference and the lessons' cross-check all read.
//!
//! May use: `net` and `python`.
//!
//! Must not: know of the session (variables, rendering), the course or the
//! line editor. The tutorial commands reach the course through the
//! `tutorial::Tutor` trait that the course installs at start-up; `packets`
//! runs its line through a runner the session hands it with the request.

mod address_reason;
mod addrinfo;
mod constants;
pub mod context;
pub mod dig;
mod hostnames;
mod lab;
mod lab_topology;
mod local;
pub mod module_functions;
pub mod output;
pub mod packets;
mod packing;
mod probing;
pub mod registry;
mod routing;
mod services;
pub mod socket_address;
pub mod socket_constants;
pub mod socket_methods;
mod sockets;
mod traceroute;
pub mod tutorial;
pub mod user_dirs;

use crate::commands::registry::Command;

/// Every command, in the order help lists them.
pub static COMMANDS: &[Command] = &[
    hostnames::GETHOSTNAME,
    hostnames::GETHOSTBYNAME,
    hostnames::GETHOSTBYNAME_EX,
    hostnames::GETFQDN,
    hostnames::GETHOSTBYADDR,
    dig::DIG,
    addrinfo::GETADDRINFO,
    addrinfo::GETNAMEINFO,
    services::GETSERVBYNAME,
    services::GETSERVBYPORT,
    services::GETPROTOBYNAME,
    services::PORTS,
    packing::INET_ATON,
    packing::INET_NTOA,
    packing::INET_PTON,
    packing::INET_NTOP,
    packing::HTONS,
    packing::NTOHS,
    packing::HTONL,
    packing::NTOHL,
    local::GET_IP_4,
    local::GET_IP_6,
    local::INTERFACES,
    local::IPINFO,
    routing::ROUTES,
    routing::NEIGHBOURS,
    probing::PING,
    probing::PINGER,
    probing::MAP_NETWORK,
    traceroute::TRACEROUTE,
    packets::PACKETS,
    lab::LAB,
    sockets::SOCKET,
    sockets::SOCKETPAIR,
    sockets::CREATE_CONNECTION,
    sockets::CREATE_SERVER,
    sockets::SOCKETS,
    sockets::RUNTIME_DIR,
    sockets::HEXDUMP,
    sockets::SERVE,
    sockets::SERVERS,
    sockets::STOP,
    constants::CONSTANTS,
    tutorial::LESSONS,
    tutorial::LESSON,
    tutorial::NEXT,
    tutorial::BACK,
    tutorial::HINT,
    tutorial::CHECK,
    tutorial::ANSWER,
    tutorial::SKIP,
    tutorial::RESET,
];

/// Every command: help, completion, the book's reference and the lessons'
/// cross-check all read this one list.
pub fn all() -> &'static [Command] {
    COMMANDS
}

pub fn find(name: &str) -> Option<&'static Command> {
    all().iter().find(|c| c.name == name)
}
