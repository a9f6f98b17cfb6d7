//! Mounts the app; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    // A panic or an uncaught error shows a panel instead of a frozen page (and, in debug
    // builds, the panic with its stack in the console).
    podium::ui::report_crashes();
    leptos::mount::mount_to_body(|| {
        podium::ui::App(podium::ui::AppProps {
            deployment: podium::ui::page_deployment(),
        })
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "This is Podium's browser app: `scripts/run` builds and serves it; the command line is \
         `podium` (cargo install --locked --path cli). See README.md."
    );
    std::process::exit(2);
}
