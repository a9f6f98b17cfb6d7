//! `users/current` (MLflow's basic-auth app): who the credentials sign in as.

use serde::Deserialize;

use super::client::{Client, Request};
use super::error::ApiError;

/// The path of the basic-auth app's current-user endpoint, from the server's root.
const CURRENT_USER: &str = "/api/2.0/mlflow/users/current";

/// A user of MLflow's basic-auth app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    /// The user name.
    pub username: String,
}

/// `users/current` response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CurrentUserResponse {
    /// The signed-in user.
    pub user: User,
}

impl Client {
    /// The user name MLflow's basic-auth app knows this client as; `None` when the server runs
    /// without it (it answers 404 there).
    pub async fn current_user(&self) -> Result<Option<String>, ApiError> {
        match self
            .read::<CurrentUserResponse>(Request::get(CURRENT_USER))
            .await
        {
            Ok(current) => Ok(Some(current.user.username)),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
