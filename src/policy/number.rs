//! JSON numbers that may be non-finite.
//!
//! MLflow serialises metric values through protobuf JSON, which writes NaN and the infinities as
//! the strings `"NaN"`, `"Infinity"` and `"-Infinity"`. serde_json would turn them into `null`,
//! losing the fact that a value was there, so both directions go through here.

use serde::Serializer;

/// Reads a number, or one of protobuf JSON's spellings of a non-finite number.
pub(crate) fn from_json(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// Writes finite numbers as JSON numbers and the rest as protobuf JSON strings.
pub(crate) fn to_json(value: f64) -> serde_json::Value {
    if value.is_finite() {
        serde_json::Number::from_f64(value)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    } else if value.is_nan() {
        "NaN".into()
    } else if value > 0.0 {
        "Infinity".into()
    } else {
        "-Infinity".into()
    }
}

/// `serialize_with` helper for `f64` fields.
pub(crate) fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&to_json(*value), s)
}

/// `serialize_with` helper for `Option<f64>` fields.
pub(crate) fn serialize_opt<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serialize(v, s),
        None => s.serialize_none(),
    }
}

/// Formats a value for people: NaN and the infinities by name, others rounded to 4 decimals.
pub fn display(value: f64) -> String {
    if !value.is_finite() {
        return shortest(value);
    }
    // k / 10^4 is the double nearest to the 4-decimal number, so its shortest form has at most
    // 4 decimals. Beyond 1e11 the product would lose the fraction: write the value as it is.
    let rounded = if value.abs() < 1e11 {
        (value * 1e4).round() / 1e4
    } else {
        value
    };
    let s = shortest(rounded);
    if s == "-0" {
        "0".to_owned()
    } else {
        s
    }
}

/// The shortest text that reads back as exactly `value` (`0.85`, `1`, `1e-7`, `1e+16`); NaN and
/// the infinities as `NaN`, `+inf` and `-inf`.
///
/// Written with serde_json's formatter rather than `Display`, so the wasm bundle carries one
/// float formatter, not two.
pub fn shortest(value: f64) -> String {
    match serde_json::Number::from_f64(value) {
        Some(n) => {
            let s = n.to_string();
            match s.strip_suffix(".0") {
                Some(whole) => whole.to_owned(),
                None => s,
            }
        }
        None if value.is_nan() => "NaN".to_owned(),
        None if value > 0.0 => "+inf".to_owned(),
        None => "-inf".to_owned(),
    }
}
