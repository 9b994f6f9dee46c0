//! The HTML report on real findings: the peers' Telco split with scikit-learn's predictions,
//! checked for a cohort gap (a forest plot with a threshold), the estimated accuracy (a
//! confusion matrix) and drift per feature, one cohort named like an attack. The file is
//! parsed as XML (every element closed), has one interval and one estimate per cohort pair
//! in the gap's plot and its threshold line, no URL anywhere, user text escaped, and the same
//! results give the same bytes but for the run lines.

mod common;

use common::Customer;
use model_check::expect::gap;
use model_check::prelude::*;
use model_check::report::{SuiteReport, TestReport};

fn suite() -> SuiteReport {
    let (test, model) = common::peer_split();
    let (train, _) = common::telco("churn").split(0.7, 0).unwrap();
    let run = check(model, test.clone())
        .expect_all::<Box<dyn Expectation<_>>, _>([
            Box::new(gap(recall("Yes")).across(Customer::CONTRACT).at_most(0.1))
                as Box<dyn Expectation<_>>,
            Box::new(estimated_accuracy().at_least(0.7)),
        ])
        .and(
            check_data(test.clone())
                .on(Cohort::category(Customer::CONTRACT, "Two year")
                    .named("<script>alert(1)</script>"))
                .expect(missing_rate(Customer::TOTAL_CHARGES).at_most(0.01)),
        )
        .and(check_data(test).against(train).expect(drift_tests()))
        .run(7);
    let mut report = TestReport::from_run("telco <peers>", "model-check-workspace", &run);
    report.tags = vec!["fairness".into(), "monitoring".into()];
    SuiteReport::from_tests(vec![report])
}

#[test]
fn the_report_is_well_formed_offline_and_escapes_user_text() {
    let suite = suite();
    let html = suite.to_html();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document =
        roxmltree::Document::parse_with_options(&html, options).unwrap_or_else(|e| panic!("{e}"));
    // Every outcome is there.
    let outcomes = document
        .descendants()
        .filter(|n| n.has_tag_name("div") && n.attribute("class") == Some("o"))
        .count();
    assert_eq!(outcomes, suite.tests[0].outcomes.len());
    // The gap's forest plot: three contracts, three pairs, each an interval and an estimate,
    // and the threshold line.
    let gap_plot = document
        .descendants()
        .filter(|n| n.has_tag_name("svg") && n.attribute("class") == Some("intervals"))
        .find(|svg| {
            svg.descendants()
                .filter(|n| n.attribute("class") == Some("interval"))
                .count()
                == 3
        })
        .expect("the gap's forest plot");
    assert_eq!(
        gap_plot
            .descendants()
            .filter(|n| n.attribute("class") == Some("estimate"))
            .count(),
        3
    );
    assert_eq!(
        gap_plot
            .descendants()
            .filter(|n| n.attribute("class") == Some("threshold"))
            .count(),
        1
    );
    // The estimated confusion matrix: 2 × 2 cells.
    let matrix = document
        .descendants()
        .find(|n| n.has_tag_name("svg") && n.attribute("class") == Some("matrix"))
        .expect("the confusion matrix");
    assert_eq!(
        matrix
            .descendants()
            .filter(|n| n.attribute("class") == Some("cell"))
            .count(),
        4
    );
    // No URL, no script: no attribute value starts with a scheme or `//` (but the SVG
    // namespace, which is a name, not a fetch), and no script element.
    for node in document.descendants() {
        assert!(!node.has_tag_name("script"));
        for a in node.attributes() {
            let v = a.value().trim_start().to_ascii_lowercase();
            if a.name() == "xmlns" && v == "http://www.w3.org/2000/svg" {
                continue;
            }
            let scheme = v.split_once(':').is_some_and(|(s, _)| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            });
            assert!(!scheme && !v.starts_with("//"), "{}={v}", a.name());
        }
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("telco &lt;peers&gt;"));
    assert!(html.contains("default-src 'none'"));
    // The same results, the same bytes, but for the run lines.
    let strip = |h: &str| {
        h.lines()
            .filter(|l| !l.starts_with("<p class=\"run\">"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut again = suite.clone();
    again.tests[0].run.duration_ms += 1234.0;
    again.tests[0].run.model_calls += 7;
    assert_ne!(again.to_html(), html);
    assert_eq!(strip(&again.to_html()), strip(&html));
    // Bounded by findings, not rows: this suite of 2,110 rows renders in a few tens of KB.
    println!("report: {} bytes", html.len());
    assert!(html.len() < 200_000, "{}", html.len());
}
