//! Sessions, refresh tokens and one-time tokens.

use crate::entity::{one_time_tokens, refresh_tokens, sessions};
use crate::error::corrupt;
use crate::timestamps::{utc, utc_opt};
use harmony_identity::model::{OneTimeToken, RefreshToken, Session, TokenPurpose};
use harmony_kernel::{SessionId, StoreError, UserId};
use sea_orm::ActiveValue::Set;

pub(crate) fn session_to_row(s: &Session) -> sessions::ActiveModel {
    sessions::ActiveModel {
        id: Set(s.id.into_uuid()),
        user_id: Set(s.user_id.into_uuid()),
        created_at: Set(utc(s.created_at)),
        revoked_at: Set(utc_opt(s.revoked_at)),
        impersonator_id: Set(s.impersonator_id.map(UserId::into_uuid)),
    }
}

pub(crate) fn session_from_row(r: &sessions::Model) -> Session {
    Session {
        id: SessionId::from_uuid(r.id),
        user_id: UserId::from_uuid(r.user_id),
        created_at: r.created_at,
        revoked_at: r.revoked_at,
        impersonator_id: r.impersonator_id.map(UserId::from_uuid),
    }
}

pub(crate) fn refresh_to_row(t: &RefreshToken) -> refresh_tokens::ActiveModel {
    refresh_tokens::ActiveModel {
        id: Set(t.id),
        session_id: Set(t.session_id.into_uuid()),
        user_id: Set(t.user_id.into_uuid()),
        token_digest: Set(t.token_digest.clone()),
        access_jti: Set(t.access_jti),
        issued_at: Set(utc(t.issued_at)),
        expires_at: Set(utc(t.expires_at)),
        rotated_at: Set(utc_opt(t.rotated_at)),
        successor_id: Set(t.successor_id),
    }
}

pub(crate) fn refresh_from_row(r: refresh_tokens::Model) -> RefreshToken {
    RefreshToken {
        id: r.id,
        session_id: SessionId::from_uuid(r.session_id),
        user_id: UserId::from_uuid(r.user_id),
        token_digest: r.token_digest,
        access_jti: r.access_jti,
        issued_at: r.issued_at,
        expires_at: r.expires_at,
        rotated_at: r.rotated_at,
        successor_id: r.successor_id,
    }
}

pub(crate) fn one_time_to_row(t: &OneTimeToken) -> one_time_tokens::ActiveModel {
    one_time_tokens::ActiveModel {
        id: Set(t.id),
        user_id: Set(t.user_id.into_uuid()),
        purpose: Set(t.purpose.as_str().to_owned()),
        token_digest: Set(t.token_digest.clone()),
        expires_at: Set(utc(t.expires_at)),
        used_at: Set(utc_opt(t.used_at)),
        created_at: Set(utc(t.created_at)),
    }
}

pub(crate) fn one_time_from_row(r: one_time_tokens::Model) -> Result<OneTimeToken, StoreError> {
    let purpose = TokenPurpose::parse(&r.purpose)
        .ok_or_else(|| corrupt("one_time_tokens", "purpose", &r.purpose))?;
    Ok(OneTimeToken {
        id: r.id,
        user_id: UserId::from_uuid(r.user_id),
        purpose,
        token_digest: r.token_digest,
        expires_at: r.expires_at,
        used_at: r.used_at,
        created_at: r.created_at,
    })
}
