//! Archive files: names, the JSON document of §3.8 (plus the chain data
//! that lets anyone re-verify it offline) and reading it back.

use crate::error::AuditError;
use crate::model::AuditRecord;
use harmony_kernel::TenantId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// Refuses names that could leave the archive directory (§3.8: `/`, `\`,
/// `..`), and empty names.
pub fn validate_filename(name: &str) -> Result<(), AuditError> {
    if name.is_empty() || name.contains('/') || name.contains('\\') || name.contains("..") {
        return Err(AuditError::InvalidFilename);
    }
    Ok(())
}

/// `size_readable` of §3.8: one decimal and B/KB/MB/GB/TB, 1024 based
/// (`500.0 B`, `12.3 KB`).
#[allow(clippy::cast_precision_loss, reason = "a display value")]
pub fn size_readable(bytes: u64) -> String {
    let mut size = bytes as f64;
    for unit in ["B", "KB", "MB", "GB"] {
        if size < 1024.0 {
            return format!("{size:.1} {unit}");
        }
        size /= 1024.0;
    }
    format!("{size:.1} TB")
}

/// Python's `isoformat()` of a naive UTC datetime (the contract's format for
/// handler-built strings): `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
pub fn iso_naive(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    match t.microsecond() {
        0 => base,
        us => format!("{base}.{us:06}"),
    }
}

/// `isoformat()` of an aware UTC datetime (`…+00:00`), as archived logs carry it.
pub fn iso_aware(t: OffsetDateTime) -> String {
    format!("{}+00:00", iso_naive(t))
}

/// `audit_archive_<YYYYMMDD_HHMMSS>.json`, with `_<n>` before the extension
/// for the n-th attempt when a name of the same second exists.
pub fn file_name(now: OffsetDateTime, attempt: u32) -> String {
    let t = now.to_offset(UtcOffset::UTC);
    let stamp = format!(
        "{:04}{:02}{:02}_{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if attempt <= 1 {
        format!("audit_archive_{stamp}.json")
    } else {
        format!("audit_archive_{stamp}_{attempt}.json")
    }
}

/// A log's `tenant_id`: omitted in a tenant's own archive.
#[derive(Serialize)]
#[serde(untagged)]
enum LogTenant {
    Omitted,
    Value(Option<String>),
}

impl LogTenant {
    const fn is_omitted(&self) -> bool {
        matches!(self, Self::Omitted)
    }
}

#[derive(Serialize)]
struct ArchivedLog<'a> {
    id: Uuid,
    user_id: Option<String>,
    #[serde(skip_serializing_if = "LogTenant::is_omitted")]
    tenant_id: LogTenant,
    impersonator_id: Option<String>,
    action: &'a str,
    resource: &'a str,
    resource_id: Option<&'a str>,
    details: &'a serde_json::Map<String, serde_json::Value>,
    status: &'a str,
    ip_address: Option<&'a str>,
    user_agent: Option<&'a str>,
    request_id: Option<&'a str>,
    created_at: String,
    seq: i64,
    prev_hash: &'a str,
    hash: &'a str,
}

#[derive(Serialize)]
struct ChainTail {
    chain: String,
    seq: i64,
    hash: String,
}

#[derive(Serialize)]
struct Document<'a> {
    archived_at: String,
    archived_by: &'a str,
    before_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<&'a str>,
    total_records: usize,
    chain_tail_hash: Option<&'a str>,
    chain_tails: Vec<ChainTail>,
    logs: Vec<ArchivedLog<'a>>,
}

/// Who archives what: the header of an archive document.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveHeader<'a> {
    /// When.
    pub archived_at: OffsetDateTime,
    /// The caller's e-mail.
    pub archived_by: &'a str,
    /// The cutoff used.
    pub before_date: OffsetDateTime,
    /// For a tenant's own archive: its id and name (logs then omit `tenant_id`).
    pub tenant: Option<(TenantId, &'a str)>,
}

/// The archive file (2-space indented JSON): the contract's keys plus
/// `chain_tail_hash` (the last record's hash), `chain_tails` (each chain's
/// last archived `seq` and hash, which the first remaining record of that
/// chain links to) and per log `impersonator_id`, `seq`, `prev_hash`, `hash`.
pub fn document(header: ArchiveHeader<'_>, records: &[AuditRecord]) -> Result<Vec<u8>, AuditError> {
    let mut tails: BTreeMap<String, (i64, &str)> = BTreeMap::new();
    for r in records {
        let key = r
            .entry
            .tenant_id
            .map_or_else(|| "platform".to_owned(), |t| t.to_string());
        let tail = tails.entry(key).or_insert((r.seq, &r.hash));
        if r.seq >= tail.0 {
            *tail = (r.seq, &r.hash);
        }
    }
    let logs = records
        .iter()
        .map(|r| {
            let e = &r.entry;
            ArchivedLog {
                id: e.id,
                user_id: e.user_id.map(|u| u.to_string()),
                tenant_id: if header.tenant.is_some() {
                    LogTenant::Omitted
                } else {
                    LogTenant::Value(e.tenant_id.map(|t| t.to_string()))
                },
                impersonator_id: e.impersonator_id.map(|u| u.to_string()),
                action: &e.action,
                resource: &e.resource,
                resource_id: e.resource_id.as_deref(),
                details: &e.details,
                status: e.status.as_str(),
                ip_address: e.origin.ip.as_deref(),
                user_agent: e.origin.user_agent.as_deref(),
                request_id: e.origin.request_id.as_deref(),
                created_at: iso_aware(e.at),
                seq: r.seq,
                prev_hash: &r.prev_hash,
                hash: &r.hash,
            }
        })
        .collect();
    let doc = Document {
        archived_at: iso_naive(header.archived_at),
        archived_by: header.archived_by,
        before_date: iso_naive(header.before_date),
        tenant_id: header.tenant.map(|(t, _)| t.to_string()),
        tenant_name: header.tenant.map(|(_, n)| n),
        total_records: records.len(),
        chain_tail_hash: records.last().map(|r| r.hash.as_str()),
        chain_tails: tails
            .into_iter()
            .map(|(chain, (seq, hash))| ChainTail {
                chain,
                seq,
                hash: hash.to_owned(),
            })
            .collect(),
        logs,
    };
    serde_json::to_vec_pretty(&doc).map_err(|e| AuditError::ArchiveUnverified(e.to_string()))
}

