//! `/api/v1/branches`: a tenant's branches (contract §3.3).
//!
//! Bodies are parsed field by field into [`FieldErrors`], so a wrong type or
//! an explicit `null` on a NOT NULL field is a 422, never a 500. Latitude and
//! longitude are accepted as a number or a numeric string and answered as
//! strings with 8 decimal places (§1.2).

use crate::caller::Caller;
use crate::error::{ApiError, format_utc};
use crate::validation::{FieldErrors, body_value_error};
use actix_web::{HttpResponse, web};
use harmony_kernel::{BranchId, Page, PageRequest};
use harmony_tenancy::model::{Decimal, coordinate};
use harmony_tenancy::{Branch, BranchUpdate, NewBranch, TenancyError, TenancyService};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::str::FromStr;
use utoipa::ToSchema;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/branches")
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/{branch_id}", web::get().to(get))
            .route("/{branch_id}", web::put().to(update))
            .route("/{branch_id}", web::delete().to(delete))
            .route("/{branch_id}/set-hq", web::post().to(set_hq)),
    );
}

type Tenancy = web::Data<TenancyService>;

/// Maps a tenancy error; a service-side validation failure becomes a 422
/// on its body field.
pub(crate) fn tenancy_error(e: TenancyError) -> ApiError {
    match e {
        TenancyError::Validation { field, message } => body_value_error(field, message),
        other => ApiError::from(other),
    }
}

fn branch_id(raw: &str) -> Result<BranchId, ApiError> {
    let mut e = FieldErrors::new();
    let id = e.parse_uuid("path", "branch_id", raw);
    e.finish()?;
    Ok(BranchId::from_uuid(id.unwrap_or_default()))
}

/// `BranchResponse` (§2): every key always present.
#[derive(Debug, Serialize, ToSchema)]
pub struct BranchView {
    name: String,
    code: String,
    is_hq: bool,
    address: Option<String>,
    city: Option<String>,
    province: Option<String>,
    postal_code: Option<String>,
    country: String,
    phone: Option<String>,
    email: Option<String>,
    /// Decimal string, 8 places (e.g. `"-6.20880000"`).
    latitude: Option<String>,
    /// Decimal string, 8 places.
    longitude: Option<String>,
    timezone: String,
    currency: String,
    id: String,
    tenant_id: String,
    is_active: bool,
    created_at: String,
    updated_at: Option<String>,
}

impl From<&Branch> for BranchView {
    fn from(b: &Branch) -> Self {
        let dec = |d: Option<Decimal>| d.map(|d| coordinate(d).to_string());
        Self {
            name: b.name.clone(),
            code: b.code.clone(),
            is_hq: b.is_hq,
            address: b.address.clone(),
            city: b.city.clone(),
            province: b.province.clone(),
            postal_code: b.postal_code.clone(),
            country: b.country.clone(),
            phone: b.phone.clone(),
            email: b.email.clone(),
            latitude: dec(b.latitude),
            longitude: dec(b.longitude),
            timezone: b.timezone.clone(),
            currency: b.currency.clone(),
            id: b.id.to_string(),
            tenant_id: b.tenant_id.to_string(),
            is_active: b.is_active,
            created_at: format_utc(b.created_at),
            updated_at: b.updated_at.map(format_utc),
        }
    }
}

/// `{"branches": [...], "total", "page", "page_size"}`.
#[derive(Serialize, ToSchema)]
pub struct BranchesPageView {
    branches: Vec<BranchView>,
    total: u64,
    page: u64,
    page_size: u64,
}

/// `skip` (≥ 0, default 0), `limit` (1–100, default 20), `search`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct BranchListQuery {
    /// Rows to skip.
    skip: Option<String>,
    /// Rows per page.
    limit: Option<String>,
    /// Case-insensitive substring of name, code or city.
    search: Option<String>,
}

/// Column lengths of §5.2 for the free-text fields: longer values are a 422
/// rather than a database error.
fn max_len(key: &str) -> usize {
    match key {
        "name" | "email" => 255,
        "code" | "phone" | "timezone" => 50,
        "city" | "province" | "country" => 100,
        "postal_code" => 20,
        "currency" => 10,
        _ => 10_000,
    }
}

