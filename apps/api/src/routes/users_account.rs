//! `/api/v1/users` self-service and account endpoints (contract §3.2 #6–9):
//! change password, invite, transfer ownership and delete-me. Registered by
//! [`super::users::configure`].

use super::users::{Identity, branch, business_role, role, user_id};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::identity_http::{self as parse, identity_error};
use crate::validation::FieldErrors;
use crate::views::UserView;
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_identity::service::InviteCommand;
use harmony_kernel::{TenantRole, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /users/{id}/change-password`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ChangePasswordBody {
    current_password: Option<String>,
    new_password: Option<String>,
}

/// Changes the caller's own password (system users too) and signs out every session.
#[utoipa::path(post, path = "/users/{user_id}/change-password", tag = "users", request_body = ChangePasswordBody,
    security(("bearer" = [])), responses((status = 200, body = crate::views::MessageView), (status = 400), (status = 403)))]
pub async fn change_password(
    identity: Identity,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<ChangePasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let id = user_id(&path)?;
    if id != caller.principal.user_id() {
        return Err(identity_error(
            harmony_identity::IdentityError::NotOwnPassword,
        ));
    }
    change_own_password(&identity, &caller, body.into_inner()).await
}

/// Validates the body and changes the caller's own password (shared with
/// `POST /admin/profile/change-password`).
pub(crate) async fn change_own_password(
    identity: &IdentityService,
    caller: &Caller,
    b: ChangePasswordBody,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let current = parse::secret(&mut e, "current_password", b.current_password);
    let new = parse::password(&mut e, "new_password", b.new_password);
    e.finish()?;
    let (Some(current), Some(new)) = (current, new) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    identity
        .change_password(
            &caller.principal,
            caller.principal.user_id(),
            &current,
            &new,
        )
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(crate::views::MessageView {
        message: "Password changed successfully",
    }))
}

/// `POST /users/invite` (`InviteUserRequest`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InviteBody {
    email: Option<String>,
    tenant_role: Option<String>,
    business_role: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    default_branch_id: Option<String>,
    /// Legacy: used only when `tenant_role` is absent.
    role: Option<String>,
}

/// Answer of invite.
#[derive(Serialize, ToSchema)]
pub struct InvitedView {
    message: &'static str,
    email: String,
    tenant_role: &'static str,
    business_role: Option<String>,
}

/// Invites a person by e-mail; the invitation mail goes through the outbox.
#[utoipa::path(post, path = "/users/invite", tag = "users", request_body = InviteBody, security(("bearer" = [])),
    responses((status = 201, body = InvitedView), (status = 400), (status = 403)))]
pub async fn invite(
    identity: Identity,
    caller: Caller,
    body: web::Json<InviteBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let email = parse::signup_email(&mut e, "email", b.email);
    let legacy = b.role.map(|r| {
        if r == "admin" {
            "admin".to_owned()
        } else {
            "member".to_owned()
        }
    });
    let tenant_role = role(&mut e, "tenant_role", b.tenant_role.or(legacy).as_deref());
    let default_branch_id = branch(&mut e, b.default_branch_id.as_deref());
    let business_role = business_role(&mut e, b.business_role);
    e.finish()?;
    let (Some(email), Some(tenant_role)) = (email, tenant_role) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    let cmd = InviteCommand {
        email,
        tenant_role,
        business_role,
        first_name: b.first_name,
        last_name: b.last_name,
        default_branch_id,
    };
    let user = identity
        .invite_user(&caller.principal, cmd)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Created().json(InvitedView {
        message: "Invitation sent successfully",
        email: user.email.as_str().to_owned(),
        tenant_role: user.tenant_role().map_or("member", TenantRole::as_str),
        business_role: user.business_role,
    }))
}

/// `POST /users/transfer-ownership`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TransferBody {
    new_owner_id: Option<String>,
    password: Option<String>,
}

/// Hands the tenant to another active user; the caller becomes an admin.
#[utoipa::path(post, path = "/users/transfer-ownership", tag = "users", request_body = TransferBody,
    security(("bearer" = [])), responses((status = 200, body = UserView), (status = 400), (status = 404), (status = 409)))]
pub async fn transfer_ownership(
    identity: Identity,
    caller: Caller,
    body: web::Json<TransferBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let target = parse::required(&mut e, "new_owner_id", b.new_owner_id)
        .and_then(|raw| e.parse_uuid("body", "new_owner_id", &raw));
    let password = parse::secret(&mut e, "password", b.password);
    e.finish()?;
    let (Some(target), Some(password)) = (target, password) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    let user = identity
        .transfer_ownership(&caller.principal, UserId::from_uuid(target), &password)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// The password of `DELETE /users/me`: in the body (preferred, defect 24) or
/// the contract's query string (scrubbed from logs).
#[derive(Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(default)]
pub struct PasswordInput {
    /// The caller's password.
    password: Option<String>,
}

/// Answer of delete-me.
#[derive(Serialize, ToSchema)]
pub struct DeletedMeView {
    message: &'static str,
    email: String,
}

/// Deletes the caller's own account (not the owner's).
#[utoipa::path(delete, path = "/users/me", tag = "users", params(PasswordInput), security(("bearer" = [])),
    responses((status = 200, body = DeletedMeView), (status = 400)))]
pub async fn delete_me(
    identity: Identity,
    caller: Caller,
    query: web::Query<PasswordInput>,
    body: Option<web::Json<PasswordInput>>,
) -> Result<HttpResponse, ApiError> {
    let from_body = body.and_then(|b| b.into_inner().password);
    let mut e = FieldErrors::new();
    let password = e.required(
        "query",
        "password",
        from_body.or(query.into_inner().password),
    );
    e.finish()?;
    let password = secrecy::SecretString::from(password.unwrap_or_default());
    let user = identity
        .delete_me(&caller.principal, &password)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(DeletedMeView {
        message: "Account deleted successfully",
        email: user.email.as_str().to_owned(),
    }))
}
