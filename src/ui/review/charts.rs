//! One small SVG chart per rule: the metric across the drawn versions and the threshold line.
//!
//! Points come from the preview (the engine's verdicts). Each chart reads only its own rule's
//! column, so a threshold edit redraws one chart. Dragging the threshold line, or pressing the
//! arrow keys on it, writes the rule's threshold through `ReviewState` by rule id, exactly like
//! typing it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::{use_review, WINDOW};
use super::table::signed;
use crate::policy::{number, row_comparison, RuleId, Verdict};
use crate::ui::verdict::look;

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

/// The value scale of one chart, fixed when the chart appears so the line stays under the
/// pointer while it is dragged.
#[derive(Clone, Copy)]
struct Scale {
    /// The values' extent (the axis labels).
    min: f64,
    max: f64,
    /// The drawn extent: the values' with a little room above and below.
    lo: f64,
    hi: f64,
}

impl Scale {
    /// A scale over `values` with a little room above and below.
    fn over(values: impl Iterator<Item = f64>) -> Scale {
        let (mut lo, mut hi) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-9 {
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }
        let pad = (hi - lo) * 0.12;
        Scale {
            min: lo,
            max: hi,
            lo: lo - pad,
            hi: hi + pad,
        }
    }
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

/// The x position of drawn row `row` of `count` (oldest on the left).
fn x(row: usize, count: usize) -> f64 {
    let slot = (count - 1 - row) as f64;
    LEFT + (slot + 0.5) / count.max(1) as f64 * (W - LEFT - RIGHT)
}

/// A chart for every rule of the policy in effect.
#[component]
pub fn MetricCharts() -> impl IntoView {
    let state = use_review();
    // Rebuilt only when rules are added, removed or renamed: an edit updates a chart in place,
    // so a drag keeps its grip.
    let charts = state.edit.rules();
    view! {
        <section class="charts" aria-labelledby="charts-heading">
            <h2 id="charts-heading">"Metrics across versions"</h2>
            <p class="legend muted">
                "● passes · ✕ fails · ◯ ring: candidate · ◆ champion · bar: the candidate's 95 % interval against the champion, per row · dashed line: threshold (drag it, or focus it and use ↑ ↓)"
            </p>
            <div class="chart-grid">
                {move || {
                    charts
                        .get()
                        .into_iter()
                        .map(|(id, metric)| view! { <Chart id metric /> })
                        .collect_view()
                }}
            </div>
        </section>
    }
}

/// One drawn version on a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    row: usize,
    x: f64,
    y: f64,
    value: f64,
    verdict: Verdict,
}

