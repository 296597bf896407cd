//! Geometry of the summary bar charts, drawn by the templates as inline SVG.
//!
//! The HTML report must work offline and print cleanly, so its charts are
//! plain SVG rectangles rather than a charting script. Coordinates are
//! computed here, where they can be tested; the template only places them.
//! Each chart also carries a sentence stating the same numbers in words, for
//! screen readers and for anyone reading the printed page in black and white.

use serde::Serialize;

use super::context::{AreaRow, SeverityRow};
use crate::result::Severity;

/// Total width of a chart, in SVG units.
const WIDTH: f64 = 560.0;
/// Where bars start; the labels sit left of it.
const BAR_X: f64 = 150.0;
/// The longest bar; room is left on the right for the count.
const BAR_MAX: f64 = 340.0;
/// Vertical distance between rows.
const ROW: f64 = 28.0;
/// Height of one bar.
const BAR_HEIGHT: f64 = 18.0;

/// The two summary charts.
#[derive(Debug, Serialize)]
pub struct Charts {
    /// Open findings per severity.
    pub severity: Chart,
    /// Open findings per area, each bar split by severity.
    pub area: Chart,
}

/// One horizontal bar chart.
#[derive(Debug, Serialize)]
pub struct Chart {
    /// The `viewBox` width.
    pub width: f64,
    /// The `viewBox` height.
    pub height: f64,
    /// The x of the bars' left edge.
    pub bar_x: f64,
    /// Where the labels end (they are right-aligned).
    pub label_x: f64,
    /// The width of the pale track behind each bar.
    pub track_width: f64,
    /// One row per bar.
    pub rows: Vec<ChartRow>,
    /// The numbers in words, for `<desc>` and screen readers.
    pub description: String,
}

/// Labels longer than this are shortened so they fit left of the bars.
const LABEL_CHARS: usize = 18;

/// One bar.
#[derive(Debug, Serialize)]
pub struct ChartRow {
    /// The full label.
    pub label: String,
    /// The label as drawn, at most 18 characters.
    pub short_label: String,
    /// Whether `short_label` had to be cut (then the template adds the full label as a tooltip).
    pub shortened: bool,
    /// The number right of the bar.
    pub total: usize,
    /// Top of the bar.
    pub y: f64,
    /// Baseline of the label and count text.
    pub text_y: f64,
    /// Height of the bar.
    pub height: f64,
    /// Where the count is written.
    pub total_x: f64,
    /// The bar's pieces, one per severity present.
    pub segments: Vec<Segment>,
}

/// A piece of a bar in one severity's colour.
#[derive(Debug, Serialize)]
pub struct Segment {
    /// Which severity (the CSS class picks the colour).
    pub severity: Severity,
    /// Left edge.
    pub x: f64,
    /// Width.
    pub width: f64,
    /// The count it stands for.
    pub count: usize,
}

/// Lays out both charts.
pub(crate) fn charts(severities: &[SeverityRow], areas: &[AreaRow]) -> Charts {
    let severity_bars: Vec<(String, Vec<(Severity, usize)>)> = severities
        .iter()
        .map(|s| (s.label.to_string(), vec![(s.key, s.open)]))
        .collect();
    let area_bars: Vec<(String, Vec<(Severity, usize)>)> = areas
        .iter()
        .map(|a| {
            let parts = Severity::DESCENDING
                .iter()
                .copied()
                .zip(a.by_severity.iter().copied());
            (a.label.clone(), parts.collect())
        })
        .collect();
    Charts {
        severity: chart(&severity_bars, "Open findings by severity"),
        area: chart(&area_bars, "Open findings by area"),
    }
}

fn chart(bars: &[(String, Vec<(Severity, usize)>)], title: &str) -> Chart {
    let totals: Vec<usize> = bars
        .iter()
        .map(|(_, parts)| parts.iter().map(|p| p.1).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let scale = BAR_MAX / max as f64;

    let rows = bars
        .iter()
        .zip(&totals)
        .enumerate()
        .map(|(i, ((label, parts), &total))| {
            let y = 4.0 + ROW * i as f64;
            let mut x = BAR_X;
            let mut segments = Vec::new();
            for &(severity, count) in parts.iter().filter(|p| p.1 > 0) {
                let width = round(count as f64 * scale);
                segments.push(Segment {
                    severity,
                    x: round(x),
                    width,
                    count,
                });
                x += width;
            }
            let shortened = label.chars().count() > LABEL_CHARS;
            let short_label = if shortened {
                let head: String = label.chars().take(LABEL_CHARS - 1).collect();
                format!("{head}…")
            } else {
                label.clone()
            };
            ChartRow {
                label: label.clone(),
                short_label,
                shortened,
                total,
                y,
                text_y: y + 13.5,
                height: BAR_HEIGHT,
                total_x: round(x + 6.0),
                segments,
            }
        })
        .collect();
    let words: Vec<String> = bars
        .iter()
        .zip(&totals)
        .map(|((l, _), t)| format!("{l}: {t}"))
        .collect();
    Chart {
        width: WIDTH,
        height: 8.0 + ROW * bars.len() as f64,
        bar_x: BAR_X,
        label_x: BAR_X - 8.0,
        track_width: BAR_MAX,
        rows,
        description: format!("{title}. {}.", words.join(", ")),
    }
}

/// Rounds to one decimal, enough for a crisp bar and a stable snapshot.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_bar_fills_the_width_and_segments_stack() {
        let bars = vec![
            (
                "A".to_string(),
                vec![(Severity::High, 2), (Severity::Low, 2)],
            ),
            (
                "B".to_string(),
                vec![(Severity::High, 1), (Severity::Low, 0)],
            ),
        ];
        let c = chart(&bars, "T");
        assert_eq!(c.rows[0].segments.len(), 2);
        assert_eq!(c.rows[0].segments[0].width, 170.0);
        assert_eq!(c.rows[0].segments[1].x, 320.0);
        assert_eq!(c.rows[0].total_x, 496.0);
        assert_eq!(c.rows[1].segments.len(), 1);
        assert_eq!(c.rows[1].y, 32.0);
        assert_eq!(c.description, "T. A: 4, B: 1.");
    }

    #[test]
    fn long_labels_are_shortened() {
        let long = "Key isolation\" onmouseover=\"x".to_string();
        let c = chart(&[(long.clone(), vec![(Severity::High, 1)])], "T");
        assert_eq!(c.rows[0].short_label, "Key isolation\" on…");
        assert!(c.rows[0].shortened);
        assert_eq!(c.rows[0].label, long);
    }

    #[test]
    fn no_findings_draws_no_segments() {
        let c = chart(&[("A".to_string(), vec![(Severity::High, 0)])], "T");
        assert!(c.rows[0].segments.is_empty());
        assert_eq!(c.rows[0].total_x, 156.0);
    }
}
