//! `etablera calc`: the exact contract of issue 3, with the seed's figures.

use std::process::{Command, Output};

fn calc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_etablera")).arg("calc").args(args).output().unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = calc(args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn seed_file(name: &str, columns: &[usize], header: &str) -> tempfile::NamedTempFile {
    let text = std::fs::read_to_string(format!("{}/../../data/seed/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut out = format!("{header}\n");
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        out += &columns.iter().map(|&c| fields[c]).collect::<Vec<_>>().join(",");
        out += "\n";
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), out).unwrap();
    file
}

#[test]
fn cost_of_the_seed_post() {
    let year = json(&["cost", "--monthly-salary-kr", "39500", "--on-cost-percent", "48", "--months", "12", "--json"]);
    assert_eq!(year, serde_json::json!({ "total_ore": 70_152_000 }));
    let half = json(&["cost", "--monthly-salary-kr", "39500", "--on-cost-percent", "48", "--months", "6", "--json"]);
    assert_eq!(half["total_ore"], 35_076_000);
    let long = json(&["cost", "--monthly-salary-kr", "39 500", "--on-cost-percent", "48", "--months", "18", "--json"]);
    assert_eq!(long["total_ore"], 105_228_000);
}

#[test]
fn apportion_the_2016_year_in_input_order_with_an_exact_sum() {
    let file = seed_file("seed-table-2016-calculation.csv", &[0, 1, 2], "code,name,population");
    let out = json(&["apportion", "--total-kr", "701520", "--populations", file.path().to_str().unwrap(), "--json"]);
    assert_eq!(out["total_ore"], 70_152_000);
    assert_eq!(out["sum_ore"], 70_152_000);
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 13);
    assert_eq!(
        rows[0],
        serde_json::json!({ "code": "0560", "name": "Boxholm", "population": 5356, "amount_ore": 839_200 })
    );
    assert_eq!(rows[4]["code"], "0586");
    assert_eq!(rows[4]["amount_ore"], 4_173_800);
    let ore = json(&[
        "apportion",
        "--total-kr",
        "701520",
        "--populations",
        file.path().to_str().unwrap(),
        "--unit",
        "ore",
        "--json",
    ]);
    assert_eq!(ore["sum_ore"], 70_152_000);
    assert_eq!(ore["rows"][0]["amount_ore"], 839_172);
}

#[test]
fn audit_flags_the_2018_rows() {
    let file = seed_file("seed-table-2018-costs.csv", &[0, 1, 2, 4], "code,name,population,stated_kr");
    let out = json(&["audit", "--total-kr", "763945", "--table", file.path().to_str().unwrap(), "--json"]);
    assert_eq!(out["stated_sum_ore"], 76_394_500);
    assert_eq!(out["sum_matches_total"], true);
    let mjolby = out["rows"].as_array().unwrap().iter().find(|r| r["code"] == "0586").unwrap();
    assert_eq!(mjolby["stated_ore"], 4_584_100);
    assert_eq!(mjolby["expected_ore"], 4_583_700);
    assert_eq!(mjolby["difference_ore"], 400);
    assert_eq!(mjolby["flagged"], true);
}

#[test]
fn termination_of_mjolby_in_2024() {
    let base = [
        "termination",
        "--notice-date",
        "2024-06-20",
        "--notice-months",
        "2",
        "--period",
        "2024-01-01:2024-12-31",
        "--amount-kr",
        "45841",
    ];
    let paid = json(&[&base[..], &["--paid", "true", "--refund-policy", "from-month-after-end", "--json"]].concat());
    assert_eq!(
        paid,
        serde_json::json!({ "end_date": "2024-08-20", "refund_from": "2024-09-01", "refund_ore": 1_528_000, "amount_due_ore": 0 })
    );
    let none = json(&[&base[..], &["--paid", "true", "--refund-policy", "none", "--json"]].concat());
    assert_eq!(
        none,
        serde_json::json!({ "end_date": "2024-08-20", "refund_from": null, "refund_ore": 0, "amount_due_ore": 0 })
    );
    let unpaid = json(&[&base[..], &["--paid", "false", "--refund-policy", "from-month-after-end", "--json"]].concat());
    assert_eq!(unpaid["amount_due_ore"], 3_056_100);
    assert_eq!(unpaid["refund_ore"], 0);
}

