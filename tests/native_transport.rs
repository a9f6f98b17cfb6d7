//! The command line's transport against misbehaving servers on loopback: a redirect is not
//! followed, an answer too large is not read.
#![cfg(not(target_arch = "wasm32"))]

use podium::mlflow::{ApiError, Client, Credentials, Native};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that answers every request with `head` (status line and headers) and `body`;
/// the number of connections it got, shared.
async fn serve(
    head: &'static str,
    body: &'static [u8],
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body).await;
        }
    });
    (url, count)
}

#[tokio::test]
async fn a_redirect_is_not_followed_with_the_credentials() {
    let (target, reached) = serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", b"{}").await;
    let location: &'static str = Box::leak(
        format!("HTTP/1.1 302 Found\r\nLocation: {target}/stolen\r\nContent-Length: 0\r\n\r\n")
            .into_boxed_str(),
    );
    let (url, _) = serve(location, b"").await;
    let credentials = Credentials::Bearer("secret".into());
    let client = Client::new(&url, &credentials, Native::new());
    let err = client.get_registered_model("m").await.unwrap_err();
    assert_eq!(err.status(), Some(302), "{err:?}");
    assert_eq!(reached.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_answer_over_the_limit_is_not_read() {
    let (url, _) = serve(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 73400320\r\n\r\n",
        b"[0,0,0",
    )
    .await;
    let client = Client::new(&url, &Credentials::None, Native::new());
    let err = client.get_registered_model("m").await.unwrap_err();
    assert!(
        matches!(err, ApiError::TooLarge { limit_mb: 64, .. }),
        "{err:?}"
    );
    assert_eq!(client.request_count(), 1, "not retried");
}
