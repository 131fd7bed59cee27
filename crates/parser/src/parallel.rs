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
