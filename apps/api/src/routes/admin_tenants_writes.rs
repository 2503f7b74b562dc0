//! The write routes of `/api/v1/admin/tenants` (contract §3.5 #8–#10, #12,
//! #13), for system admins only (`system.tenants.update` /
//! `system.tenants.delete`; operators get 403).
//!
//! Bodies are parsed from a JSON object so that "key absent" and "key
//! `null`" differ: omitted subscription dates keep their value (defect 34), a
//! `null` name is a 422. A deleted tenant refuses every write with 409
//! `tenant_deleted` (defect 43); a duplicate domain is 409 `domain_taken`.

use super::{Admin, TenantView, tenant_id};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::identity_http::{self as parse, identity_error};
use crate::validation::FieldErrors;
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_identity::model::PersonName;
use harmony_identity::service::{TenantCreateCommand, TenantCreateError};
use harmony_tenancy::SubscriptionStatus;
use harmony_tenancy::admin::{StatusChange, SubscriptionUpdate, TIER_CODES, TenantUpdate};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime};

type Body = web::Json<Map<String, Value>>;

const STRING: (&str, &str) = ("Input should be a valid string", "string_type");

fn wrong(e: &mut FieldErrors, field: &str, (msg, kind): (&str, &str)) {
    e.push("body", field, msg, kind);
}

/// A string or `null` under `field`: `None` when absent.
#[allow(clippy::option_option, reason = "absent key vs explicit null")]
fn nullable_string(
    e: &mut FieldErrors,
    body: &Map<String, Value>,
    field: &str,
    max: Option<usize>,
) -> Option<Option<String>> {
    match body.get(field)? {
        Value::Null => Some(None),
        Value::String(s) if max.is_none_or(|m| e.max_len("body", field, s, m)) => {
            Some(Some(s.clone()))
        }
        Value::String(_) => None,
        _ => {
            wrong(e, field, STRING);
            None
        }
    }
}

fn object(
    e: &mut FieldErrors,
    body: &Map<String, Value>,
    field: &str,
) -> Option<Map<String, Value>> {
    match body.get(field)? {
        Value::Null => None,
        Value::Object(m) => Some(m.clone()),
        _ => {
            wrong(
                e,
                field,
                ("Input should be a valid dictionary", "dict_type"),
            );
            None
        }
    }
}

fn parse_datetime(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw, &Rfc3339).ok().or_else(|| {
        let naive = time::macros::format_description!(
            version = 2,
            "[year]-[month]-[day][optional [T]][optional [ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
        );
        PrimitiveDateTime::parse(raw, naive)
            .ok()
            .map(PrimitiveDateTime::assume_utc)
    })
}

#[allow(clippy::option_option, reason = "absent key vs explicit null")]
fn date(
    e: &mut FieldErrors,
    body: &Map<String, Value>,
    field: &str,
) -> Option<Option<OffsetDateTime>> {
    match body.get(field)? {
        Value::Null => Some(None),
        Value::String(s) if parse_datetime(s).is_some() => Some(parse_datetime(s)),
        _ => {
            wrong(
                e,
                field,
                ("Input should be a valid datetime", "datetime_parsing"),
            );
            None
        }
    }
}

fn limit(e: &mut FieldErrors, body: &Map<String, Value>, field: &str) -> Option<i64> {
    match body.get(field)? {
        Value::Null => None,
        Value::Number(n) => match n.as_i64() {
            Some(v) if v >= -1 => Some(v),
            Some(_) => {
                e.greater_than_equal("body", field, -1);
                None
            }
            None => {
                e.push("body", field, "Input should be a valid integer", "int_type");
                None
            }
        },
        _ => {
            e.push("body", field, "Input should be a valid integer", "int_type");
            None
        }
    }
}

fn parse_status(body: &Map<String, Value>) -> Result<StatusChange, ApiError> {
    let mut e = FieldErrors::new();
    let is_active = match body.get("is_active") {
        None => {
            e.missing("body", "is_active");
            false
        }
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            wrong(
                &mut e,
                "is_active",
                ("Input should be a valid boolean", "bool_type"),
            );
            false
        }
    };
    let reason = nullable_string(&mut e, body, "reason", None).flatten();
    e.finish()?;
    Ok(StatusChange { is_active, reason })
}

fn parse_features(body: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut e = FieldErrors::new();
    let features = match body.get("features") {
        None => {
            e.missing("body", "features");
            Map::new()
        }
        Some(Value::Object(m)) => {
            for (k, v) in m {
                if !v.is_boolean() {
                    let field = format!("features.{k}");
                    wrong(
                        &mut e,
                        &field,
                        ("Input should be a valid boolean", "bool_type"),
                    );
                }
            }
            m.clone()
        }
        Some(_) => {
            wrong(
                &mut e,
                "features",
                ("Input should be a valid dictionary", "dict_type"),
            );
            Map::new()
        }
    };
    e.finish()?;
    Ok(features)
}

