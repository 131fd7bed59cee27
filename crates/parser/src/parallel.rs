//! Per-file work on rayon's thread pool, with results in input order so that
//! nothing downstream depends on how many threads ran or how they were
//! scheduled.

use rayon::prelude::*;

/// Stack for each pool thread: more than a main thread's 8 MiB, so nothing
/// that runs on the main thread can overflow when it runs on the pool
/// instead. Only the pages used are ever committed.
const STACK: usize = 16 << 20;

/// Sets up rayon's global pool once (`RAYON_NUM_THREADS` threads, else one
/// per CPU) with [`STACK`]-sized stacks. If the embedding program already
/// built the pool, that one is used.
fn init_pool() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(STACK)
            .thread_name(|i| format!("phiguard-{i}"))
            .build_global();
    });
}

/// Runs `work` on every item on the thread pool and returns the results in
/// the order of `items`.
///
/// Per-file work goes through it: reading, UTF-8 decoding, the nesting
/// scan, CloudFormation parsing and evaluation, Terraform parsing and
/// lowering. `work` must not depend on other files (file ids are given out
/// afterwards, in path order).
pub(crate) fn per_file<T, R, F>(items: Vec<T>, work: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    // One item is not worth a trip to the pool (a pre-commit hook on one
    // file).
    if items.len() <= 1 {
        return items.into_iter().map(work).collect();
    }
    init_pool();
    items.into_par_iter().map(work).collect()
}

/// Like [`per_file`], but on threads of its own with `stack` bytes of stack
/// each (as many threads as the pool has), for work that recurses deeply:
/// Terraform evaluation. A panic in `work` gives `None` for that item, not
/// a crash, and the other items still run. Results are in the order of
/// `items`.
pub(crate) fn per_item_on_big_stacks<T, R, F>(items: &[T], stack: usize, work: F) -> Vec<Option<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::atomic::{AtomicUsize, Ordering};

    init_pool();
    let workers = rayon::current_num_threads().clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, catch_unwind(AssertUnwindSafe(|| work(item))).ok()));
        }
        done
    };
    let mut results: Vec<Option<R>> = items.iter().map(|_| None).collect();
    let finished = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|i| {
                std::thread::Builder::new()
                    .name(format!("phiguard-eval-{i}"))
                    .stack_size(stack)
                    .spawn_scoped(scope, run)
                    .ok()
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok())
            .flatten()
            .collect::<Vec<_>>()
    });
    for (i, result) in finished {
        results[i] = result;
    }
    results
}
