//! The browser's transport: `fetch`, cancelled with its page (an `AbortSignal`).

use gloo_net::http::{Request, RequestBuilder};
use send_wrapper::SendWrapper;
use web_sys::AbortSignal;

use super::transport::{
    Failure, HttpRequest, HttpResponse, LocalFuture, Method, Transport, MAX_BODY,
};

/// Sends requests with the browser's `fetch`.
#[derive(Debug, Clone, Default)]
pub struct Fetch {
    // Browser objects are single-threaded; wasm has one thread, and Leptos context wants Send.
    signal: Option<SendWrapper<AbortSignal>>,
}

impl Fetch {
    /// Requests that run to the end, whatever happens to the page that started them (writes).
    pub fn new() -> Fetch {
        Fetch::default()
    }

    /// Requests cancelled when `signal` fires (a screen's reads, when it goes away).
    pub fn aborted_by(signal: AbortSignal) -> Fetch {
        Fetch {
            signal: Some(SendWrapper::new(signal)),
        }
    }
}

impl Transport for Fetch {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<HttpResponse, Failure>> {
        let signal = self.signal.as_deref().cloned();
        Box::pin(async move {
            let builder = match request.method {
                Method::Get => Request::get(&request.url),
                Method::Post => Request::post(&request.url),
                Method::Delete => Request::delete(&request.url),
            };
            // MLflow's API never redirects; following one would send the credentials on.
            let mut builder: RequestBuilder = builder
                .abort_signal(signal.as_ref())
                .redirect(web_sys::RequestRedirect::Error);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let sent = match request.body {
                Some(body) => builder.body(body).map_err(failure)?.send().await,
                None => builder.send().await,
            };
            let response = sent.map_err(failure)?;
            let status = response.status();
            let length = response.headers().get("Content-Length");
            if length
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| n > MAX_BODY)
            {
                return Err(Failure::TooLarge);
            }
            // Without a length (a chunked answer) the body is read, then refused if too long.
            let body = response.text().await.map_err(failure)?;
            if body.len() > MAX_BODY {
                return Err(Failure::TooLarge);
            }
            Ok(HttpResponse { status, body })
        })
    }

    fn sleep(&self, ms: u32) -> LocalFuture<()> {
        Box::pin(gloo_timers::future::TimeoutFuture::new(ms))
    }
}

/// What the browser said, with what may cause a request to get no answer in a browser.
fn failure(error: gloo_net::Error) -> Failure {
    let said = match error {
        gloo_net::Error::JsError(js) if js.name == "AbortError" => return Failure::Aborted,
        gloo_net::Error::JsError(js) => js.message,
        other => other.to_string(),
    };
    Failure::Network(format!(
        "{said}. The server may be down or unreachable, or (for a tracking server on another \
         origin) its CORS settings do not allow this page: MLflow's --cors-allowed-origins must \
         name this page's origin (docs/DEPLOY.md)."
    ))
}
