//! Export of the list (`GET /admin/audit-logs/export`): CSV rendering.

use crate::model::AuditRecord;

/// Most rows one export returns.
pub const MAX_EXPORT_ROWS: u64 = 10_000;

/// The fixed CSV header row.
pub const CSV_HEADER: [&str; 13] = [
    "id",
    "created_at",
    "tenant_id",
    "user_id",
    "impersonator_id",
    "action",
    "resource",
    "resource_id",
    "status",
    "ip_address",
    "user_agent",
    "request_id",
    "details",
];

/// The export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// RFC 4180 CSV with [`CSV_HEADER`].
    Csv,
    /// A JSON array of `AuditLogResponse` objects.
    Json,
}

impl ExportFormat {
    /// Parses `csv` / `json`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Quotes a field when it holds a comma, quote, CR or LF (RFC 4180); a
/// leading `=`, `+`, `-` or `@` gets a `'` so spreadsheets do not run it as
/// a formula (details and user agents are client-controlled).
fn field(out: &mut String, value: &str) {
    let guarded;
    let value = if value.starts_with(['=', '+', '-', '@']) {
        guarded = format!("'{value}");
        guarded.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The records as CSV (header row first, CRLF line ends); `created_at` is
/// formatted by `format_time` so it matches the JSON views.
pub fn to_csv(
    records: &[AuditRecord],
    format_time: impl Fn(time::OffsetDateTime) -> String,
) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in records {
        let e = &r.entry;
        let row = [
            e.id.to_string(),
            format_time(e.at),
            opt(e.tenant_id.map(|t| t.to_string())),
            opt(e.user_id.map(|t| t.to_string())),
            opt(e.impersonator_id.map(|t| t.to_string())),
            e.action.clone(),
            e.resource.clone(),
            opt(e.resource_id.clone()),
            e.status.as_str().to_owned(),
            opt(e.origin.ip.clone()),
            opt(e.origin.user_agent.clone()),
            opt(e.origin.request_id.clone()),
            serde_json::Value::Object(e.details.clone()).to_string(),
        ];
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, value);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use harmony_kernel::{AuditEntry, Origin};

    #[test]
    fn fields_are_quoted_and_guarded() {
        let origin = Origin {
            ip: Some("10.0.0.1".into()),
            user_agent: Some("Mozilla \"5\", x\nnext".into()),
            request_id: Some("=cmd".into()),
        };
        let e = AuditEntry::anonymous(
            &origin,
            "auth.login",
            "user",
            time::OffsetDateTime::UNIX_EPOCH,
        )
        .detail("email", "a@b.c");
        let records = crate::chain::extend_chain(0, crate::GENESIS_HASH, &[e]);
        let csv = to_csv(&records, |_| "T".to_owned());
        let mut lines = csv.split("\r\n");
        assert_eq!(lines.next(), Some(CSV_HEADER.join(",").as_str()));
        let row = lines.next().unwrap_or_default();
        assert!(
            row.contains(",\"Mozilla \"\"5\"\", x\nnext\",'=cmd,"),
            "{row}"
        );
        assert!(row.ends_with("\"{\"\"email\"\":\"\"a@b.c\"\"}\""), "{row}");
    }
}
