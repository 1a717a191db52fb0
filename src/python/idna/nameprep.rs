//! Nameprep (RFC 3491), the stringprep profile IDNA 2003 applies to each
//! non-ASCII label, following CPython's `encodings.idna.nameprep`: map, NFKC,
//! refuse prohibited characters, check bidi. CPython reads Unicode 3.2 tables
//! for all but lowercasing, so characters assigned later are neither normalized
//! nor given a direction.

use stringprep::tables;
use unicode_normalization::UnicodeNormalization;

use super::IdnaError;

/// The label as nameprep leaves it, or the first reason it is refused.
pub fn nameprep(label: &str) -> Result<String, IdnaError> {
    let mapped: String = label
        .chars()
        .filter(|&c| !tables::commonly_mapped_to_nothing(c))
        .flat_map(case_fold)
        .collect();
    let normalized = nfkc_unicode_3_2(&mapped);
    if let Some(c) = normalized.chars().find(|&c| is_prohibited(c)) {
        return Err(IdnaError::InvalidCharacter(c));
    }
    check_bidi(&normalized)?;
    Ok(normalized)
}

/// Table B.2. CPython lowercases with its own, newer tables first, so letters
/// that gained a small form after Unicode 3.2 (Georgian, Cherokee, `ẞ`) fold too.
fn case_fold(c: char) -> Vec<char> {
    let folded = case_fold_unicode_3_2(c);
    if folded != [c] {
        return folded;
    }
    // Known gap: Rust's case tables are newer than CPython 3.11's (Unicode 14),
    // so capitals added in Unicode 15 and 16 fold here and not there.
    c.to_lowercase().flat_map(case_fold_unicode_3_2).collect()
}

fn case_fold_unicode_3_2(c: char) -> Vec<char> {
    if is_assigned_in_unicode_3_2(c) {
        tables::case_fold_for_nfkc(c).collect()
    } else {
        vec![c]
    }
}

fn is_assigned_in_unicode_3_2(c: char) -> bool {
    !tables::unassigned_code_point(c)
}

/// NFKC as Unicode 3.2 defined it: characters added later decompose in
/// today's tables but not in CPython's, so they split the text into runs.
fn nfkc_unicode_3_2(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if let Some(old) = unicode_3_2_decomposition(c) {
            run.push(old);
        } else if !is_assigned_in_unicode_3_2(c) && c.nfkd().ne(std::iter::once(c)) {
            out.extend(run.nfkc());
            run.clear();
            out.push(c);
        } else {
            run.push(c);
        }
    }
    out.extend(run.nfkc());
    out
}

/// The CJK compatibility ideographs whose decomposition Unicode corrected
/// after 3.2 (Corrigendum #4); CPython keeps the old targets.
fn unicode_3_2_decomposition(c: char) -> Option<char> {
    let old = match u32::from(c) {
        0x2F868 => 0x2136A,
        0x2F874 => 0x5F33,
        0x2F91F => 0x43AB,
        0x2F95F => 0x7AAE,
        0x2F9BF => 0x4D57,
        _ => return None,
    };
    char::from_u32(old)
}

/// RFC 3491 section 5: tables C.1.2, C.2.2 and C.3 to C.9.
fn is_prohibited(c: char) -> bool {
    tables::non_ascii_space_character(c)
        || tables::non_ascii_control_character(c)
        || tables::private_use(c)
        || tables::non_character_code_point(c)
        || tables::surrogate_code(c)
        || tables::inappropriate_for_plain_text(c)
        || tables::inappropriate_for_canonical_representation(c)
        || tables::change_display_properties_or_deprecated(c)
        || tables::tagging_character(c)
}

/// RFC 3454 section 6: a label with right-to-left letters holds no
/// left-to-right ones and starts and ends with a right-to-left letter.
fn check_bidi(label: &str) -> Result<(), IdnaError> {
    let right_to_left: Vec<bool> = label.chars().map(is_right_to_left).collect();
    if !right_to_left.contains(&true) {
        return Ok(());
    }
    if label.chars().any(is_left_to_right) {
        return Err(IdnaError::BidiRequirement(2));
    }
    if right_to_left.first() != Some(&true) || right_to_left.last() != Some(&true) {
        return Err(IdnaError::BidiRequirement(3));
    }
    Ok(())
}

/// Table D.1; CPython gives characters unknown to Unicode 3.2 no direction.
fn is_right_to_left(c: char) -> bool {
    is_assigned_in_unicode_3_2(c) && tables::bidi_r_or_al(c)
}

/// Table D.2, with the same caveat as D.1; the few characters whose class
/// moved to or from L since Unicode 3.2 keep their 3.2 class.
fn is_left_to_right(c: char) -> bool {
    match u32::from(c) {
        0x17B4 | 0x17B5 | 0x1885 | 0x1886 => true,
        0x0CBF | 0x0CC6 | 0x1734 | 0x2800..=0x28FF | 0x302E | 0x302F => false,
        _ => is_assigned_in_unicode_3_2(c) && tables::bidi_l(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(label: &str) -> String {
        nameprep(label).unwrap()
    }

    #[test]
    fn idna_nameprep_folds_case_and_compatibility_forms() {
        assert_eq!(prepared("Bücher"), "bücher");
        assert_eq!(prepared("Straße"), "strasse");
        assert_eq!(prepared("ΣΟΦΟΣ"), "σοφοσ");
        assert_eq!(prepared("ｗｗｗ"), "www");
        assert_eq!(prepared("ﬁ"), "fi");
    }

    #[test]
    fn idna_nameprep_drops_joiners_and_variation_selectors() {
        assert_eq!(prepared("a\u{200D}b\u{200C}c\u{FE0F}"), "abc");
    }

    #[test]
    fn idna_nameprep_keeps_characters_newer_than_unicode_3_2() {
        // U+1F130 SQUARED LATIN CAPITAL LETTER A is NFKC "A" today, not in 3.2.
        assert_eq!(prepared("\u{1F130}"), "\u{1F130}");
        assert_eq!(prepared("\u{1E9E}"), "ss");
        assert_eq!(prepared("\u{13A0}"), "\u{AB70}");
    }

    #[test]
    fn idna_nameprep_refuses_prohibited_characters() {
        assert_eq!(
            nameprep("a\u{200E}b"),
            Err(IdnaError::InvalidCharacter('\u{200E}'))
        );
        assert_eq!(
            nameprep("\u{E000}"),
            Err(IdnaError::InvalidCharacter('\u{E000}'))
        );
    }

    #[test]
    fn idna_nameprep_checks_bidi_rules() {
        assert_eq!(prepared("שלום"), "שלום");
        assert_eq!(nameprep("aש"), Err(IdnaError::BidiRequirement(2)));
        assert_eq!(nameprep("ש1"), Err(IdnaError::BidiRequirement(3)));
    }
}
