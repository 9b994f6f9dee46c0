//! Readable text reports.
//!
//! Evidence is rendered by its unit and method alone, and detail tables by their columns'
//! units, so an expectation with a new kind of evidence renders with no change here.

use std::fmt::Write;

use super::TestReport;
use crate::outcome::{Cell, Evidence, Outcome, Table, Unit, Verdict};

pub(super) fn render(report: &TestReport) -> String {
    let mut out = String::new();
    let status = if report.passed {
        "passed"
    } else {
        match report.verdict {
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::Error => "ERROR",
            _ => "FAILED",
        }
    };
    let reproduce = if report.reproduce.is_empty() {
        String::new()
    } else {
        format!("; reproduce: {}", report.reproduce)
    };
    if report.error.is_some() && report.reproduce.is_empty() {
        // The test never got a seed (a bad `MODEL_CHECK_SEED`): there is none to show.
        let _ = writeln!(out, "model test `{}` {status}", report.test);
    } else {
        let _ = writeln!(
            out,
            "model test `{}` {status} (seed {}{reproduce})",
            report.test, report.seed
        );
    }
    if let Some(error) = &report.error {
        let _ = writeln!(out, "  {error}");
    }
    for outcome in &report.outcomes {
        render_outcome(&mut out, outcome);
    }
    if report
        .outcomes
        .iter()
        .any(|o| o.verdict == Verdict::Inconclusive && !o.inconclusive_allowed)
    {
        let _ = writeln!(
            out,
            "  inconclusive outcomes fail the test; add rows, or allow them with `.allow_inconclusive()`"
        );
    }
    let _ = write!(
        out,
        "  {} model calls, {:.0} ms",
        report.run.model_calls, report.run.duration_ms
    );
    out
}

fn render_outcome(out: &mut String, o: &Outcome) {
    let e = &o.evidence;
    let mut place = String::new();
    if let Some(subject) = &o.subject {
        let _ = write!(place, " [{subject}]");
    }
    if !o.cohort.is_empty() {
        let _ = write!(place, " on {}", o.cohort);
    }
    if o.verdict == Verdict::Pass {
        let model = o
            .model
            .as_ref()
            .map_or(String::new(), |m| format!(" ({m})"));
        let _ = writeln!(
            out,
            "  [PASS] {}{place}: {}{model}",
            o.expectation,
            observed(e)
        );
        return;
    }
    let _ = writeln!(out, "  [{}] {}", o.verdict.label(), o.expectation);
    if let Some(model) = &o.model {
        let _ = writeln!(out, "    model       {model}");
    }
    if !o.cohort.is_empty() {
        let _ = writeln!(out, "    cohort      {}", o.cohort);
    }
    if let Some(subject) = &o.subject {
        let _ = writeln!(out, "    subject     {subject}");
    }
    if e.estimate.is_some() {
        let _ = writeln!(out, "    observed    {}", observed(e));
    }
    if let Some(t) = e.threshold {
        let _ = writeln!(out, "    threshold   {}", e.unit.show(t));
    }
    if let Some(p) = e.p_value {
        let adjusted = e.adjusted_p_value.map_or(String::new(), |q| {
            format!(" (adjusted {})", crate::fmt::p_value(q))
        });
        let _ = writeln!(out, "    p-value     {}{adjusted}", crate::fmt::p_value(p));
    }
    if let Some(note) = &o.note {
        let note = note.replace('\n', "\n                ");
        let _ = writeln!(out, "    note        {note}");
    }
    for (i, example) in o.examples.iter().enumerate() {
        let label = if i == 0 { "examples" } else { "" };
        let id = example
            .id
            .as_ref()
            .map_or(String::new(), |id| format!(" (id {id})"));
        let _ = writeln!(
            out,
            "    {label:<11} row {}{id}: {}",
            example.row, example.detail
        );
        if let Some(text) = &example.variant {
            let _ = writeln!(out, "                variant: {text:?}");
        }
    }
    for table in &e.tables {
        render_table(out, table);
    }
}

/// `0.542 (95% CI 0.497–0.586, n = 1761, Wilson)`: the estimate in its unit, the interval,
/// `n` and the method.
pub(super) fn observed(e: &Evidence) -> String {
    let Some(estimate) = e.estimate else {
        return format!("no estimate (n = {})", e.n);
    };
    let method = e.method.to_string();
    let method = if method.is_empty() {
        String::new()
    } else {
        format!(", {method}")
    };
    match e.interval {
        Some(ci) if e.method.has_interval() => {
            // A dash between negative numbers would read as a minus sign: say "to". Points
            // give their bounds without repeating the unit.
            let to = if e.unit == Unit::Points || ci.lo < 0.0 {
                " to "
            } else {
                "–"
            };
            format!(
                "{} (95% CI {}{to}{}, n = {}{method})",
                e.unit.show(estimate),
                e.unit.show_bare(ci.lo),
                e.unit.show_bare(ci.hi),
                e.n
            )
        }
        _ => format!("{} (n = {}{method})", e.unit.show(estimate), e.n),
    }
}

/// A detail table, its columns aligned, numbers in their units; a truncated table says how
/// many rows it had.
fn render_table(out: &mut String, table: &Table) {
    let _ = writeln!(out, "    table       {}", table.name);
    // A unit with a name reads once, in the header: `gap (points)`, `latency (ms)`.
    let header = |c: &crate::outcome::Column| match &c.unit {
        Some(Unit::Points) => format!("{} (points)", c.name),
        Some(Unit::Other(name)) => format!("{} ({name})", c.name),
        _ => c.name.clone(),
    };
    let cells: Vec<Vec<String>> = std::iter::once(table.columns.iter().map(header).collect())
        .chain(table.rows.iter().map(|row| {
            row.iter()
                .zip(&table.columns)
                .map(|(cell, column)| match cell {
                    Cell::Number(x) => match &column.unit {
                        Some(unit) => unit.show_bare(*x),
                        None => crate::fmt::number(*x),
                    },
                    Cell::Text(s) => s.clone(),
                    Cell::Missing => "–".to_string(),
                })
                .collect()
        }))
        .collect();
    let widths: Vec<usize> = (0..table.columns.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &cells {
        let mut line = String::from("               ");
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            let numeric = table.columns[i].unit.is_some();
            if numeric {
                let _ = write!(line, " {}{cell}", " ".repeat(pad));
            } else {
                let _ = write!(line, " {cell}{}", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if table.truncated() {
        let _ = writeln!(
            out,
            "                (showing {} of {} rows)",
            table.rows.len(),
            table.total_rows
        );
    }
}

/// The outcome as the failure report prints it: one line when it passes, else the
/// expectation, model, cohort, observed value with interval and `n`, threshold, note and
/// examples.
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        render_outcome(&mut text, self);
        f.write_str(text.trim_end())
    }
}
