//! An expectation written outside the crate: it returns two findings with p-values, numbers
//! in a unit of its own and a detail table, and the text, JSON and JUnit reports render them
//! with no change to the library.

mod common;

use std::sync::LazyLock;

use common::{Customer, telco};
use model_check::cohort::EvalError;
use model_check::expect::{
    Cell, Column, Context, Evidence, Finding, Findings, Method, Plot, Table, Unit,
    binomial_upper_tail,
};
use model_check::prelude::*;
use model_check::report::{SuiteReport, TestReport};

static TELCO: LazyLock<Dataset<Customer>> = LazyLock::new(|| telco("churn"));

/// "The model predicts churn for each of these contracts about as often as for everyone":
/// one finding per contract, each with a one-sided exact binomial p-value against the overall
/// share of predicted churners, Bonferroni-adjusted over the contracts tested.
struct PredictedChurnLike {
    contracts: Vec<&'static str>,
}

impl<M> Expectation<M> for PredictedChurnLike
where
    M: Model<Input = Customer, Output = Probabilities> + 'static,
{
    fn describe(&self) -> String {
        format!(
            "predicted churn on {} is no higher than overall",
            self.contracts.join(" and ")
        )
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let predictions = context.predictions()?;
        let rows = context.rows().to_vec();
        let churns = |i: usize| predictions[i].label() == "Yes";
        let overall = (0..rows.len()).filter(|&i| churns(i)).count() as f64 / rows.len() as f64;
        let per_thousand = Unit::Other("per 1000 customers".into());
        let tests = self.contracts.len() as f64;
        let mut findings = Vec::new();
        for contract in &self.contracts {
            let mine: Vec<usize> = (0..rows.len())
                .filter(|&i| context.data().rows()[rows[i]].contract == *contract)
                .collect();
            let k = mine.iter().filter(|&&i| churns(i)).count() as u64;
            let n = mine.len() as u64;
            let p = binomial_upper_tail(k, n, overall);
            let adjusted = (p * tests).min(1.0);
            let mut table = Table::new(
                format!("predictions on {contract}"),
                [
                    Column::text("prediction"),
                    Column::number("customers", Unit::Count),
                ],
            );
            table.push([Cell::from("Yes"), k.into()]).unwrap();
            table.push([Cell::from("No"), (n - k).into()]).unwrap();
            let evidence = Evidence::new(per_thousand.clone(), Method::new("binomial exact"))
                .estimate(1000.0 * k as f64 / n as f64)
                .n(n)
                .threshold(1000.0 * overall)
                .p_value(p)
                .adjusted_p_value(adjusted)
                .table(table.with_plot(Plot::Bars {
                    label: "prediction".into(),
                    value: "customers".into(),
                }));
            let verdict = if adjusted < 0.05 {
                Verdict::Fail
            } else {
                Verdict::Pass
            };
            findings.push(
                Finding::new(verdict, evidence).with_subject(format!("contract = {contract}")),
            );
        }
        Ok(Findings::try_from(findings).expect("at least one contract"))
    }
}

fn run() -> TestReport {
    let model = common::sklearn_churn_model();
    let ran = check(model, &*TELCO)
        .expect(PredictedChurnLike {
            contracts: vec!["Month-to-month", "Two year"],
        })
        .run(11);
    TestReport::from_run("predicted_churn_by_contract", "model-check-workspace", &ran)
}

#[test]
fn two_findings_from_one_expectation_become_two_outcomes() {
    let report = run();
    assert_eq!(report.outcomes.len(), 2);
    let [monthly, two_year] = [&report.outcomes[0], &report.outcomes[1]];
    // The runner records where each ran: the model, the expectation, the cohort, the seed.
    for o in [monthly, two_year] {
        assert_eq!(
            o.model.as_ref().unwrap().name(),
            "sklearn-logistic-regression"
        );
        assert_eq!(
            o.expectation,
            "predicted churn on Month-to-month and Two year is no higher than overall"
        );
        assert_eq!(o.cohort, "all");
    }
    assert_eq!(monthly.seed, two_year.seed);
    assert_eq!(
        monthly.subject.as_deref(),
        Some("contract = Month-to-month")
    );
    // Month-to-month customers are predicted to churn far more often than the rest;
    // two-year customers almost never.
    assert_eq!(monthly.verdict, Verdict::Fail);
    assert!(monthly.evidence.p_value.unwrap() < 1e-10);
    assert_eq!(two_year.verdict, Verdict::Pass);
    assert_eq!(two_year.evidence.adjusted_p_value, Some(1.0));
    assert!(!report.passed);
}

#[test]
fn text_json_and_junit_render_an_unknown_kind_of_evidence() {
    let report = run();
    let monthly = &report.outcomes[0];
    let k = monthly.evidence.tables[0].rows[0][1].clone();
    let Cell::Number(k) = k else {
        panic!("a count")
    };

    // Text: the unit's own name, the p-values, the subject and the table.
    let text = report.to_text();
    let estimate = model_check::fmt::number(monthly.evidence.estimate.unwrap());
    assert!(
        text.contains(&format!(
            "{estimate} per 1000 customers (n = 3875, binomial exact)"
        )),
        "{text}"
    );
    assert!(
        text.contains("subject     contract = Month-to-month"),
        "{text}"
    );
    assert!(text.contains("p-value     "), "{text}");
    assert!(text.contains("(adjusted "), "{text}");
    assert!(
        text.contains("table       predictions on Month-to-month"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Yes", &format!("{k}")]),
        "{text}"
    );
    assert!(
        text.contains("[PASS] predicted churn on Month-to-month and Two year is no higher than overall [contract = Two year] on all"),
        "{text}"
    );

    // JSON: everything survives the round trip.
    let json = report.to_json();
    assert!(json.contains("\"other\": \"per 1000 customers\""), "{json}");
    assert!(json.contains("\"name\": \"binomial exact\""), "{json}");
    assert!(json.contains("\"kind\": \"bars\""), "{json}");
    let back = TestReport::from_json(&json).unwrap();
    assert_eq!(back, report);

    // JUnit: one testcase for the test, its findings in the failure's body.
    let junit = SuiteReport::from_tests(vec![report]).to_junit();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("the test failed");
    let body = failure.text().unwrap();
    assert!(body.contains("contract = Month-to-month"), "{body}");
    assert!(body.contains("contract = Two year"), "{body}");
    assert!(body.contains("per 1000 customers"), "{body}");
    assert!(body.contains("predictions on Month-to-month"), "{body}");
}
