//! The authenticated caller, as an extractor (guard G-AUTH).
//!
//! The bearer token is verified by identity's `authenticate`: signature,
//! expiry, token type, live session, existing active user. Handlers that take
//! a [`Caller`] are authenticated; those that do not are public.

use crate::error::ApiError;
use crate::identity_http::identity_error;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use harmony_identity::IdentityService;
use harmony_identity::model::User;
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
    let value = header.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::new(
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
        let origin = crate::origin::origin_of(req);
        let identity = req.app_data::<web::Data<IdentityService>>().cloned();
        Box::pin(async move {
            let token = token?;
            let identity =
                identity.ok_or_else(|| ApiError::internal("identity service not wired"))?;
            let (principal, user) = identity
                .authenticate(&token)
                .await
                .map_err(identity_error)?;
            Ok(Self {
                principal: principal.with_origin(origin),
                user,
            })
        })
    }
}
