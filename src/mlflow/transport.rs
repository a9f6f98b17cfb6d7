//! The seam between the MLflow layer and an HTTP client.
//!
//! Everything MLflow-specific — which request, its URL, retries, the time limit, paging, the
//! sequences of reads and writes — is written once in this module's [`Client`](super::Client)
//! over a [`Transport`]: something that sends one HTTP request and can wait. The browser's
//! transport is `fetch` ([`Fetch`](super::Fetch), wasm), the command line's an async HTTP
//! client on tokio ([`Native`](super::Native)), the tests' a scripted fake. (The `oauth2`
//! crate's `AsyncHttpClient` is the model.)
//!
//! The futures are not `Send`: the browser has one thread, and the command runs one task on a
//! current-thread runtime, so nothing needs to move a request between threads.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A future a transport returns (not `Send`: see the module's doc).
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// The HTTP methods MLflow's REST API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Reads.
    Get,
    /// Writes, and searches sent with a JSON body.
    Post,
    /// Deletes (with a JSON body, as MLflow wants).
    Delete,
}

impl Method {
    /// `GET`, `POST`, `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One HTTP request, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The whole URL (or a path on the page's origin, in the browser).
    pub url: String,
    /// Header names and values; `Authorization` carries a secret.
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of header `name`, if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    /// Never prints the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| match *n {
                "Authorization" => (*n, "***"),
                _ => (*n, v.as_str()),
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// An HTTP answer, its body read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// Why a transport got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer: refused, unreachable, reset, or (in the browser) blocked by CORS. The text
    /// says what the HTTP client saw.
    Network(String),
    /// The request was cancelled (its page went away).
    Aborted,
    /// The answer was longer than [`MAX_BODY`]: not read further.
    TooLarge,
}

/// The longest answer read, in bytes. The largest Podium asks for (a page of 5 000 versions,
/// 1 000 runs with their tags and params) is a few MB; a server that sends more is misbehaving.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Sends HTTP requests and waits: all the MLflow layer needs from the outside world.
pub trait Transport: Send + Sync {
    /// Sends `request` and reads the whole answer, whatever its status, up to [`MAX_BODY`]
    /// bytes. Redirects are not followed: MLflow's API never needs one, and following one
    /// would send the credentials wherever it points.
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<HttpResponse, Failure>>;

    /// Resolves after `ms` milliseconds (back-off between retries, the time limit).
    fn sleep(&self, ms: u32) -> LocalFuture<()>;
}
