//! MLflow REST layer.
