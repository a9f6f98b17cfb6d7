//! Mounts the app; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    // Panic messages in the console while developing; release bundles leave the hook out.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(podium::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Podium runs in the browser: `scripts/run` builds and serves it (see README.md).");
    std::process::exit(2);
}