/// Reads one string key: absent → `None`; `null` → `Some(None)`.
#[allow(clippy::option_option, reason = "absent key vs explicit null")]
fn string(e: &mut FieldErrors, body: &Map<String, Value>, key: &str) -> Option<Option<String>> {
    match body.get(key)? {
        Value::Null => Some(None),
        Value::String(s) => {
            let required = matches!(key, "name" | "code");
            let ok = (!required || e.min_len("body", key, s, 1))
                && e.max_len("body", key, s, max_len(key));
            ok.then(|| Some(s.clone()))
        }
        _ => {
            e.push("body", key, "Input should be a valid string", "string_type");
            None
        }
    }
}

/// A NOT NULL string key: `null` is a 422.
fn required_string(e: &mut FieldErrors, body: &Map<String, Value>, key: &str) -> Option<String> {
    let value = string(e, body, key)?;
    if value.is_none() {
        e.push("body", key, "Input should be a valid string", "string_type");
    }
    value
}

/// A NOT NULL boolean key.
fn boolean(e: &mut FieldErrors, body: &Map<String, Value>, key: &str) -> Option<bool> {
    let value = body.get(key)?.as_bool();
    if value.is_none() {
        e.push("body", key, "Input should be a valid boolean", "bool_type");
    }
    value
}

/// A coordinate: number or numeric string within ±`bound` degrees.
#[allow(clippy::option_option, reason = "absent key vs explicit null")]
fn decimal(
    e: &mut FieldErrors,
    body: &Map<String, Value>,
    key: &str,
    bound: i64,
) -> Option<Option<Decimal>> {
    let raw = match body.get(key)? {
        Value::Null => return Some(None),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => String::new(),
    };
    let Ok(d) = Decimal::from_str(&raw).or_else(|_| Decimal::from_scientific(&raw)) else {
        e.push(
            "body",
            key,
            "Input should be a valid decimal",
            "decimal_parsing",
        );
        return None;
    };
    if d < Decimal::from(-bound) {
        e.greater_than_equal("body", key, -bound);
        return None;
    }
    if d > Decimal::from(bound) {
        e.less_than_equal("body", key, bound);
        return None;
    }
    Some(Some(d))
}

fn parse_create(body: &Map<String, Value>) -> Result<NewBranch, ApiError> {
    let mut e = FieldErrors::new();
    let name = required_string(&mut e, body, "name");
    if !body.contains_key("name") {
        e.missing("body", "name");
    }
    let code = required_string(&mut e, body, "code");
    if !body.contains_key("code") {
        e.missing("body", "code");
    }
    let is_hq = boolean(&mut e, body, "is_hq").unwrap_or(false);
    let opt = |e: &mut FieldErrors, key| string(e, body, key).flatten();
    let (address, city, province) = (
        opt(&mut e, "address"),
        opt(&mut e, "city"),
        opt(&mut e, "province"),
    );
    let (postal_code, phone, email) = (
        opt(&mut e, "postal_code"),
        opt(&mut e, "phone"),
        opt(&mut e, "email"),
    );
    let country =
        required_string(&mut e, body, "country").unwrap_or_else(|| "Indonesia".to_owned());
    let latitude = decimal(&mut e, body, "latitude", 90).flatten();
    let longitude = decimal(&mut e, body, "longitude", 180).flatten();
    let timezone =
        required_string(&mut e, body, "timezone").unwrap_or_else(|| "Asia/Jakarta".to_owned());
    let currency = required_string(&mut e, body, "currency").unwrap_or_else(|| "IDR".to_owned());
    e.finish()?;
    let (Some(name), Some(code)) = (name, code) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    Ok(NewBranch {
        name,
        code,
        is_hq,
        address,
        city,
        province,
        postal_code,
        country,
        phone,
        email,
        latitude,
        longitude,
        timezone,
        currency,
    })
}

