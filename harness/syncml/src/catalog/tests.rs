//! Tests of the built-in catalog: the data files, the lookups and the inconsistencies.

use super::*;

fn builtin_with(table: Table, text: &str) -> Result<Catalog, CatalogError> {
    Catalog::from_texts(|wanted| {
        if wanted == table {
            text
        } else {
            wanted.builtin_text()
        }
    })
}

fn found(explanation: &Explanation) -> &Findings {
    match &explanation.outcome {
        Outcome::Found(findings) => findings,
        other => panic!("{:?} is not known: {other:?}", explanation.query),
    }
}

/// (table, key, origin) of every match, in order.
fn matched(query: &str) -> Vec<(Table, String, Origin)> {
    found(&explain(query))
        .matches
        .iter()
        .map(|found| (found.table, found.key.clone(), found.origin))
        .collect()
}

#[test]
fn every_row_of_every_file_reads() {
    // A malformed line fails here, naming its file and line.
    let catalog =
        Catalog::from_texts(Table::builtin_text).unwrap_or_else(|error| panic!("{error}"));
    let rows_in = |table: Table| {
        catalog
            .hresult_rows()
            .iter()
            .filter(|row| row.table == table)
            .count()
    };
    assert_eq!(catalog.statuses().len(), 70);
    assert_eq!(catalog.alerts().len(), 15);
    assert_eq!(catalog.windows_texts().len(), 28);
    assert_eq!(rows_in(Table::OmaResponse), 80);
    assert_eq!(rows_in(Table::CompanyResourceAccess), 24);
    assert_eq!(rows_in(Table::IosService), 205);
    assert_eq!(catalog.app_install_states().len(), 14);
    assert_eq!(catalog.portal_errors().len(), 5);
    assert_eq!(catalog.enrollment_errors().len(), 17);
    assert_eq!(catalog.windows_enrollment_errors().len(), 22);
}

#[test]
fn a_windows_enrollment_error_is_shown_in_each_sources_words() {
    let explanation = explain("0x80180002");
    let matches = &found(&explanation).matches;
    let sources: Vec<&str> = matches
        .iter()
        .filter(|m| m.table == Table::WindowsEnrollment)
        .filter_map(|m| m.source.as_deref())
        .collect();
    assert_eq!(sources.len(), 2, "{matches:#?}");
    assert!(
        sources.iter().any(|s| s.starts_with("MS-MDE2")),
        "{sources:?}"
    );
    assert!(
        sources.iter().any(|s| s.starts_with("WIN-ENROLL")),
        "{sources:?}"
    );
    let texts: Vec<&str> = matches.iter().map(|m| m.text.as_str()).collect();
    assert!(texts.contains(&"User not recognized."), "{texts:?}");
    // The same code as a signed decimal, as Windows logs print it.
    assert_eq!(matched("-2145910782"), matched("0x80180002"));
}

#[test]
fn a_malformed_data_line_names_its_file_and_line() {
    let text = format!("{}1\tnot a number\n", Table::AppInstall.builtin_text());
    let lines = text.lines().count();
    let error = builtin_with(Table::AppInstall, &text).unwrap_err();
    assert_eq!((error.table, error.line), (Table::AppInstall, lines));
    assert!(
        error
            .to_string()
            .starts_with(&format!("app-install.tsv:{lines}: ")),
        "{error}"
    );

    let text = format!("{}-1\t0x1\tbad\n", Table::IosService.builtin_text());
    let error = builtin_with(Table::IosService, &text).unwrap_err();
    assert_eq!(error.table, Table::IosService);
    assert!(error.message.contains("cells"), "{error}");

    let text = format!("{}0x1, 2\tproblem\t\n", Table::Enrollment.builtin_text());
    let error = builtin_with(Table::Enrollment, &text).unwrap_err();
    assert!(
        error.message.contains("\" 2\"") || error.message.contains("\"2\""),
        "{error}"
    );

    let text = format!(
        "{}999\tName\tMeaning.\tmaybe\n",
        Table::SyncmlStatus.builtin_text()
    );
    let error = builtin_with(Table::SyncmlStatus, &text).unwrap_err();
    assert!(error.message.contains("neither yes nor no"), "{error}");
}

