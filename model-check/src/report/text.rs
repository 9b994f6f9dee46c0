//! Readable text reports.

use std::fmt::Write;

use super::TestReport;
use crate::expect::{Method, Outcome, Verdict};

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
    let _ = writeln!(
        out,
        "model test `{}` {status} (seed {}; reproduce: {})",
        report.test, report.seed, report.reproduce
    );
    if let Some(error) = &report.error {
        let _ = writeln!(out, "  could not build its checks: {error}");
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
        report.model_calls, report.duration_ms
    );
    out
}

pub(crate) fn render_outcome(out: &mut String, o: &Outcome) {
    let e = &o.evidence;
    let cohort = if o.cohort.is_empty() {
        String::new()
    } else {
        format!(" on {}", o.cohort)
    };
    if o.verdict == Verdict::Pass {
        let _ = writeln!(
            out,
            "  [PASS] {}{cohort}: {} ({})",
            o.expectation,
            observed(o),
            o.model
        );
        return;
    }
    let _ = writeln!(out, "  [{}] {}", o.verdict.label(), o.expectation);
    let _ = writeln!(out, "    model       {}", o.model);
    if !o.cohort.is_empty() {
        let _ = writeln!(out, "    cohort      {}", o.cohort);
    }
    if e.estimate.is_some() {
        let _ = writeln!(out, "    observed    {}", observed(o));
    }
    if let Some(t) = e.threshold {
        let _ = writeln!(out, "    threshold   {}", value(t, e.method));
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
    }
}

/// `0.542 (95% CI 0.497–0.586, n = 1761, Wilson)`.
fn observed(o: &Outcome) -> String {
    let e = &o.evidence;
    let Some(estimate) = e.estimate else {
        return format!("no estimate (n = {})", e.n);
    };
    let method = match e.method {
        Method::Wilson => "Wilson".to_string(),
        Method::Newcombe => "Newcombe".to_string(),
        Method::McNemar => "McNemar exact test".to_string(),
        Method::Bootstrap { resamples } => format!("bootstrap, {resamples} resamples"),
        Method::PointEstimate => "point estimate, no interval".to_string(),
        Method::None => String::new(),
    };
    let shown = |x| value(x, e.method);
    let difference = matches!(e.method, Method::Newcombe | Method::McNemar);
    match (e.interval, e.method) {
        (
            Some(ci),
            Method::Wilson | Method::Newcombe | Method::McNemar | Method::Bootstrap { .. },
        ) => {
            // Differences give their bounds in points without repeating the unit, and a dash
            // between negative numbers would read as a minus sign: say "to".
            let (lo, hi) = if difference {
                (percent(ci.lo, ""), percent(ci.hi, ""))
            } else {
                (shown(ci.lo), shown(ci.hi))
            };
            let to = if difference || ci.lo < 0.0 {
                " to "
            } else {
                "–"
            };
            format!(
                "{} (95% CI {lo}{to}{hi}, n = {}, {method})",
                shown(estimate),
                e.n
            )
        }
        _ => format!("{} (n = {}, {method})", shown(estimate), e.n),
    }
}

fn percent(x: f64, unit: &str) -> String {
    let pct = format!("{:.2}", 100.0 * x);
    let pct = pct.trim_end_matches('0').trim_end_matches('.');
    let pct = if pct == "-0" { "0" } else { pct };
    format!("{}{unit}", pct.replace('-', "−"))
}

/// Rates (decided with a Wilson interval) as percentages, other values as numbers.
fn value(x: f64, method: Method) -> String {
    match method {
        Method::Wilson => percent(x, "%"),
        // Differences of rates are in percentage points.
        Method::Newcombe | Method::McNemar => percent(x, " points"),
        _ => number(x),
    }
}

fn number(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{x:.4}");
    let s = if x.abs() >= 10.0 {
        format!("{x:.2}")
    } else {
        s
    };
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}
