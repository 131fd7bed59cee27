//! A stable sort that needs no room the size of the items: `slice::sort_by`
//! borrows a buffer of up to half the slice, which for 350,000 findings of
//! about 250 bytes is 40 MiB at the run's busiest moment (issue 14). This
//! sorts their indexes instead (4 bytes each) and moves the items into
//! place by swapping.

use std::cmp::Ordering;

/// Sorts `items` as `items.sort_by(compare)` would, equal items keeping
/// their order.
pub(crate) fn sort_stable_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    // Indexes of a slice longer than u32 can count would not fit; such a
    // slice (four billion findings) is sorted the ordinary way.
    let Ok(len) = u32::try_from(items.len()) else {
        items.sort_by(compare);
        return;
    };
    let mut order: Vec<u32> = (0..len).collect();
    order.sort_by(|&a, &b| compare(&items[a as usize], &items[b as usize]));
    permute(items, &mut order);
}

/// Puts `items[order[k]]` at `k` for every `k`, following each cycle of
/// the permutation with swaps; `order` is used up (each entry is set to
/// its own index once that place holds its item).
fn permute<T>(items: &mut [T], order: &mut [u32]) {
    for start in 0..order.len() {
        let mut place = start;
        loop {
            let from = order[place] as usize;
            order[place] = place as u32;
            if from == start {
                break;
            }
            // The item for `place` has not moved yet: every swap so far
            // only carried the cycle's first item along.
            items.swap(place, from);
            place = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_as_the_standard_stable_sort(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            let mut sorted = items;
            sort_stable_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(sorted, expected);
        }
    }

    #[test]
    fn permutes_every_cycle() {
        let mut items = ['a', 'b', 'c', 'd', 'e'];
        // Two cycles (0 1 2) and (3 4).
        permute(&mut items, &mut [2, 0, 1, 4, 3]);
        assert_eq!(items, ['c', 'a', 'b', 'e', 'd']);
    }
}
