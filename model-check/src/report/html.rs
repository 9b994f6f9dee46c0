//! One self-contained HTML file a person reads: a summary by verdict and tag, then every
//! test with its findings, evidence, examples and detail tables, the tables' plot hints drawn
//! as inline SVG.
//!
//! The file needs nothing else: a Content-Security-Policy meta tag allows inline styles and
//! `data:` images only (`default-src 'none'`), there is no script and no URL, and it reads
//! the same with JavaScript off. Every piece of user text — test, feature, class and cohort
//! names, notes, example texts — is escaped. The markup is well-formed XML (every element
//! closed, every attribute quoted), which the crate's tests check with an XML parser.
//!
//! Its size is bounded by the findings, never by the rows: each outcome renders its evidence
//! line, at most its examples (`max_examples`) and its tables, each at most
//! [`MAX_TABLE_ROWS`](crate::outcome::MAX_TABLE_ROWS) rows, each plot one SVG element per
//! table row. The run statistics (model calls, milliseconds) sit in a `<p class="run">` of
//! their own per test: everything else is the same bytes for the same results.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{SuiteReport, TestReport};
use crate::outcome::{Cell, Outcome, Plot, Table, Unit, Verdict};

/// The page's style: small, inline, readable in print.
const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1b1b1b}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
.v{display:inline-block;min-width:7em;font-weight:600;padding:0 .4em;border-radius:3px;color:#fff}\
.PASS{background:#2e7d32}.FAIL{background:#c62828}.INCONCLUSIVE{background:#ef6c00}.ERROR{background:#6a1b9a}\
.o{margin:.7em 0 .7em 1em}.e{color:#444}.run{color:#777;font-size:.9em}svg{display:block;margin:.3em 0}\
code{background:#f4f4f4;padding:0 .2em}";

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn render(suite: &SuiteReport) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\" />\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n");
    out.push_str("<title>model-check report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>model-check report</h1>\n");
    summary(&mut out, suite);
    for test in &suite.tests {
        render_test(&mut out, test);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Inconclusive => "INCONCLUSIVE",
        Verdict::Error => "ERROR",
    }
}

/// Outcome verdicts counted overall and by tag.
fn summary(out: &mut String, suite: &SuiteReport) {
    let verdicts = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Inconclusive,
        Verdict::Error,
    ];
    let mut by_tag: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    let mut all = [0u64; 4];
    for test in &suite.tests {
        for o in &test.outcomes {
            let k = verdicts.iter().position(|&v| v == o.verdict).unwrap_or(3);
            all[k] += 1;
            for tag in &test.tags {
                by_tag.entry(tag.clone()).or_default()[k] += 1;
            }
        }
    }
    let passed = suite.tests.iter().filter(|t| t.passed).count();
    let _ = writeln!(
        out,
        "<p>{passed} of {} tests passed.</p>",
        suite.tests.len()
    );
    out.push_str("<table class=\"summary\">\n<tr><th>outcomes</th>");
    for v in verdicts {
        let _ = write!(out, "<th>{}</th>", verdict_class(v));
    }
    out.push_str("</tr>\n");
    let mut row = |name: &str, counts: &[u64; 4]| {
        let _ = write!(out, "<tr><td>{}</td>", escape(name));
        for c in counts {
            let _ = write!(out, "<td class=\"n\">{c}</td>");
        }
        out.push_str("</tr>\n");
    };
    row("all", &all);
    for (tag, counts) in &by_tag {
        row(&format!("tag {tag}"), counts);
    }
    out.push_str("</table>\n");
}

fn render_test(out: &mut String, test: &TestReport) {
    let _ = writeln!(
        out,
        "<section class=\"test\">\n<h2><span class=\"v {}\">{}</span> {}</h2>",
        verdict_class(test.verdict),
        verdict_class(test.verdict),
        escape(&test.test)
    );
    let mut facts = vec![format!("seed <code>{}</code>", test.seed)];
    if !test.reproduce.is_empty() {
        facts.push(format!(
            "reproduce <code>{}</code>",
            escape(&test.reproduce)
        ));
    }
    if !test.file.is_empty() {
        facts.push(format!("{}:{}", escape(&test.file), test.line));
    }
    if !test.tags.is_empty() {
        facts.push(format!("tags {}", escape(&test.tags.join(", "))));
    }
    let _ = writeln!(out, "<p class=\"e\">{}</p>", facts.join(" · "));
    if let Some(error) = &test.error {
        let _ = writeln!(out, "<p><strong>error</strong>: {}</p>", escape(error));
    }
    for outcome in &test.outcomes {
        render_outcome(out, outcome);
    }
    let _ = writeln!(
        out,
        "<p class=\"run\">{} model calls, {:.0} ms</p>\n</section>",
        test.run.model_calls, test.run.duration_ms
    );
}

fn render_outcome(out: &mut String, o: &Outcome) {
    let e = &o.evidence;
    let mut title = escape(&o.expectation);
    if let Some(subject) = &o.subject {
        let _ = write!(title, " <em>[{}]</em>", escape(subject));
    }
    let _ = writeln!(
        out,
        "<div class=\"o\">\n<p><span class=\"v {}\">{}</span> {title}</p>",
        verdict_class(o.verdict),
        verdict_class(o.verdict)
    );
    let mut lines = Vec::new();
    if !o.cohort.is_empty() {
        lines.push(format!("cohort {}", escape(&o.cohort)));
    }
    if let Some(model) = &o.model {
        lines.push(format!("model {}", escape(&model.to_string())));
    }
    lines.push(format!("observed {}", escape(&super::text::observed(e))));
    if let Some(t) = e.threshold {
        lines.push(format!("threshold {}", escape(&e.unit.show(t))));
    }
    if let Some(p) = e.p_value {
        let adjusted = e.adjusted_p_value.map_or(String::new(), |q| {
            format!(" (adjusted {})", crate::fmt::p_value(q))
        });
        lines.push(format!("p-value {}{adjusted}", crate::fmt::p_value(p)));
    }
    if let Some(note) = &o.note {
        lines.push(format!("note {}", escape(note)));
    }
    let _ = writeln!(out, "<p class=\"e\">{}</p>", lines.join("<br />"));
    if let (Some(estimate), Some(ci)) = (e.estimate, e.interval)
        && e.method.has_interval()
    {
        out.push_str(&interval_svg(
            &[(String::new(), estimate, ci.lo, ci.hi)],
            e.threshold,
            &e.unit,
        ));
    }
    if !o.examples.is_empty() {
        out.push_str("<ul>\n");
        for example in &o.examples {
            let id = example
                .id
                .as_ref()
                .map_or(String::new(), |id| format!(" (id {})", escape(id)));
            let _ = write!(
                out,
                "<li>row {}{id}: {}",
                example.row,
                escape(&example.detail)
            );
            for edit in &example.edits {
                let _ = write!(
                    out,
                    "<br />{}: <del>{}</del> → <ins>{}</ins>",
                    escape(&edit.target),
                    escape(&edit.before),
                    escape(&edit.after)
                );
            }
            if let Some(variant) = &example.variant {
                let _ = write!(out, "<br />variant: <q>{}</q>", escape(variant));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    for table in &e.tables {
        render_table(out, table);
    }
    out.push_str("</div>\n");
}

fn cell_text(cell: &Cell, unit: Option<&Unit>) -> String {
    match cell {
        Cell::Number(x) => match unit {
            Some(u) => u.show_bare(*x),
            None => crate::fmt::number(*x),
        },
        Cell::Text(s) => s.clone(),
        Cell::Missing => "–".into(),
    }
}

fn column(table: &Table, name: &str) -> Option<usize> {
    table.columns.iter().position(|c| c.name == name)
}

fn number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Number(x) if x.is_finite() => Some(*x),
        _ => None,
    }
}

fn render_table(out: &mut String, table: &Table) {
    let _ = writeln!(
        out,
        "<p class=\"e\">table <strong>{}</strong>{}</p>",
        escape(&table.name),
        if table.truncated() {
            format!(" ({} of {} rows)", table.rows.len(), table.total_rows)
        } else {
            String::new()
        }
    );
    if let Some(plot) = &table.plot {
        out.push_str(&plot_svg(table, plot));
    }
    out.push_str("<table>\n<tr>");
    for c in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(&c.name));
    }
    out.push_str("</tr>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (cell, c) in row.iter().zip(&table.columns) {
            let class = if c.unit.is_some() { " class=\"n\"" } else { "" };
            let _ = write!(
                out,
                "<td{class}>{}</td>",
                escape(&cell_text(cell, c.unit.as_ref()))
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

/// A plot hint drawn from its table's columns; nothing when a named column is missing.
fn plot_svg(table: &Table, plot: &Plot) -> String {
    let text = |row: &[Cell], k: usize| cell_text(&row[k], table.columns[k].unit.as_ref());
    match plot {
        Plot::Intervals {
            label,
            estimate,
            lo,
            hi,
            threshold,
        } => {
            let (Some(l), Some(e), Some(a), Some(b)) = (
                column(table, label),
                column(table, estimate),
                column(table, lo),
                column(table, hi),
            ) else {
                return String::new();
            };
            let rows: Vec<(String, f64, f64, f64)> = table
                .rows
                .iter()
                .filter_map(|r| Some((text(r, l), number(&r[e])?, number(&r[a])?, number(&r[b])?)))
                .collect();
            let unit = table.columns[e].unit.clone().unwrap_or(Unit::Number);
            interval_svg(&rows, *threshold, &unit)
        }
        Plot::Bars { label, value } => {
            let (Some(l), Some(v)) = (column(table, label), column(table, value)) else {
                return String::new();
            };
            let rows: Vec<(String, f64, Option<f64>)> = table
                .rows
                .iter()
                .filter_map(|r| Some((text(r, l), number(&r[v])?, None)))
                .collect();
            bars_svg(&rows)
        }
        Plot::Histogram {
            lo,
            hi,
            count,
            reference,
        } => {
            let (Some(a), Some(b), Some(c)) =
                (column(table, lo), column(table, hi), column(table, count))
            else {
                return String::new();
            };
            let before = reference.as_deref().and_then(|name| column(table, name));
            let rows: Vec<(String, f64, Option<f64>)> = table
                .rows
                .iter()
                .filter_map(|r| {
                    let label = format!("{}–{}", text(r, a), text(r, b));
                    Some((label, number(&r[c])?, before.and_then(|i| number(&r[i]))))
                })
                .collect();
            bars_svg(&rows)
        }
        Plot::Matrix {
            row,
            column: col,
            value,
        } => {
            let (Some(r), Some(c), Some(v)) =
                (column(table, row), column(table, col), column(table, value))
            else {
                return String::new();
            };
            matrix_svg(
                &table
                    .rows
                    .iter()
                    .filter_map(|x| Some((text(x, r), text(x, c), number(&x[v])?)))
                    .collect::<Vec<_>>(),
            )
        }
    }
}

/// The width of a plot's drawing area, right of its labels.
const PLOT: f64 = 420.0;
const ROW: f64 = 20.0;
/// Labels longer than this many characters are cut with an ellipsis (the table below the
/// plot has them whole).
const LABEL_CHARS: usize = 60;

/// A label as drawn: at most [`LABEL_CHARS`] characters.
fn fit(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// The room the longest label needs at 12px (about 6.6px a character), and the plot's
/// whole width.
fn widths<'a>(labels: impl Iterator<Item = &'a str>) -> (f64, f64) {
    let chars = labels.map(|l| fit(l).chars().count()).max().unwrap_or(0);
    let label = if chars == 0 {
        10.0
    } else {
        (chars as f64 * 6.6 + 12.0).max(60.0)
    };
    (label, label + PLOT + 20.0)
}

/// A forest plot: one interval and estimate per row, the threshold a dashed line.
fn interval_svg(rows: &[(String, f64, f64, f64)], threshold: Option<f64>, unit: &Unit) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut lo = rows
        .iter()
        .map(|r| r.2.min(r.1))
        .fold(f64::INFINITY, f64::min);
    let mut hi = rows
        .iter()
        .map(|r| r.3.max(r.1))
        .fold(f64::NEG_INFINITY, f64::max);
    if let Some(t) = threshold.filter(|t| t.is_finite()) {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        hi = lo + 1.0;
    }
    let (label, width) = widths(rows.iter().map(|r| r.0.as_str()));
    let x = |v: f64| label + (v - lo) / (hi - lo) * PLOT;
    let height = ROW * rows.len() as f64 + 24.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"intervals\" width=\"{width:.0}\" height=\"{height}\" role=\"img\">"
    );
    for (i, (name, estimate, a, b)) in rows.iter().enumerate() {
        let y = ROW * i as f64 + ROW / 2.0 + 4.0;
        if !name.is_empty() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
                label - 6.0,
                y + 4.0,
                escape(&fit(name))
            );
        }
        let _ = write!(
            svg,
            "<line class=\"interval\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#1565c0\" stroke-width=\"2\" /><circle class=\"estimate\" cx=\"{:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"#0d47a1\" />",
            x(*a),
            x(*b),
            x(*estimate)
        );
    }
    if let Some(t) = threshold.filter(|t| t.is_finite()) {
        let _ = write!(
            svg,
            "<line class=\"threshold\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"0\" y2=\"{1:.1}\" stroke=\"#c62828\" stroke-dasharray=\"4 3\" />",
            x(t),
            height - 16.0
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{label:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text></svg>",
        height - 2.0,
        escape(&unit.show_bare(lo)),
        width - 20.0,
        height - 2.0,
        escape(&unit.show_bare(hi))
    );
    svg
}

/// Horizontal bars from 0 (negative values to the left of it); a row's second value, if
/// any, is a reference's, drawn as a grey bar above the row's own.
fn bars_svg(rows: &[(String, f64, Option<f64>)]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let values = || rows.iter().flat_map(|r| std::iter::once(r.1).chain(r.2));
    let lo = values().fold(0.0, f64::min);
    let hi = values().fold(0.0, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (label, width) = widths(rows.iter().map(|r| r.0.as_str()));
    let x = |v: f64| label + (v - lo) / span * PLOT;
    let height = ROW * rows.len() as f64 + 4.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" width=\"{width:.0}\" height=\"{height}\" role=\"img\">"
    );
    for (i, (name, value, before)) in rows.iter().enumerate() {
        let y = ROW * i as f64 + 2.0;
        let span = |v: f64| (x(v.min(0.0)), x(v.max(0.0)));
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            label - 6.0,
            y + 13.0,
            escape(&fit(name)),
        );
        // With a reference, each half of the row: the reference's grey bar, then this one.
        let (top, tall) = match before {
            Some(v) => {
                let (a, b) = span(*v);
                let _ = write!(
                    svg,
                    "<rect class=\"reference\" x=\"{a:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#9e9e9e\" />",
                    (b - a).max(0.5),
                    (ROW - 6.0) / 2.0
                );
                (y + (ROW - 6.0) / 2.0, (ROW - 6.0) / 2.0)
            }
            None => (y, ROW - 6.0),
        };
        let (a, b) = span(*value);
        let _ = write!(
            svg,
            "<rect class=\"bar\" x=\"{a:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{tall:.1}\" fill=\"#1565c0\" />",
            (b - a).max(0.5),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A grid of cells shaded by value, each with its number.
fn matrix_svg(cells: &[(String, String, f64)]) -> String {
    let mut rows: Vec<&str> = Vec::new();
    let mut columns: Vec<&str> = Vec::new();
    for (r, c, _) in cells {
        if !rows.contains(&r.as_str()) {
            rows.push(r);
        }
        if !columns.contains(&c.as_str()) {
            columns.push(c);
        }
    }
    if cells.is_empty() {
        return String::new();
    }
    let max = cells
        .iter()
        .map(|c| c.2.abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let size = 56.0;
    let (left, top) = (120.0, 22.0);
    let width = left + size * columns.len() as f64 + 4.0;
    let height = top + size * rows.len() as f64 + 4.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"matrix\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\">"
    );
    for (j, c) in columns.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"14\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            left + size * (j as f64 + 0.5),
            escape(c)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            top + size * (i as f64 + 0.5) + 4.0,
            escape(r)
        );
    }
    for (r, c, v) in cells {
        let i = rows.iter().position(|x| x == r).unwrap_or(0) as f64;
        let j = columns.iter().position(|x| x == c).unwrap_or(0) as f64;
        let _ = write!(
            svg,
            "<rect class=\"cell\" x=\"{:.1}\" y=\"{:.1}\" width=\"{size}\" height=\"{size}\" fill=\"#1565c0\" fill-opacity=\"{:.3}\" stroke=\"#fff\" /><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            left + size * j,
            top + size * i,
            0.08 + 0.8 * v.abs() / max,
            left + size * (j + 0.5),
            top + size * (i + 0.5) + 4.0,
            escape(&crate::fmt::number(*v))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn user_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
