//! `/api/v1/auth`: the ten authentication endpoints (contract §3.1).

use crate::caller::Caller;
use crate::error::ApiError;
use crate::identity_http::{self as parse, identity_error};
use crate::origin::RequestOrigin;
use crate::validation::FieldErrors;
use crate::views::{MessageView, TenantMiniView, TokenView, UserView};
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_identity::service::{AcceptInvite, RegisterCommand, VerifyOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/auth")
            .route("/register", web::post().to(register))
            .route("/login", web::post().to(login))
            .route("/logout", web::post().to(logout))
            .route("/me", web::get().to(me))
            .route("/forgot-password", web::post().to(forgot_password))
            .route("/reset-password", web::post().to(reset_password))
            .route("/verify-email", web::post().to(verify_email))
            .route("/resend-verification", web::post().to(resend_verification))
            .route("/refresh", web::post().to(refresh))
            .route("/accept-invite", web::post().to(accept_invite)),
    );
}

type Identity = web::Data<IdentityService>;

/// `POST /auth/register`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegisterBody {
    /// The owner's e-mail (lower-cased; disposable domains refused).
    pub admin_email: Option<String>,
    /// The owner's password (policy §6.1).
    pub admin_password: Option<String>,
    /// The owner's full name.
    pub admin_name: Option<String>,
    /// Organisation name; "<first name>'s Workspace" when absent.
    pub company_name: Option<String>,
    /// Subdomain; generated from the e-mail when absent.
    pub subdomain: Option<String>,
}

impl RegisterBody {
    fn parse(self) -> Result<RegisterCommand, ApiError> {
        let mut e = FieldErrors::new();
        let admin_email = parse::signup_email(&mut e, "admin_email", self.admin_email);
        let admin_password = parse::password(&mut e, "admin_password", self.admin_password);
        let admin_name = parse::required(&mut e, "admin_name", self.admin_name)
            .and_then(|n| parse::name(&mut e, "admin_name", &n, 100));
        let company_name = self
            .company_name
            .and_then(|c| parse::name(&mut e, "company_name", &c, 255));
        let subdomain = self
            .subdomain
            .and_then(|s| parse::subdomain(&mut e, "subdomain", &s));
        e.finish()?;
        match (admin_email, admin_password, admin_name) {
            (Some(admin_email), Some(admin_password), Some(admin_name)) => Ok(RegisterCommand {
                admin_email,
                admin_password,
                admin_name,
                company_name,
                subdomain,
            }),
            _ => Err(ApiError::internal("validation passed without values")),
        }
    }
}

/// Answer of register.
#[derive(Serialize, ToSchema)]
pub struct RegisteredView {
    message: &'static str,
    tenant: TenantMiniView,
    user: UserView,
    tokens: TokenView,
}

/// Creates a tenant with its head office and owner, and signs the owner in.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterBody,
    responses((status = 201, body = RegisteredView), (status = 400, description = "Email already registered / Subdomain already taken"), (status = 422)))]
pub async fn register(
    identity: Identity,
    RequestOrigin(origin): RequestOrigin,
    body: web::Json<RegisterBody>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.into_inner().parse()?;
    let (tenant, user, tokens) = identity
        .register(cmd, &origin)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Created().json(RegisteredView {
        message: "Registration successful",
        tenant: TenantMiniView::from(&tenant),
        user: UserView::from(&user),
        tokens: tokens.into(),
    }))
}

/// `POST /auth/login`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LoginBody {
    /// E-mail (case-insensitive).
    pub email: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// Restrict the sign-in to one tenant.
    pub tenant_subdomain: Option<String>,
}

/// Answer of login.
#[derive(Serialize, ToSchema)]
pub struct LoggedInView {
    user: UserView,
    tenant: Option<TenantMiniView>,
    tokens: TokenView,
}

/// Signs in; unknown accounts and wrong passwords get the same 401.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = LoggedInView), (status = 401, description = "Incorrect email or password"), (status = 403, description = "Tenant is inactive")))]
pub async fn login(
    identity: Identity,
    RequestOrigin(origin): RequestOrigin,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut e = FieldErrors::new();
    let email = parse::email(&mut e, "email", body.email);
    let password = parse::secret(&mut e, "password", body.password);
    e.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    let (user, tenant, tokens) = identity
        .login(&email, &password, body.tenant_subdomain.as_deref(), &origin)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(LoggedInView {
        user: UserView::from(&user),
        tenant: tenant.as_ref().map(TenantMiniView::from),
        tokens: tokens.into(),
    }))
}

/// Ends the session: its access and refresh tokens stop working at once.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MessageView)))]
pub async fn logout(identity: Identity, caller: Caller) -> Result<HttpResponse, ApiError> {
    identity
        .logout(&caller.principal)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(MessageView {
        message: "Logged out successfully",
    }))
}

/// The caller's account.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401)))]
pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(UserView::from(&caller.user))
}

/// `POST /auth/forgot-password`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ForgotPasswordBody {
    /// The account's e-mail.
    pub email: Option<String>,
}

/// Sends a reset link if the account exists; the answer never tells.
#[utoipa::path(post, path = "/auth/forgot-password", tag = "auth", request_body = ForgotPasswordBody,
    responses((status = 200, body = MessageView)))]
pub async fn forgot_password(
    identity: Identity,
    RequestOrigin(origin): RequestOrigin,
    body: web::Json<ForgotPasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let email = parse::email(&mut e, "email", body.into_inner().email);
    e.finish()?;
    if let Some(email) = email {
        identity
            .forgot_password(&email, &origin)
            .await
            .map_err(identity_error)?;
    }
    Ok(HttpResponse::Ok().json(MessageView {
        message: "If an account exists with this email, you will receive a password reset link.",
    }))
}

