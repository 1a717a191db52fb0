//! Punycode (RFC 3492), the encoder Python's `punycode` codec runs for each
//! IDNA label: ASCII characters are copied, the rest become base-36 deltas.

const BASE: u64 = 36;
const T_MIN: u64 = 1;
const T_MAX: u64 = 26;
const SKEW: u64 = 38;
const DAMP: u64 = 700;
const INITIAL_BIAS: u64 = 72;
const INITIAL_N: u64 = 0x80;

/// Longer output than this is refused by IDNA anyway, so encoding stops there
/// instead of spending quadratic time on long labels.
const GIVE_UP_AFTER: usize = 1024;

/// The Punycode form of `label`, or `None` when it would be absurdly long.
pub fn encode(label: &str) -> Option<String> {
    let code_points: Vec<u64> = label.chars().map(|c| u64::from(u32::from(c))).collect();
    // Every code point yields at least one output character.
    if code_points.len() > GIVE_UP_AFTER {
        return None;
    }
    let mut output: String = label.chars().filter(char::is_ascii).collect();
    let basic_count = output.chars().count() as u64;
    if basic_count > 0 {
        output.push('-');
    }
    let mut n = INITIAL_N;
    let mut delta: u64 = 0;
    let mut bias = INITIAL_BIAS;
    let mut handled = basic_count;
    while handled < code_points.len() as u64 {
        let next = code_points.iter().copied().filter(|&c| c >= n).min()?;
        delta += (next - n) * (handled + 1);
        n = next;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c == n {
                write_variable_length(&mut output, delta, bias);
                bias = adapt(delta, handled + 1, handled == basic_count);
                delta = 0;
                handled += 1;
            }
        }
        if output.len() > GIVE_UP_AFTER {
            return None;
        }
        delta += 1;
        n += 1;
    }
    Some(output)
}

/// Writes `value` as generalized variable-length digits, lowest first.
fn write_variable_length(output: &mut String, mut value: u64, bias: u64) {
    let mut k = BASE;
    loop {
        let threshold = k.saturating_sub(bias).clamp(T_MIN, T_MAX);
        if value < threshold {
            output.push(digit(value));
            return;
        }
        output.push(digit(threshold + (value - threshold) % (BASE - threshold)));
        value = (value - threshold) / (BASE - threshold);
        k += BASE;
    }
}

fn digit(value: u64) -> char {
    b"abcdefghijklmnopqrstuvwxyz0123456789"[value as usize] as char
}

fn adapt(delta: u64, points: u64, first: bool) -> u64 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn idna_punycode_matches_rfc_3492_samples() {
        assert_eq!(encode("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(encode("münchen").as_deref(), Some("mnchen-3ya"));
        // RFC 3492 7.1 (B): Chinese, no basic code points and so no hyphen.
        assert_eq!(
            encode("他们为什么不说中文").as_deref(),
            Some("ihqwcrb4cv8a8dqg056pqjye")
        );
        assert_eq!(encode("abc").as_deref(), Some("abc-"));
    }

    #[test]
    fn idna_punycode_gives_up_on_huge_labels() {
        assert_eq!(encode(&"\u{10FFFD}ä".repeat(2000)), None);
    }
}