#[test]
fn the_status_table_holds_every_syncml_status_from_101_to_517() {
    let mut expected: Vec<u16> = vec![101];
    expected.extend(200..=216);
    expected.extend(300..=305);
    expected.extend(400..=428);
    expected.extend(500..=514);
    expected.extend([516, 517]);
    let codes: Vec<u16> = Catalog::builtin()
        .statuses()
        .iter()
        .map(|status| status.code)
        .collect();
    assert_eq!(codes, expected);
    assert!(syncml_status(515).is_none());
    let status = syncml_status(418).unwrap();
    assert_eq!(
        (status.name.as_str(), status.listed_by_windows),
        ("Already exists", true)
    );
}

#[test]
fn the_alert_table_names_the_codes_of_syncml_protocol() {
    use crate::protocol::alert;
    let named: Vec<(u16, &str)> = Catalog::builtin()
        .alerts()
        .iter()
        .filter_map(|row| row.name.as_deref().map(|name| (row.first, name)))
        .collect();
    assert_eq!(
        named,
        [
            (alert::DISPLAY, "DISPLAY"),
            (alert::CONFIRM_OR_REJECT, "CONFIRM OR REJECT"),
            (alert::TEXT_INPUT, "TEXT INPUT"),
            (alert::SINGLE_CHOICE, "SINGLE CHOICE"),
            (alert::MULTIPLE_CHOICE, "MULTIPLE CHOICE"),
            (alert::SERVER_INITIATED_MGMT, "SERVER-INITIATED MGMT"),
            (alert::CLIENT_INITIATED_MGMT, "CLIENT-INITIATED MGMT"),
            (alert::NEXT_MESSAGE, "NEXT MESSAGE"),
            (alert::SESSION_ABORT, "SESSION ABORT"),
            (alert::CLIENT_EVENT, "CLIENT EVENT"),
            (alert::NO_END_OF_DATA, "NO END OF DATA"),
            (alert::GENERIC, "GENERIC ALERT"),
        ]
    );
    let reserved: Vec<(u16, u16)> = Catalog::builtin()
        .alerts()
        .iter()
        .filter(|row| row.is_reserved())
        .map(|row| (row.first, row.last))
        .collect();
    assert_eq!(reserved, [(1105, 1199), (1202, 1220), (1227, 1299)]);
    assert!(alert_code(1222).is_some());
    assert!(alert_code(1250).is_none() && Catalog::builtin().alert(1250).is_some());
    assert!(Catalog::builtin().alert(1221).is_none());
    assert!(Catalog::builtin().alert(1099).is_none());
    assert!(Catalog::builtin().alert(1300).is_none());
}

#[test]
fn a_malformed_alert_row_is_refused() {
    let with = |row: &str| {
        builtin_with(
            Table::AlertCodes,
            &format!("{}{row}\n", Table::AlertCodes.builtin_text()),
        )
        .unwrap_err()
        .message
    };
    assert!(with("1300\t1300\t\tNo name.\ts").contains("has no name"));
    assert!(with("1300\t1301\tNAMED\tA range.\ts").contains("only a single code"));
    assert!(with("1301\t1300\t\tBackwards.\ts").contains("runs backwards"));
    assert!(with("1226\t1226\tAGAIN\tOverlap.\ts").contains("does not come after"));
}

