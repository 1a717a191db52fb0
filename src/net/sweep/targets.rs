//! What a sweep may scan: parsing targets (a CIDR block, a range, a list), and
//! the safety rules that keep learners from flooding or scanning the Internet.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::net::addressing::{self, prefix_mask_v4, prefix_mask_v6};
use crate::python::error::{CommandError, CommandResult};

/// More than this is refused outright: a /16 is the largest sweep that makes sense here.
pub const MAX_ADDRESSES: u128 = 65_536;
/// More than this asks for confirmation (or `yes=True`).
pub const CONFIRM_ABOVE: usize = 1_024;

fn bad_target(text: &str) -> CommandError {
    CommandError::value_error(format!("{} is not a network, range or address", crate::python::value::str_repr(text))).explain(
        "Give a CIDR block (10.0.0.0/24), a range (10.0.0.1-10.0.0.50 or 10.0.0.1-50) or addresses separated by commas.",
    )
}

/// Every address a target text names, in order.
pub fn parse_target(text: &str) -> CommandResult<Vec<IpAddr>> {
    let text = text.trim();
    if text.contains(',') {
        let mut all = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            all.extend(parse_target(part)?);
            check_size(all.len() as u128)?;
        }
        return Ok(all);
    }
    if let Some((net, prefix)) = text.split_once('/') {
        let net: IpAddr = net.parse().map_err(|_| bad_target(text))?;
        let prefix: u8 = prefix.parse().map_err(|_| bad_target(text))?;
        return cidr(net, prefix).ok_or_else(|| bad_target(text))?;
    }
    if let Some((first, last)) = text.split_once('-') {
        return range(first.trim(), last.trim()).ok_or_else(|| bad_target(text))?;
    }
    let single: IpAddr = text.parse().map_err(|_| bad_target(text))?;
    Ok(vec![single])
}

fn check_size(count: u128) -> CommandResult<()> {
    if count > MAX_ADDRESSES {
        return Err(CommandError::value_error(format!(
            "{count} addresses is more than the {MAX_ADDRESSES} a sweep may scan"
        ))
        .explain("Scan a smaller block: a /16 (65,536 addresses) at most, and usually a /24 is what you want."));
    }
    Ok(())
}

/// The hosts of a CIDR block. For IPv4 blocks up to /30 the network and
/// broadcast addresses are left out, as no host can have them.
fn cidr(net: IpAddr, prefix: u8) -> Option<CommandResult<Vec<IpAddr>>> {
    match net {
        IpAddr::V4(v4) => {
            if prefix > 32 {
                return None;
            }
            let count = 1u128 << (32 - u32::from(prefix));
            if let Err(e) = check_size(count) {
                return Some(Err(e));
            }
            let base = u32::from(v4) & prefix_mask_v4(prefix);
            let (first, last) = (base, base | !prefix_mask_v4(prefix));
            let (first, last) = if prefix <= 30 {
                (first + 1, last - 1)
            } else {
                (first, last)
            };
            Some(Ok((first..=last)
                .map(|n| IpAddr::V4(Ipv4Addr::from(n)))
                .collect()))
        }
        IpAddr::V6(v6) => {
            if prefix > 128 {
                return None;
            }
            let count = if prefix == 0 {
                u128::MAX
            } else {
                1u128 << (128 - u32::from(prefix))
            };
            if let Err(e) = check_size(count) {
                return Some(Err(e));
            }
            let base = u128::from(v6) & prefix_mask_v6(prefix);
            Some(Ok((0..count)
                .map(|i| IpAddr::V6(Ipv6Addr::from(base + i)))
                .collect()))
        }
    }
}

/// `10.0.0.1-10.0.0.50`, or `10.0.0.1-50` (the last octet only).
fn range(first: &str, last: &str) -> Option<CommandResult<Vec<IpAddr>>> {
    let start: IpAddr = first.parse().ok()?;
    let end: IpAddr = match last.parse() {
        Ok(ip) => ip,
        Err(_) => match start {
            IpAddr::V4(v4) => {
                let octet: u8 = last.parse().ok()?;
                let [a, b, c, _] = v4.octets();
                IpAddr::V4(Ipv4Addr::new(a, b, c, octet))
            }
            IpAddr::V6(_) => return None,
        },
    };
    let (lo, hi) = match (start, end) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b))),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b)),
        _ => return None,
    };
    if hi < lo {
        return Some(Err(CommandError::value_error(
            "the range ends before it starts",
        )
        .explain("Write the lower address first: 10.0.0.1-10.0.0.50.")));
    }
    if let Err(e) = check_size(hi - lo + 1) {
        return Some(Err(e));
    }
    let v4 = start.is_ipv4();
    Some(Ok((lo..=hi)
        .map(|n| {
            if v4 {
                IpAddr::V4(Ipv4Addr::from(n as u32))
            } else {
                IpAddr::V6(Ipv6Addr::from(n))
            }
        })
        .collect()))
}

/// Refuses globally routed addresses unless the user says they may scan them.
pub fn check_not_public(targets: &[IpAddr], allow_public: bool) -> CommandResult<()> {
    if allow_public {
        return Ok(());
    }
    if let Some(public) = targets
        .iter()
        .find(|ip| addressing::classify(**ip).0.is_globally_routed())
    {
        return Err(CommandError::new(
            crate::python::error::PyException::PermissionError,
            format!("{public} is a public (globally routed) address; refusing to scan it"),
        )
        .explain("Scanning networks you do not own can break their rules or the law. Sweep your own private network or the lab (lab up); if you have permission, add allow_public=True."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_leaves_out_network_and_broadcast() {
        let hosts = parse_target("10.0.0.0/24").unwrap();
        assert_eq!(hosts.len(), 254);
        assert_eq!(hosts[0].to_string(), "10.0.0.1");
        assert_eq!(hosts[253].to_string(), "10.0.0.254");
        assert_eq!(parse_target("10.0.0.8/31").unwrap().len(), 2);
    }

    #[test]
    fn ranges_lists_and_short_forms() {
        assert_eq!(parse_target("10.0.0.1-10.0.0.50").unwrap().len(), 50);
        assert_eq!(parse_target("10.0.0.1-5").unwrap().len(), 5);
        assert_eq!(parse_target("10.0.0.1, 10.0.0.9").unwrap().len(), 2);
        assert!(parse_target("10.0.0.9-10.0.0.1").is_err());
        assert!(parse_target("banana").is_err());
    }

    #[test]
    fn too_large_and_public_targets_are_refused() {
        assert!(parse_target("10.0.0.0/15").is_err());
        assert_eq!(parse_target("10.0.0.0/16").unwrap().len(), 65_534);
        let public = parse_target("8.8.8.0/30").unwrap();
        assert!(check_not_public(&public, false).is_err());
        assert!(check_not_public(&public, true).is_ok());
        let private = parse_target("192.168.1.0/24").unwrap();
        assert!(check_not_public(&private, false).is_ok());
    }
}
