//! The part of wasm-streams 0.5's API that server_fn's browser client names, for an app without
//! server functions (see Cargo.toml for why it replaces the real crate). Reading or writing a
//! stream through it panics with a message that says so.

use futures_util::stream::{Empty, Stream};
use wasm_bindgen::JsValue;

const NO_STREAMS: &str = "Podium replaces wasm-streams (vendor/wasm-streams): server functions \
                          that stream a body are not supported";

/// A `ReadableStream`, as wasm-streams wraps it.
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a browser stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// Not supported: panics.
    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        panic!("{NO_STREAMS}")
    }

    /// The browser stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// Not supported: panics.
    pub fn into_stream(self) -> Empty<Result<JsValue, JsValue>> {
        panic!("{NO_STREAMS}")
    }
}