const STATUSES: [&str; 5] = ["active", "trial", "expired", "cancelled", "suspended"];

fn parse_subscription(body: &Map<String, Value>) -> Result<SubscriptionUpdate, ApiError> {
    let mut e = FieldErrors::new();
    let tier = match body.get("tier") {
        None => {
            e.missing("body", "tier");
            String::new()
        }
        Some(Value::String(t)) if TIER_CODES.contains(&t.as_str()) => t.clone(),
        Some(Value::String(_)) => {
            let allowed = TIER_CODES.join(", ");
            e.value_error("body", "tier", format!("Tier must be one of: {allowed}"));
            String::new()
        }
        Some(_) => {
            wrong(&mut e, "tier", STRING);
            String::new()
        }
    };
    let status = match nullable_string(&mut e, body, "subscription_status", None).flatten() {
        None => None,
        Some(s) => SubscriptionStatus::parse(&s).or_else(|| {
            let allowed = STATUSES.join(", ");
            let msg = format!("Status must be one of: {allowed}");
            e.value_error("body", "subscription_status", msg);
            None
        }),
    };
    let update = SubscriptionUpdate {
        tier,
        status,
        max_users: limit(&mut e, body, "max_users"),
        max_branches: limit(&mut e, body, "max_branches"),
        max_storage_gb: limit(&mut e, body, "max_storage_gb"),
        trial_ends_at: date(&mut e, body, "trial_ends_at"),
        subscription_ends_at: date(&mut e, body, "subscription_ends_at"),
    };
    e.finish()?;
    Ok(update)
}

fn parse_update(body: &Map<String, Value>) -> Result<TenantUpdate, ApiError> {
    let mut e = FieldErrors::new();
    let name = match body.get("name") {
        None => None,
        Some(Value::String(s)) => {
            let ok = e.min_len("body", "name", s.trim(), 2) && e.max_len("body", "name", s, 255);
            ok.then(|| s.clone())
        }
        Some(_) => {
            wrong(&mut e, "name", STRING);
            None
        }
    };
    let update = TenantUpdate {
        name,
        domain: nullable_string(&mut e, body, "domain", Some(255)),
        logo_url: nullable_string(&mut e, body, "logo_url", None),
        settings: object(&mut e, body, "settings"),
        meta_data: object(&mut e, body, "meta_data"),
    };
    e.finish()?;
    Ok(update)
}

fn ok(t: &harmony_tenancy::Tenant) -> HttpResponse {
    HttpResponse::Ok().json(TenantView::new(t, 0, 0))
}

