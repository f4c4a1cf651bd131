//! The password an `exec:` wrapper was given, blotted out of what the wrapper
//! writes (its standard error, the text of its `ERROR` and `UNSUPPORTED`
//! answers) before that text reaches a transcript or an error message.

use super::MARKER;
use base64::Engine;

/// The forms of a password that must not appear in a wrapper's text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Longest first, so a longer secret is blotted out before a part of it.
    forms: Vec<String>,
}

impl Secrets {
    /// The password and its Basic form (`B64(user:password)`); nothing when
    /// the password is empty.
    pub fn of_password(user: &str, password: &str) -> Secrets {
        if password.is_empty() {
            return Secrets::default();
        }
        let mut forms = vec![
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")),
            password.to_string(),
        ];
        forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Secrets { forms }
    }

    /// The text with every form of the password replaced by [`MARKER`].
    pub fn blot(&self, mut text: String) -> String {
        for secret in &self.forms {
            text = text.replace(secret.as_str(), MARKER);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_and_its_basic_form_are_blotted() {
        let secrets = Secrets::of_password("u", "pw");
        let basic = base64::engine::general_purpose::STANDARD.encode("u:pw");
        assert_eq!(
            secrets.blot(format!("login pw as {basic}.")),
            "login [redacted] as [redacted]."
        );
        assert_eq!(Secrets::of_password("u", "").blot("pw".into()), "pw");
    }
}
