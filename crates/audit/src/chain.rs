//! The hash chain: one per tenant and one for the platform (ADR 0006).
//!
//! Each record's hash is `hex(SHA-256(prev_hash ‖ "\n" ‖ payload))`, where
//! `prev_hash` is the previous record's hash in ASCII hex ([`GENESIS_HASH`]
//! for the first record) and `payload` is the compact JSON array
//!
//! ```text
//! ["harmony-audit/1", id, tenant_id, user_id, impersonator_id, action,
//!  resource, resource_id, details, status, ip, user_agent, request_id,
//!  "<at as unix nanoseconds>"]
//! ```
//!
//! with absent values as `null`, ids as lowercase hyphenated UUIDs, `details`
//! with the keys of every object sorted (byte order) at every depth, and `at`
//! as a decimal string taken AFTER [`normalise`] truncated it to whole
//! microseconds (what both databases store), so a record recomputes to the
//! same hash after a round trip through any store.

use crate::model::AuditRecord;
use harmony_kernel::AuditEntry;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use time::UtcOffset;

/// `prev_hash` of the first record of a chain: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Longest user agent kept, in characters (longer ones are cut).
pub const MAX_USER_AGENT_CHARS: usize = 512;

/// Version tag that starts every payload, so the encoding can evolve.
const ENCODING: &str = "harmony-audit/1";

/// The entry as stores keep it: `at` in UTC truncated to whole microseconds
/// and the user agent cut to [`MAX_USER_AGENT_CHARS`]. Adapters call this
/// before hashing and storing, so verification after a round trip matches.
pub fn normalise(entry: &AuditEntry) -> AuditEntry {
    let mut e = entry.clone();
    let at = e.at.to_offset(UtcOffset::UTC);
    e.at = at
        .replace_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at);
    if let Some(ua) = &e.origin.user_agent
        && ua.chars().count() > MAX_USER_AGENT_CHARS
    {
        e.origin.user_agent = Some(ua.chars().take(MAX_USER_AGENT_CHARS).collect());
    }
    e
}

fn push_str(out: &mut String, s: &str) {
    // Serialising a &str cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn push_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.push_str("null"),
    }
}

/// Compact JSON with object keys sorted at every depth.
fn push_canonical(out: &mut String, v: &Value) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_str(out, k);
                out.push(':');
                push_canonical(out, &map[k]);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_canonical(out, item);
            }
            out.push(']');
        }
        Value::String(s) => push_str(out, s),
        other => out.push_str(&other.to_string()),
    }
}

/// The canonical payload of `entry` (see the module docs); `entry` must be
/// normalised already.
pub fn canonical_payload(entry: &AuditEntry) -> String {
    let mut out = String::with_capacity(256);
    out.push('[');
    push_str(&mut out, ENCODING);
    let fields: [Option<String>; 4] = [
        Some(entry.id.to_string()),
        entry.tenant_id.map(|t| t.to_string()),
        entry.user_id.map(|u| u.to_string()),
        entry.impersonator_id.map(|u| u.to_string()),
    ];
    for f in &fields {
        out.push(',');
        push_opt(&mut out, f.as_deref());
    }
    out.push(',');
    push_str(&mut out, &entry.action);
    out.push(',');
    push_str(&mut out, &entry.resource);
    out.push(',');
    push_opt(&mut out, entry.resource_id.as_deref());
    out.push(',');
    push_canonical(&mut out, &Value::Object(entry.details.clone()));
    out.push(',');
    push_str(&mut out, entry.status.as_str());
    for f in [
        &entry.origin.ip,
        &entry.origin.user_agent,
        &entry.origin.request_id,
    ] {
        out.push(',');
        push_opt(&mut out, f.as_deref());
    }
    out.push(',');
    push_str(&mut out, &entry.at.unix_timestamp_nanos().to_string());
    out.push(']');
    out
}

/// The hash of a record whose predecessor's hash is `prev_hash`; `entry`
/// must be [`normalise`]d (adapters do that before calling).
pub fn chain_hash(prev_hash: &str, entry: &AuditEntry) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical_payload(entry).as_bytes());
    hex::encode(h.finalize())
}

/// Where and why a chain stopped verifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first record that does not verify.
    pub id: uuid::Uuid,
    /// Its position in the chain.
    pub seq: i64,
    /// `hash_mismatch` (the record was edited), `prev_hash_mismatch` (a
    /// record before it was removed, inserted or edited), `seq_gap` (records
    /// missing or reordered) or `genesis_mismatch` (record 1 does not start
    /// from [`GENESIS_HASH`]).
    pub reason: String,
}

/// The outcome of [`verify_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Records examined (up to and including a break).
    pub checked: u64,
    /// The first record that does not verify; `None` when all do.
    pub first_break: Option<ChainBreak>,
}

impl ChainReport {
    /// Whether every record verified.
    pub const fn is_valid(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Verifies one chain given in `seq` order.
///
/// The first record is the anchor: its `prev_hash` is trusted (the records
/// before it may have been archived) unless its `seq` is 1, where it must be
/// [`GENESIS_HASH`]. Every record's hash must recompute; each later record
/// must link to the previous one's hash and have the next `seq`.
pub fn verify_chain(records: &[AuditRecord]) -> ChainReport {
    let mut checked = 0;
    let mut prev: Option<&AuditRecord> = None;
    for r in records {
        checked += 1;
        let reason = match prev {
            None if r.seq == 1 && r.prev_hash != GENESIS_HASH => Some("genesis_mismatch"),
            Some(p) if r.seq != p.seq + 1 => Some("seq_gap"),
            Some(p) if r.prev_hash != p.hash => Some("prev_hash_mismatch"),
            _ if chain_hash(&r.prev_hash, &r.entry) != r.hash => Some("hash_mismatch"),
            _ => None,
        };
        if let Some(reason) = reason {
            return ChainReport {
                checked,
                first_break: Some(ChainBreak {
                    id: r.entry.id,
                    seq: r.seq,
                    reason: reason.to_owned(),
                }),
            };
        }
        prev = Some(r);
    }
    ChainReport {
        checked,
        first_break: None,
    }
}

/// Chains `entries` after a head (`last_seq`, `last_hash`): normalises each,
/// numbers it and hashes it. Adapters without their own SQL use this; it
/// returns the records and leaves the new head in the last one.
pub fn extend_chain(last_seq: i64, last_hash: &str, entries: &[AuditEntry]) -> Vec<AuditRecord> {
    let mut seq = last_seq;
    let mut prev = last_hash.to_owned();
    entries
        .iter()
        .map(|e| {
            let entry = normalise(e);
            seq += 1;
            let hash = chain_hash(&prev, &entry);
            AuditRecord {
                entry,
                seq,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "chain_tests.rs"]
mod tests;