#[test]
fn alert_codes_are_explained_by_name() {
    let explanation = explain("1222");
    let text = explanation.to_string();
    assert!(
        text.contains("\n  Alert code 1222 (next message)\n    [OMA DM alert codes (RepPro §7), alert-codes.tsv:"),
        "{text}"
    );
    assert!(text.contains("1222  NEXT MESSAGE"), "{text}");
    assert!(text.contains("Source: dm-facts §2.3"), "{text}");
    assert_eq!(
        matched("1226"),
        [
            (Table::AlertCodes, "1226".to_owned(), Origin::Table),
            (Table::WindowsOmaDm, "1226".to_owned(), Origin::Table)
        ]
    );

    let explanation = explain("1250");
    let groups = found(&explanation).by_subject();
    assert_eq!(
        groups[0].0.to_string(),
        "Alert code 1250 (reserved, 1227–1299)"
    );
    assert_eq!(groups[0].1[0].key, "1227–1299");
}

#[test]
fn a_number_that_is_an_alert_and_a_dcmo_code_shows_both_labelled() {
    for (code, alert, dcmo) in [
        (
            "1200",
            "Alert code 1200 (server-initiated mgmt)",
            "DCMO code 1200",
        ),
        (
            "1201",
            "Alert code 1201 (client-initiated mgmt)",
            "DCMO code 1201",
        ),
    ] {
        let explanation = explain(code);
        let headings: Vec<String> = found(&explanation)
            .by_subject()
            .iter()
            .map(|(subject, _)| subject.to_string())
            .collect();
        assert_eq!(headings.len(), 2, "{explanation}");
        assert_eq!(headings[0], alert);
        assert!(headings[1].starts_with(dcmo), "{headings:?}");
    }
}

#[test]
fn dcmo_and_certificate_codes_are_found_by_code_by_offset_and_by_hresult() {
    // A DCMO code and a certificate code (printed without a name), each in its three forms.
    for (code, offset, hresult, heading) in [
        (
            "1402",
            "2102",
            "0x87D10836",
            "DCMO code 1402 (an Intune OMA response code)",
        ),
        (
            "1404",
            "2104",
            "0x87D10838",
            "Intune OMA response code 1404 (printed without a name)",
        ),
    ] {
        let row = |query: &str| {
            let explanation = explain(query);
            let groups = found(&explanation).by_subject();
            assert_eq!(groups[0].0.to_string(), heading, "{explanation}");
            let first = groups[0].1[0];
            (first.table, first.line, first.origin)
        };
        let (table, line, origin) = row(code);
        assert_eq!((table, origin), (Table::OmaResponse, Origin::Table));
        assert_eq!(row(offset), (table, line, Origin::Offset));
        assert_eq!(row(hresult), (table, line, Origin::Table));
        let text = explain(offset).to_string();
        assert!(
            text.contains(&format!(
                "the HRESULT is 0x87D10000 + {offset}, not + {code}"
            )),
            "{text}"
        );
    }
    // DCMO(1200) sits at 0x87D10000 + 2000, as do 1201 to 1204 after it.
    assert!(matched("2000").contains(&(
        Table::OmaResponse,
        "-2016344112 0x87D107D0".to_owned(),
        Origin::Offset
    )));
    // 2001 is DCMO(1201) by offset, and an iOS service error by its own code.
    let tables: Vec<Table> = matched("2001")
        .into_iter()
        .map(|(table, _, _)| table)
        .collect();
    assert_eq!(tables, [Table::OmaResponse, Table::IosService]);
}

#[test]
fn a_dcmo_row_off_its_block_is_caught() {
    // DCMO(1203) printed at the HRESULT of 0x87D10000 + 2005.
    let text = format!(
        "{}1203\t0x87D107D5\t-2016344107\tDCMO\tMoved\n",
        Table::OmaResponse.builtin_text()
    );
    let catalog = builtin_with(Table::OmaResponse, &text).unwrap();
    let line = text.lines().count();
    let found = catalog.inconsistencies_of(Table::OmaResponse, line);
    let mismatch = found
        .iter()
        .find(|inconsistency| inconsistency.kind == InconsistencyKind::CodeMismatch)
        .unwrap();
    assert!(
        mismatch
            .detail
            .contains("prints DCMO(1203), but by the rule HRESULT = 0x87D10000 + 2000 + xx"),
        "{}",
        mismatch.detail
    );
    assert!(
        mismatch.detail.ends_with("gives 1205"),
        "{}",
        mismatch.detail
    );
}

