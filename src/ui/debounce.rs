//! Calling something once input has settled.

use leptos::prelude::*;

/// Returns a function that runs `action(value)` `ms` milliseconds after its last call.
///
/// How it cancels: the pending call is a gloo `Timeout` kept in a `StoredValue`; each call
/// replaces it, and dropping a `Timeout` clears the browser timer, so only the last call's
/// timer is ever live. When the calling component goes away the stored value is dropped with
/// it, which cancels a call still pending.
pub fn debounced<T: 'static>(ms: u32, action: impl Fn(T) + Clone + 'static) -> impl Fn(T) + Copy {
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let action = StoredValue::new_local(action);
    move |value: T| {
        let action = action.get_value();
        let timer = gloo_timers::callback::Timeout::new(ms, move || action(value));
        pending.set_value(Some(timer));
    }
}
