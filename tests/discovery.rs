//! Slice discovery on the peers' Telco model (the split and pipeline Giskard and Deepchecks
//! were run on; `tests/oracles/telco_peer_split.py`), and its false discoveries and power
//! measured by simulation.

mod common;

use common::{Customer, oracle, telco};
use model_check::discover::{SliceMetric, SliceReport, discover};
use model_check::prelude::*;

/// The 2,110 test rows of the peers' split, in the exported order, and their model.
fn peer_split() -> (
    Dataset<Customer>,
    impl Model<Input = Customer, Output = Probabilities>,
) {
    let all = telco("churn");
    let table = PredictionTable::binary_csv(
        ModelInfo::new("peers-lr", "sklearn"),
        oracle("telco_peer_split.csv"),
        "rownames",
        "p_yes",
        ["No", "Yes"],
    )
    .unwrap();
    let ids: Vec<String> = std::fs::read_to_string(oracle("telco_peer_split.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    let position: std::collections::HashMap<&str, usize> =
        (0..all.len()).map(|i| (all.id(i).unwrap(), i)).collect();
    let rows: Vec<usize> = ids.iter().map(|id| position[id.as_str()]).collect();
    let test = all.subset(&rows).unwrap().named("telco test split");
    (test, table.keyed_by(|c: &Customer| c.rownames.to_string()))
}

fn find<'r>(
    report: &'r SliceReport,
    description: &str,
) -> Vec<&'r model_check::discover::SliceFinding> {
    report
        .findings
        .iter()
        .filter(|f| f.descriptions.iter().any(|d| d == description))
        .collect()
}

#[test]
fn the_no_internet_service_pocket_is_one_finding_with_every_description() {
    let (data, model) = peer_split();
    assert_eq!(data.len(), 2110);
    let report = discover(&model, &data)
        .metric(SliceMetric::Recall("Yes".into()))
        .run()
        .unwrap();
    println!("{report}");
    let pocket = find(&report, "internet_service = No");
    assert_eq!(pocket.len(), 1, "{report}");
    let pocket = pocket[0];
    // Giskard reports these seven times; they select the same rows.
    for level in [
        "online_security",
        "online_backup",
        "device_protection",
        "tech_support",
        "streaming_tv",
        "streaming_movies",
    ] {
        let d = format!("{level} = No internet service");
        assert!(
            pocket.descriptions.contains(&d),
            "{d}: {:?}",
            pocket.descriptions
        );
        assert_eq!(find(&report, &d).len(), 1);
    }
    assert_eq!(
        pocket.failures, pocket.n,
        "every churner without internet is missed"
    );
    assert!(pocket.adjusted_p < 1e-6, "{}", pocket.adjusted_p);
    assert!(report.model_calls <= 2110_u64.div_ceil(4096) + 1);
}
