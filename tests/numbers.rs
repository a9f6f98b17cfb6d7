//! Numbers read exactly, natively and in the browser: MLflow's metric values, policy thresholds
//! and typed numbers are the nearest double to their text, as Python reads them. The app's
//! bundle converts number text with the browser's parser (serde_json's own correctly rounded
//! one is left out of it), so these run in both places.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use podium::mlflow::SearchRunsResponse;
use podium::policy::number::{parse_decimal, NumberError};
use podium::policy::Policy;

/// Decimal texts a naive reader (the digits as an integer, then one division by a power of ten)
/// rounds to the wrong neighbour, with plain ones.
const TEXTS: [&str; 7] = [
    "0.069977848286370165",
    "483822778.01338157",
    "1440848035001589.1",
    "0.30000000000000004",
    "0.9823000000000001",
    "0.7",
    "2.2250738585072014e-308",
];

fn nearest(text: &str) -> f64 {
    text.parse().unwrap()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn metric_values_are_the_nearest_double() {
    for text in TEXTS {
        let json = format!(
            r#"{{"runs": [{{"info": {{"run_id": "r", "experiment_id": "0"}},
                "data": {{"metrics": [{{"key": "m", "value": {text}}}]}}}}]}}"#
        );
        let page: SearchRunsResponse = serde_json::from_str(&json).unwrap();
        let value = page.runs[0].data.metrics[0].value;
        assert_eq!(value.to_bits(), nearest(text).to_bits(), "{text}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn policy_thresholds_are_the_nearest_double() {
    for text in TEXTS {
        let policy = Policy::from_json(&format!(r#"{{"m": {text}}}"#)).unwrap();
        let threshold = policy.rules[0].threshold.unwrap();
        assert_eq!(threshold.to_bits(), nearest(text).to_bits(), "{text}");
    }
    // Out of range is refused, not read as infinity.
    assert!(Policy::from_json(r#"{"m": 1e400}"#).is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn typed_numbers_are_the_nearest_double() {
    for text in TEXTS {
        let typed = parse_decimal(text).unwrap();
        assert_eq!(typed.to_bits(), nearest(text).to_bits(), "{text}");
    }
    assert_eq!(parse_decimal("1e-400"), Ok(0.0));
    for text in ["1e400", "-1e309"] {
        assert_eq!(parse_decimal(text), Err(NumberError::NotFinite), "{text}");
    }
}