/// One rule's chart.
#[component]
fn Chart(
    /// The rule.
    id: RuleId,
    /// Its metric.
    metric: String,
) -> impl IntoView {
    let state = use_review();
    let data = state.versions.data();
    let n = data.versions.len();
    let index = move || state.edit.in_effect().with(|e| e.index_of(id));
    let threshold = Memo::new(move |_| {
        state
            .edit
            .in_effect()
            .with(|e| e.index_of(id).and_then(|i| e.policy.rules[i].threshold))
    });
    let scale = {
        let column = index().unwrap_or(usize::MAX);
        let preview = state.versions.verdicts().get_untracked();
        let values = (0..n).filter_map(|row| preview.cells(row).get(column).and_then(|c| c.value));
        Scale::over(values.chain(threshold.get_untracked()))
    };
    // Only this rule's verdicts and values: other rules' edits leave it equal.
    let points = Memo::new(move |_| {
        // The versions the table draws.
        let first = state.versions.first_row().get().min(n);
        let count = WINDOW.min(n - first);
        let Some(column) = index() else {
            return Vec::new();
        };
        state.versions.verdicts().with(|p| {
            (first..first + count)
                .filter_map(|row| {
                    let cell = p.cells(row).get(column)?;
                    let value = cell.value.filter(|v| v.is_finite())?;
                    Some(Point {
                        row,
                        x: x(row - first, count),
                        y: scale.y(value),
                        value,
                        verdict: cell.verdict,
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let versions: Vec<String> = data
        .versions
        .iter()
        .map(|v| v.version.version.clone())
        .collect();
    let shape = move |p: Point| {
        let word = look(p.verdict).word;
        let title = format!(
            "v{}: {} ({word})",
            versions[p.row],
            number::display(p.value)
        );
        let mark = match p.verdict {
            Verdict::Fail => view! {
                <path class="point fail" d=format!("M{} {} l8 8 m0 -8 l-8 8", num(p.x - 4.0), num(p.y - 4.0)) />
            }
            .into_any(),
            _ => view! { <circle class="point pass" cx=num(p.x) cy=num(p.y) r="4" /> }.into_any(),
        };
        view! {
            <g class="version-point" on:click=move |_| state.versions.choose_candidate(p.row)>
                <title>{title}</title>
                {mark}
            </g>
        }
    };
    let at_row = move |row: Option<usize>| {
        let row = row?;
        points.with(|ps| ps.iter().find(|p| p.row == row).copied())
    };
    let candidate_ring = move || {
        at_row(Some(state.versions.candidate_row().get())).map(|p| {
            view! { <circle class="candidate-ring" cx=num(p.x) cy=num(p.y) r="8" /> }
        })
    };
    let champion_mark = move || {
        at_row(state.versions.champion_row().get()).map(|p| {
            let d = format!("M{} {} l5 5 l-5 5 l-5 -5 z", num(p.x), num(p.y - 17.0));
            view! { <path class="champion-mark" d=d /> }
        })
    };
    // On a key metric with per-row data: the candidate's 95 % interval against the champion,
    // drawn where the candidate's mean would be (the champion's mean plus the difference).
    let interval = {
        let metric = metric.clone();
        move || {
            let rows = state.rows.loaded()?;
            let c = row_comparison(&rows, &metric)?;
            let p = at_row(Some(state.versions.candidate_row().get()))?;
            let (low, high) = c.interval;
            let y = |d: f64| num(scale.y(c.baseline_mean + d).clamp(TOP, H - BOTTOM));
            let title = format!(
                "Per-row difference with the champion: {} [{}, {}]",
                signed(c.difference),
                number::display(low),
                number::display(high)
            );
            Some(view! {
                <line class="interval" x1=num(p.x) x2=num(p.x) y1=y(low) y2=y(high)>
                    <title>{title}</title>
                </line>
            })
        }
    };
    view! {
        <figure class="chart">
            <figcaption>{metric.clone()}</figcaption>
            <svg
                viewBox=format!("0 0 {} {}", num(W), num(H))
                role="group"
                aria-label=format!("{metric} across versions")
            >
                <text class="axis" x=num(LEFT - 6.0) y=num(scale.y(scale.max) + 4.0) text-anchor="end">
                    {number::display(scale.max)}
                </text>
                <text class="axis" x=num(LEFT - 6.0) y=num(scale.y(scale.min) + 4.0) text-anchor="end">
                    {number::display(scale.min)}
                </text>
                <text class="axis" x=num(LEFT) y=num(H - 6.0)>
                    "oldest"
                </text>
                <text class="axis" x=num(W - RIGHT) y=num(H - 6.0) text-anchor="end">
                    "newest"
                </text>
                <g class="points">{move || points.get().into_iter().map(shape.clone()).collect_view()}</g>
                {interval}
                {candidate_ring}
                {champion_mark}
                <ThresholdHandle id metric=metric.clone() threshold=threshold.into() scale />
            </svg>
        </figure>
    }
}

/// The threshold line: drag it, or focus it and press ↑ / ↓.
#[component]
fn ThresholdHandle(
    /// The rule whose threshold it edits.
    id: RuleId,
    /// Its metric, for the handle's name.
    metric: String,
    /// The threshold in effect (none: the line is hidden).
    threshold: Signal<Option<f64>>,
    /// The chart's scale.
    scale: Scale,
) -> impl IntoView {
    let state = use_review();
    let (dragging, set_dragging) = signal(false);
    let on_move = move |ev: web_sys::PointerEvent| {
        if !dragging.get_untracked() {
            return;
        }
        let svg = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("svg").ok().flatten());
        let Some(svg) = svg else { return };
        let rect = svg.get_bounding_client_rect();
        let y = (f64::from(ev.client_y()) - rect.top()) * H / rect.height();
        state
            .edit
            .set_threshold_value(id, scale.value(y.clamp(TOP, H - BOTTOM)));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let delta = match ev.key().as_str() {
            "ArrowUp" => scale.step(),
            "ArrowDown" => -scale.step(),
            _ => return,
        };
        ev.prevent_default();
        if let Some(t) = threshold.get_untracked() {
            state.edit.set_threshold_value(id, t + delta);
        }
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        set_dragging.set(true);
        if let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = target.set_pointer_capture(ev.pointer_id());
        }
    };
    let line_y = move || {
        threshold
            .get()
            .map(|t| scale.y(t).clamp(TOP, H - BOTTOM))
            .unwrap_or(-100.0)
    };
    let label = move || match threshold.get() {
        Some(t) => format!(
            "Threshold for {metric}: {}. Use the up and down arrow keys to change it.",
            number::display(t)
        ),
        None => format!("{metric} has no threshold"),
    };
    view! {
        <g
            class="threshold-handle"
            tabindex="0"
            role="slider"
            aria-label=label
            aria-valuenow=move || num(threshold.get().unwrap_or_default())
            aria-valuemin=num(scale.lo)
            aria-valuemax=num(scale.hi)
            visibility=move || if threshold.get().is_some() { "visible" } else { "hidden" }
            on:keydown=on_key
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=move |_| set_dragging.set(false)
            on:pointercancel=move |_| set_dragging.set(false)
        >
            <line class="threshold" x1=num(LEFT) x2=num(W - RIGHT) y1=move || num(line_y()) y2=move || num(line_y()) />
            <line class="threshold-hit" x1=num(LEFT) x2=num(W - RIGHT) y1=move || num(line_y()) y2=move || num(line_y()) />
            <text class="threshold-label" x=num(W - RIGHT) y=move || num(line_y() - 4.0) text-anchor="end">
                {move || threshold.get().map(number::display)}
            </text>
        </g>
    }
}
