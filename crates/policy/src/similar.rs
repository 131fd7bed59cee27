//! "Did you mean": the known rule id closest to a mistyped one, for every
//! place an id is read (suppressions, the config, `--select`/`--ignore`,
//! `explain`).

/// The id of `known` nearest to `typed`: by edit distance, at most a
/// third of the typed length (at least 2), or one that contains the
/// typed text whole (`public-acl` for `s3-public-acl`). Ties go to the
/// id first in alphabetical order, so the answer does not depend on the
/// order of `known` (a hash set's).
pub fn closest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.to_ascii_lowercase();
    let limit = (typed.chars().count() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    for id in known {
        let distance = if id.contains(typed.as_str()) && typed.len() >= 4 {
            // As good as the largest allowed typo, so a real typo wins.
            limit
        } else {
            edit_distance(&typed, id)
        };
        if distance <= limit && best.is_none_or(|(d, b)| (distance, id) < (d, b)) {
            best = Some((distance, id));
        }
    }
    best.map(|(_, id)| id)
}

/// The hint to append to an "unknown rule id" message: `did you mean
/// `s3-public-acl`?`, or where the ids are listed.
pub fn hint<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    match closest(typed, known) {
        Some(id) => format!("did you mean `{id}`?"),
        None => "`phiguard rules` lists them".into(),
    }
}

/// Levenshtein distance, by characters, in O(len(a) * len(b)) time and
/// O(len(b)) memory; ids are short.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 4] = [
        "s3-public-acl",
        "s3-public-policy",
        "s3-versioning-disabled",
        "opensearch-public-access",
    ];

    #[test]
    fn a_typo_finds_its_rule() {
        assert_eq!(closest("s3-pubilc-acl", KNOWN), Some("s3-public-acl"));
        assert_eq!(
            closest("s3-versioning-disable", KNOWN),
            Some("s3-versioning-disabled")
        );
        assert_eq!(closest("S3-PUBLIC-ACL", KNOWN), Some("s3-public-acl"));
    }

    #[test]
    fn part_of_an_id_finds_it() {
        assert_eq!(closest("versioning", KNOWN), Some("s3-versioning-disabled"));
    }

    #[test]
    fn nothing_close_is_nothing() {
        assert_eq!(closest("lambda-timeout", KNOWN), None);
        assert_eq!(closest("", KNOWN), None);
        assert_eq!(hint("xyz", KNOWN), "`phiguard rules` lists them");
        assert_eq!(
            hint("s3-public-acls", KNOWN),
            "did you mean `s3-public-acl`?"
        );
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
