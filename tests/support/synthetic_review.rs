//! Review data for a model of any size, assembled from MLflow-shaped JSON (component tests
//! and the in-browser benchmark).

/// A model with `n` versions, each evaluated by its own run on the seed's four metrics;
/// version 1 is the champion.
pub fn synthetic_review(n: usize) -> std::sync::Arc<podium::mlflow::ReviewData> {
    use podium::mlflow::{
        GetRegisteredModelResponse, ReviewData, SearchModelVersionsResponse, SearchRunsResponse,
    };
    let metric = |i: usize, k: usize| ((i * 37 + k * 11) % 100) as f64 / 100.0;
    let model: GetRegisteredModelResponse = serde_json::from_value(serde_json::json!({
        "registered_model": {"name": "bench", "aliases": [{"alias": "champion", "version": "1"}]}
    }))
    .unwrap();
    let versions: SearchModelVersionsResponse = serde_json::from_value(serde_json::json!({
        "model_versions": (1..=n).map(|i| serde_json::json!({
            "name": "bench", "version": i.to_string(), "run_id": format!("r{i}"),
            "creation_timestamp": 1_764_000_000_000_i64 + i as i64,
        })).collect::<Vec<_>>()
    }))
    .unwrap();
    let keys = [
        "relevance_to_query/mean",
        "safety/mean",
        "guidelines/mean",
        "cost_accuracy/mean",
    ];
    let runs: SearchRunsResponse = serde_json::from_value(serde_json::json!({
        "runs": (1..=n).map(|i| serde_json::json!({
            "info": {"run_id": format!("r{i}"), "experiment_id": "1"},
            "data": {"metrics": keys.iter().enumerate().map(|(k, key)| serde_json::json!({
                "key": key, "value": metric(i, k), "timestamp": 0, "step": 0
            })).collect::<Vec<_>>()}
        })).collect::<Vec<_>>()
    }))
    .unwrap();
    std::sync::Arc::new(ReviewData::assemble(
        model.registered_model,
        versions.model_versions,
        &runs.runs,
        &[],
        None,
    ))
}