#[test]
fn the_windows_page_speaks_of_status_and_alert_codes_only() {
    let catalog = Catalog::builtin();
    for text in catalog.windows_texts() {
        match text.kind {
            CodeKind::Status => assert!(
                catalog.syncml_status(text.code).is_some(),
                "line {}: {} is no SyncML status",
                text.line,
                text.code
            ),
            CodeKind::Alert => assert!(
                alert_code(text.code).is_some(),
                "line {}: {} is no alert code",
                text.line,
                text.code
            ),
        }
    }
    // The page's status table has a row for each code Windows lists, and no other.
    let in_table: Vec<u16> = catalog
        .windows_texts()
        .iter()
        .filter(|text| text.section == "SyncML Status Antwortcodes")
        .map(|text| text.code)
        .collect();
    let listed: Vec<u16> = catalog
        .statuses()
        .iter()
        .filter(|status| status.listed_by_windows)
        .map(|status| status.code)
        .collect();
    assert_eq!(in_table, listed);
}

#[test]
fn every_source_has_its_own_labelled_entry_side_by_side() {
    for (query, intune, german, english) in [
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
        let explanation = explain(query);
        let groups = found(&explanation).by_subject();
        assert_eq!(groups.len(), 1, "{explanation}");
        let tables: Vec<Table> = groups[0].1.iter().map(|found| found.table).collect();
        assert_eq!(
            tables,
            [Table::SyncmlStatus, Table::OmaResponse, Table::WindowsOmaDm]
        );
        let windows = groups[0].1[2];
        assert_eq!(windows.text, german);
        assert_eq!(windows.translation.as_deref(), Some(english));
        assert_eq!(groups[0].1[1].text, intune);
        let text = explanation.to_string();
        let labels = [
            "[OMA DM status codes (RepPro, in short), syncml-status.tsv:",
            "[Intune OMA response codes, oma-response.tsv:",
            "[Windows \"OMA DM protocol support\" page, German version, windows-oma-dm.tsv:",
            "In English (translated for this catalog, not the publisher's words): ",
        ];
        let mut at = 0;
        for label in labels {
            at += text[at..]
                .find(label)
                .unwrap_or_else(|| panic!("{label} missing after byte {at} of\n{text}"));
        }
    }
    // Reached from the HRESULT, the Windows words come by the same rule as the status.
    let explanation = explain("0x87D100D7");
    let windows: Vec<Origin> = found(&explanation)
        .matches
        .iter()
        .filter(|found| found.table == Table::WindowsOmaDm)
        .map(|found| found.origin)
        .collect();
    assert_eq!(windows, [Origin::Rule]);
    // Windows' words on an alert stand under the alert.
    let explanation = explain("1226");
    let groups = found(&explanation).by_subject();
    assert_eq!(groups.len(), 1, "{explanation}");
    assert_eq!(groups[0].1[1].table, Table::WindowsOmaDm);
}

#[test]
fn windows_lists_exactly_its_eighteen_codes() {
    let windows: Vec<u16> = Catalog::builtin()
        .statuses()
        .iter()
        .filter(|status| status.listed_by_windows)
        .map(|status| status.code)
        .collect();
    assert_eq!(
        windows,
        [
            200, 202, 212, 214, 215, 216, 400, 401, 403, 404, 405, 406, 415, 418, 425, 500, 507,
            516
        ]
    );
}

#[test]
fn every_status_has_its_hresult_in_the_oma_table() {
    let catalog = Catalog::builtin();
    for status in catalog.statuses() {
        let hresult = hresult_for_status(status.code).unwrap();
        let row = catalog
            .hresult_rows()
            .iter()
            .find(|row| row.table == Table::OmaResponse && row.hresult() == hresult);
        assert!(row.is_some(), "no OMA row for status {}", status.code);
    }
}

