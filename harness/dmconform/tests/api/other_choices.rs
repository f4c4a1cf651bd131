//! The expectations of cases where the sources leave a choice, shown against
//! hand-made replies: the reply of a conforming stack making the other allowed
//! choice passes, a reply no source allows fails.

use dmconform::checks::step_expectations::check;
use dmconform::codec;
use dmconform::placeholders::Bindings;
use dmconform::spec::Suite;
use dmconform::transcript::Received;
use dmconform::verdict::Severity;
use dmconform::{CaseRun, TargetProfile, Verdict};

/// A client message with these SyncBody commands, answering server message 2.
fn reply(body: &str) -> Received {
    let xml = format!(
        "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>\
         <SessionID>1</SessionID><MsgID>2</MsgID><Target><LocURI>https://dm.example/</LocURI></Target>\
         <Source><LocURI>dev</LocURI></Source></SyncHdr><SyncBody>\
         <Status><CmdID>1</CmdID><MsgRef>2</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status>\
         {body}<Final/></SyncBody></SyncML>"
    );
    Received {
        decoded: codec::decode(xml.as_bytes(), &codec::reply_limits()).expect("decodes"),
        content_type: "application/vnd.syncml.dm+xml".into(),
        headers: Vec::new(),
        body: xml.into_bytes(),
        exchange: 1,
    }
}

fn status(cmd_ref: &str, cmd: &str, code: u16, extra: &str) -> String {
    format!(
        "<Status><CmdID>2</CmdID><MsgRef>2</MsgRef><CmdRef>{cmd_ref}</CmdRef><Cmd>{cmd}</Cmd>{extra}<Data>{code}</Data></Status>"
    )
}

/// The verdict step `step` (1-based) of case `id` gives this reply, on its own.
fn verdict(id: &str, step: usize, body: &str) -> Verdict {
    let (suite, _) = Suite::embedded();
    let case = suite.case(id).expect("the case exists");
    let profile = TargetProfile::reference();
    let bindings = Bindings::new(&profile, id, "xml");
    let r = reply(body);
    let o = check(
        step,
        &case.step[step - 1],
        &[&r],
        &case.requirements,
        false,
        &bindings,
    );
    assert!(o.findings.iter().all(|f| f.severity != Severity::Error));
    CaseRun::verdict_from(&o.findings, o.judged)
}

#[test]
fn ui_alerts_admit_what_a_client_with_a_ui_answers_and_nothing_else() {
    for (id, code) in [
        ("alerts.display-1100", 200),
        ("alerts.display-1100", 214),
        ("alerts.confirm-1101", 304),
        ("alerts.confirm-1101", 200),
        ("alerts.single-choice-1103", 408),
        ("alerts.multiple-choice-1104", 406),
    ] {
        let v = verdict(id, 1, &status("10", "Alert", code, ""));
        assert_eq!(v, Verdict::Pass, "{id} answered {code}");
    }
    // A well-formed Alert in package 2 is neither out of place, incomplete, of an
    // unknown format nor too large.
    for (id, code) in [
        ("alerts.display-1100", 405),
        ("alerts.display-1100", 415),
        ("alerts.confirm-1101", 412),
        ("alerts.text-input-1102", 416),
        ("alerts.single-choice-1103", 215),
    ] {
        let v = verdict(id, 1, &status("10", "Alert", code, ""));
        assert_eq!(v, Verdict::Fail, "{id} answered {code}");
    }
}

#[test]
fn text_input_success_carries_the_text_typed() {
    let typed = status("10", "Alert", 200, "<Item><Data>hello</Data></Item>");
    assert_eq!(verdict("alerts.text-input-1102", 1, &typed), Verdict::Pass);
    let bare = status("10", "Alert", 200, "");
    assert_eq!(verdict("alerts.text-input-1102", 1, &bare), Verdict::Fail);
    // No UI: 406 and no text.
    let refused = status("10", "Alert", 406, "");
    assert_eq!(
        verdict("alerts.text-input-1102", 1, &refused),
        Verdict::Pass
    );
}

#[test]
fn replies_the_harness_cannot_judge_against_maxmsgsize_are_recorded_only() {
    // Windows ignores the MaxMsgSize: one message, 200 for the Atomic; an OMA client that
    // cannot split answers 517. Neither is judged: the harness does not measure the reply.
    for code in [200, 517] {
        let v = verdict(
            "atomic.response-too-large",
            2,
            &status("11", "Atomic", code, ""),
        );
        assert_eq!(v, Verdict::Informational, "{code}");
    }
    // The Results of {interior} fit in 1024 bytes whether the limit is respected or not.
    let results = "<Results><CmdID>3</CmdID><MsgRef>2</MsgRef><CmdRef>10</CmdRef>\
        <Item><Source><LocURI>./DevDetail</LocURI></Source><Meta><Format xmlns='syncml:metinf'>node</Format></Meta>\
        <Data>URI/Ext</Data></Item></Results>";
    let body = format!("{}{results}", status("10", "Get", 200, ""));
    assert_eq!(
        verdict("header.maxmsgsize-windows", 1, &body),
        Verdict::Informational
    );
}

#[test]
fn a_uri_beyond_the_limits_fails_on_windows_with_any_code() {
    // Windows documents no code for it: a stack answering 400 or 500 conforms; 414 stays
    // the OMA profile's rule.
    for (id, step, cmd) in [
        ("uri.segment-too-long-windows", 2, "Add"),
        ("uri.too-deep-windows", 1, "Get"),
        ("uri.too-long-windows", 1, "Get"),
    ] {
        let cmd_ref = if step == 2 { "11" } else { "10" };
        for code in [400, 500, 414] {
            let v = verdict(id, step, &status(cmd_ref, cmd, code, ""));
            assert_eq!(v, Verdict::Pass, "{id} answered {code}");
        }
        let v = verdict(id, step, &status(cmd_ref, cmd, 200, ""));
        assert_eq!(v, Verdict::Fail, "{id} answered 200");
    }
    let v = verdict("uri.too-long", 1, &status("10", "Get", 500, ""));
    assert_eq!(v, Verdict::Fail, "the OMA profile's 414");
}

#[test]
fn child_names_compare_their_percent_escapes_in_either_case() {
    let results = |names: &str| {
        format!(
            "{}<Results><CmdID>3</CmdID><MsgRef>2</MsgRef><CmdRef>12</CmdRef><Item><Source><LocURI>./x</LocURI></Source>\
             <Meta><Format xmlns='syncml:metinf'>node</Format></Meta><Data>{names}</Data></Item></Results>",
            status("12", "Get", 200, "")
        )
    };
    let id = "uri.child-names-uri-encoded";
    // RFC 3986 6.2.2.1: the hex digits of a percent escape are case-insensitive.
    assert_eq!(verdict(id, 3, &results("caf%c3%a9")), Verdict::Pass);
    assert_eq!(verdict(id, 3, &results("caf%C3%A9")), Verdict::Pass);
    // Not URI-encoded, as the Windows rule wants: still a failure.
    assert_eq!(verdict(id, 3, &results("café")), Verdict::Fail);
    assert_eq!(verdict(id, 3, &results("cafe")), Verdict::Fail);
}
