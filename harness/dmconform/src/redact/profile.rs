//! The passwords and tokens of a target profile's TOML text, replaced where the text is
//! shown or kept (a certification bundle's record, the diff of
//! `dmconform expectations update`), so a published bundle carries no secret.

use super::MARKER;

/// The keys whose values are secrets: `password` (of `[credentials]`,
/// `[server_credentials]`, `[enrollment]`) and `token` (of `[enrollment]`).
const SECRET_KEYS: &[&str] = &["password", "token"];

fn is_secret(key: &str) -> bool {
    SECRET_KEYS.contains(&key.trim())
}

/// The profile text with every `password` and `token` value replaced by [`MARKER`].
/// Lines of the form `password = …` keep their place and comments; a file that
/// hides a secret elsewhere (an inline table, a dotted key) is re-serialized
/// without comments.
pub fn profile_text(text: &str) -> String {
    let by_line: String = text
        .lines()
        .map(|line| match line.split_once('=') {
            Some((key, _)) if is_secret(key) => {
                let indent = &line[..line.len() - line.trim_start().len()];
                format!("{indent}{} = \"{MARKER}\"\n", key.trim())
            }
            _ => format!("{line}\n"),
        })
        .collect();
    if no_password_left(&by_line) {
        return by_line;
    }
    match toml::from_str::<toml::Table>(text) {
        Ok(mut table) => {
            redact_table(&mut table);
            toml::to_string(&table).unwrap_or_default()
        }
        Err(_) => String::new(),
    }
}

fn no_password_left(text: &str) -> bool {
    fn clean(v: &toml::Value) -> bool {
        match v {
            toml::Value::Table(t) => t
                .iter()
                .all(|(k, v)| (!is_secret(k) || v.as_str() == Some(MARKER)) && clean(v)),
            toml::Value::Array(a) => a.iter().all(clean),
            _ => true,
        }
    }
    toml::from_str::<toml::Table>(text).is_ok_and(|t| clean(&toml::Value::Table(t)))
}

fn redact_table(table: &mut toml::Table) {
    for (k, v) in table.iter_mut() {
        match v {
            toml::Value::Table(t) => redact_table(t),
            toml::Value::Array(a) => a.iter_mut().for_each(|x| {
                if let toml::Value::Table(t) = x {
                    redact_table(t)
                }
            }),
            _ if is_secret(k) => *v = toml::Value::String(MARKER.into()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_token_goes_too() {
        let text = "[enrollment]\nuser = \"u@example.com\"\ntoken = \"ZXlKaGJHY2lPaUpT\"\n";
        let r = profile_text(text);
        assert!(!r.contains("ZXlKaGJHY2lPaUpT"), "{r}");
        assert!(r.contains("token = \"[redacted]\""), "{r}");
    }

    #[test]
    fn passwords_go_and_comments_stay() {
        let text = "# mine\n[credentials]\nscheme = \"basic\"\nuser = \"u\"\n  password = \"s3cret\" # x\n";
        let r = profile_text(text);
        assert!(!r.contains("s3cret"));
        assert!(r.contains("# mine") && r.contains("password = \"[redacted]\""));
    }

    #[test]
    fn an_inline_table_is_redacted_too() {
        let text = "credentials = { scheme = \"basic\", user = \"u\", password = \"s3cret\" }\n";
        let r = profile_text(text);
        assert!(!r.contains("s3cret"), "{r}");
        assert!(r.contains(MARKER));
    }

    #[test]
    fn a_multi_line_password_does_not_survive() {
        let text = "[credentials]\npassword = \"\"\"\ns3cret\"\"\"\n";
        assert!(!profile_text(text).contains("s3cret"));
    }
}