#[test]
fn status_418_in_every_form() {
    let by_status = vec![
        (Table::SyncmlStatus, "418".to_owned(), Origin::Table),
        (
            Table::OmaResponse,
            "-2016345694 0x87D101A2".to_owned(),
            Origin::Rule,
        ),
        (Table::WindowsOmaDm, "418".to_owned(), Origin::Table),
    ];
    assert_eq!(matched("418"), by_status);
    let by_hresult = vec![
        (
            Table::OmaResponse,
            "-2016345694 0x87D101A2".to_owned(),
            Origin::Table,
        ),
        (Table::SyncmlStatus, "418".to_owned(), Origin::Rule),
        (Table::WindowsOmaDm, "418".to_owned(), Origin::Rule),
    ];
    for query in [
        "0x87D101A2",
        "0x87d101a2",
        "87D101A2",
        "-2016345694",
        "2278621602",
    ] {
        assert_eq!(matched(query), by_hresult, "{query}");
        let findings = explain(query);
        let mapping = found(&findings).mappings[0];
        assert_eq!(
            (mapping.status, mapping.hresult, mapping.signed()),
            (418, 0x87D1_01A2, -2_016_345_694)
        );
    }
}

#[test]
fn a_number_matches_in_every_table_that_has_it() {
    let tables = |query: &str| -> Vec<Table> {
        matched(query)
            .into_iter()
            .map(|(table, _, _)| table)
            .collect()
    };
    assert_eq!(tables("60"), [Table::AppInstall]);
    assert_eq!(
        tables("500"),
        [
            Table::SyncmlStatus,
            Table::OmaResponse,
            Table::WindowsOmaDm,
            Table::WindowsOmaDm,
            Table::WindowsOmaDm,
            Table::IosCompanyPortal,
            Table::IosCompanyPortal
        ]
    );
    assert_eq!(
        tables("200"),
        [
            Table::SyncmlStatus,
            Table::OmaResponse,
            Table::WindowsOmaDm,
            Table::WindowsOmaDm
        ]
    );
    assert_eq!(tables("1200"), [Table::AlertCodes, Table::OmaResponse]);
    assert_eq!(tables("5011"), [Table::IosService]);
}

#[test]
fn app_install_state_60_gives_its_advice() {
    let explanation = explain("60");
    let state = &found(&explanation).matches[0];
    assert_eq!(state.title, "APP_CI_ENFORCEMENT_ERROR_INSTALLING");
    assert_eq!(state.text, "Installation Error occurred");
    assert!(
        state
            .resolution
            .as_deref()
            .unwrap()
            .starts_with("The app installation failed")
    );
}

#[test]
fn enrollment_codes_with_their_resolutions() {
    let explanation = explain("0x80CF0437");
    let findings = found(&explanation);
    assert_eq!(findings.matches.len(), 1);
    assert!(findings.mappings.is_empty());
    let resolution = findings.matches[0].resolution.as_deref().unwrap();
    assert!(
        resolution.starts_with("Make sure that the clock"),
        "{resolution}"
    );

    assert_eq!(matched("0x80cf0438").len(), 2);
    assert_eq!(matched("0xab2").len(), 1);
    let explanation = explain("0x8007064C");
    assert!(
        found(&explanation).matches[0]
            .resolution
            .as_deref()
            .unwrap()
            .contains("MMC")
    );
}

#[test]
fn a_row_matched_by_its_wrong_printed_hex_says_so() {
    let explanation = explain("0xF3FB4D95");
    let row = &found(&explanation).matches[0];
    assert_eq!(row.title, "DCMO(1201)");
    assert!(
        row.notes[0].contains("matched only by its printed hex"),
        "{:?}",
        row.notes
    );
    assert!(
        row.notes[1].starts_with("hex does not match decimal"),
        "{:?}",
        row.notes
    );
    // The decimal's own HRESULT finds the same row, without the first note.
    let explanation = explain("-2016344111");
    let notes = &found(&explanation).matches[0].notes;
    assert!(
        notes[0].starts_with("hex does not match decimal"),
        "{notes:?}"
    );
    assert!(
        !notes
            .iter()
            .any(|note| note.contains("matched only by its printed hex")),
        "{notes:?}"
    );
}

