//! The Generic Alert (1226) a step may expect from the client: an Item with Meta Type
//! and Format, the Type a URN of a reversed domain name or a MIME type in any of the
//! forms the sources write (`is_urn`), and the Source, Type, Format and Data the case
//! names.

use crate::placeholders::Bindings;
use crate::spec::GenericAlertSpec;
use syncml::{Command, CommandKind, Item};

/// Why no Generic Alert among `alerts` satisfies `spec`, as (expected, actual);
/// `None` when one does.
pub fn unmet(
    spec: &GenericAlertSpec,
    alerts: &[&Command],
    bindings: &Bindings,
) -> Option<(String, String)> {
    let generic: Vec<&Item> = alerts
        .iter()
        .filter(|c| c.kind == CommandKind::Alert && c.code() == Some(1226))
        .flat_map(|c| c.items.iter())
        .collect();
    let expected = describe(spec, bindings);
    if generic.is_empty() {
        return Some((expected, "no Alert 1226".into()));
    }
    // One satisfying item is enough: collecting stops at the first `None`.
    let problems: Vec<String> = generic
        .iter()
        .map(|item| item_problem(spec, item, bindings))
        .collect::<Option<Vec<String>>>()?;
    Some((expected, problems.join("; ")))
}

/// What is wrong with one Generic Alert item, or `None` if it satisfies `spec`.
fn item_problem(spec: &GenericAlertSpec, item: &Item, bindings: &Bindings) -> Option<String> {
    let meta = item.meta.clone().unwrap_or_default();
    let type_ = meta.type_.as_deref().map(str::trim).unwrap_or("");
    let format = meta.format.as_deref().map(str::trim).unwrap_or("");
    if type_.is_empty() || format.is_empty() {
        return Some("an Item without Meta Type and Format".into());
    }
    if !is_urn(type_) {
        return Some(format!(
            "Type {type_:?}, not a reversed domain name or MIME type"
        ));
    }
    let source = item.source_uri().map(str::trim).unwrap_or("");
    let data = item
        .data
        .as_ref()
        .map(|d| d.as_text().trim().to_string())
        .unwrap_or_default();
    let fields = [
        ("Source", &spec.source, source),
        ("Type", &spec.r#type, type_),
        ("Format", &spec.format, format),
        ("Data", &spec.data, data.as_str()),
    ];
    fields.iter().find_map(|(name, want, got)| {
        let want = bindings.apply(want.as_deref()?);
        (want.trim() != *got).then(|| format!("{name} {got:?}"))
    })
}

/// Whether a Generic Alert Type has one of the forms the sources use. OMA DM RepPro
/// (Alert, Generic Alert): the Type is a URN, of the namespace `Reversed-Domain-Name`
/// or `Content-Type` (a MIME type), and no other namespace. The sources write it:
/// - with the namespace: `Reversed-Domain-Name:com.microsoft.mdm.EnterpriseHostedAppInstall.result`
///   (Windows, EnterpriseModernAppManagement CSP), `Content-Type:text/plain`;
/// - as the reversed domain name alone: `org.openmobilealliance.dm.firmwareupdate.devicerequest`
///   (OMA FUMO);
/// - as a reversed domain, a colon and a name: `com.microsoft:mdm.unenrollment.userrequest`
///   (Windows, unenrollment);
/// - as a MIME type alone: `text/plain`.
///
/// Anything else, e.g. one word, another namespace (`isbn:…`), or a one-label domain, is not.
fn is_urn(t: &str) -> bool {
    if let Some((nid, rest)) = t.split_once(':') {
        if nid.eq_ignore_ascii_case("Reversed-Domain-Name") {
            return is_reversed_domain(rest);
        }
        if nid.eq_ignore_ascii_case("Content-Type") {
            return is_mime_type(rest);
        }
        return is_reversed_domain(nid) && !rest.is_empty() && !rest.contains(char::is_whitespace);
    }
    is_reversed_domain(t) || is_mime_type(t)
}

/// A label of a domain name or MIME type: letters, digits, `-` and `_`.
fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Two or more labels joined by dots: a domain (`com.microsoft`), or one with the
/// name under it (`com.microsoft.mdm.win32csp_install`).
fn is_reversed_domain(s: &str) -> bool {
    s.split('.').count() >= 2 && s.split('.').all(is_label)
}

/// `type/subtype`, the subtype free of `/` and white space.
fn is_mime_type(s: &str) -> bool {
    match s.split_once('/') {
        Some((top, sub)) => is_label(top) && !sub.is_empty() && !sub.contains(['/', ' ', '\t']),
        None => false,
    }
}

fn describe(spec: &GenericAlertSpec, bindings: &Bindings) -> String {
    let mut parts = vec!["an Alert 1226 with Meta Type (a URN) and Format".to_string()];
    let named = [
        ("Source", &spec.source),
        ("Type", &spec.r#type),
        ("Format", &spec.format),
        ("Data", &spec.data),
    ];
    for (name, value) in named {
        if let Some(v) = value {
            parts.push(format!("{name} {:?}", bindings.apply(v)));
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use syncml::{Data, Meta};

    fn alert(type_: &str, source: &str, data: &str) -> Command {
        let item = Item {
            source: Some(syncml::Location::uri(source)),
            meta: Some(Meta::format("chr").with_type(type_)),
            data: Some(Data::text(data)),
            ..Item::default()
        };
        Command::alert("3", 1226).with_item(item)
    }

    #[test]
    fn types_in_every_form_the_sources_use_are_urns() {
        for t in [
            // Windows, unenrollment.
            "com.microsoft:mdm.unenrollment.userrequest",
            // Windows, EnterpriseModernAppManagement CSP (the namespace written out).
            "Reversed-Domain-Name:com.microsoft.mdm.EnterpriseHostedAppInstall.result",
            "Reversed-Domain-Name:com.microsoft.mdm.EnterpriseAppUninstall.result",
            "reversed-domain-name:com.microsoft.mdm.win32csp_install",
            // OMA FUMO: the reversed domain name alone.
            "org.openmobilealliance.dm.firmwareupdate.devicerequest",
            // A MIME type, alone or with its namespace.
            "text/plain",
            "Content-Type:application/vnd.example+xml",
        ] {
            assert!(is_urn(t), "{t}");
        }
    }

    #[test]
    fn other_types_are_not_urns() {
        for t in [
            "result",
            "microsoft:x",
            "com.microsoft:",
            "isbn:0451450523",
            "Reversed-Domain-Name:result",
            "Reversed-Domain-Name:",
            "Content-Type:plain",
            "com..microsoft",
            "text/plain/extra",
        ] {
            assert!(!is_urn(t), "{t}");
        }
    }

    #[test]
    fn named_fields_must_match() {
        let p = crate::TargetProfile::reference();
        let b = Bindings::new(&p, "alerts.x", "xml");
        let spec = GenericAlertSpec {
            source: Some("{exec}".into()),
            data: Some("done".into()),
            ..GenericAlertSpec::default()
        };
        let exec = b.get("exec").unwrap().to_string();
        let good = alert("com.example:result", &exec, "done");
        assert_eq!(unmet(&spec, &[&good], &b), None);
        let wrong_data = alert("com.example:result", &exec, "other");
        assert!(unmet(&spec, &[&wrong_data], &b).unwrap().1.contains("Data"));
        let bad_type = alert("result", &exec, "done");
        assert!(unmet(&spec, &[&bad_type], &b).unwrap().1.contains("Type"));
        assert!(unmet(&spec, &[], &b).unwrap().1.contains("no Alert 1226"));
    }

    #[test]
    fn only_an_alert_1226_counts_as_a_generic_alert() {
        let p = crate::TargetProfile::reference();
        let b = Bindings::new(&p, "alerts.x", "xml");
        let spec = GenericAlertSpec::default();
        let item = alert("com.example:result", "./x", "done").items.remove(0);
        let other_alert = Command::alert("4", 1224).with_item(item.clone());
        let found = unmet(&spec, &[&other_alert], &b).expect("an Alert 1224 is no Generic Alert");
        assert!(found.1.contains("no Alert 1226"), "{found:?}");
        let mut status = Command::status("5", "1", "3", "Alert", 1226);
        status.items = vec![item];
        let found =
            unmet(&spec, &[&status], &b).expect("a Status with code 1226 is no Generic Alert");
        assert!(found.1.contains("no Alert 1226"), "{found:?}");
    }
}
