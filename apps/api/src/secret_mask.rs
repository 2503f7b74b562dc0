//! Masking of environment variables for the admin tools' system info
//! (api-core §3.7 #3).
//!
//! The original masked a variable only when its NAME looked secret, so
//! `DATABASE=postgres://app:hunter2@db/app` or a token in `MY_CONFIG` went
//! out in clear. Here a value is also masked by what it IS: one of the
//! deployment's configured secrets (or containing one), a URL with a
//! password, or something shaped like a key or token.

/// What replaces a masked value.
pub const MASK: &str = "********";

/// Name fragments that always mask (case-insensitive), as the contract has
/// them plus a few common spellings.
const SECRET_NAMES: [&str; 8] = [
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "KEY",
    "TOKEN",
    "DATABASE_URL",
    "CREDENTIAL",
    "AUTH",
];

/// `value` as shown for variable `name`, given the deployment's secrets.
pub fn mask_env(name: &str, value: &str, known_secrets: &[&str]) -> String {
    // `HARMONY__DATABASE__URL` is `DATABASE_URL` too
    let upper = name.to_ascii_uppercase().replace("__", "_");
    let by_name = SECRET_NAMES.iter().any(|s| upper.contains(s));
    let by_known = known_secrets
        .iter()
        .any(|s| s.len() >= 6 && value.contains(s));
    if by_name || by_known || has_url_password(value) || looks_like_token(value) {
        MASK.to_owned()
    } else {
        value.to_owned()
    }
}

/// `scheme://user:password@host…`.
fn has_url_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.split_once(':').is_some_and(|(_, p)| !p.is_empty()))
}

/// At least 24 characters of one base64/hex-like word mixing letters and
/// digits (API keys, JWTs, session tokens); paths and sentences do not match.
fn looks_like_token(value: &str) -> bool {
    let token_char = |c: char| c.is_ascii_alphanumeric() || "+/=_-.".contains(c);
    value.len() >= 24
        && value.chars().all(token_char)
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
        && !value.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_by_name() {
        for name in [
            "JWT_SECRET",
            "db_password",
            "AWS_ACCESS_KEY_ID",
            "HARMONY__DATABASE__URL",
        ] {
            assert_eq!(mask_env(name, "plain", &[]), MASK, "{name}");
        }
        assert_eq!(mask_env("HOME", "/root", &[]), "/root");
        assert_eq!(mask_env("LANG", "C.UTF-8", &[]), "C.UTF-8");
    }

    #[test]
    fn secrets_are_masked_by_value() {
        assert_eq!(
            mask_env("UPSTREAM", "postgres://app:hunter2@db/app", &[]),
            MASK
        );
        assert_eq!(
            mask_env("UPSTREAM", "https://example.com/a?b=c", &[]),
            "https://example.com/a?b=c"
        );
        assert_eq!(
            mask_env("CFG", "xoxb-1234567890-abcdefghijklmnop", &[]),
            MASK
        );
        assert_eq!(
            mask_env(
                "SOMETHING",
                "prefix-my-jwt-secret-value",
                &["my-jwt-secret"]
            ),
            MASK
        );
        assert_eq!(
            mask_env("PATH", "/usr/local/bin:/usr/bin:/bin", &[]),
            "/usr/local/bin:/usr/bin:/bin"
        );
    }
}