fn parse_update(body: &Map<String, Value>) -> Result<BranchUpdate, ApiError> {
    let mut e = FieldErrors::new();
    let update = BranchUpdate {
        name: required_string(&mut e, body, "name"),
        code: required_string(&mut e, body, "code"),
        is_hq: boolean(&mut e, body, "is_hq"),
        address: string(&mut e, body, "address"),
        city: string(&mut e, body, "city"),
        province: string(&mut e, body, "province"),
        postal_code: string(&mut e, body, "postal_code"),
        country: required_string(&mut e, body, "country"),
        phone: string(&mut e, body, "phone"),
        email: string(&mut e, body, "email"),
        latitude: decimal(&mut e, body, "latitude", 90),
        longitude: decimal(&mut e, body, "longitude", 180),
        timezone: required_string(&mut e, body, "timezone"),
        currency: required_string(&mut e, body, "currency"),
        is_active: boolean(&mut e, body, "is_active"),
    };
    e.finish()?;
    Ok(update)
}

/// Lists the tenant's active branches, headquarters first, then newest.
#[utoipa::path(get, path = "/branches", tag = "branches", params(BranchListQuery), security(("bearer" = [])),
    responses((status = 200, body = BranchesPageView), (status = 403)))]
pub async fn list(
    tenancy: Tenancy,
    caller: Caller,
    q: web::Query<BranchListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let mut e = FieldErrors::new();
    let skip = q.skip.map_or(Some(0), |s| {
        e.parse_int("query", "skip", &s, Some(0i64), None)
            .map(i64::unsigned_abs)
    });
    let limit = q.limit.map_or(Some(20), |s| {
        e.parse_int("query", "limit", &s, Some(1u64), Some(100))
    });
    e.finish()?;
    let page = PageRequest {
        skip: skip.unwrap_or(0),
        limit: limit.unwrap_or(20),
    };
    let found: Page<Branch> = tenancy
        .list_branches(&caller.principal, q.search, page)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(BranchesPageView {
        branches: found.items.iter().map(BranchView::from).collect(),
        total: found.total,
        page: page.skip / page.limit.max(1) + 1,
        page_size: page.limit,
    }))
}

/// Creates a branch (owner/admin): subscription, branch limit, unique code.
#[utoipa::path(post, path = "/branches", tag = "branches", request_body = Object, security(("bearer" = [])),
    responses((status = 201, body = BranchView), (status = 400), (status = 403), (status = 422)))]
pub async fn create(
    tenancy: Tenancy,
    caller: Caller,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let cmd = parse_create(&body)?;
    let branch = tenancy
        .create_branch(&caller.principal, cmd)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Created().json(BranchView::from(&branch)))
}

/// One live branch of the caller's tenant (others' and deleted ids → 404).
#[utoipa::path(get, path = "/branches/{branch_id}", tag = "branches", security(("bearer" = [])),
    responses((status = 200, body = BranchView), (status = 404)))]
pub async fn get(
    tenancy: Tenancy,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = branch_id(&path)?;
    let branch = tenancy
        .get_branch(&caller.principal, id)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(BranchView::from(&branch)))
}

/// Updates a branch; only the keys sent change (explicit `null` clears a
/// nullable field).
#[utoipa::path(put, path = "/branches/{branch_id}", tag = "branches", request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = BranchView), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn update(
    tenancy: Tenancy,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let id = branch_id(&path)?;
    let update = parse_update(&body)?;
    let branch = tenancy
        .update_branch(&caller.principal, id, update)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(BranchView::from(&branch)))
}

/// Soft-deletes a branch (not the headquarters, not one with active users).
#[utoipa::path(delete, path = "/branches/{branch_id}", tag = "branches", security(("bearer" = [])),
    responses((status = 204), (status = 400), (status = 404)))]
pub async fn delete(
    tenancy: Tenancy,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = branch_id(&path)?;
    tenancy
        .delete_branch(&caller.principal, id)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::NoContent().finish())
}

/// Makes a branch the headquarters, demoting the current one.
#[utoipa::path(post, path = "/branches/{branch_id}/set-hq", tag = "branches", security(("bearer" = [])),
    responses((status = 200, body = BranchView), (status = 400), (status = 404)))]
pub async fn set_hq(
    tenancy: Tenancy,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = branch_id(&path)?;
    let branch = tenancy
        .set_headquarters(&caller.principal, id)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(BranchView::from(&branch)))
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get, update, delete, set_hq))]
pub struct BranchesDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <BranchesDoc as utoipa::OpenApi>::openapi()
}
