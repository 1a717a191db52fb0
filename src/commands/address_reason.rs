//! Why an address or network text is refused, in the words of CPython's
//! `IPv4Address`, `IPv6Address`, `IPv4Network` and `IPv6Network`.
//! `ipaddress.ip_address` only says the text "does not appear to be" an
//! address; the version-specific classes say which part is wrong, and that is
//! what a learner needs. The checks run in CPython's order so the first
//! problem named is the one Python names.

use crate::python::value::str_repr;

/// The reason the class a text most looks like would give: IPv6's when it
/// has a colon, IPv4's otherwise. None when that class accepts it.
pub fn address_reason(text: &str) -> Option<String> {
    if text.contains(':') {
        ipv6_address_reason(text)
    } else {
        ipv4_address_reason(text)
    }
}

/// `IPv4Address(text)`'s message, or None when it accepts the text.
pub fn ipv4_address_reason(text: &str) -> Option<String> {
    if text.contains('/') {
        return Some(format!("Unexpected '/' in {}", str_repr(text)));
    }
    ipv4_int(text).err()
}

/// `IPv6Address(text)`'s message, or None when it accepts the text.
pub fn ipv6_address_reason(text: &str) -> Option<String> {
    if text.contains('/') {
        return Some(format!("Unexpected '/' in {}", str_repr(text)));
    }
    match split_scope_checked(text) {
        None => Some(invalid_scope(text)),
        Some(addr) => ipv6_int(addr).err(),
    }
}

/// `IPv4Network(text, strict)` or `IPv6Network(text, strict)`'s message,
/// or None when it accepts the text.
pub fn network_reason(text: &str, v6: bool, strict: bool) -> Option<String> {
    let mut pieces = text.split('/');
    let addr = pieces.next().unwrap_or("");
    let mask = pieces.next();
    if pieces.next().is_some() {
        return Some(format!("Only one '/' permitted in {}", str_repr(text)));
    }
    let bits: u32 = if v6 { 128 } else { 32 };
    let (address, scope) = if v6 {
        let Some(plain) = split_scope_checked(addr) else {
            return Some(invalid_scope(addr));
        };
        let scope = addr.get(plain.len()..).unwrap_or("");
        (ipv6_int(plain).map_err(Some), scope)
    } else {
        (ipv4_int(addr).map(u128::from).map_err(Some), "")
    };
    let address = match address {
        Ok(a) => a,
        Err(reason) => return reason,
    };
    let prefix = match mask {
        None => bits,
        Some(m) => match prefix_from_text(m, v6) {
            Some(p) => p,
            None => return Some(format!("{} is not a valid netmask", str_repr(m))),
        },
    };
    let host_bits = if prefix == 0 {
        u128::MAX
    } else {
        u128::MAX.checked_shr(prefix + 128 - bits).unwrap_or(0)
    };
    if strict && address & host_bits != 0 {
        let shown = if v6 {
            std::net::Ipv6Addr::from(address).to_string()
        } else {
            // The address is 32 bits here; the cast cannot cut anything.
            std::net::Ipv4Addr::from(address as u32).to_string()
        };
        return Some(format!("{shown}{scope}/{prefix} has host bits set"));
    }
    None
}

/// A prefix length (`24`) or, for IPv4, a netmask or hostmask
/// (`255.255.255.0`, `0.0.0.255`), as `_make_netmask` reads them.
fn prefix_from_text(mask: &str, v6: bool) -> Option<u32> {
    let bits: u32 = if v6 { 128 } else { 32 };
    if !mask.is_empty() && mask.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u32 is as out of range as 33.
        if let Some(p) = mask.parse::<u32>().ok().filter(|p| *p <= bits) {
            return Some(p);
        }
    }
    if v6 {
        return None;
    }
    let value = ipv4_int(mask).ok()?;
    let ones = |v: u32| (v.leading_ones() + v.trailing_zeros() == 32).then(|| v.leading_ones());
    ones(value).or_else(|| ones(!value))
}

/// Splits off `%scope`; None, meaning Python's "Invalid IPv6 address", when
/// the scope is empty or holds another `%`.
fn split_scope_checked(text: &str) -> Option<&str> {
    match text.split_once('%') {
        None => Some(text),
        Some((_, scope)) if scope.is_empty() || scope.contains('%') => None,
        Some((addr, _)) => Some(addr),
    }
}

fn invalid_scope(text: &str) -> String {
    format!("Invalid IPv6 address: \"{}\"", str_repr(text))
}

