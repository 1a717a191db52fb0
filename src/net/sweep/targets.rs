//! What a sweep may scan: parsing targets (a CIDR block, a range, a list), and
//! the safety rules that keep learners from flooding or scanning the Internet.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::net::addressing::{self, AddressKind, prefix_mask_v4, prefix_mask_v6};
use crate::python::error::{CommandError, CommandResult, PyException};

/// More than this is refused outright: a /16 is the largest sweep that makes sense here.
pub const MAX_ADDRESSES: u128 = 65_536;
/// More than this asks for confirmation (or `yes=True`).
pub const CONFIRM_ABOVE: usize = 1_024;

fn bad_target(text: &str) -> CommandError {
    CommandError::value_error(format!("{} is not a network, range or address", crate::python::value::str_repr(text))).explain(
        "Give a CIDR block (10.0.0.0/24), a range (10.0.0.1-10.0.0.50 or 10.0.0.1-50) or addresses separated by commas.",
    )
}

/// Every address a target text names, in order; a text that names none
/// (`,,,`, an empty string) is an error, not an empty sweep.
pub fn parse_target(text: &str) -> CommandResult<Vec<IpAddr>> {
    let all = parse_part(text)?;
    if all.is_empty() {
        return Err(bad_target(text));
    }
    Ok(all)
}

