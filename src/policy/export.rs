//! Exporting a policy: the JSON document, the seed's `THRESHOLDS` dict, Python, or MLflow's
//! `quality_criteria` (`criteria.rs` says what it can carry).

use super::rules::Policy;

/// The forms a policy can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// The policy document (JSON), as saved in the `podium.policy` tag.
    #[default]
    Json,
    /// The seed's flat `THRESHOLDS` dict (JSON), when the policy fits in it.
    Thresholds,
    /// A Python snippet for the team's pipeline.
    Python,
    /// MLflow's `quality_criteria` for `mlflow.genai.evaluate` (MLflow ≥ 3.18).
    QualityCriteria,
}

impl ExportFormat {
    /// Every format, in the order a menu lists them.
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Json,
        ExportFormat::Thresholds,
        ExportFormat::Python,
        ExportFormat::QualityCriteria,
    ];

    /// A short stable name (a menu option's value).
    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Thresholds => "thresholds",
            ExportFormat::Python => "python",
            ExportFormat::QualityCriteria => "quality-criteria",
        }
    }

    /// The format named `key` (see [`ExportFormat::key`]).
    pub fn from_key(key: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.key() == key)
    }

    /// What a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Json => "Policy JSON",
            ExportFormat::Thresholds => "The seed's THRESHOLDS dict",
            ExportFormat::Python => "Python snippet for the pipeline",
            ExportFormat::QualityCriteria => "MLflow quality_criteria (mlflow.genai.evaluate)",
        }
    }

    /// `policy` in this format; for a policy the flat dict cannot express, says so instead.
    pub fn render(self, policy: &Policy) -> String {
        match self {
            ExportFormat::Json => policy.to_pretty_json(),
            ExportFormat::Thresholds => policy.to_flat_json().unwrap_or_else(|| {
                "This policy uses more than the seed's THRESHOLDS dict can say \
                 (direction, change vs champion, missing-metric mode or alias names): \
                 export it as JSON or Python instead."
                    .to_owned()
            }),
            ExportFormat::Python => policy.to_python(),
            ExportFormat::QualityCriteria => {
                let export = policy.to_quality_criteria();
                let mut out = format!(
                    "# mlflow.genai.evaluate(..., quality_criteria=QUALITY_CRITERIA), MLflow >= 3.18\n\
                     QUALITY_CRITERIA = {}\n",
                    python_literal(&serde_json::Value::String(export.criteria))
                );
                if !export.left_out.is_empty() {
                    out.push_str("# Not expressible as quality criteria, so left out:\n");
                    // Spelled out: a metric name's line break must not end the comment.
                    for line in &export.left_out {
                        out.push_str(&format!("#   {}\n", super::text::visible(line)));
                    }
                }
                out
            }
        }
    }
}

impl Policy {
    /// The seed's flat `THRESHOLDS` dict as JSON, when the policy fits in it.
    pub fn to_flat_json(&self) -> Option<String> {
        let flat = self.to_flat_thresholds()?;
        // Keep the policy's rule order, which the flat map (sorted) would lose.
        let ordered: serde_json::Map<String, serde_json::Value> = self
            .rules
            .iter()
            .filter_map(|r| {
                Some((
                    r.metric.clone(),
                    serde_json::Number::from_f64(flat[&r.metric])?.into(),
                ))
            })
            .collect();
        serde_json::to_string_pretty(&ordered).ok()
    }

    /// A ready-to-paste Python snippet: the seed's `THRESHOLDS`, or the full policy document
    /// with a note when the policy uses more than the seed's flat form can say.
    pub fn to_python(&self) -> String {
        match self.to_flat_thresholds() {
            Some(_) => {
                let ordered: serde_json::Map<String, serde_json::Value> = self
                    .rules
                    .iter()
                    .filter_map(|r| {
                        Some((
                            r.metric.clone(),
                            serde_json::Number::from_f64(r.threshold?)?.into(),
                        ))
                    })
                    .collect();
                format!(
                    "# Promotion thresholds (exported from Podium)\nTHRESHOLDS = {}\n",
                    python_literal(&serde_json::Value::Object(ordered))
                )
            }
            None => format!(
                "# Podium policy (exported). It uses more than the seed's flat THRESHOLDS can say\n\
                 # (direction, change vs champion, missing-metric mode or alias names): evaluate it\n\
                 # with `podium::policy::decide`, or port these fields to MetricThreshold.\n\
                 PODIUM_POLICY = {}\n",
                python_literal(&self.to_value())
            ),
        }
    }
}

/// `value` as a Python literal (`True`, `None`, dicts and lists indented by two spaces), its
/// strings escaped so that what is pasted is what was exported: quotes and backslashes, control
/// characters, and characters that are invisible or reorder text (a right-to-left override in a
/// metric name would otherwise make the pasted code read differently from what it does).
pub fn python_literal(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_python(value, 0, &mut out);
    out
}

fn write_python(value: &serde_json::Value, depth: usize, out: &mut String) {
    use serde_json::Value;
    let indent = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_python_string(s, out),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                indent(out, depth + 1);
                write_python(item, depth + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                indent(out, depth + 1);
                write_python_string(key, out);
                out.push_str(": ");
                write_python(item, depth + 1, out);
                if i + 1 < map.len() {
                    out.push(',');
                }
            }
            indent(out, depth);
            out.push('}');
        }
    }
}

fn write_python_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if super::text::is_hidden(c) && u32::from(c) > 0xFFFF => {
                out.push_str(&format!("\\U{:08x}", u32::from(c)))
            }
            c if super::text::is_hidden(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}
