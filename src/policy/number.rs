//! JSON numbers that may be non-finite.
//!
//! MLflow serialises metric values through protobuf JSON, which writes NaN and the infinities as
//! the strings `"NaN"`, `"Infinity"` and `"-Infinity"`. serde_json would turn them into `null`,
//! losing the fact that a value was there, so both directions go through here.

use serde::Serializer;

/// Reads a number, or one of protobuf JSON's spellings of a non-finite number.
pub(crate) fn from_json(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => of(n),
        serde_json::Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// The `f64` nearest to a JSON number, correctly rounded (serde_json's `float_roundtrip`, on
/// every target).
pub(crate) fn of(n: &serde_json::Number) -> Option<f64> {
    n.as_f64()
}

/// The `f64` nearest to a number in JSON's syntax, correctly rounded; ±∞ beyond the range.
fn exact(json: &str) -> f64 {
    match serde_json::from_str::<f64>(json) {
        Ok(v) => v,
        // serde_json refuses a number beyond f64's range; the syntax was checked by the caller.
        Err(_) if json.starts_with('-') => f64::NEG_INFINITY,
        Err(_) => f64::INFINITY,
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

/// Why typed text is not a usable number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Not a decimal number at all (`abc`, `0.7x`, `1,5`, `--1`).
    NotANumber,
    /// A number, but NaN or infinite (`NaN`, `inf`, `1e400`): never a usable threshold.
    NotFinite,
}

/// Reads a decimal number as a person types it: `0.85`, `.5`, `5.`, `-2`, `+1e-3`, `007`.
/// Surrounding spaces are ignored. `NaN`, `inf`, `infinity` and values too large for an `f64`
/// are [`NumberError::NotFinite`]; anything else that is not such a number is
/// [`NumberError::NotANumber`].
///
/// The text is checked here and rewritten in JSON's number syntax, then converted as JSON
/// numbers are: the bundle carries no float parser of its own.
pub fn parse_decimal(text: &str) -> Result<f64, NumberError> {
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if ["nan", "inf", "infinity"]
        .iter()
        .any(|word| unsigned.eq_ignore_ascii_case(word))
    {
        return Err(NumberError::NotFinite);
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) || !exponent_ok {
        return Err(NumberError::NotANumber);
    }
    // JSON wants a sign only when negative, no leading zeros, and digits on both sides of '.'.
    let mut json = String::with_capacity(text.len() + 2);
    if negative {
        json.push('-');
    }
    let whole = whole.trim_start_matches('0');
    json.push_str(if whole.is_empty() { "0" } else { whole });
    if !fraction.is_empty() {
        json.push('.');
        json.push_str(fraction);
    }
    if let Some(e) = exponent {
        json.push('e');
        json.push_str(e);
    }
    match exact(&json) {
        v if v.is_finite() => Ok(v),
        // Syntax was checked above: what is not finite now is out of range.
        _ => Err(NumberError::NotFinite),
    }
}

/// A value for a compact table cell: 3 decimals below 10, 1 below 1 000, none above
/// (`0.823`, `39.9`, `1250`); NaN and the infinities by name. The exact value goes elsewhere
/// (a tooltip, the decision panel).
pub fn compact(value: f64) -> String {
    let decimals = match value.abs() {
        v if v < 10.0 => 1e3,
        v if v < 1_000.0 => 1e1,
        _ => 1.0,
    };
    if !value.is_finite() || value.abs() >= 1e11 {
        return display(value);
    }
    display((value * decimals).round() / decimals)
}
