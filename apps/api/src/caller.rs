//! The authenticated caller, as an extractor (guard G-AUTH).
//!
//! The bearer token is verified by identity's `authenticate`: signature,
//! expiry, token type, live session, existing active user. Handlers that take
//! a [`Caller`] are authenticated; those that do not are public.

use crate::error::ApiError;
use crate::identity_http::identity_error;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use harmony_identity::IdentityService;
use harmony_identity::model::User;
use harmony_identity::service::VerifiedAccess;
use harmony_kernel::{ErrorKind, Principal};
use std::future::Future;
use std::pin::Pin;

/// The verified principal and its account.
pub struct Caller {
    /// Who calls, with role and tenant from the stored account.
    pub principal: Principal,
    /// The account as stored now.
    pub user: User,
}

/// The token of an `Authorization: Bearer <token>` value; `None` for other
/// schemes or an empty token. Shared with the rate limiter.
pub fn bearer_token(authorization: &str) -> Option<&str> {
    match authorization.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Some(token.trim())
        }
        _ => None,
    }
}

/// An access token the rate limiter already verified in this request
/// (request extension), so the extractor does not verify it again.
#[derive(Debug, Clone)]
pub struct VerifiedBearer(pub VerifiedAccess);

/// The bearer token of a request, if the header has the `Bearer` scheme.
fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::new(
                ErrorKind::Forbidden,
                "not_authenticated",
                "Not authenticated",
            )
        })?;
    match bearer_token(header.to_str().unwrap_or_default()) {
        Some(token) => Ok(token.to_owned()),
        None => Err(ApiError::new(
            ErrorKind::Forbidden,
            "invalid_authentication_scheme",
            "Invalid authentication credentials",
        )),
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let verified = req.extensions().get::<VerifiedBearer>().cloned();
        let origin = crate::origin::origin_of(req);
        let identity = req.app_data::<web::Data<IdentityService>>().cloned();
        Box::pin(async move {
            let token = token?;
            let identity =
                identity.ok_or_else(|| ApiError::internal("identity service not wired"))?;
            let authenticated = match verified {
                Some(VerifiedBearer(v)) => identity.authenticate_verified(&v).await,
                None => identity.authenticate(&token).await,
            };
            let (principal, user) = authenticated.map_err(identity_error)?;
            Ok(Self {
                principal: principal.with_origin(origin),
                user,
            })
        })
    }
}