/// Activates or deactivates a tenant; the reason joins `meta_data.status_history` (§3.5 #10).
#[utoipa::path(patch, path = "/admin/tenants/{tenant_id}/status", tag = "admin", request_body = Object,
    security(("bearer" = [])), responses((status = 200, body = TenantView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn set_status(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
    body: Body,
) -> Result<HttpResponse, ApiError> {
    let id = tenant_id(&path)?;
    let change = parse_status(&body)?;
    Ok(ok(&admin
        .set_status(&caller.principal, id, &change)
        .await?))
}

/// Replaces the tenant's feature flags (§3.5 #9).
#[utoipa::path(put, path = "/admin/tenants/{tenant_id}/features", tag = "admin", request_body = Object,
    security(("bearer" = [])), responses((status = 200, body = TenantView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn set_features(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
    body: Body,
) -> Result<HttpResponse, ApiError> {
    let id = tenant_id(&path)?;
    let features = parse_features(&body)?;
    Ok(ok(&admin
        .set_features(&caller.principal, id, features)
        .await?))
}

/// Changes tier, status, limits and dates; omitted dates are kept (§3.5 #8).
#[utoipa::path(put, path = "/admin/tenants/{tenant_id}/subscription", tag = "admin", request_body = Object,
    security(("bearer" = [])), responses((status = 200, body = TenantView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update_subscription(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
    body: Body,
) -> Result<HttpResponse, ApiError> {
    let id = tenant_id(&path)?;
    let update = parse_subscription(&body)?;
    Ok(ok(&admin
        .update_subscription(&caller.principal, id, &update)
        .await?))
}

/// Applies the keys present of TenantUpdate (§3.5 #12).
#[utoipa::path(put, path = "/admin/tenants/{tenant_id}", tag = "admin", request_body = Object,
    security(("bearer" = [])), responses((status = 200, body = TenantView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update_tenant(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
    body: Body,
) -> Result<HttpResponse, ApiError> {
    let id = tenant_id(&path)?;
    let update = parse_update(&body)?;
    Ok(ok(&admin
        .update_tenant(&caller.principal, id, &update)
        .await?))
}

/// Soft-deletes a tenant: `deleted_at` set, `is_active=false` (§3.5 #13).
#[utoipa::path(delete, path = "/admin/tenants/{tenant_id}", tag = "admin",
    security(("bearer" = [])), responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn delete_tenant(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    admin
        .delete_tenant(&caller.principal, tenant_id(&path)?)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn text(e: &mut FieldErrors, body: &Map<String, Value>, field: &str) -> Option<String> {
    match body.get(field) {
        None | Some(Value::Null) => {
            e.missing("body", field);
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            wrong(e, field, STRING);
            None
        }
    }
}

fn create_limit(e: &mut FieldErrors, body: &Map<String, Value>, field: &str, default: i64) -> i64 {
    limit(e, body, field).unwrap_or(default)
}

fn person(e: &mut FieldErrors, body: &Map<String, Value>, field: &str) -> Option<PersonName> {
    let raw = text(e, body, field)?;
    if !e.min_len("body", field, raw.trim(), 2) {
        return None;
    }
    parse::name(e, field, raw.trim(), 100)
}

fn parse_create(body: &Map<String, Value>) -> Result<TenantCreateCommand, ApiError> {
    let mut e = FieldErrors::new();
    let name = text(&mut e, body, "name")
        .filter(|n| e.min_len("body", "name", n.trim(), 2) && e.max_len("body", "name", n, 255));
    let subdomain =
        text(&mut e, body, "subdomain").and_then(|s| parse::subdomain(&mut e, "subdomain", &s));
    let domain = nullable_string(&mut e, body, "domain", Some(255)).flatten();
    let logo_url = nullable_string(&mut e, body, "logo_url", None).flatten();
    let tier = match body.get("tier") {
        None | Some(Value::Null) => "free".to_owned(),
        Some(Value::String(t)) if TIER_CODES.contains(&t.as_str()) => t.clone(),
        Some(_) => {
            let allowed = TIER_CODES.join(", ");
            e.value_error("body", "tier", format!("Tier must be one of: {allowed}"));
            String::new()
        }
    };
    let (max_users, max_branches, max_storage_gb) = (
        create_limit(&mut e, body, "max_users", 5),
        create_limit(&mut e, body, "max_branches", 1),
        create_limit(&mut e, body, "max_storage_gb", 1),
    );
    let raw_email = text(&mut e, body, "admin_email");
    let admin_email = raw_email.and_then(|m| parse::signup_email(&mut e, "admin_email", Some(m)));
    let raw_password = text(&mut e, body, "admin_password");
    let admin_password =
        raw_password.and_then(|p| parse::password(&mut e, "admin_password", Some(p)));
    let first = person(&mut e, body, "admin_first_name");
    let last = person(&mut e, body, "admin_last_name");
    e.finish()?;
    match (name, subdomain, admin_email, admin_password, first, last) {
        (
            Some(name),
            Some(subdomain),
            Some(admin_email),
            Some(admin_password),
            Some(f),
            Some(l),
        ) => Ok(TenantCreateCommand {
            name,
            subdomain,
            domain,
            logo_url,
            tier,
            max_users,
            max_branches,
            max_storage_gb,
            admin_email,
            admin_password,
            admin_first_name: f,
            admin_last_name: l,
        }),
        _ => Err(ApiError::internal("validation passed without values")),
    }
}

/// Creates a tenant with its head office and owner (§3.5 #1); the owner's
/// password passes the full policy and the subdomain the reserved-name rule.
#[utoipa::path(post, path = "/admin/tenants", tag = "admin", request_body = Object,
    security(("bearer" = [])), responses((status = 201, body = TenantView), (status = 403), (status = 409), (status = 422)))]
pub async fn create_tenant(
    identity: web::Data<IdentityService>,
    caller: Caller,
    body: Body,
) -> Result<HttpResponse, ApiError> {
    let cmd = parse_create(&body)?;
    let (tenant, _owner) = identity
        .create_tenant_with_owner(&caller.principal, cmd)
        .await
        .map_err(|e| match e {
            TenantCreateError::Identity(e) => identity_error(e),
            other => ApiError::from(other),
        })?;
    Ok(HttpResponse::Created().json(TenantView::new(&tenant, 0, 0)))
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_tenant,
    set_status,
    set_features,
    update_subscription,
    update_tenant,
    delete_tenant
))]
pub struct AdminTenantWritesDoc;
