//! A view part can be stated by more than one source: two
//! `aws_s3_bucket_acl` on one bucket, an inline `policy` beside an
//! `aws_s3_bucket_policy`, two `AWS::S3::BucketPolicy`. AWS applies them in
//! an order nobody controls, so each is judged (rules.md, "Every satellite
//! counts"): the view holds the first source in its field and the others
//! aside, and rules run over every combination of sources ([`variants`]).
//! A violation in any combination is reported; a protection counts only
//! when every combination has it.

/// A typed view whose parts may have further sources.
pub trait View: Clone {
    /// One part as one source states it.
    type Part: Clone;
    /// Which part a [`View::Part`] is.
    type PartKind: Copy + Eq;

    fn kind_of(part: &Self::Part) -> Self::PartKind;
    /// The part of this kind the view holds in its field.
    fn part(&self, kind: Self::PartKind) -> Option<Self::Part>;
    /// Puts `part` in its field, replacing what was there.
    fn put(&mut self, part: Self::Part);
    /// The further sources of parts whose field is already taken.
    fn further_sources(&mut self) -> &mut Vec<Self::Part>;

    /// Adds a source of a part: into its field when that is free, else aside.
    fn set(&mut self, part: Self::Part) {
        if self.part(Self::kind_of(&part)).is_some() {
            self.further_sources().push(part);
        } else {
            self.put(part);
        }
    }
}

/// Beyond this many combinations, each further source is judged beside the
/// first sources of every other part (one variant per source) rather than in
/// every combination: a bound on work for configurations that pile up
/// satellites, not a case anyone writes.
pub const MAX_VARIANTS: usize = 64;

/// The view once per combination of its parts' sources, each without
/// further sources; just the view when no part has more than one.
pub fn variants<V: View>(view: &V) -> Vec<V> {
    let mut base = view.clone();
    let others = std::mem::take(base.further_sources());
    if others.is_empty() {
        return vec![base];
    }
    // Every source of each part that has several, in source order.
    let mut choices: Vec<Vec<V::Part>> = Vec::new();
    for part in others {
        let kind = V::kind_of(&part);
        match choices
            .iter_mut()
            .find(|c| c.first().map(V::kind_of) == Some(kind))
        {
            Some(list) => list.push(part),
            None => {
                let first = base.part(kind);
                choices.push(first.into_iter().chain([part]).collect());
            }
        }
    }
    let combinations = choices
        .iter()
        .try_fold(1usize, |n, c| n.checked_mul(c.len()))
        .filter(|&n| n <= MAX_VARIANTS);
    let mut out = vec![base.clone()];
    match combinations {
        Some(_) => {
            for list in &choices {
                let mut next = Vec::with_capacity(out.len() * list.len());
                for view in &out {
                    for part in list {
                        let mut v = view.clone();
                        v.put(part.clone());
                        next.push(v);
                    }
                }
                out = next;
            }
        }
        None => {
            for part in choices.iter().flat_map(|list| list.iter().skip(1)) {
                let mut v = base.clone();
                v.put(part.clone());
                out.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Default)]
    struct Pair {
        a: Option<u8>,
        b: Option<u8>,
        more: Vec<(bool, u8)>,
    }

    impl View for Pair {
        type Part = (bool, u8);
        type PartKind = bool;
        fn kind_of(part: &(bool, u8)) -> bool {
            part.0
        }
        fn part(&self, kind: bool) -> Option<(bool, u8)> {
            if kind { self.a } else { self.b }.map(|v| (kind, v))
        }
        fn put(&mut self, (kind, v): (bool, u8)) {
            if kind {
                self.a = Some(v);
            } else {
                self.b = Some(v);
            }
        }
        fn further_sources(&mut self) -> &mut Vec<(bool, u8)> {
            &mut self.more
        }
    }

    fn pairs(view: &Pair) -> Vec<(Option<u8>, Option<u8>)> {
        variants(view).iter().map(|v| (v.a, v.b)).collect()
    }

    #[test]
    fn a_view_with_one_source_per_part_is_its_own_only_variant() {
        let mut view = Pair::default();
        view.set((true, 1));
        view.set((false, 2));
        assert_eq!(pairs(&view), vec![(Some(1), Some(2))]);
    }

    #[test]
    fn every_combination_of_sources_is_a_variant() {
        let mut view = Pair::default();
        for part in [(true, 1), (true, 2), (false, 3), (false, 4)] {
            view.set(part);
        }
        assert_eq!(
            pairs(&view),
            vec![
                (Some(1), Some(3)),
                (Some(1), Some(4)),
                (Some(2), Some(3)),
                (Some(2), Some(4))
            ]
        );
        assert!(variants(&view).iter().all(|v| v.more.is_empty()));
    }

    #[test]
    fn too_many_combinations_judge_each_source_once() {
        let mut view = Pair::default();
        for n in 0..40 {
            view.set((true, n));
            view.set((false, 100 + n));
        }
        let all = pairs(&view);
        assert_eq!(all.len(), 1 + 39 + 39);
        assert!(all.contains(&(Some(39), Some(100))));
        assert!(all.contains(&(Some(0), Some(139))));
    }
}
