//! Query parameters of the audit endpoints, parsed into the service's
//! types with 422s on `query -> <field>` (§1.3).

use crate::error::ApiError;
use crate::validation::FieldErrors;
use harmony_audit::{AuditQuery, AuditStatus};
use harmony_kernel::{PageRequest, TenantId, UserId};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

/// Parses a query datetime: RFC 3339, a naive `YYYY-MM-DD[T ]HH:MM:SS[.f]`
/// (UTC) or a date (midnight UTC).
pub(crate) fn parse_datetime(raw: &str) -> Option<OffsetDateTime> {
    let raw = raw.trim();
    OffsetDateTime::parse(raw, &Rfc3339)
        .ok()
        .or_else(|| {
            let naive = time::macros::format_description!(
                version = 2,
                "[year]-[month]-[day][optional [T]][optional [ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
            );
            PrimitiveDateTime::parse(raw, naive)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })
        .or_else(|| {
            let date = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(raw, date).ok().map(|d| d.midnight().assume_utc())
        })
}

/// A query datetime, or a 422 on `query -> <field>`.
pub(crate) fn query_datetime(
    e: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
) -> Option<OffsetDateTime> {
    let raw = raw?;
    let parsed = parse_datetime(raw);
    if parsed.is_none() {
        e.push(
            "query",
            field,
            "Input should be a valid datetime",
            "datetime_parsing",
        );
    }
    parsed
}

/// Filters of the list and the export (all optional).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AuditListQuery {
    /// Rows to skip (≥ 0, default 0).
    skip: Option<String>,
    /// Rows per page (1–100, default 50).
    limit: Option<String>,
    /// Exact action.
    action: Option<String>,
    /// Exact resource.
    resource: Option<String>,
    /// `success` or `failure`.
    status: Option<String>,
    /// Acting user.
    user_id: Option<String>,
    /// One tenant (system users only; ignored for tenant users).
    tenant_id: Option<String>,
    /// `created_at >= start_date`.
    start_date: Option<String>,
    /// `created_at <= end_date`.
    end_date: Option<String>,
    /// Substring of the request id or IP address.
    search: Option<String>,
    /// Export only: `csv` (default) or `json`.
    pub(crate) format: Option<String>,
}

pub(crate) fn uuid_param(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<Uuid> {
    raw.and_then(|r| e.parse_uuid("query", field, r.trim()))
}

impl AuditListQuery {
    pub(crate) fn filters(&self, e: &mut FieldErrors) -> AuditQuery {
        let status = self.status.as_deref().and_then(|s| {
            let parsed = AuditStatus::parse(s);
            if parsed.is_none() {
                e.literal_error("query", "status", &["success", "failure"]);
            }
            parsed
        });
        let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
        AuditQuery {
            tenant_id: uuid_param(e, "tenant_id", self.tenant_id.as_deref())
                .map(TenantId::from_uuid),
            action: nonempty(&self.action),
            resource: nonempty(&self.resource),
            status,
            user_id: uuid_param(e, "user_id", self.user_id.as_deref()).map(UserId::from_uuid),
            start_date: query_datetime(e, "start_date", self.start_date.as_deref()),
            end_date: query_datetime(e, "end_date", self.end_date.as_deref()),
            search: nonempty(&self.search),
        }
    }

    pub(crate) fn parse(&self) -> Result<(AuditQuery, PageRequest), ApiError> {
        let mut e = FieldErrors::new();
        let skip = self.skip.as_deref().map_or(Some(0), |s| {
            e.parse_int("query", "skip", s, Some(0i64), None)
                .map(i64::unsigned_abs)
        });
        let limit = self.limit.as_deref().map_or(Some(50), |s| {
            e.parse_int("query", "limit", s, Some(1u64), Some(100))
        });
        let query = self.filters(&mut e);
        e.finish()?;
        let page = PageRequest {
            skip: skip.unwrap_or(0),
            limit: limit.unwrap_or(50),
        };
        Ok((query, page))
    }
}

/// The optional `tenant_id` of the aggregate endpoints (system users).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct TenantParam {
    /// One tenant (system users only; ignored for tenant users).
    tenant_id: Option<String>,
}

impl TenantParam {
    pub(crate) fn parse(&self) -> Result<Option<TenantId>, ApiError> {
        let mut e = FieldErrors::new();
        let id = uuid_param(&mut e, "tenant_id", self.tenant_id.as_deref());
        e.finish()?;
        Ok(id.map(TenantId::from_uuid))
    }
}
