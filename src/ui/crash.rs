//! When Podium itself fails — a panic, or a browser error thrown through its code — the page
//! says so, instead of freezing on whatever it showed last ("Loading…").

use wasm_bindgen::prelude::*;

/// The panel's id: shown once, however many errors follow.
const PANEL: &str = "podium-crash";

/// Shows a "Podium stopped working" panel on any panic or uncaught error. Call before mounting.
pub fn report_crashes() {
    // A release build aborts after a panic: the hook runs first and gives the panel its words.
    std::panic::set_hook(Box::new(|info| {
        #[cfg(debug_assertions)]
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
    // Errors thrown by the browser through Podium's code, and the trap an abort ends in.
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let field = |name: &str| {
            js_sys::Reflect::get(&event, &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        let message = field("message").unwrap_or_else(|| "an error the browser reported".into());
        show(&message);
    });
    if let Some(window) = web_sys::window() {
        for kind in ["error", "unhandledrejection"] {
            let _ =
                window.add_event_listener_with_callback(kind, on_error.as_ref().unchecked_ref());
        }
    }
    // The page lives as long as the app.
    on_error.forget();
}

/// Puts the panel at the top of the page (as text only), unless it is there already.
fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if document.get_element_by_id(PANEL).is_some() {
        return;
    }
    let element = |tag: &str, text: &str| {
        let e = document.create_element(tag).ok()?;
        e.set_text_content(Some(text));
        Some(e)
    };
    let (Some(panel), Some(heading), Some(detail), Some(advice)) = (
        document.create_element("section").ok(),
        element("h2", "Podium stopped working"),
        element("p", message),
        element(
            "p",
            "Reload the page to start again. If you were applying alias moves, check the \
             model's aliases and its history before trying again.",
        ),
    ) else {
        return;
    };
    panel.set_id(PANEL);
    panel.set_class_name("error-panel crash");
    let _ = panel.set_attribute("role", "alert");
    detail.set_class_name("error-message");
    for child in [&heading, &detail, &advice] {
        let _ = panel.append_child(child);
    }
    let _ = body.insert_before(&panel, body.first_child().as_ref());
}
