//! The DNS zones a lab's name server serves, made from its [`Description`]:
//! `lab.` with an A/AAAA record for every host address plus the file's own
//! records, and one reverse zone per subnet prefix with a PTR for every address.

use std::net::IpAddr;

use super::description::{Description, Prefix};
use crate::net::dns_zone::{RecordData, Zone, ZoneRecord};

/// Every zone of the lab: `lab.` first, then the reverse zones.
pub fn zones(lab: &Description) -> Vec<Zone> {
    let nameserver = format!("{}.", lab.nameserver_host().full_name());
    let mut forward = Zone {
        origin: format!("{}.", super::description::DOMAIN),
        nameserver: nameserver.clone(),
        ttl: lab.ttl,
        records: Vec::new(),
    };
    for host in &lab.hosts {
        for address in host.addresses() {
            let data = match address {
                IpAddr::V4(a) => RecordData::A(a),
                IpAddr::V6(a) => RecordData::Aaaa(a),
            };
            forward.records.push(ZoneRecord {
                name: host.name.clone(),
                ttl: lab.ttl,
                data,
            });
        }
    }
    forward
        .records
        .extend(lab.records.iter().map(|r| ZoneRecord {
            name: r.name.clone(),
            ttl: r.ttl,
            data: r.data.clone(),
        }));
    let mut all = vec![forward];
    for prefix in lab.prefixes() {
        let mut reverse = Zone {
            origin: reverse_zone(&prefix),
            nameserver: nameserver.clone(),
            ttl: lab.ttl,
            records: Vec::new(),
        };
        for host in &lab.hosts {
            for address in host.addresses().into_iter().filter(|a| prefix.contains(*a)) {
                reverse.records.push(ZoneRecord {
                    name: reverse_name(address),
                    ttl: lab.ttl,
                    data: RecordData::Ptr(format!("{}.", host.full_name())),
                });
            }
        }
        all.push(reverse);
    }
    all
}

/// `10.0.77.10.in-addr.arpa.` or the 32 nibbles under `ip6.arpa.`.
pub fn reverse_name(address: IpAddr) -> String {
    match address {
        IpAddr::V4(a) => {
            let [a, b, c, d] = a.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(a) => {
            let mut text = String::new();
            for nibble in nibbles(u128::from(a)).iter().rev() {
                text.push_str(&format!("{nibble:x}."));
            }
            text + "ip6.arpa."
        }
    }
}

/// The reverse zone that holds a prefix: cut at the octet (IPv4) or nibble
/// (IPv6) boundary at or above its length, so a /24 gives `0.77.10.in-addr.arpa.`.
fn reverse_zone(prefix: &Prefix) -> String {
    let full = reverse_name(prefix.network);
    let (kept, per_label) = match prefix.network {
        IpAddr::V4(_) => (usize::from(prefix.length / 8), 4),
        IpAddr::V6(_) => (usize::from(prefix.length / 4), 32),
    };
    let labels: Vec<&str> = full.trim_end_matches('.').split('.').collect();
    // labels: the address parts (least significant first), then the suffix.
    let skip = per_label - kept;
    labels[skip..].join(".") + "."
}

fn nibbles(value: u128) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = ((value >> (124 - 4 * i)) & 0xf) as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_lab_has_forward_and_reverse_zones() {
        let lab = Description::default_lab();
        let zones = zones(&lab);
        let origins: Vec<&str> = zones.iter().map(|z| z.origin.as_str()).collect();
        assert!(origins.contains(&"lab."));
        assert!(origins.contains(&"0.77.10.in-addr.arpa."));
        assert!(origins.contains(&"1.77.10.in-addr.arpa."));
        assert!(origins.contains(&"0.0.0.0.0.0.0.0.0.0.0.0.7.7.d.f.ip6.arpa."));
        let text = zones[0].master_file();
        assert!(text.contains("alpha 300 IN A 10.77.0.10\n"), "{text}");
        assert!(text.contains("charlie 300 IN A 10.77.0.12\n"));
        assert!(text.contains("web 300 IN CNAME www\n"));
        let reverse = zones
            .iter()
            .find(|z| z.origin == "0.77.10.in-addr.arpa.")
            .unwrap();
        assert!(
            reverse
                .master_file()
                .contains("10.0.77.10.in-addr.arpa. 300 IN PTR alpha.lab.\n")
        );
    }

    #[test]
    fn reverse_names_read_backwards() {
        assert_eq!(
            reverse_name("10.77.0.10".parse().unwrap()),
            "10.0.77.10.in-addr.arpa."
        );
        let v6 = reverse_name("fd77::10".parse().unwrap());
        assert!(v6.starts_with("0.1.0.0.0.0.0.0."), "{v6}");
        assert!(v6.ends_with(".7.7.d.f.ip6.arpa."), "{v6}");
    }
}
