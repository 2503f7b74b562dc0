//! HS256 JSON Web Tokens.
//!
//! Wire format of the payload (keys in this order):
//!
//! ```json
//! {"sub": "<uuid>", "tenant_id": "<uuid>", "tenant_role": "owner",
//!  "system_role": "admin", "role": "owner", "exp": 1700000000,
//!  "iat": 1699998200, "jti": "<uuid>", "type": "access", "sid": "<uuid>"}
//! ```
//!
//! `tenant_id` and `tenant_role` are **omitted** (not `null`) for system
//! users, and `system_role` is omitted for tenant users. On decode, `null` is
//! accepted as absent. Impersonation tokens add the RFC 8693 actor claim
//! `"act": {"sub": "<system admin uuid>"}`; it is omitted otherwise.

use harmony_identity::ports::{Claims, TokenCodec, TokenError, TokenKind};
use harmony_kernel::{SessionId, SystemRole, TenantId, TenantRole, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// [`TokenCodec`] signing with HMAC-SHA256 and a shared secret.
///
/// Only `HS256` is accepted on decode. Expiry is checked against the `now`
/// passed to [`TokenCodec::decode`] (the library's own clock is not used, and
/// there is no leeway): a token is expired from its `exp` second on.
#[derive(Clone)]
pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    header: Header,
    validation: Validation,
}

impl std::fmt::Debug for JwtCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtCodec(HS256, ..)")
    }
}

