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
        .and(
            check_data(test)
                .against(train)
                .expect_all::<Box<dyn Expectation<_>>, _>([
                    Box::new(drift_tests()) as Box<dyn Expectation<_>>,
                    Box::new(drift(Customer::TENURE).at_most(0.1)),
                ]),
        )
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
    // The drift table behind it: both samples' shares sum to one, and the reference's,
    // binned at its own deciles, are near a tenth each (tenure has ties, so not exactly).
    let table = suite.tests[0]
        .outcomes
        .iter()
        .flat_map(|o| &o.evidence.tables)
        .find(|t| t.name == "distribution in the reference's deciles")
        .expect("the drift's table");
    let column = |i: usize| -> Vec<f64> {
        table
            .rows
            .iter()
            .map(|r| match r[i] {
                model_check::expect::Cell::Number(x) => x,
                _ => panic!("a share"),
            })
            .collect()
    };
    for i in [2, 3] {
        assert!((column(i).iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    assert!(
        column(2).iter().all(|&s| (0.05..0.2).contains(&s)),
        "{:?}",
        column(2)
    );
    // The tenure drift's histogram: the reference's deciles, a grey bar for the reference and
    // a blue one for the checked rows in each.
    let histogram = document
        .descendants()
        .find(|n| {
            n.has_tag_name("svg")
                && n.attribute("class") == Some("bars")
                && n.descendants()
                    .any(|c| c.attribute("class") == Some("reference"))
        })
        .expect("the drift histogram");
    for class in ["reference", "bar"] {
        assert_eq!(
            histogram
                .descendants()
                .filter(|n| n.attribute("class") == Some(class))
                .count(),
            10,
            "{class}"
        );
    }
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

/// The size bound, measured: the report grows with findings × table rows, never with the
/// data's rows. 100 tests × 10 outcomes, each with a 50-row table drawn as a forest plot and
/// 5 examples, against the same with 10-row tables: the bytes per table row and per outcome
/// are printed and bounded. 100 tests, each one finding over 10 cohorts (a 10-row table, its
/// forest plot) with 5 examples, stay under 1 MB; 1,000 outcomes with 50-row tables cannot
/// (50,000 table rows, each a table row and a plot row, are about 20 MB).
#[test]
fn the_report_grows_with_findings_and_table_rows_only() {
    use model_check::expect::{
        Cell, Column, Evidence, Example, ExampleEdit, MAX_TABLE_ROWS, Method, Outcome, Plot, Table,
        Unit, Verdict,
    };
    let suite_of = |rows: usize, outcomes: usize| {
        let mut table = Table::new(
            "gap",
            [
                Column::text("pair"),
                Column::number("gap", Unit::Points),
                Column::number("lo", Unit::Points),
                Column::number("hi", Unit::Points),
            ],
        );
        for i in 0..rows {
            let x = i as f64 / 1000.0;
            table
                .push([
                    Cell::from(format!("level {i} − level {}", i + 1)),
                    x.into(),
                    (x - 0.03).into(),
                    (x + 0.03).into(),
                ])
                .unwrap();
        }
        let table = table.with_plot(Plot::Intervals {
            label: "pair".into(),
            estimate: "gap".into(),
            lo: "lo".into(),
            hi: "hi".into(),
            threshold: Some(0.05),
        });
        let example = |i: usize| {
            let mut e = Example::row(i, Some("customer-0001"), "flips from No to Yes");
            e.edits
                .push(ExampleEdit::new("monthly_charges", "70.35", "75.10"));
            e
        };
        let evidence = {
            let mut e = Evidence::new(Unit::Points, Method::newcombe());
            e.estimate = Some(0.12);
            e.interval = Some(Interval { lo: 0.08, hi: 0.16 });
            e.n = 1761;
            e.threshold = Some(0.05);
            e.tables = vec![table.clone()];
            e
        };
        let outcome = |k: usize| Outcome {
            model: Some(ModelInfo::new("churn-logistic-regression", "v1")),
            expectation: "recall of \"Yes\" differs across `contract` by at most 5 points".into(),
            cohort: format!("cohort {k}"),
            seed: 7,
            subject: Some(format!("segment {k}")),
            verdict: Verdict::Fail,
            evidence: evidence.clone(),
            examples: (0..5).map(example).collect(),
            note: Some("worst pair shown first".into()),
            inconclusive_allowed: false,
        };
        let (_, model) = common::peer_split();
        let run = check(model, common::peer_split().0)
            .expect(accuracy().at_least(0.5))
            .run(7);
        let tests: Vec<TestReport> = (0..100)
            .map(|t| {
                let mut report = TestReport::from_run(&format!("suite::test_{t:03}"), "demo", &run);
                report.outcomes = (0..outcomes).map(outcome).collect();
                report
            })
            .collect();
        SuiteReport::from_tests(tests).to_html()
    };
    let (full, small) = (suite_of(MAX_TABLE_ROWS, 10), suite_of(10, 10));
    let cohorts = suite_of(10, 1);
    println!(
        "100 tests × one finding over 10 cohorts × 5 examples: {} bytes",
        cohorts.len()
    );
    assert!(cohorts.len() < 1_000_000, "{}", cohorts.len());
    let outcomes = 1000.0;
    let per_row = (full.len() - small.len()) as f64 / (outcomes * (MAX_TABLE_ROWS - 10) as f64);
    let per_outcome = small.len() as f64 / outcomes - 10.0 * per_row;
    println!(
        "100 tests × 10 outcomes × 5 examples: {} bytes with 50-row tables, {} with 10-row tables; {per_row:.0} bytes per table row, {per_outcome:.0} per outcome otherwise",
        full.len(),
        small.len()
    );
    assert!(per_row < 600.0, "{per_row}");
    assert!(per_outcome < 3000.0, "{per_outcome}");
}

/// The report in a real browser. With `MODEL_CHECK_BROWSER` set to a Chromium binary
/// (`.ci/run` installs Debian's `chromium-headless-shell`), the Telco report is rendered
/// headless with JavaScript off: the DOM the browser built holds every test, every finding
/// and every plot element the file holds (nothing dropped by the HTML parser), and the
/// screenshot is not blank — it has the plots' blue and the threshold's red. Without the
/// variable the test checks nothing and says so; with it set and the browser missing, it
/// fails.
#[test]
fn a_browser_renders_every_finding_and_plot() {
    let Some(browser) = std::env::var_os("MODEL_CHECK_BROWSER") else {
        eprintln!("MODEL_CHECK_BROWSER is not set: the report is not rendered in a browser");
        return;
    };
    let browser = std::path::PathBuf::from(browser);
    assert!(
        browser.is_file(),
        "MODEL_CHECK_BROWSER is {} but there is no such file",
        browser.display()
    );
    let suite = suite();
    let html = suite.to_html();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_browser");
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("telco.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());
    let run = |args: &[&str]| {
        let output = std::process::Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-javascript",
                "--hide-scrollbars",
                "--window-size=1200,1600",
            ])
            .args(args)
            .arg(&url)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", browser.display()));
        assert!(
            output.status.success(),
            "{} failed: {}",
            browser.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };

    // The DOM: every test name and finding title, and as many of each plot element as the
    // file holds.
    let dom = String::from_utf8(run(&["--dump-dom"])).unwrap();
    for test in &suite.tests {
        let name = test.test.replace('<', "&lt;").replace('>', "&gt;");
        assert!(dom.contains(&name), "test {name} is not in the DOM");
    }
    let count = |text: &str, class: &str| text.matches(&format!("class=\"{class}\"")).count();
    assert_eq!(count(&dom, "o"), suite.tests[0].outcomes.len());
    for class in [
        "intervals",
        "interval",
        "estimate",
        "threshold",
        "matrix",
        "cell",
        "bar",
    ] {
        assert!(count(&html, class) > 0 || class == "bar", "{class}");
        assert_eq!(count(&dom, class), count(&html, class), "{class}");
    }
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // The screenshot: mostly background, but with the plots' colours drawn.
    let shot = dir.join("telco.png");
    let _ = std::fs::remove_file(&shot);
    run(&[&format!("--screenshot={}", shot.display())]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let (mut ink, mut blue, mut red, total) = (0usize, 0usize, 0usize, info.width * info.height);
    for p in pixels[..info.buffer_size()].chunks(channels) {
        let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
        if r + g + b < 600 {
            ink += 1;
        }
        // The intervals' #1565c0 and the threshold's #c62828, give or take antialiasing.
        if (r - 0x15).abs() < 40 && (g - 0x65).abs() < 40 && (b - 0xc0).abs() < 40 {
            blue += 1;
        }
        if (r - 0xc6).abs() < 40 && (g - 0x28).abs() < 40 && (b - 0x28).abs() < 40 {
            red += 1;
        }
    }
    println!(
        "screenshot {}×{}: {ink} inked pixels, {blue} interval-blue, {red} threshold-red",
        info.width, info.height
    );
    assert!(
        ink > total as usize / 100,
        "the screenshot is blank: {ink} of {total}"
    );
    assert!(
        blue > 50 && red > 10,
        "no plots drawn: {blue} blue, {red} red"
    );
}
