//! The Generic Alert (1226) a step may expect from the client: an Item with Meta Type
//! and Format, the Type a URN (OMA DM RepPro, Generic Alert: a reversed domain name
//! such as `com.microsoft:mdm.unenrollment.userrequest`, or a MIME type), and the
//! Source, Type, Format and Data the case names.

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

/// A Type of the forms OMA DM allows for Generic Alerts: `reversed.domain:name` or `type/subtype`.
fn is_urn(t: &str) -> bool {
    let label = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if let Some((domain, rest)) = t.split_once(':') {
        return domain.split('.').count() >= 2 && domain.split('.').all(label) && !rest.is_empty();
    }
    match t.split_once('/') {
        Some((top, sub)) => label(top) && !sub.is_empty() && !sub.contains('/'),
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
    fn types_must_be_urns() {
        assert!(is_urn("com.microsoft:mdm.unenrollment.userrequest"));
        assert!(is_urn("text/plain"));
        assert!(!is_urn("result"));
        assert!(!is_urn("microsoft:x"));
        assert!(!is_urn("com.microsoft:"));
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
}
