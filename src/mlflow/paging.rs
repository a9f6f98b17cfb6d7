//! Following MLflow's page tokens, with bounds: a server that pages forever or repeats itself
//! fails the read instead of hanging it.

use std::future::Future;

use super::error::ApiError;

/// Pages followed for one listing at most (with Podium's page sizes, millions of items).
pub const MAX_PAGES: usize = 1_000;

/// Every item of a listing: `fetch(token)` returns one page and the next page's token (absent or
/// empty on the last page). A token seen before, or more than [`MAX_PAGES`] pages, is an
/// [`ApiError::Inconsistent`].
pub(crate) async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), ApiError>>,
{
    let mut items = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let (page, next) = fetch(token.take()).await?;
        items.extend(page);
        match next.filter(|t| !t.is_empty()) {
            // A token seen before would page forever.
            Some(t) if seen.contains(&t) => {
                return Err(ApiError::Inconsistent {
                    detail: format!(
                        "MLflow sent the same page token twice after {} items",
                        items.len()
                    ),
                })
            }
            Some(t) => {
                seen.push(t.clone());
                token = Some(t);
            }
            None => return Ok(items),
        }
    }
    Err(ApiError::Inconsistent {
        detail: format!("MLflow was still paging after {MAX_PAGES} pages"),
    })
}
