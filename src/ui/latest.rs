//! The latest answer of an async read that runs again when what it reads changes.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;

/// Runs `read` now and again whenever a signal it reads (before its future starts) changes,
/// and gives its latest answer: `None` until the first one arrives. The last answer stays on
/// screen while a newer read is under way, and an answer overtaken by a newer read is dropped.
///
/// What Leptos's `LocalResource` does for these screens, without its suspense machinery, which
/// costs the bundle more than this for each answer type.
pub fn latest<T, F>(read: impl Fn() -> F + 'static) -> ReadSignal<Option<T>, LocalStorage>
where
    T: 'static,
    F: Future<Output = T> + 'static,
{
    let (answer, set_answer) = signal_local(None);
    let newest = Rc::new(Cell::new(0u32));
    Effect::new(move |_| {
        let future = read();
        let this = newest.get().wrapping_add(1);
        newest.set(this);
        let newest = newest.clone();
        leptos::task::spawn_local(async move {
            let value = future.await;
            if newest.get() == this {
                set_answer.try_set(Some(value));
            }
        });
    });
    answer
}