/// What the listing shows of a file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveSummary {
    /// `total_records` (0 when unreadable).
    pub total_records: u64,
    /// `archived_at`, as written.
    pub archived_at: Option<String>,
    /// `before_date`, as written.
    pub before_date: Option<String>,
}

/// Reads the header of an archive; unreadable files give the defaults.
pub fn summary(bytes: &[u8]) -> ArchiveSummary {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return ArchiveSummary::default();
    };
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    ArchiveSummary {
        total_records: v
            .get("total_records")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0),
        archived_at: text("archived_at"),
        before_date: text("before_date"),
    }
}

/// Checks that `bytes` parse as an archive holding exactly `expected` ids
/// (no more, no fewer, none twice) and says so in `total_records`.
pub fn verify_document(bytes: &[u8], expected: &[Uuid]) -> Result<(), AuditError> {
    let fail = |why: &str| Err(AuditError::ArchiveUnverified(why.to_owned()));
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return fail("the file does not parse");
    };
    let Some(logs) = v.get("logs").and_then(serde_json::Value::as_array) else {
        return fail("the file has no logs");
    };
    let mut found = BTreeSet::new();
    for log in logs {
        let id = log
            .get("id")
            .and_then(serde_json::Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok());
        match id {
            Some(id) if found.insert(id) => {}
            _ => return fail("a log has no id or a repeated one"),
        }
    }
    let wanted: BTreeSet<Uuid> = expected.iter().copied().collect();
    let total = v.get("total_records").and_then(serde_json::Value::as_u64);
    if found != wanted || wanted.len() != expected.len() || total != Some(found.len() as u64) {
        return fail("the file does not hold exactly the selected records");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn sizes_are_readable() {
        assert_eq!(size_readable(500), "500.0 B");
        assert_eq!(size_readable(12_595), "12.3 KB");
        assert_eq!(size_readable(3 * 1024 * 1024), "3.0 MB");
        assert_eq!(size_readable(5 * 1024u64.pow(4)), "5.0 TB");
    }

    #[test]
    fn filenames_stay_inside_the_directory() {
        for bad in ["../x.json", "a/b.json", "a\\b.json", "x..json", ""] {
            assert!(validate_filename(bad).is_err(), "{bad}");
        }
        assert!(validate_filename("audit_archive_20261125_101112.json").is_ok());
    }

    #[test]
    fn names_and_dates_follow_the_contract() {
        let t = datetime!(2026-11-25 10:11:12.5 UTC);
        assert_eq!(file_name(t, 1), "audit_archive_20261125_101112.json");
        assert_eq!(file_name(t, 2), "audit_archive_20261125_101112_2.json");
        assert_eq!(iso_naive(t), "2026-11-25T10:11:12.500000");
        assert_eq!(
            iso_aware(datetime!(2026-11-25 10:11:12 UTC)),
            "2026-11-25T10:11:12+00:00"
        );
    }

    #[test]
    fn verification_wants_exactly_the_selected_ids() {
        let header = ArchiveHeader {
            archived_at: datetime!(2026-11-25 10:11:12 UTC),
            archived_by: "root@example.com",
            before_date: datetime!(2026-08-25 10:11:12 UTC),
            tenant: None,
        };
        let e = harmony_kernel::AuditEntry::anonymous(
            &harmony_kernel::Origin::default(),
            "auth.login",
            "user",
            datetime!(2026-01-01 0:00 UTC),
        );
        let records = crate::chain::extend_chain(0, crate::GENESIS_HASH, std::slice::from_ref(&e));
        let bytes = document(header, &records).expect("document");
        assert!(verify_document(&bytes, &[e.id]).is_ok());
        assert!(verify_document(&bytes, &[e.id, Uuid::new_v4()]).is_err());
        assert!(verify_document(&bytes, &[]).is_err());
        assert!(verify_document(b"{", &[e.id]).is_err());
        let s = summary(&bytes);
        assert_eq!(s.total_records, 1);
        assert_eq!(s.before_date.as_deref(), Some("2026-08-25T10:11:12"));
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(
            text.contains("\n  \"archived_by\": \"root@example.com\""),
            "{text}"
        );
        assert!(text.contains(&format!("\"chain_tail_hash\": \"{}\"", records[0].hash)));
    }
}
