//! One small SVG chart per policy metric: its value across versions and the threshold line.
//!
//! Points come from the preview (the engine's verdicts); dragging the threshold line, or
//! pressing the arrow keys on it, edits the threshold exactly like typing it.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::editor::PolicyDraft;
use crate::mlflow::ReviewData;
use crate::policy::{number, Policy, Preview, Verdict};

const W: f64 = 300.0;
const H: f64 = 140.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 22.0;

/// An SVG coordinate or number as text. Through `number::display` (4 decimals), not `Display`
/// for f64: the bundle then carries one float formatter.
fn num(v: f64) -> String {
    number::display(v)
}

/// The value scale of one chart.
#[derive(Clone, Copy)]
struct Scale {
    lo: f64,
    hi: f64,
}

impl Scale {
    fn y(&self, v: f64) -> f64 {
        TOP + (self.hi - v) / (self.hi - self.lo) * (H - TOP - BOTTOM)
    }
    fn value(&self, y: f64) -> f64 {
        self.hi - (y - TOP) / (H - TOP - BOTTOM) * (self.hi - self.lo)
    }
    fn step(&self) -> f64 {
        (self.hi - self.lo) / 100.0
    }
}

/// Charts for every rule of the policy.
#[component]
pub fn MetricCharts(
    /// The loaded versions (newest first).
    review: Arc<ReviewData>,
    /// The policy the preview uses.
    policy: Memo<Policy>,
    /// The engine's verdicts for every version.
    verdicts: Memo<Preview>,
    /// The candidate's row.
    candidate: RwSignal<usize>,
    /// The champion's row, if any.
    champion_row: Memo<Option<usize>>,
    /// The editor state a drag writes to.
    draft: RwSignal<PolicyDraft>,
    /// How many of the newest versions are shown (as in the table).
    shown: RwSignal<usize>,
) -> impl IntoView {
    // The charts are rebuilt only when the rules' metrics change: editing a threshold updates a
    // chart in place, so a drag keeps its grip. (A Memo, not <For>: a smaller bundle.)
    let metrics = Memo::new(move |_| {
        policy.with(|p| p.rules.iter().map(|r| r.metric.clone()).collect::<Vec<_>>())
    });
    let charts = move || {
        metrics
            .get()
            .into_iter()
            .enumerate()
            .map(|(rule_index, metric)| {
                view! {
                    <Chart
                        review=review.clone()
                        rule_index
                        metric
                        policy
                        verdicts
                        candidate
                        champion_row
                        draft
                        shown
                    />
                }
            })
            .collect_view()
    };
    view! {
        <section class="charts" aria-labelledby="charts-heading">
            <h2 id="charts-heading">"Metrics across versions"</h2>
            <p class="legend muted">
                "● passes · ✕ fails · ◯ ring: candidate · ◆ champion · dashed line: threshold (drag it, or focus it and use ↑ ↓)"
            </p>
            <div class="chart-grid">{charts}</div>
        </section>
    }
}