/// `POST /auth/reset-password`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ResetPasswordBody {
    /// The token from the reset e-mail.
    pub token: Option<String>,
    /// The new password (policy §6.1).
    pub new_password: Option<String>,
}

/// Sets a new password from a reset link and signs out every session.
#[utoipa::path(post, path = "/auth/reset-password", tag = "auth", request_body = ResetPasswordBody,
    responses((status = 200, body = MessageView), (status = 400, description = "Invalid or expired reset token")))]
pub async fn reset_password(
    identity: Identity,
    RequestOrigin(origin): RequestOrigin,
    body: web::Json<ResetPasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut e = FieldErrors::new();
    let token = parse::required(&mut e, "token", body.token);
    let password = parse::password(&mut e, "new_password", body.new_password);
    e.finish()?;
    let (Some(token), Some(password)) = (token, password) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    identity
        .reset_password(&token, &password, &origin)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(MessageView {
        message: "Password has been reset successfully. You can now login with your new password.",
    }))
}

/// A body with a single `token`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TokenBody {
    /// The token from the e-mail link.
    pub token: Option<String>,
}

/// Confirms an e-mail address.
#[utoipa::path(post, path = "/auth/verify-email", tag = "auth", request_body = TokenBody,
    responses((status = 200, body = MessageView), (status = 400, description = "Invalid verification token")))]
pub async fn verify_email(
    identity: Identity,
    RequestOrigin(origin): RequestOrigin,
    body: web::Json<TokenBody>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let token = parse::required(&mut e, "token", body.into_inner().token);
    e.finish()?;
    let outcome = identity
        .verify_email(&token.unwrap_or_default(), &origin)
        .await
        .map_err(identity_error)?;
    let message = match outcome {
        VerifyOutcome::Verified => {
            "Email verified successfully! You can now login to your account."
        }
        VerifyOutcome::AlreadyVerified => "Email already verified. You can login to your account.",
    };
    Ok(HttpResponse::Ok().json(MessageView { message }))
}

/// `?email=` of resend-verification.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EmailQuery {
    /// The account's e-mail.
    pub email: Option<String>,
}

/// Sends a new verification link.
#[utoipa::path(post, path = "/auth/resend-verification", tag = "auth", params(EmailQuery),
    responses((status = 200, body = MessageView), (status = 400), (status = 404)))]
pub async fn resend_verification(
    identity: Identity,
    query: web::Query<EmailQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let email = e.required("query", "email", query.into_inner().email);
    e.finish()?;
    identity
        .resend_verification(&email.unwrap_or_default())
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(MessageView {
        message: "Verification email sent successfully",
    }))
}

/// `POST /auth/refresh`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RefreshBody {
    /// The current refresh token.
    pub refresh_token: Option<String>,
}

/// Exchanges a refresh token for a new pair (rotation with a grace window).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses((status = 200, body = TokenView), (status = 401, description = "Invalid or expired refresh token")))]
pub async fn refresh(
    identity: Identity,
    body: web::Json<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let token = parse::required(&mut e, "refresh_token", body.into_inner().refresh_token);
    e.finish()?;
    let pair = identity
        .refresh(&token.unwrap_or_default())
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(TokenView::from(pair)))
}

/// `POST /auth/accept-invite`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AcceptInviteBody {
    /// The token from the invitation e-mail.
    pub token: Option<String>,
    /// The new password (full policy, defect 4).
    pub password: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
}

/// The user part of the accept-invite answer.
#[derive(Serialize, ToSchema)]
pub struct InvitedUserView {
    id: String,
    email: String,
    full_name: Option<String>,
    tenant_role: Option<&'static str>,
}

/// Answer of accept-invite.
#[derive(Serialize, ToSchema)]
pub struct AcceptedView {
    message: &'static str,
    user: InvitedUserView,
    tokens: TokenView,
}

/// Activates an invited account with a password and signs it in.
#[utoipa::path(post, path = "/auth/accept-invite", tag = "auth", request_body = AcceptInviteBody,
    responses((status = 200, body = AcceptedView), (status = 400, description = "Invalid invitation token / Invitation has expired")))]
pub async fn accept_invite(
    identity: Identity,
    RequestOrigin(origin): RequestOrigin,
    body: web::Json<AcceptInviteBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut e = FieldErrors::new();
    let token = parse::required(&mut e, "token", body.token);
    let password = parse::password(&mut e, "password", body.password);
    let first_name = parse::optional_name(&mut e, "first_name", body.first_name.as_deref());
    let last_name = parse::optional_name(&mut e, "last_name", body.last_name.as_deref());
    e.finish()?;
    let (Some(token), Some(password)) = (token, password) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    let cmd = AcceptInvite {
        token,
        password,
        first_name,
        last_name,
    };
    let (user, _tenant, tokens) = identity
        .accept_invite(cmd, &origin)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(AcceptedView {
        message: "Invitation accepted successfully",
        user: InvitedUserView {
            id: user.id.to_string(),
            email: user.email.as_str().to_owned(),
            full_name: user.full_name.clone(),
            tenant_role: user.tenant_role().map(harmony_kernel::TenantRole::as_str),
        },
        tokens: tokens.into(),
    }))
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    register,
    login,
    logout,
    me,
    forgot_password,
    reset_password,
    verify_email,
    resend_verification,
    refresh,
    accept_invite
))]
pub struct AuthDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <AuthDoc as utoipa::OpenApi>::openapi()
}
