//! The commands, one file per family. `COMMANDS` is the registry's list.

mod addrinfo;
mod constants;
pub mod context;
mod hostnames;
mod lab;
mod local;
pub mod output;
mod packing;
mod probing;
pub mod registry;
mod services;
pub mod socket_address;
pub mod socket_constants;
pub mod socket_methods;
mod sockets;
pub mod tutorial;

pub use addrinfo::socket_address;

use crate::commands::registry::Command;

pub static COMMANDS: &[Command] = &[
    hostnames::GETHOSTNAME,
    hostnames::GETHOSTBYNAME,
    hostnames::GETHOSTBYNAME_EX,
    hostnames::GETFQDN,
    hostnames::GETHOSTBYADDR,
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
    probing::PING,
    probing::PINGER,
    probing::MAP_NETWORK,
    lab::LAB,
    sockets::SOCKET,
    sockets::SOCKETPAIR,
    sockets::CREATE_CONNECTION,
    sockets::CREATE_SERVER,
    sockets::SOCKETS,
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
    tutorial::RESET,
];