#[component]
fn Chart(
    review: Arc<ReviewData>,
    rule_index: usize,
    metric: String,
    policy: Memo<Policy>,
    verdicts: Memo<Preview>,
    candidate: RwSignal<usize>,
    champion_row: Memo<Option<usize>>,
    draft: RwSignal<PolicyDraft>,
    shown: RwSignal<usize>,
) -> impl IntoView {
    let n = review.versions.len();
    // Cheap to recompute: a closure, not a Memo (each Memo type costs bundle bytes).
    let threshold = move || policy.with(|p| p.rules.get(rule_index).and_then(|r| r.threshold));
    let threshold_now =
        move || policy.with_untracked(|p| p.rules.get(rule_index).and_then(|r| r.threshold));
    // The scale is fixed when the chart appears, so the line stays under the pointer while dragging.
    let preview = verdicts.get_untracked();
    let values: Vec<f64> = (0..n)
        .filter_map(|row| preview.cells(row).get(rule_index).and_then(|c| c.value))
        .filter(|v| v.is_finite())
        .chain(threshold_now())
        .collect();
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        (lo, hi) = (lo - 0.5, hi + 0.5);
    }
    let pad = (hi - lo) * 0.12;
    let scale = Scale {
        lo: lo - pad,
        hi: hi + pad,
    };
    // Oldest shown on the left.
    let x = move |row: usize, count: usize| {
        let slot = (count - 1 - row) as f64;
        LEFT + (slot + 0.5) / count.max(1) as f64 * (W - LEFT - RIGHT)
    };

    let versions: Vec<String> = review
        .versions
        .iter()
        .map(|v| v.version.version.clone())
        .collect();
    let points = move || {
        let preview = verdicts.get();
        let count = shown.get().min(n);
        (0..count)
            .filter_map(|row| {
                let cell = *preview.cells(row).get(rule_index)?;
                let value = cell.value.filter(|v| v.is_finite())?;
                let (cx, cy) = (x(row, count), scale.y(value));
                let verdict = match cell.verdict {
                    Verdict::Pass => "passes",
                    Verdict::Fail => "fails",
                    Verdict::Skipped => "skipped",
                };
                let title = format!("v{}: {} ({verdict})", versions[row], number::display(value));
                let shape = match cell.verdict {
                    Verdict::Fail => view! {
                        <path class="point fail" d=format!("M{} {} l8 8 m0 -8 l-8 8", num(cx - 4.0), num(cy - 4.0)) />
                    }
                    .into_any(),
                    _ => view! { <circle class="point pass" cx=num(cx) cy=num(cy) r="4" /> }.into_any(),
                };
                let is_candidate = candidate.get() == row;
                let is_champion = champion_row.get() == Some(row);
                Some(view! {
                    <g class="version-point" on:click=move |_| candidate.set(row)>
                        <title>{title}</title>
                        {shape}
                        {is_candidate.then(|| view! { <circle class="candidate-ring" cx=num(cx) cy=num(cy) r="8" /> })}
                        {is_champion
                            .then(|| {
                                view! {
                                    <path class="champion-mark" d=format!("M{} {} l5 5 l-5 5 l-5 -5 z", num(cx), num(cy - 17.0)) />
                                }
                            })}
                    </g>
                })
            })
            .collect_view()
    };

    let set_threshold = move |value: f64| {
        draft.update(|d| {
            if let Some(r) = d.rules.get_mut(rule_index) {
                r.threshold = number::display(value);
            }
        });
    };
    let (dragging, set_dragging) = signal(false);
    let on_move = move |ev: web_sys::PointerEvent| {
        if !dragging.get_untracked() {
            return;
        }
        let Some(svg) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let rect = svg.get_bounding_client_rect();
        let y = (f64::from(ev.client_y()) - rect.top()) * H / rect.height();
        set_threshold(scale.value(y.clamp(TOP, H - BOTTOM)));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let delta = match ev.key().as_str() {
            "ArrowUp" => scale.step(),
            "ArrowDown" => -scale.step(),
            _ => return,
        };
        ev.prevent_default();
        if let Some(t) = threshold_now() {
            set_threshold(t + delta);
        }
    };
    let line_y = move || {
        threshold()
            .map(|t| scale.y(t).clamp(TOP, H - BOTTOM))
            .unwrap_or(-100.0)
    };
    let label = {
        let metric = metric.clone();
        move || match threshold() {
            Some(t) => format!(
                "Threshold for {metric}: {}. Use the up and down arrow keys to change it.",
                number::display(t)
            ),
            None => format!("{metric} has no threshold"),
        }
    };
    let handle = view! {
        <g
            class="threshold-handle"
            tabindex="0"
            role="slider"
            aria-label=label
            aria-valuenow=move || num(threshold().unwrap_or_default())
            aria-valuemin=num(scale.lo)
            aria-valuemax=num(scale.hi)
            visibility=move || if threshold().is_some() { "visible" } else { "hidden" }
            on:keydown=on_key
            on:pointerdown=move |ev: web_sys::PointerEvent| {
                set_dragging.set(true);
                if let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = target.set_pointer_capture(ev.pointer_id());
                }
            }
        >
            <line class="threshold" x1=num(LEFT) x2=num(W - RIGHT) y1=move || num(line_y()) y2=move || num(line_y()) />
            <line class="threshold-hit" x1=num(LEFT) x2=num(W - RIGHT) y1=move || num(line_y()) y2=move || num(line_y()) />
            <text class="threshold-label" x=num(W - RIGHT) y=move || num(line_y() - 4.0) text-anchor="end">
                {move || threshold().map(number::display)}
            </text>
        </g>
    };
    let axis = view! {
        <text class="axis" x=num(LEFT - 6.0) y=num(scale.y(hi) + 4.0) text-anchor="end">{number::display(hi)}</text>
        <text class="axis" x=num(LEFT - 6.0) y=num(scale.y(lo) + 4.0) text-anchor="end">{number::display(lo)}</text>
        <text class="axis" x=num(LEFT) y=num(H - 6.0)>"oldest"</text>
        <text class="axis" x=num(W - RIGHT) y=num(H - 6.0) text-anchor="end">"newest"</text>
    };
    view! {
        <figure class="chart">
            <figcaption>{metric.clone()}</figcaption>
            <svg
                viewBox=format!("0 0 {} {}", num(W), num(H))
                role="group"
                aria-label=format!("{metric} across versions")
                on:pointermove=on_move
                on:pointerup=move |_| set_dragging.set(false)
                on:pointercancel=move |_| set_dragging.set(false)
            >
                {axis}
                <g class="points">{points}</g>
                {handle}
            </svg>
        </figure>
    }
}