fn parse_part(text: &str) -> CommandResult<Vec<IpAddr>> {
    let text = text.trim();
    if text.contains(',') {
        let mut all = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            all.extend(parse_part(part)?);
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

/// Why one address may not be swept.
enum Objection {
    /// Never: it names no single host (multicast, broadcast, reserved).
    NotAHost(AddressKind),
    /// Only with allow_public: someone else's network.
    Public(AddressKind),
}

/// What an address is, judged as the worse of itself and every IPv4 address
/// it carries (`::ffff:8.8.8.8` reaches 8.8.8.8), with the IPv4 address to
/// blame if it was one of those.
fn objection(ip: IpAddr) -> Option<(Objection, Option<Ipv4Addr>)> {
    let judge = |kind: AddressKind| {
        if kind.is_not_a_host() {
            Some(Objection::NotAHost(kind))
        } else if kind.is_globally_routed() || kind == AddressKind::Shared {
            Some(Objection::Public(kind))
        } else {
            None
        }
    };
    let own = judge(addressing::classify(ip).0).map(|o| (o, None));
    let IpAddr::V6(v6) = ip else { return own };
    let carried = addressing::embedded_ipv4(v6)
        .into_iter()
        .filter_map(|v4| judge(addressing::classify(IpAddr::V4(v4)).0).map(|o| (o, Some(v4))));
    // A refusal that allow_public cannot lift is the one to report.
    own.into_iter()
        .chain(carried)
        .min_by_key(|(o, _)| matches!(o, Objection::Public(_)))
}

/// Refuses what no sweep should probe (multicast, broadcast, reserved
/// space), and, unless the user says they may, addresses outside their own
/// networks: globally routed ones and the carrier-grade NAT block
/// 100.64.0.0/10. An IPv6 address is judged by the IPv4 addresses it carries
/// too, so a /120 of ::ffff:0:0/96 is judged as the /24 of IPv4 it reaches.
pub fn check_scannable(targets: &[IpAddr], allow_public: bool) -> CommandResult<()> {
    let objections: Vec<_> = targets
        .iter()
        .filter_map(|&ip| objection(ip).map(|(o, carried)| (ip, o, carried)))
        .collect();
    // What allow_public cannot lift is reported first, so adding it never
    // just trades one refusal for another.
    let never = objections
        .iter()
        .find(|(_, o, _)| matches!(o, Objection::NotAHost(_)));
    if let Some(&(ip, Objection::NotAHost(kind), carried)) = never {
        return Err(CommandError::value_error(format!(
            "{}; a sweep cannot scan it",
            described(ip, carried, kind.name())
        ))
        .explain(format!(
            "{} A sweep looks for hosts, and only an address of one host can answer as one; allow_public does not change that.",
            kind.explanation()
        )));
    }
    match objections.first() {
        Some(&(ip, Objection::Public(kind), carried)) if !allow_public => {
            let (what, why) = if kind == AddressKind::Shared {
                (
                    kind.name(),
                    "100.64.0.0/10 is inside an Internet provider's network, shared by its customers behind carrier-grade NAT: it is not your network. If you have permission, add allow_public=True.",
                )
            } else {
                (
                    "public (globally routed)",
                    "Scanning networks you do not own can break their rules or the law. Sweep your own private network or the lab (lab up); if you have permission, add allow_public=True.",
                )
            };
            Err(CommandError::new(
                PyException::PermissionError,
                format!("{}; refusing to scan it", described(ip, carried, what)),
            )
            .explain(why))
        }
        _ => Ok(()),
    }
}

/// `8.8.8.1 is a public (globally routed) address`, or for an IPv6 address
/// refused for the IPv4 address it carries, `::ffff:8.8.8.0 carries the IPv4
/// address 8.8.8.0, a ... address`. Every kind named here takes "a".
fn described(ip: IpAddr, carried: Option<Ipv4Addr>, kind: &str) -> String {
    match carried {
        Some(v4) => format!("{ip} carries the IPv4 address {v4}, a {kind} address"),
        None => format!("{ip} is a {kind} address"),
    }
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
        assert!(check_scannable(&public, false).is_err());
        assert!(check_scannable(&public, true).is_ok());
        let private = parse_target("192.168.1.0/24").unwrap();
        assert!(check_scannable(&private, false).is_ok());
    }

    fn refusal(target: &str, allow_public: bool) -> Option<CommandError> {
        check_scannable(&parse_target(target).unwrap(), allow_public).err()
    }

    #[test]
    fn ipv4_inside_ipv6_forms_is_judged_as_that_ipv4() {
        let public_inside = [
            "::ffff:8.8.8.0/120",
            "::ffff:8.8.8.8",
            "::8.8.8.8",
            "::ffff:0:8.8.8.0/126",
            "64:ff9b::8.8.8.0/120",
            "64:ff9b:1::8.8.8.8",
            // A /48 local-use NAT64 prefix puts the IPv4 address in bits 48-87.
            "64:ff9b:1:808:8:800::",
            "::ffff:100.64.0.0/120",
        ];
        for target in public_inside {
            let error =
                refusal(target, false).unwrap_or_else(|| panic!("{target} must need allow_public"));
            assert_eq!(error.exception, PyException::PermissionError, "{target}");
            assert!(refusal(target, true).is_none(), "{target}");
        }
        let error = refusal("::ffff:8.8.8.0/120", false).unwrap();
        assert_eq!(
            error.message,
            "::ffff:8.8.8.0 carries the IPv4 address 8.8.8.0, a public (globally routed) address; refusing to scan it"
        );
        for private in [
            "::ffff:192.168.1.0/120",
            "::ffff:127.0.0.1",
            "64:ff9b::10.0.0.0/124",
            "::2",
            "::1",
        ] {
            assert!(refusal(private, false).is_none(), "{private}");
        }
    }

    #[test]
    fn tunnel_forms_are_public_whatever_they_carry() {
        // 6to4 and Teredo go through relays on the Internet.
        for target in [
            "2002:c0a8:101::/120",
            "2002:808:808::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        ] {
            let error = refusal(target, false).unwrap_or_else(|| panic!("{target}"));
            assert_eq!(error.exception, PyException::PermissionError, "{target}");
        }
    }

    #[test]
    fn shared_address_space_needs_allow_public() {
        let error = refusal("100.64.0.0/30", false).expect("carrier-grade NAT space is refused");
        assert_eq!(error.exception, PyException::PermissionError);
        assert_eq!(
            error.message,
            "100.64.0.1 is a shared (carrier-grade NAT) address; refusing to scan it"
        );
        assert!(refusal("100.127.255.254", false).is_some());
        assert!(refusal("100.64.0.0/30", true).is_none());
        assert!(refusal("100.128.0.1", true).is_none());
    }

    #[test]
    fn groups_broadcast_and_reserved_space_are_refused_even_with_allow_public() {
        let cases = [
            (
                "224.0.0.1",
                "224.0.0.1 is a multicast address; a sweep cannot scan it",
            ),
            (
                "239.1.2.0/30",
                "239.1.2.1 is a multicast address; a sweep cannot scan it",
            ),
            (
                "240.0.0.1",
                "240.0.0.1 is a reserved address; a sweep cannot scan it",
            ),
            (
                "255.255.255.255",
                "255.255.255.255 is a broadcast address; a sweep cannot scan it",
            ),
            (
                "10.0.0.1, 255.255.255.255",
                "255.255.255.255 is a broadcast address; a sweep cannot scan it",
            ),
            (
                "ff02::1",
                "ff02::1 is a multicast address; a sweep cannot scan it",
            ),
            (
                "ff05::1-ff05::3",
                "ff05::1 is a multicast address; a sweep cannot scan it",
            ),
            (
                "::ffff:224.0.0.1",
                "::ffff:224.0.0.1 carries the IPv4 address 224.0.0.1, a multicast address; a sweep cannot scan it",
            ),
        ];
        for (target, message) in cases {
            for allow_public in [false, true] {
                let error = refusal(target, allow_public).unwrap_or_else(|| panic!("{target}"));
                assert_eq!(error.exception, PyException::ValueError, "{target}");
                assert_eq!(error.message, message, "{target}");
                assert!(error.explanation.is_some(), "{target} says why");
            }
        }
    }

    proptest::proptest! {
        /// Whatever the public IPv4 address, every IPv6 form that reaches it
        /// needs allow_public, and a private one in the mapped form does not.
        #[test]
        fn every_form_of_a_public_ipv4_address_needs_allow_public(bits: u32) {
            let v4 = Ipv4Addr::from(bits);
            let kind = addressing::classify(IpAddr::V4(v4)).0;
            let [a, b, c, d] = v4.octets();
            let (high, low) = (u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]));
            let forms = [
                Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, high, low),
                Ipv6Addr::new(0, 0, 0, 0, 0xffff, 0, high, low),
                Ipv6Addr::new(0, 0, 0, 0, 0, 0, high, low),
                Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, high, low),
                Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, high, low),
                Ipv6Addr::new(0x2001, 0, 0x4136, 0xe378, 0, 0, !high, !low),
            ];
            for form in forms {
                let refused = check_scannable(&[IpAddr::V6(form)], false).is_err();
                if kind.is_globally_routed() || kind.is_not_a_host() || kind == AddressKind::Shared {
                    proptest::prop_assert!(refused, "{form} carries {v4}");
                }
            }
            if kind == AddressKind::Private {
                let mapped = IpAddr::V6(forms[0]);
                proptest::prop_assert!(check_scannable(&[mapped], false).is_ok(), "{mapped}");
            }
        }
    }

    #[test]
    fn a_target_that_names_no_address_is_an_error() {
        for empty in ["", " ", ",,,", " , ,"] {
            let error = parse_target(empty).expect_err(empty);
            assert_eq!(error.exception, PyException::ValueError, "{empty:?}");
        }
        assert_eq!(parse_target("10.0.0.1,,10.0.0.2").unwrap().len(), 2);
    }
}