#[test]
fn an_hresult_missing_from_the_oma_table_is_decoded_by_rule() {
    let without_418: String = Table::OmaResponse
        .builtin_text()
        .lines()
        .filter(|line| !line.starts_with("418\t"))
        .map(|line| format!("{line}\n"))
        .collect();
    let catalog = builtin_with(Table::OmaResponse, &without_418).unwrap();
    let explanation = catalog.explain("0x87D101A2");
    let findings = found(&explanation);
    let tables: Vec<Table> = findings.matches.iter().map(|found| found.table).collect();
    assert_eq!(tables, [Table::SyncmlStatus, Table::WindowsOmaDm]);
    let decoded = &findings.matches[0];
    assert_eq!(
        (decoded.table, decoded.origin),
        (Table::SyncmlStatus, Origin::Rule)
    );
    assert!(
        decoded
            .notes
            .iter()
            .any(|note| note.contains("derived by rule, not from the table"))
    );
    assert!(
        explanation
            .to_string()
            .contains("(derived by rule: HRESULT = 0x87D10000 + SyncML status)")
    );
}

#[test]
fn an_hresult_above_the_base_by_a_number_that_is_no_status_is_not_mapped() {
    let explanation = explain("0x87D10203");
    let Outcome::NotKnown(findings) = &explanation.outcome else {
        panic!("{explanation}");
    };
    assert!(findings.mappings.is_empty());
    assert_eq!(
        findings.no_mappings,
        [NoMapping::OffsetNotAStatus {
            hresult: 0x87D1_0203,
            offset: 515
        }]
    );
    assert!(
        explanation
            .to_string()
            .contains("0x87D10203 is 0x87D10000 + 515, but 515 is not a SyncML status code"),
        "{explanation}"
    );
    let explanation = explain("0x87D10000");
    assert!(
        explanation
            .to_string()
            .contains("no SyncML status: 0x87D10000 is 0x87D10000 + 0"),
        "{explanation}"
    );
}

#[test]
fn a_number_that_is_no_status_says_why_it_has_no_hresult() {
    for number in [0, 99, 299, 515] {
        let explanation = explain(&number.to_string());
        let Outcome::NotKnown(findings) = &explanation.outcome else {
            panic!("{explanation}");
        };
        assert!(findings.mappings.is_empty(), "{explanation}");
        assert_eq!(findings.no_mappings, [NoMapping::NotAStatus(number)]);
        assert!(
            explanation
                .to_string()
                .contains(&format!("no HRESULT: {number} is not a SyncML status code")),
            "{explanation}"
        );
    }
    // A number some other table knows, outside the status classes, needs no such word.
    assert!(found(&explain("60")).no_mappings.is_empty());
}

#[test]
fn an_unknown_code_names_what_was_searched() {
    let explanation = explain("12345");
    assert!(!explanation.is_known() && explanation.is_valid());
    let text = explanation.to_string();
    for table in [
        Table::SyncmlStatus,
        Table::OmaResponse,
        Table::AppInstall,
        Table::IosCompanyPortal,
        Table::IosService,
    ] {
        assert!(
            text.contains(table.file_name()),
            "{table} missing from\n{text}"
        );
    }
    assert!(text.contains("not known"), "{text}");
}

#[test]
fn an_unparsable_query_is_an_error() {
    let explanation = explain("zzz");
    assert!(!explanation.is_valid() && !explanation.is_known());
    assert!(
        explanation
            .to_string()
            .contains("error: \"zzz\" is not a code")
    );
}

#[test]
fn the_display_shows_mapping_match_and_source_line() {
    let text = explain("418").to_string();
    let line = syncml_status(418).unwrap().line;
    assert!(text.starts_with("418\n  read as: number 418\n"), "{text}");
    assert!(
        text.contains("mapping: SyncML status 418 = HRESULT 0x87D101A2 = -2016345694"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "[OMA DM status codes (RepPro, in short), syncml-status.tsv:{line}] 418  Already exists"
        )),
        "{text}"
    );
}

