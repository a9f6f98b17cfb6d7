//! The command line's transport: reqwest (rustls) on tokio.

use std::error::Error as _;
use std::time::Duration;

use super::transport::{
    Failure, HttpRequest, HttpResponse, LocalFuture, Method, Transport, MAX_BODY,
};

/// Sends requests with reqwest; waits with tokio's timer (so it needs a tokio runtime).
#[derive(Debug, Clone)]
pub struct Native {
    http: reqwest::Client,
}

impl Native {
    /// A transport with its own connection pool. MLflow's API never redirects: a redirect is
    /// refused rather than followed (with the credentials) to wherever it points.
    pub fn new() -> Native {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("podium/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("reqwest's TLS back-end (rustls) starts");
        Native { http }
    }
}

impl Default for Native {
    fn default() -> Native {
        Native::new()
    }
}

impl Transport for Native {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<HttpResponse, Failure>> {
        let http = self.http.clone();
        Box::pin(async move {
            let method = match request.method {
                Method::Get => reqwest::Method::GET,
                Method::Post => reqwest::Method::POST,
                Method::Delete => reqwest::Method::DELETE,
            };
            let mut builder = http.request(method, &request.url);
            for (name, value) in request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = request.body {
                builder = builder.body(body);
            }
            let mut response = builder.send().await.map_err(failure)?;
            let status = response.status().as_u16();
            if response
                .content_length()
                .is_some_and(|n| n > MAX_BODY as u64)
            {
                return Err(Failure::TooLarge);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(failure)? {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(Failure::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            let body = String::from_utf8_lossy(&body).into_owned();
            Ok(HttpResponse { status, body })
        })
    }

    fn sleep(&self, ms: u32) -> LocalFuture<()> {
        Box::pin(tokio::time::sleep(Duration::from_millis(u64::from(ms))))
    }
}

/// reqwest's error with its causes ("error sending request: … connection refused"), without
/// the URL (the caller's error names it).
fn failure(error: reqwest::Error) -> Failure {
    let mut causes = Vec::new();
    let mut cause = error.source();
    while let Some(c) = cause {
        causes.push(c.to_string());
        cause = c.source();
    }
    let mut text = error.without_url().to_string();
    for c in causes {
        text.push_str(": ");
        text.push_str(&c);
    }
    Failure::Network(text)
}