impl JwtCodec {
    /// A codec for the given signing secret (its UTF-8 bytes are the HMAC key).
    pub fn new(secret: &SecretString) -> Self {
        let key = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.leeway = 0;
        validation.required_spec_claims.clear();
        Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            header: Header::new(Algorithm::HS256),
            validation,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum WireKind {
    Access,
    Refresh,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireClaims {
    sub: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    system_role: Option<String>,
    role: String,
    exp: i64,
    iat: i64,
    jti: Uuid,
    #[serde(rename = "type")]
    kind: WireKind,
    sid: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    act: Option<WireActor>,
}

/// RFC 8693 §4.1 actor claim: `{"sub": "<uuid>"}`.
#[derive(Debug, Serialize, Deserialize)]
struct WireActor {
    sub: Uuid,
}

impl From<TokenKind> for WireKind {
    fn from(k: TokenKind) -> Self {
        match k {
            TokenKind::Access => Self::Access,
            TokenKind::Refresh => Self::Refresh,
        }
    }
}

impl From<WireKind> for TokenKind {
    fn from(k: WireKind) -> Self {
        match k {
            WireKind::Access => Self::Access,
            WireKind::Refresh => Self::Refresh,
        }
    }
}

impl From<&Claims> for WireClaims {
    fn from(c: &Claims) -> Self {
        Self {
            sub: c.user_id.into_uuid(),
            tenant_id: c.tenant.map(|(t, _)| t.into_uuid()),
            tenant_role: c.tenant.map(|(_, r)| r.as_str().to_owned()),
            system_role: c.system_role.map(|r| r.as_str().to_owned()),
            role: c.legacy_role.clone(),
            exp: c.expires_at.unix_timestamp(),
            iat: c.issued_at.unix_timestamp(),
            jti: c.jti,
            kind: c.kind.into(),
            sid: c.session_id.into_uuid(),
            act: c.actor.map(|a| WireActor { sub: a.into_uuid() }),
        }
    }
}

impl TryFrom<WireClaims> for Claims {
    type Error = TokenError;

    fn try_from(w: WireClaims) -> Result<Self, TokenError> {
        let tenant = match (w.tenant_id, w.tenant_role.as_deref()) {
            (Some(id), Some(role)) => {
                let role = TenantRole::parse(role).ok_or(TokenError::Invalid)?;
                Some((TenantId::from_uuid(id), role))
            }
            (None, None) => None,
            _ => return Err(TokenError::Invalid),
        };
        let system_role = match w.system_role.as_deref() {
            Some(r) => Some(SystemRole::parse(r).ok_or(TokenError::Invalid)?),
            None => None,
        };
        let time = |t| OffsetDateTime::from_unix_timestamp(t).map_err(|_| TokenError::Invalid);
        Ok(Self {
            user_id: UserId::from_uuid(w.sub),
            tenant,
            system_role,
            legacy_role: w.role,
            kind: w.kind.into(),
            jti: w.jti,
            session_id: SessionId::from_uuid(w.sid),
            issued_at: time(w.iat)?,
            expires_at: time(w.exp)?,
            actor: w.act.map(|a| UserId::from_uuid(a.sub)),
        })
    }
}

impl TokenCodec for JwtCodec {
    fn encode(&self, claims: &Claims) -> String {
        #[expect(
            clippy::expect_used,
            reason = "HS256 signing of a plain struct has no failure path: the key \
                      family matches the header and serialisation cannot fail"
        )]
        jsonwebtoken::encode(&self.header, &WireClaims::from(claims), &self.encoding)
            .expect("HS256 encoding is infallible")
    }

    fn decode(
        &self,
        token: &str,
        expected: TokenKind,
        now: OffsetDateTime,
    ) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<WireClaims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        let claims = Claims::try_from(data.claims)?;
        if claims.kind != expected {
            return Err(TokenError::Invalid);
        }
        if now >= claims.expires_at {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn codec(secret: &str) -> JwtCodec {
        JwtCodec::new(&SecretString::from(secret))
    }

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    fn tenant_claims(kind: TokenKind) -> Claims {
        Claims {
            user_id: UserId::new(),
            tenant: Some((TenantId::new(), TenantRole::Owner)),
            system_role: None,
            legacy_role: "owner".into(),
            kind,
            jti: Uuid::new_v4(),
            session_id: SessionId::new(),
            issued_at: at(1_700_000_000),
            expires_at: at(1_700_001_800),
            actor: None,
        }
    }

    fn payload_json(token: &str) -> serde_json::Value {
        use base64::Engine as _;
        let payload = token.split('.').nth(1).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn the_actor_claim_roundtrips_in_rfc_8693_shape() {
        let c = codec(SECRET);
        let admin = UserId::new();
        let claims = Claims {
            actor: Some(admin),
            ..tenant_claims(TokenKind::Access)
        };
        let token = c.encode(&claims);
        let json = payload_json(&token);
        assert_eq!(json["act"]["sub"], admin.into_uuid().to_string());
        assert_eq!(
            c.decode(&token, TokenKind::Access, at(1_700_000_100)),
            Ok(claims)
        );
        let plain = c.encode(&tenant_claims(TokenKind::Access));
        assert!(payload_json(&plain).get("act").is_none());
    }

    const SECRET: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

    #[test]
    fn roundtrip_tenant_and_system_users() {
        let c = codec(SECRET);
        let claims = tenant_claims(TokenKind::Access);
        let token = c.encode(&claims);
        assert_eq!(
            c.decode(&token, TokenKind::Access, at(1_700_000_100)),
            Ok(claims)
        );

        let system = Claims {
            tenant: None,
            system_role: Some(SystemRole::Admin),
            legacy_role: "super_admin".into(),
            ..tenant_claims(TokenKind::Refresh)
        };
        let token = c.encode(&system);
        assert_eq!(
            c.decode(&token, TokenKind::Refresh, at(1_700_000_100)),
            Ok(system)
        );
    }

    #[test]
    fn payload_has_the_documented_shape() {
        let c = codec(SECRET);
        let claims = tenant_claims(TokenKind::Access);
        let token = c.encode(&claims);
        let payload = token.split('.').nth(1).unwrap();
        let json =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec![
            "exp",
            "iat",
            "jti",
            "role",
            "sid",
            "sub",
            "tenant_id",
            "tenant_role",
            "type",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(v["type"], "access");
        assert_eq!(v["tenant_role"], "owner");
        assert_eq!(v["exp"], 1_700_001_800);
        assert_eq!(v["sub"], claims.user_id.to_string());
    }

    #[test]
    fn encoding_is_deterministic() {
        let c = codec(SECRET);
        let claims = tenant_claims(TokenKind::Access);
        assert_eq!(c.encode(&claims), c.encode(&claims.clone()));
        assert_eq!(c.encode(&claims), codec(SECRET).encode(&claims));
    }

    #[test]
    fn expired_from_exp_on() {
        let c = codec(SECRET);
        let claims = tenant_claims(TokenKind::Access);
        let token = c.encode(&claims);
        let exp = claims.expires_at;
        assert!(
            c.decode(&token, TokenKind::Access, exp - Duration::seconds(1))
                .is_ok()
        );
        assert_eq!(
            c.decode(&token, TokenKind::Access, exp),
            Err(TokenError::Expired)
        );
        assert_eq!(
            c.decode(&token, TokenKind::Access, exp + Duration::days(1)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn wrong_kind_is_invalid() {
        let c = codec(SECRET);
        let access = c.encode(&tenant_claims(TokenKind::Access));
        let refresh = c.encode(&tenant_claims(TokenKind::Refresh));
        let now = at(1_700_000_100);
        assert_eq!(
            c.decode(&access, TokenKind::Refresh, now),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            c.decode(&refresh, TokenKind::Access, now),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn tampered_signature_is_invalid() {
        let c = codec(SECRET);
        let token = c.encode(&tenant_claims(TokenKind::Access));
        let (rest, sig) = token.rsplit_once('.').unwrap();
        let flipped = if sig.starts_with('A') { 'B' } else { 'A' };
        let tampered = format!("{rest}.{flipped}{}", &sig[1..]);
        let now = at(1_700_000_100);
        assert_eq!(
            c.decode(&tampered, TokenKind::Access, now),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            c.decode("not.a.jwt", TokenKind::Access, now),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            c.decode("", TokenKind::Access, now),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn wrong_secret_is_invalid() {
        let token = codec(SECRET).encode(&tenant_claims(TokenKind::Access));
        let other = codec("another-secret-that-is-long-enough-0123456789");
        let res = other.decode(&token, TokenKind::Access, at(1_700_000_100));
        assert_eq!(res, Err(TokenError::Invalid));
    }

    #[test]
    fn other_algorithms_are_refused() {
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &WireClaims::from(&tenant_claims(TokenKind::Access)),
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap();
        let res = codec(SECRET).decode(&hs512, TokenKind::Access, at(1_700_000_100));
        assert_eq!(res, Err(TokenError::Invalid));
    }
}
