//! Runs the `dmconform` binary's `explain` subcommand as a user would, checking
//! what it prints and its exit status.

use std::process::{Command, Output};

fn explain(codes: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dmconform"))
        .arg("explain")
        .args(codes)
        .output()
        .expect("the dmconform binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("standard output is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("standard error is UTF-8")
}

const MAPPING_418: &str =
    "mapping: SyncML status 418 = HRESULT 0x87D101A2 = -2016345694 (HRESULT = 0x87D10000 + status)";

#[test]
fn status_418() {
    let output = explain(&["418"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("418\n  read as: number 418\n"), "{text}");
    assert!(text.contains(MAPPING_418), "{text}");
    assert!(text.contains("syncml-status.tsv:"), "{text}");
    assert!(
        text.contains("\n  SyncML status 418 (Already exists)\n    [OMA DM status codes"),
        "{text}"
    );
    assert!(text.contains("418  Already exists"), "{text}");
    assert!(text.contains("Syncml(418)"), "{text}");
    assert!(
        text.contains("The requested Put or Add command failed because the target already exists."),
        "{text}"
    );
}

#[test]
fn statuses_215_and_418_show_each_source_on_its_own_labelled_entry() {
    for (code, intune, windows, english) in [
        (
            "215",
            "A command was not executed, as a result of user interaction and user chose not to accept the choice.",
            "Nicht ausgeführt. Ein Befehl wurde nicht als Ergebnis einer Benutzerinteraktion um den Befehl abzubrechen ausgeführt.",
            "Not executed. A command was not executed as a result of a user interaction to cancel the command.",
        ),
        (
            "418",
            "The requested Put or Add command failed because the target already exists.",
            "Bereits vorhanden ist. Diese Antwortcode tritt auf, wenn Sie versuchen, einen Knoten hinzufügen, der bereits vorhanden.",
            "Already exists. This response code occurs when you try to add a node that already exists.",
        ),
    ] {
        let output = explain(&[code]);
        assert_eq!(output.status.code(), Some(0));
        let text = stdout(&output);
        let spec = text.find("[OMA DM status codes (RepPro, in short), syncml-status.tsv:");
        let by_intune = text.find("[Intune OMA response codes, oma-response.tsv:");
        let by_windows = text
            .find("[Windows \"OMA DM protocol support\" page, German version, windows-oma-dm.tsv:");
        assert!(
            spec.is_some() && spec < by_intune && by_intune < by_windows,
            "{text}"
        );
        assert!(text.contains(&format!("\n        {intune}\n")), "{text}");
        assert!(text.contains(&format!("\n        {windows}\n")), "{text}");
        assert!(
            text.contains(&format!(
                "\n        In English (translated for this catalog, not the publisher's words): {english}\n"
            )),
            "{text}"
        );
    }
}

#[test]
fn hresult_418_in_hex_and_signed_decimal() {
    for code in ["0x87D101A2", "-2016345694"] {
        let output = explain(&[code]);
        assert_eq!(output.status.code(), Some(0), "{code}");
        let text = stdout(&output);
        assert!(
            text.contains(
                "read as: 32-bit code 0x87D101A2 (signed decimal -2016345694, unsigned 2278621602)"
            ),
            "{text}"
        );
        assert!(text.contains(MAPPING_418), "{text}");
        assert!(
            text.contains("[Intune OMA response codes, oma-response.tsv:"),
            "{text}"
        );
        assert!(
            text.contains(
                "418  Already exists\n        (derived by rule: HRESULT = 0x87D10000 + SyncML status)"
            ),
            "{text}"
        );
    }
}

#[test]
fn enrollment_code_with_its_resolution() {
    let output = explain(&["0x80CF0437"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("[Intune enrollment errors, enrollment.tsv:"),
        "{text}"
    );
    assert!(
        text.contains("The clock on the client computer is not set to the correct time."),
        "{text}"
    );
    assert!(
        text.contains("What to do: Make sure that the clock and the time zone"),
        "{text}"
    );
    assert!(!text.contains("mapping:"), "{text}");
}

#[test]
fn app_install_state_60() {
    let output = explain(&["60"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("60  APP_CI_ENFORCEMENT_ERROR_INSTALLING"),
        "{text}"
    );
    assert!(
        text.contains("What to do: The app installation failed after download."),
        "{text}"
    );
}

#[test]
fn an_hresult_above_the_base_by_no_status_is_not_decoded() {
    // 0x87D10203 is 0x87D10000 + 515, and 515 is no SyncML status: no mapping.
    let output = explain(&["0x87D10203"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(!text.contains("mapping:"), "{text}");
    assert!(
        text.contains(
            "no SyncML status: 0x87D10203 is 0x87D10000 + 515, but 515 is not a SyncML status code"
        ),
        "{text}"
    );
    assert!(text.contains("not known"), "{text}");
}

#[test]
fn certificate_and_dcmo_codes_by_code_offset_and_hresult() {
    for (forms, heading, message) in [
        (
            ["1404", "2104", "0x87D10838"],
            "Intune OMA response code 1404 (printed without a name)",
            "Certificate access denied",
        ),
        (
            ["1402", "2102", "-2016344010"],
            "DCMO code 1402 (an Intune OMA response code)",
            "The Operation failed",
        ),
    ] {
        for form in forms {
            let output = explain(&[form]);
            assert_eq!(output.status.code(), Some(0), "{form}");
            let text = stdout(&output);
            assert!(text.contains(&format!("\n  {heading}\n")), "{text}");
            assert!(text.contains(message), "{text}");
            assert!(text.contains("not + 14"), "{text}");
        }
    }
}

#[test]
fn an_unknown_code_says_what_was_searched() {
    let output = explain(&["12345"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("not known: no table has this code. Searched:"),
        "{text}"
    );
    assert!(
        text.contains("syncml-status.tsv: SyncML status 12345"),
        "{text}"
    );
    assert!(text.contains("app-install.tsv: state 12345"), "{text}");
}

#[test]
fn garbage_is_a_usage_error() {
    let output = explain(&["garbage"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("error: \"garbage\" is not a code"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn several_codes_the_worst_decides() {
    let output = explain(&["418", "12345", "0x80CF0437"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let answers: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(answers.len(), 3, "{text}");
    assert!(answers[1].starts_with("12345\n"), "{text}");
    assert_eq!(explain(&["418", "0x87D101A2", "60"]).status.code(), Some(0));
    assert_eq!(explain(&["418", "garbage"]).status.code(), Some(2));
}

#[test]
fn no_code_is_a_usage_error_and_help_teaches_the_forms() {
    assert_eq!(explain(&[]).status.code(), Some(2));
    let help = stdout(&explain(&["--help"]));
    for form in [
        "418",
        "0x87D101A2",
        "87d101a2",
        "-2016345694",
        "2278621602",
        "0x80CF0437",
        "60",
        "1222",
    ] {
        assert!(
            help.contains(&format!("dmconform explain {form} ")),
            "{form} missing from\n{help}"
        );
    }
    assert!(help.contains("Exit status"), "{help}");
}

/// The codes in the Data of every `command` of a message template: the Data
/// that is the command's own, before its Items. Placeholders are skipped.
fn command_codes(message: &str, command: &str) -> Vec<u16> {
    let open = format!("<{command}>");
    let close = format!("</{command}>");
    message
        .match_indices(&open)
        .filter_map(|(at, _)| {
            let body = &message[at + open.len()..];
            let end = [body.find(&close), body.find("<Item>")]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(body.len());
            let (_, data) = body[..end].split_once("<Data>")?;
            let (digits, _) = data.split_once('<')?;
            digits.trim().parse().ok()
        })
        .collect()
}

/// The status codes and alert codes the embedded cases write, each with where
/// it is written: the expected statuses, the SyncHdr statuses, the alerts a
/// reply must carry (a Generic Alert among them), and the Alerts and Statuses
/// of the messages the cases send.
fn codes_the_suite_writes() -> (
    std::collections::BTreeMap<u16, String>,
    std::collections::BTreeMap<u16, String>,
) {
    use dmconform::spec::StatusSpec;
    use std::collections::BTreeMap;

    let (suite, problems) = dmconform::Suite::embedded();
    assert!(problems.is_empty(), "{problems:#?}");
    let mut statuses: BTreeMap<u16, String> = BTreeMap::new();
    let mut alerts: BTreeMap<u16, String> = BTreeMap::new();
    for case in &suite.cases {
        for (i, step) in case.step.iter().enumerate() {
            let place = || format!("{} step {}", case.id, i + 1);
            for expectation in &step.expect {
                match &expectation.status {
                    Some(StatusSpec::Code(code)) => {
                        statuses.entry(*code).or_insert_with(place);
                    }
                    Some(StatusSpec::AnyOf(codes)) => {
                        for code in codes {
                            statuses.entry(*code).or_insert_with(place);
                        }
                    }
                    Some(StatusSpec::Word(_)) | None => {}
                }
            }
            if let Some(code) = step.hdr_status {
                statuses.entry(code).or_insert_with(place);
            }
            for &code in &step.alerts {
                alerts.entry(code).or_insert_with(place);
            }
            if step.generic_alert.is_some() {
                alerts
                    .entry(syncml::protocol::alert::GENERIC)
                    .or_insert_with(place);
            }
            for message in step.send.iter().chain(&step.raw) {
                for code in command_codes(message, "Alert") {
                    alerts.entry(code).or_insert_with(place);
                }
                for code in command_codes(message, "Status") {
                    statuses.entry(code).or_insert_with(place);
                }
            }
        }
    }
    (statuses, alerts)
}

#[test]
fn every_status_and_alert_code_the_suite_writes_is_explained() {
    use syncml::catalog::{Outcome, Subject};

    let (statuses, alerts) = codes_the_suite_writes();
    // The suite writes many statuses and the alert codes of both roles.
    assert!(statuses.len() > 20, "{statuses:?}");
    for code in [1100, 1104, 1200, 1201, 1222, 1223, 1225, 1226, 1250] {
        assert!(alerts.contains_key(&code), "{code} not found in {alerts:?}");
    }
    for (kind, codes) in [("status", &statuses), ("alert", &alerts)] {
        for (code, place) in codes {
            let explanation = syncml::catalog::explain(&code.to_string());
            let Outcome::Found(findings) = &explanation.outcome else {
                panic!("{kind} {code} ({place}) is not known:\n{explanation}");
            };
            let answered = findings
                .by_subject()
                .iter()
                .any(|(subject, _)| match subject {
                    Subject::SyncmlStatus { code: c, name } => {
                        kind == "status" && c == code && name.is_some()
                    }
                    Subject::Alert { code: c, .. } => kind == "alert" && c == code,
                    _ => false,
                });
            assert!(
                answered,
                "{kind} {code} ({place}) is not explained as one:\n{explanation}"
            );
            // The binary answers it too.
            if kind == "alert" || code % 100 == 0 {
                let output = explain(&[&code.to_string()]);
                assert_eq!(output.status.code(), Some(0), "{kind} {code}");
            }
        }
    }
}

#[test]
fn alert_codes_and_zero() {
    let output = explain(&["1200", "1222", "1226", "0"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let answers: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(answers.len(), 4, "{text}");
    assert!(
        answers[0].contains("\n  Alert code 1200 (server-initiated mgmt)\n"),
        "{text}"
    );
    assert!(
        answers[0].contains("\n  DCMO code 1200 (an Intune OMA response code)\n"),
        "{text}"
    );
    assert!(
        answers[1].contains("\n  Alert code 1222 (next message)\n    [OMA DM alert codes (RepPro §7), alert-codes.tsv:"),
        "{text}"
    );
    assert!(answers[1].contains("Source: dm-facts §2.3"), "{text}");
    assert!(
        answers[2].contains("\n  Alert code 1226 (generic alert)\n"),
        "{text}"
    );
    assert!(
        answers[2].contains("windows-oma-dm.tsv:"),
        "Windows' words on 1226 missing: {text}"
    );
    assert!(answers[3].starts_with("0\n  read as: number 0\n"), "{text}");
    assert!(
        answers[3].contains("no HRESULT: 0 is not a SyncML status code"),
        "{text}"
    );
    assert!(
        answers[3].contains("not known: no table has this code"),
        "{text}"
    );
    assert!(!answers[3].contains("mapping:"), "{text}");
}