#[test]
fn vacancy_under_both_agreement_versions() {
    let with_threshold = json(&[
        "vacancy",
        "--vacancy",
        "2019-03-10:2019-05-20",
        "--period",
        "2019-01-01:2019-12-31",
        "--amount-kr",
        "45841",
        "--threshold-months",
        "1",
        "--json",
    ]);
    assert_eq!(with_threshold, serde_json::json!({ "refundable": true, "vacancy_days": 72, "refund_ore": 904_300 }));
    let short = json(&[
        "vacancy",
        "--vacancy",
        "2019-03-10:2019-04-01",
        "--period",
        "2019-01-01:2019-12-31",
        "--amount-kr",
        "45841",
        "--threshold-months",
        "1",
        "--json",
    ]);
    assert_eq!(short, serde_json::json!({ "refundable": false, "vacancy_days": 23, "refund_ore": 0 }));
    let any = json(&[
        "vacancy",
        "--vacancy",
        "2019-03-10:2019-04-01",
        "--period",
        "2019-01-01:2019-12-31",
        "--amount-kr",
        "45841",
        "--json",
    ]);
    assert_eq!(any["refund_ore"], 288_900);
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["cost", "--monthly-salary-kr", "tio", "--on-cost-percent", "48", "--months", "12"], "kronor"),
        (vec!["cost", "--monthly-salary-kr", "39500", "--on-cost-percent", "48", "--months", "0"], "months"),
        (
            vec![
                "vacancy",
                "--vacancy",
                "2019-05-20:2019-03-10",
                "--period",
                "2019-01-01:2019-12-31",
                "--amount-kr",
                "1",
            ],
            "före dess början",
        ),
        (
            vec![
                "termination",
                "--notice-date",
                "2024-02-30",
                "--notice-months",
                "2",
                "--period",
                "2024-01-01:2024-12-31",
                "--amount-kr",
                "1",
                "--paid",
                "true",
                "--refund-policy",
                "none",
            ],
            "notice-date",
        ),
        (vec!["apportion", "--total-kr", "10", "--populations", "/finns/inte.csv"], "kan inte läsa"),
        (vec!["apportion", "--total-kr", "10,50", "--populations", "/dev/null"], "filen är tom"),
    ];
    for (args, message) in cases {
        let out = calc(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "code,name,population\n0586,Mjölby,10\n9999,Okänd,5\n0586,Mjölby,3\n").unwrap();
    let out = calc(&["apportion", "--total-kr", "10", "--populations", file.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rad 3: det finns ingen kommun med koden 9999"), "{stderr}");
    assert!(stderr.contains("rad 4: kommunkoden 0586 finns redan på rad 2"), "{stderr}");
}

/// `etablera calc reimbursable` on a fresh database's rules table.
fn reimbursable(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("rules.db").display());
    Command::new(env!("CARGO_BIN_EXE_etablera"))
        .env("DATABASE_URL", url)
        .args(["calc", "reimbursable"])
        .args(args)
        .output()
        .unwrap()
}

fn reimbursable_json(category: &str, amount: &str, size: &str, reception: &str) -> serde_json::Value {
    let out = reimbursable(&[
        "--category",
        category,
        "--amount-kr",
        amount,
        "--household-size",
        size,
        "--reception-date",
        reception,
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn reimbursable_under_the_caps_in_force_on_the_reception_date() {
    let home = reimbursable_json("home_equipment", "9500", "5", "2024-03-01");
    assert_eq!(
        home,
        serde_json::json!({ "claim_type": "initial_costs_resettled", "reimbursable_ore": 900_000,
                            "over_cap_ore": 50_000, "deadline": "2025-03-01" })
    );
    let food = reimbursable_json("food_first_day", "1 100,50", "5", "2024-02-29");
    assert_eq!((food["reimbursable_ore"].as_i64(), food["over_cap_ore"].as_i64()), (Some(100_000), Some(10_050)));
    assert_eq!(food["deadline"], "2025-02-28", "a year after 29 February is 28 February");
    let clothes = reimbursable_json("clothes", "2999,99", "2", "2023-03-01");
    assert_eq!((clothes["reimbursable_ore"].as_i64(), clothes["over_cap_ore"].as_i64()), (Some(299_999), Some(0)));
    let single = reimbursable_json("home_equipment", "5000.01", "1", "2023-02-28");
    assert_eq!((single["reimbursable_ore"].as_i64(), single["over_cap_ore"].as_i64()), (Some(500_000), Some(1)));
    assert_eq!(single["deadline"], "2024-02-28");
}

#[test]
fn reimbursable_without_a_rule_in_force_exits_2_and_says_so() {
    let before = reimbursable(&[
        "--category",
        "clothes",
        "--amount-kr",
        "100",
        "--household-size",
        "1",
        "--reception-date",
        "2009-01-01",
        "--json",
    ]);
    assert_eq!(before.status.code(), Some(2));
    let message = String::from_utf8_lossy(&before.stderr);
    assert!(message.contains("ingen regel") && message.contains("2009-01-01"), "{message}");
    let unknown = reimbursable(&[
        "--category",
        "bicycles",
        "--amount-kr",
        "100",
        "--household-size",
        "1",
        "--reception-date",
        "2024-01-01",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("okänd kategori"));
    assert!(unknown.stdout.is_empty());
    let zero = reimbursable(&[
        "--category",
        "clothes",
        "--amount-kr",
        "100",
        "--household-size",
        "0",
        "--reception-date",
        "2024-01-01",
    ]);
    assert_eq!(zero.status.code(), Some(2));
}

#[test]
fn reimbursable_counts_the_households_quota_refugees_as_the_cost_form_does() {
    let args = |resettled: &'static str| {
        [
            "--category",
            "home_equipment",
            "--amount-kr",
            "9500",
            "--household-size",
            "5",
            "--resettled",
            resettled,
            "--reception-date",
            "2024-03-01",
            "--json",
        ]
    };
    let two: serde_json::Value = serde_json::from_slice(&reimbursable(&args("2")).stdout).unwrap();
    assert_eq!((two["reimbursable_ore"].as_i64(), two["over_cap_ore"].as_i64()), (Some(600_000), Some(350_000)));
    let none: serde_json::Value = serde_json::from_slice(&reimbursable(&args("0")).stdout).unwrap();
    assert_eq!(none["not_reimbursable"], "not_resettled");
    assert_eq!(none["reimbursable_ore"], 0);
    assert_eq!(reimbursable(&args("6")).status.code(), Some(2), "more quota refugees than persons");
}
