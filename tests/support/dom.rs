//! Finding controls the way a user does — by role and accessible name — in component tests.
#![allow(dead_code)] // Shared by several test crates; each uses a part of it.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

/// Text with runs of white space as one space, trimmed (XPath's `normalize-space`).
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn all(root: &Element, selector: &str) -> Vec<HtmlElement> {
    let found = root.query_selector_all(selector).unwrap();
    (0..found.length())
        .map(|i| found.item(i).unwrap().unchecked_into())
        .collect()
}

/// An element's accessible name, as far as these tests need it: `aria-label`, else the text of
/// `<label for>` (for form fields), else its own text.
pub fn accessible_name(element: &Element) -> String {
    if let Some(label) = element.get_attribute("aria-label") {
        return normalize(&label);
    }
    let id = element.id();
    if !id.is_empty() {
        let document = element.owner_document().unwrap();
        if let Some(label) = document
            .query_selector(&format!("label[for='{id}']"))
            .unwrap()
        {
            return normalize(&label.text_content().unwrap());
        }
    }
    normalize(&element.text_content().unwrap_or_default())
}

/// The elements matching `selector` (a role's elements) named exactly `name`.
fn named(root: &Element, selector: &str, name: &str) -> Vec<HtmlElement> {
    all(root, selector)
        .into_iter()
        .filter(|e| accessible_name(e) == name)
        .collect()
}

/// The one element matching `selector` named exactly `name`.
pub fn by_name(root: &Element, selector: &str, name: &str) -> HtmlElement {
    let mut found = named(root, selector, name);
    match found.len() {
        1 => found.remove(0),
        0 => {
            let names: Vec<String> = all(root, selector)
                .iter()
                .map(|e| accessible_name(e))
                .collect();
            panic!("no {selector} named {name:?}; there are {names:?}")
        }
        n => panic!("{n} elements {selector} named {name:?}"),
    }
}

/// Whether a `selector` element named `name` exists.
pub fn has(root: &Element, selector: &str, name: &str) -> bool {
    !named(root, selector, name).is_empty()
}

/// The button named `name`.
pub fn button(root: &Element, name: &str) -> HtmlElement {
    by_name(root, "button", name)
}

/// The text field, text area, select or checkbox labelled `name`.
pub fn field<T: JsCast>(root: &Element, name: &str) -> T {
    by_name(root, "input, select, textarea", name).unchecked_into()
}

/// The table row whose row header reads exactly `header`, as a user reads it: each cell's
/// text, separated by spaces.
pub fn row_text(table: &Element, header: &str) -> String {
    let row = all(table, "tbody tr")
        .into_iter()
        .find(|tr| {
            tr.query_selector("th[scope=row]")
                .unwrap()
                .is_some_and(|th| normalize(&th.text_content().unwrap()) == header)
        })
        .unwrap_or_else(|| panic!("no row headed {header:?}"));
    all(&row, "th, td")
        .iter()
        .map(|cell| normalize(&cell.text_content().unwrap()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Waits until every update the last change set off has reached the DOM: Leptos runs effects
/// as microtasks, some scheduled by others (a property set after a memo after a signal), and
/// all of them finish before the browser's next task.
pub async fn settled() {
    leptos::task::tick().await;
    next_task().await;
}

/// Resolves in the browser's next task: after every microtask queued so far. A message on a
/// MessageChannel, not a zero timeout, which browsers clamp to 4 ms once timeouts nest.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let channel = web_sys::MessageChannel::new().unwrap();
        channel.port1().set_onmessage(Some(&resolve));
        channel
            .port2()
            .post_message(&wasm_bindgen::JsValue::NULL)
            .unwrap();
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Types into a field the way the browser reports it: value, then an `input` event.
pub fn type_into(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Presses `key` on `target` (a keydown that bubbles).
pub fn press(target: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

/// Waits (up to `ms`) for `done` to hold, giving Leptos and the network time to run.
pub async fn eventually(ms: u32, done: impl Fn() -> bool) -> bool {
    for _ in 0..ms / 50 {
        leptos::task::tick().await;
        if done() {
            return true;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    done()
}
