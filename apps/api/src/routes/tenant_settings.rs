//! `/api/v1/tenant-settings`: a tenant's self-service settings (§3.4).
//!
//! Shipped: the tenant record, subscription summary and cancel-scheduled,
//! usage and limits, tiers, settings update, format settings and feature
//! checks. `DELETE /account` lives in `routes::account_closure`. Decisions beyond the
//! original are documented on `harmony_tenancy::settings`: `-1` limits are
//! unlimited, storage comes from `storage_used_bytes`, tiers come from the
//! catalogue, and `PUT /settings` applies the keys present (explicit `null`
//! clears `logo_url`) and merges `settings` into the stored object.

use crate::caller::Caller;
use crate::error::{ApiError, format_utc};
use crate::routes::branches::tenancy_error;
use crate::validation::FieldErrors;
use crate::views::TenantView;
use actix_web::{HttpResponse, web};
use harmony_tenancy::settings::TenantSettingsService;
use harmony_tenancy::settings::model::{
    FormatSettings, LimitUsage, SettingsUpdate, Subscription, TierInfo, Usage,
};
use serde_json::{Map, Value, json};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/tenant-settings")
            .route("", web::get().to(get_tenant))
            .route("/subscription", web::get().to(subscription))
            .route(
                "/subscription/cancel-scheduled",
                web::post().to(cancel_scheduled),
            )
            .route("/usage", web::get().to(usage))
            .route("/tiers", web::get().to(tiers))
            .route("/settings", web::put().to(update_settings))
            .route("/format", web::get().to(get_format))
            .route("/format", web::put().to(update_format))
            .route("/limits/users", web::get().to(user_limit))
            .route("/limits/branches", web::get().to(branch_limit))
            .route("/features/{feature_name}", web::get().to(feature)),
    );
}

type Settings = web::Data<TenantSettingsService>;

/// The caller's tenant.
#[utoipa::path(get, path = "/tenant-settings", tag = "tenant-settings", security(("bearer" = [])),
    responses((status = 200, body = TenantView), (status = 403)))]
pub async fn get_tenant(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let t = svc.tenant(&caller.principal).await.map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(TenantView::from(&t)))
}

fn subscription_json(s: &Subscription) -> Value {
    json!({
        "tier_code": s.tier_code,
        "tier_name": s.tier_name,
        "billing_period": s.billing_period,
        "subscription_started_at": s.started_at.map(format_utc),
        "subscription_ends_at": s.ends_at.map(format_utc),
        "days_remaining": s.days_remaining,
        "credit_balance": s.credit_balance,
        "scheduled_change": s.scheduled_change.as_ref().map(|c| json!({
            "tier_code": c.tier_code,
            "tier_name": c.tier_name,
            "effective_at": c.effective_at.map(format_utc),
            "days_until": c.days_until,
        })),
    })
}

/// `SubscriptionInfo` of the caller's tenant.
#[utoipa::path(get, path = "/tenant-settings/subscription", tag = "tenant-settings", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 403)))]
pub async fn subscription(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let s = svc
        .subscription(&caller.principal)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(subscription_json(&s)))
}

/// Cancels a scheduled tier change (owner or admin).
#[utoipa::path(post, path = "/tenant-settings/subscription/cancel-scheduled", tag = "tenant-settings",
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 400), (status = 403)))]
pub async fn cancel_scheduled(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let tier = svc
        .cancel_scheduled_change(&caller.principal)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(json!({"message": "Scheduled downgrade cancelled", "tier": tier})))
}

/// `TenantUsageResponse`.
#[utoipa::path(get, path = "/tenant-settings/usage", tag = "tenant-settings", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 403)))]
pub async fn usage(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let u: Usage = svc.usage(&caller.principal).await.map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(json!({
        "tenant_id": u.tenant_id.to_string(),
        "tenant_name": u.tenant_name,
        "tier": u.tier,
        "users_current": u.users.current,
        "users_limit": u.users.limit.raw(),
        "users_available": u.users.available,
        "users_percent": u.users.percent,
        "branches_current": u.branches.current,
        "branches_limit": u.branches.limit.raw(),
        "branches_available": u.branches.available,
        "branches_percent": u.branches.percent,
        "storage_used_gb": u.storage.used_gb,
        "storage_limit_gb": u.storage.limit.raw(),
        "storage_available_gb": u.storage.available_gb,
        "storage_percent": u.storage.percent,
        "is_user_limit_reached": u.users.reached,
        "is_branch_limit_reached": u.branches.reached,
        "is_storage_limit_reached": u.storage.reached,
        "can_upgrade": u.next_tier.is_some(),
        "next_tier": u.next_tier,
    })))
}

fn limit_json(l: &LimitUsage) -> Value {
    json!({
        "can_add": !l.reached,
        "current_count": l.current,
        "limit": l.limit.raw(),
        "available": l.available,
        "percentage": l.percent,
    })
}

/// Whether one more user fits.
#[utoipa::path(get, path = "/tenant-settings/limits/users", tag = "tenant-settings", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 403)))]
pub async fn user_limit(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let u = svc.usage(&caller.principal).await.map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(limit_json(&u.users)))
}

/// Whether one more branch fits.
#[utoipa::path(get, path = "/tenant-settings/limits/branches", tag = "tenant-settings", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 403)))]
pub async fn branch_limit(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let u = svc.usage(&caller.principal).await.map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(limit_json(&u.branches)))
}