fn ipv4_int(text: &str) -> Result<u32, String> {
    if text.is_empty() {
        return Err("Address cannot be empty".into());
    }
    let octets: Vec<&str> = text.split('.').collect();
    if octets.len() != 4 {
        return Err(format!("Expected 4 octets in {}", str_repr(text)));
    }
    let mut value = 0u32;
    for octet in octets {
        let byte = parse_octet(octet).map_err(|e| format!("{e} in {}", str_repr(text)))?;
        value = value << 8 | u32::from(byte);
    }
    Ok(value)
}

fn parse_octet(octet: &str) -> Result<u8, String> {
    if octet.is_empty() {
        return Err("Empty octet not permitted".into());
    }
    if !octet.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "Only decimal digits permitted in {}",
            str_repr(octet)
        ));
    }
    // Characters are checked before length, as Python does: the bad
    // character is the more useful thing to name.
    if octet.len() > 3 {
        return Err(format!(
            "At most 3 characters permitted in {}",
            str_repr(octet)
        ));
    }
    if octet != "0" && octet.starts_with('0') {
        return Err(format!(
            "Leading zeros are not permitted in {}",
            str_repr(octet)
        ));
    }
    let number: u32 = octet.parse().unwrap_or(u32::MAX);
    u8::try_from(number).map_err(|_| format!("Octet {number} (> 255) not permitted"))
}

fn ipv6_int(text: &str) -> Result<u128, String> {
    if text.is_empty() {
        return Err("Address cannot be empty".into());
    }
    let quoted = str_repr(text);
    let mut parts: Vec<String> = text.split(':').map(str::to_string).collect();
    if parts.len() < 3 {
        return Err(format!("At least 3 parts expected in {quoted}"));
    }
    // An IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
    if parts.last().is_some_and(|p| p.contains('.')) {
        let tail = parts.pop().unwrap_or_default();
        let v4 = ipv4_int(&tail).map_err(|e| format!("{e} in {quoted}"))?;
        parts.push(format!("{:x}", v4 >> 16));
        parts.push(format!("{:x}", v4 & 0xffff));
    }
    if parts.len() > 9 {
        return Err(format!("At most 8 colons permitted in {quoted}"));
    }
    let last = parts.len() - 1;
    let mut skip = None;
    for (i, part) in parts.iter().enumerate().take(last).skip(1) {
        if part.is_empty() {
            if skip.is_some() {
                return Err(format!("At most one '::' permitted in {quoted}"));
            }
            skip = Some(i);
        }
    }
    let leading = || format!("Leading ':' only permitted as part of '::' in {quoted}");
    let trailing = || format!("Trailing ':' only permitted as part of '::' in {quoted}");
    let (hi, lo, skipped) = match skip {
        Some(i) => {
            let mut hi = i;
            let mut lo = parts.len() - i - 1;
            if parts[0].is_empty() {
                hi -= 1;
                if hi > 0 {
                    return Err(leading());
                }
            }
            if parts[last].is_empty() {
                lo -= 1;
                if lo > 0 {
                    return Err(trailing());
                }
            }
            if hi + lo >= 8 {
                return Err(format!(
                    "Expected at most 7 other parts with '::' in {quoted}"
                ));
            }
            (hi, lo, 8 - hi - lo)
        }
        None => {
            if parts.len() != 8 {
                return Err(format!("Exactly 8 parts expected without '::' in {quoted}"));
            }
            if parts[0].is_empty() {
                return Err(leading());
            }
            if parts[last].is_empty() {
                return Err(trailing());
            }
            (parts.len(), 0, 0)
        }
    };
    let mut value = 0u128;
    let groups = parts[..hi].iter().chain(&parts[parts.len() - lo..]);
    for (n, part) in groups.enumerate() {
        if n == hi {
            value <<= 16 * skipped;
        }
        let group = parse_hextet(part).map_err(|e| format!("{e} in {quoted}"))?;
        value = value << 16 | u128::from(group);
    }
    if lo == 0 {
        value = value.checked_shl(16 * skipped as u32).unwrap_or(0);
    }
    Ok(value)
}