#[test]
fn rows_about_the_same_thing_are_shown_together_under_it() {
    let explanation = explain("500");
    let findings = found(&explanation);
    let groups: Vec<(String, Vec<Table>)> = findings
        .by_subject()
        .into_iter()
        .map(|(subject, matches)| {
            (
                subject.to_string(),
                matches.iter().map(|found| found.table).collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            (
                "SyncML status 500 (Command failed)".to_owned(),
                vec![
                    Table::SyncmlStatus,
                    Table::OmaResponse,
                    Table::WindowsOmaDm,
                    Table::WindowsOmaDm,
                    Table::WindowsOmaDm
                ]
            ),
            (
                "iOS/iPadOS Company Portal error with HTTP status 500".to_owned(),
                vec![Table::IosCompanyPortal, Table::IosCompanyPortal]
            ),
        ]
    );
    let text = explanation.to_string();
    let heading = text
        .find("\n  SyncML status 500 (Command failed)\n    [")
        .unwrap();
    let portal = text.find("\n  iOS/iPadOS Company Portal error").unwrap();
    assert!(heading < portal, "{text}");

    // 200's row in the OMA table prints no code: its decimal puts it under status 200.
    let explanation = explain("200");
    let groups = found(&explanation).by_subject();
    assert_eq!(groups.len(), 1, "{explanation}");
    assert_eq!(groups[0].1.len(), 4, "{explanation}");
}

#[test]
fn every_inconsistency_of_the_source_tables_is_pinned() {
    let found: Vec<String> = inconsistencies().iter().map(ToString::to_string).collect();
    let rule = "by the rule HRESULT = 0x87D10000 + status";
    let ios_rule =
        "by the rule HRESULT = 0x87D10000 + 10000 + code (followed by every labelled row)";
    let mut expected = vec![
        "oma-response.tsv:40: hex does not match decimal: printed 0xF3FB4D95, but the decimal -2016344111 is 0x87D107D1".to_owned(),
        "oma-response.tsv:54: malformed hex: printed \"=0x87D101F8\", not a hexadecimal number; the decimal -2016345608 is 0x87D101F8".to_owned(),
    ];
    let code_less_oma_rows = [
        (101, -2_016_345_903, 209),
        (102, -2_016_345_904, 208),
        (103, -2_016_345_905, 207),
        (104, -2_016_345_906, 206),
        (105, -2_016_345_907, 205),
        (106, -2_016_345_908, 204),
        (107, -2_016_345_909, 203),
        (108, -2_016_345_910, 202),
        (109, -2_016_345_911, 201),
        (110, -2_016_345_912, 200),
        (111, -2_016_346_011, 101),
    ];
    for (line, decimal, status) in code_less_oma_rows {
        expected.push(format!(
            "oma-response.tsv:{line}: missing code: prints no code; {rule}, the decimal {decimal} gives {status}"
        ));
    }
    expected.extend([
        format!("ios-service.tsv:25: missing code: prints no code; {ios_rule}, the decimal -2016299111 gives 37001"),
        format!("ios-service.tsv:26: missing code: prints no code; {ios_rule}, the decimal -2016299112 gives 37000"),
        "ios-service.tsv:42: empty cell: code 29002 prints no error message".to_owned(),
        "ios-service.tsv:43: empty cell: code 29001 prints no error message".to_owned(),
        "ios-service.tsv:180: missing hex: no hex printed; the decimal -2016331101 is 0x87D13AA3".to_owned(),
        "ios-service.tsv:181: missing hex: no hex printed; the decimal -2016331102 is 0x87D13AA2".to_owned(),
        "ios-service.tsv:182: hex does not match decimal: printed 0x87D13AA4, but the decimal -2016331103 is 0x87D13AA1 (0x87D13AA4 is the HRESULT of ios-service.tsv:179)".to_owned(),
        "ios-service.tsv:182: duplicate: printed hex 0x87D13AA4 is also on ios-service.tsv:179".to_owned(),
        "ios-service.tsv:185: hex does not match decimal: printed 0x87D13AA3, but the decimal -2016331106 is 0x87D13A9E (0x87D13AA3 is the HRESULT of ios-service.tsv:180)".to_owned(),
        "enrollment.tsv:25: duplicate: code 0x80240438 is also on enrollment.tsv:24".to_owned(),
        "enrollment.tsv:25: duplicate: code 0x80CF0438 is also on enrollment.tsv:24".to_owned(),
    ]);
    assert_eq!(found, expected);
}

#[test]
fn the_rules_catch_faults_planted_in_a_clean_row() {
    // A copy of the 418 row with its code, hex and decimal disagreeing, and a blank message.
    let text = format!(
        "{}419\t0x87D101A3\t-2016345694\tSyncml\t\n",
        Table::OmaResponse.builtin_text()
    );
    let catalog = builtin_with(Table::OmaResponse, &text).unwrap();
    let line = text.lines().count();
    let kinds: Vec<InconsistencyKind> = catalog
        .inconsistencies_of(Table::OmaResponse, line)
        .iter()
        .map(|inconsistency| inconsistency.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            InconsistencyKind::HexMismatch,
            InconsistencyKind::CodeMismatch,
            InconsistencyKind::Duplicate,
            InconsistencyKind::Duplicate,
            InconsistencyKind::EmptyCell,
        ]
    );
}