#[allow(clippy::cast_precision_loss, reason = "prices far below 2^52")]
fn tier_json(t: &TierInfo) -> Value {
    json!({
        "tier": t.code,
        "display_name": t.display_name,
        "price_monthly": t.price_monthly as f64,
        "price_yearly": t.price_yearly as f64,
        "max_users": t.max_users.raw(),
        "max_branches": t.max_branches.raw(),
        "max_storage_gb": t.max_storage_gb.raw(),
        "features": t.features,
        "is_recommended": t.is_recommended,
    })
}

/// The public tiers by sort order and the caller's tier.
#[utoipa::path(get, path = "/tenant-settings/tiers", tag = "tenant-settings", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 403)))]
pub async fn tiers(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let (tiers, current) = svc.tiers(&caller.principal).await.map_err(tenancy_error)?;
    let tiers: Vec<Value> = tiers.iter().map(tier_json).collect();
    Ok(HttpResponse::Ok().json(json!({"tiers": tiers, "current_tier": current})))
}

fn parse_settings_update(body: &Map<String, Value>) -> Result<SettingsUpdate, ApiError> {
    let mut e = FieldErrors::new();
    let mut update = SettingsUpdate::default();
    match body.get("name") {
        Some(Value::String(s)) => {
            let ok = e.min_len("body", "name", s.trim(), 2) && e.max_len("body", "name", s, 255);
            update.name = ok.then(|| s.clone());
        }
        None => {}
        Some(_) => {
            e.push(
                "body",
                "name",
                "Input should be a valid string",
                "string_type",
            );
        }
    }
    match body.get("logo_url") {
        None => {}
        Some(Value::Null) => update.logo_url = Some(None),
        Some(Value::String(s)) => update.logo_url = Some(Some(s.clone())),
        Some(_) => {
            e.push(
                "body",
                "logo_url",
                "Input should be a valid string",
                "string_type",
            );
        }
    }
    match body.get("settings") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => update.settings = Some(m.clone()),
        Some(_) => {
            e.push(
                "body",
                "settings",
                "Input should be a valid dictionary",
                "dict_type",
            );
        }
    }
    e.finish()?;
    Ok(update)
}

/// Applies the keys present; `settings` is merged into the stored object.
#[utoipa::path(put, path = "/tenant-settings/settings", tag = "tenant-settings", request_body = Object,
    security(("bearer" = [])), responses((status = 200, body = TenantView), (status = 403), (status = 409), (status = 422)))]
pub async fn update_settings(
    svc: Settings,
    caller: Caller,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let update = parse_settings_update(&body)?;
    let t = svc
        .update_settings(&caller.principal, &update)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(TenantView::from(&t)))
}

/// The stored format settings over the defaults.
#[utoipa::path(get, path = "/tenant-settings/format", tag = "tenant-settings", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 403)))]
pub async fn get_format(svc: Settings, caller: Caller) -> Result<HttpResponse, ApiError> {
    let f = svc.format(&caller.principal).await.map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(f))
}

fn parse_format(body: &Map<String, Value>) -> Result<FormatSettings, ApiError> {
    let mut e = FieldErrors::new();
    let mut f = FormatSettings::default();
    let text_fields: [(&str, &mut String); 6] = [
        ("currency_code", &mut f.currency_code),
        ("currency_symbol_position", &mut f.currency_symbol_position),
        ("decimal_separator", &mut f.decimal_separator),
        ("thousands_separator", &mut f.thousands_separator),
        ("date_format", &mut f.date_format),
        ("timezone", &mut f.timezone),
    ];
    for (key, slot) in text_fields {
        match body.get(key) {
            None => {}
            Some(Value::String(s)) => s.clone_into(slot),
            Some(_) => {
                e.push("body", key, "Input should be a valid string", "string_type");
            }
        }
    }
    if !matches!(f.currency_symbol_position.as_str(), "before" | "after") {
        e.literal_error("body", "currency_symbol_position", &["before", "after"]);
    }
    for (key, slot) in [
        ("price_decimal_places", &mut f.price_decimal_places),
        ("quantity_decimal_places", &mut f.quantity_decimal_places),
    ] {
        match body.get(key).map(Value::as_i64) {
            None => {}
            Some(Some(n)) if n < 0 => {
                e.greater_than_equal("body", key, 0);
            }
            Some(Some(n)) if n > 4 => {
                e.less_than_equal("body", key, 4);
            }
            Some(Some(n)) => *slot = n,
            Some(None) => {
                e.push("body", key, "Input should be a valid integer", "int_type");
            }
        }
    }
    e.finish()?;
    Ok(f)
}

/// Replaces the format settings (missing keys take the defaults).
#[utoipa::path(put, path = "/tenant-settings/format", tag = "tenant-settings", request_body = Object,
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 403), (status = 422)))]
pub async fn update_format(
    svc: Settings,
    caller: Caller,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let format = parse_format(&body)?;
    let f = svc
        .update_format(&caller.principal, format)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(f))
}

/// Whether the tenant's legacy feature flag `feature_name` is on.
#[utoipa::path(get, path = "/tenant-settings/features/{feature_name}", tag = "tenant-settings",
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 403)))]
pub async fn feature(
    svc: Settings,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let enabled = svc
        .feature_enabled(&caller.principal, &name)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(json!({"feature_name": name, "enabled": enabled})))
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_tenant,
    subscription,
    cancel_scheduled,
    usage,
    tiers,
    update_settings,
    get_format,
    update_format,
    user_limit,
    branch_limit,
    feature
))]
pub struct TenantSettingsDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <TenantSettingsDoc as utoipa::OpenApi>::openapi()
}