fn parse_hextet(part: &str) -> Result<u16, String> {
    if !part.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("Only hex digits permitted in {}", str_repr(part)));
    }
    if part.len() > 4 {
        return Err(format!(
            "At most 4 characters permitted in {}",
            str_repr(part)
        ));
    }
    // What Python's int('', 16) says; the checks above let only this through.
    u16::from_str_radix(part, 16)
        .map_err(|_| format!("invalid literal for int() with base 16: {}", str_repr(part)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bad texts of every kind the parsers tell apart, and a few good ones.
    const ADDRESSES: &[&str] = &[
        "10.0.0.256",
        "10.0.0.999",
        "1.2.3.1000",
        "010.0.0.1",
        "10.00.0.1",
        "10..0.1",
        ".1.2.3",
        "1.2.3.",
        "10.0.1",
        "1.2.3.4.5",
        "1.2.3.a",
        "1.2.3.-1",
        "1.2.3.+4",
        "1.2.3.٣",
        "foo",
        "",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8:9:0",
        "12345::",
        "1::g",
        ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:",
        ":1::2",
        "1::2:",
        "1:2:3:4::5:6:7:8",
        "1:2:3",
        "1:2",
        "::1.2.3.256",
        "::1.2.3",
        "::01.2.3.4",
        "fe80::1%",
        "fe80::1%a%b",
        "fe80::1%eth0",
        "1.2.3.4%x",
        "::",
        ":::",
        "::1",
        "1.2.3.4",
        "1/2",
        "::1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7::",
    ];

    const NETWORKS: &[&str] = &[
        "10.0.0.0/33",
        "10.0.0.0/x",
        "10.0.0.0/",
        "10.0.0.0/-1",
        "10.0.0.0/ 8",
        "10.0.0.0/99999999999",
        "10.1.2.3/24",
        "10.0.0.0/24",
        "10.0.0.0/255.255.0.0",
        "10.0.0.0/255.0.255.0",
        "10.0.0.0/0.0.255.255",
        "10.0.0.0/255.255.0.256",
        "10.0.0.256/8",
        "10.0.0.0/8/8",
        "::/129",
        "::/128",
        "1::1/64",
        "1::/64",
        "::/x",
        "fe80::1%eth0/64",
        "fe80::%eth0/64",
        "fe80::1%/64",
        "1::2::3/64",
        "0.0.0.0/0",
        "1.2.3.4/0",
        "::/0",
        "::1/0",
        "::/ffff::",
    ];

    /// What python3 says for each text, one line each ("OK" when accepted).
    fn python_says(class: &str, texts: &[&str], extra: &str) -> Option<Vec<String>> {
        let program = format!(
            "import ipaddress, sys, json\n\
             for t in json.load(sys.stdin):\n\
             \x20   try:\n\
             \x20       ipaddress.{class}(t{extra}); print('OK')\n\
             \x20   except ValueError as e:\n\
             \x20       print(e)\n"
        );
        let mut child = std::process::Command::new("python3")
            .args(["-c", &program])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        let json: Vec<String> = texts.iter().map(|t| json_string(t)).collect();
        std::io::Write::write_all(
            child.stdin.as_mut()?,
            format!("[{}]", json.join(",")).as_bytes(),
        )
        .ok()?;
        drop(child.stdin.take());
        let out = child.wait_with_output().ok()?;
        Some(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect(),
        )
    }

    fn json_string(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' | '\\' => out.extend(['\\', c]),
                c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                c => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            }
        }
        out.push('"');
        out
    }

    fn compare(class: &str, texts: &[&str], extra: &str, ours: impl Fn(&str) -> Option<String>) {
        let Some(theirs) = python_says(class, texts, extra) else {
            eprintln!("python3 not available; skipping {class}");
            return;
        };
        assert_eq!(theirs.len(), texts.len(), "{class}: one line per text");
        for (text, theirs) in texts.iter().zip(theirs) {
            let ours = ours(text).unwrap_or_else(|| "OK".into());
            assert_eq!(ours, theirs, "{class}({text:?})");
        }
    }

    #[test]
    fn address_reasons_match_python() {
        compare("IPv4Address", ADDRESSES, "", ipv4_address_reason);
        compare("IPv6Address", ADDRESSES, "", ipv6_address_reason);
    }

    #[test]
    fn network_reasons_match_python() {
        compare("IPv4Network", NETWORKS, "", |t| {
            network_reason(t, false, true)
        });
        compare("IPv6Network", NETWORKS, "", |t| {
            network_reason(t, true, true)
        });
        compare("IPv4Network", NETWORKS, ", strict=False", |t| {
            network_reason(t, false, false)
        });
        compare("IPv6Network", NETWORKS, ", strict=False", |t| {
            network_reason(t, true, false)
        });
    }

    #[test]
    fn the_class_follows_the_text() {
        assert_eq!(
            address_reason("10.0.0.256").as_deref(),
            Some("Octet 256 (> 255) not permitted in '10.0.0.256'")
        );
        assert_eq!(
            address_reason("1::2::3").as_deref(),
            Some("At most one '::' permitted in '1::2::3'")
        );
    }
}