mod hostile_queries {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_gets_an_answer(query in "\\PC{0,80}") {
            let explanation = explain(&query);
            let text = explanation.to_string();
            prop_assert!(!text.is_empty());
        }

        #[test]
        fn every_32_bit_code_reads_the_same_in_its_three_forms(code in any::<u32>()) {
            let as_hex = explain(&format!("0x{code:x}"));
            let as_signed = explain(&signed(code).to_string());
            let readings = |explanation: &Explanation| match &explanation.outcome {
                Outcome::Found(findings) | Outcome::NotKnown(findings) => findings.readings.clone(),
                Outcome::Invalid(error) => panic!("{error}"),
            };
            prop_assert_eq!(readings(&as_hex), vec![Reading::Hresult(code)]);
            if signed(code) < 0 {
                prop_assert_eq!(readings(&as_signed), vec![Reading::Hresult(code)]);
                prop_assert_eq!(&as_hex.outcome, &as_signed.outcome);
            }
        }
    }
}

#[test]
fn enrollment_faults_map_to_the_code_a_device_shows() {
    let code = |name: &str| super::windows_enrollment_fault(name).map(|e| e.code);
    assert_eq!(code("Authentication"), Some(0x8018_0002));
    assert_eq!(code("InvalidSecurity"), Some(0x8018_0007));
    assert_eq!(code("DeviceCapReached"), Some(0x8018_0013));
    assert_eq!(code("Auth"), None);
}

#[test]
fn the_name_of_an_enrollment_fault_is_explained_as_the_code_a_device_shows() {
    for (name, code) in [
        ("InvalidSecurity", 0x8018_0007),
        ("a:InvalidSecurity", 0x8018_0007),
        ("DeviceCapReached", 0x8018_0013),
    ] {
        let e = explain(name);
        assert_eq!(e.query, name);
        let Outcome::Found(findings) = &e.outcome else {
            panic!("{name}: {e}")
        };
        assert_eq!(findings.readings, vec![Reading::Hresult(code)], "{name}");
        assert!(e.is_known(), "{name}");
        assert!(e.to_string().contains("MENROLL_E_"), "{name}: {e}");
    }
    for not_a_fault in ["Auth", "s:", "InvalidSecurityX"] {
        let e = explain(not_a_fault);
        assert!(!e.is_valid(), "{not_a_fault}");
        assert!(
            e.to_string().contains("the name of an enrollment fault"),
            "{e}"
        );
    }
}
