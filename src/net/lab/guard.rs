//! The lab's addresses are private ranges and its names end in `.lab`: outside
//! the lab, a ping or sweep of them would go to the real network's gateway, and
//! a look-up to the machine's real resolver. These checks refuse both before
//! anything is sent, and say how to get in. Commands that send (ping, pinger,
//! map_network, dig, traceroute) call [`refuse_outside_lab`] first.
//!
//! "Inside" means this network namespace has an address in one of the lab's
//! subnets: true in every lab namespace, and on a real network that really
//! uses such a range (then the traffic is meant for it). A `.lab` name may
//! also be looked up where the namespace has nothing but loopback (a test's
//! or the sandbox's): its resolver can reach no real DNS server from there.

use std::net::IpAddr;

use super::description::{DOMAIN, Description, Prefix};
use super::{DESCRIPTION_FILE, daemons};
use crate::python::error::{CommandError, CommandResult};

const HOW_TO_ENTER: &str =
    "Enter the lab first: `sudo netrepl --lab` (or `lab up` then `lab shell`, as root).";

/// Refuses `address` when it lies in a lab subnet and this process is not in
/// the lab: outside, it would reach the real network, not the lab.
pub fn refuse_outside_lab(address: IpAddr) -> CommandResult<()> {
    let prefixes = lab_prefixes();
    let Some(prefix) = prefixes.iter().find(|p| p.contains(address)) else {
        return Ok(());
    };
    if is_inside(&prefixes) {
        return Ok(());
    }
    Err(CommandError::from_errno(libc::ENETUNREACH).explain(format!(
        "{address} is in the netrepl lab ({prefix}), which exists only inside the lab; \
         from here it would go to your real network's gateway, so nothing was sent. {HOW_TO_ENTER}"
    )))
}

/// Refuses a look-up of a `.lab` name outside the lab: this machine's resolver
/// would send it to a real DNS server.
pub fn refuse_lab_name_outside_lab(name: &str) -> CommandResult<()> {
    if !is_lab_name(name) || is_inside(&lab_prefixes()) || has_only_loopback() {
        return Ok(());
    }
    Err(
        crate::net::resolver::gai_error_code(libc::EAI_NONAME).explain(format!(
            "{name} is a name in the netrepl lab, which only the lab's own DNS server knows; \
             from here the look-up would go to this machine's real resolver, so it was not sent. \
             {HOW_TO_ENTER}"
        )),
    )
}

/// Refuses a DNS query (dig's, or traceroute's) outside the lab when it would
/// leave this machine for a lab address or carry a `.lab` name to a real
/// server; a server on loopback is this machine's own and may be asked anything.
pub fn refuse_query_outside_lab(name: &str, server: IpAddr) -> CommandResult<()> {
    refuse_outside_lab(server)?;
    if server.is_loopback() {
        return Ok(());
    }
    refuse_lab_name_outside_lab(name)
}

/// Refuses a reverse look-up (PTR) of a lab address outside the lab, where
/// the query would go to this machine's real resolver.
pub fn refuse_lab_reverse_outside_lab(address: IpAddr) -> CommandResult<()> {
    let prefixes = lab_prefixes();
    if !prefixes.iter().any(|p| p.contains(address)) || has_only_loopback() {
        return Ok(());
    }
    refuse_outside_lab(address)
}

/// `alpha.lab`, `ALPHA.LAB.`, `lab`.
pub fn is_lab_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == DOMAIN || name.ends_with(&format!(".{DOMAIN}"))
}

/// The default lab's subnets and those of every lab that is up here.
fn lab_prefixes() -> Vec<Prefix> {
    let mut prefixes = Description::default_lab().prefixes();
    for prefix in daemons::run_dir_prefixes() {
        let path = daemons::run_dir(&prefix).join(DESCRIPTION_FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Ok(lab) = Description::parse(&text, &path.display().to_string()) {
            prefixes.extend(lab.prefixes());
        }
    }
    prefixes
}

/// Whether every address here is a loopback one: nothing sent can leave.
fn has_only_loopback() -> bool {
    crate::net::ffi::interface_addresses()
        .map(|all| all.iter().all(|a| a.address.is_loopback()))
        .unwrap_or(false)
}

fn is_inside(prefixes: &[Prefix]) -> bool {
    crate::net::ffi::interface_addresses()
        .map(|all| {
            all.iter()
                .any(|a| prefixes.iter().any(|p| p.contains(a.address)))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_names_end_in_the_lab_domain() {
        assert!(is_lab_name("alpha.lab"));
        assert!(is_lab_name("WWW.Lab."));
        assert!(is_lab_name("lab"));
        assert!(!is_lab_name("label"));
        assert!(!is_lab_name("alpha.lab.example"));
        assert!(!is_lab_name("localhost"));
    }

    #[test]
    fn addresses_outside_every_lab_pass() {
        assert!(refuse_outside_lab("127.0.0.1".parse().unwrap()).is_ok());
        assert!(refuse_lab_name_outside_lab("localhost").is_ok());
    }
}
