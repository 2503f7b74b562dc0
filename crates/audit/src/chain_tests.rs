use super::*;
use harmony_kernel::{AuditStatus, Origin, TenantId, UserId};
use time::macros::datetime;

fn entry(n: u32) -> AuditEntry {
    AuditEntry {
        id: uuid::Uuid::new_v4(),
        tenant_id: Some(TenantId::new()),
        user_id: Some(UserId::new()),
        impersonator_id: None,
        action: "user.updated".into(),
        resource: "user".into(),
        resource_id: Some(format!("r{n}")),
        details: serde_json::json!({"b": 1, "a": {"z": [1, "x"], "y": null}})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        status: AuditStatus::Success,
        origin: Origin {
            ip: Some("10.0.0.1".into()),
            user_agent: Some("curl/8".into()),
            request_id: Some(format!("req-{n}")),
        },
        at: datetime!(2026-11-25 10:00:00.123456789 UTC),
    }
}

fn chain(n: u32) -> Vec<AuditRecord> {
    let entries: Vec<_> = (0..n).map(entry).collect();
    extend_chain(0, GENESIS_HASH, &entries)
}

fn reason(report: &ChainReport) -> Option<&str> {
    report.first_break.as_ref().map(|b| b.reason.as_str())
}

#[test]
fn an_untouched_chain_verifies() {
    let records = chain(5);
    assert_eq!(records[0].prev_hash, GENESIS_HASH);
    assert_eq!(records[4].seq, 5);
    let report = verify_chain(&records);
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(report.checked, 5);
    assert!(verify_chain(&[]).is_valid());
}

#[test]
fn an_archived_prefix_leaves_a_valid_anchor() {
    let records = chain(5);
    assert!(verify_chain(&records[2..]).is_valid());
}

#[test]
fn an_edited_detail_is_detected() {
    let mut records = chain(4);
    records[2]
        .entry
        .details
        .insert("b".into(), serde_json::json!(2));
    let report = verify_chain(&records);
    assert_eq!(reason(&report), Some("hash_mismatch"));
    assert_eq!(report.first_break.as_ref().map(|b| b.seq), Some(3));
    assert_eq!(report.checked, 3);
}

#[test]
fn a_deleted_middle_record_is_detected() {
    let mut records = chain(4);
    records.remove(1);
    let report = verify_chain(&records);
    assert_eq!(reason(&report), Some("seq_gap"));
    // Renumbering does not help: the link to the previous hash breaks.
    let mut renumbered = records.clone();
    for (i, r) in renumbered.iter_mut().enumerate() {
        r.seq = i64::try_from(i).unwrap_or_default() + 1;
    }
    assert_eq!(
        reason(&verify_chain(&renumbered)),
        Some("prev_hash_mismatch")
    );
}

#[test]
fn a_reordered_pair_is_detected() {
    let mut records = chain(4);
    records.swap(1, 2);
    assert_eq!(reason(&verify_chain(&records)), Some("seq_gap"));
}

#[test]
fn a_forged_genesis_is_detected() {
    let mut records = chain(2);
    records[0].prev_hash = "f".repeat(64);
    assert_eq!(reason(&verify_chain(&records)), Some("genesis_mismatch"));
}

#[test]
fn normalising_truncates_to_microseconds_and_cuts_user_agents() {
    let mut e = entry(1);
    e.origin.user_agent = Some("é".repeat(600));
    e.at = datetime!(2026-11-25 12:00:00.123456789 +02:00);
    let n = normalise(&e);
    assert_eq!(n.at, datetime!(2026-11-25 10:00:00.123456 UTC));
    assert_eq!(n.at.offset(), UtcOffset::UTC);
    assert_eq!(
        n.origin.user_agent.as_ref().map(|u| u.chars().count()),
        Some(MAX_USER_AGENT_CHARS)
    );
    assert_eq!(
        chain_hash(GENESIS_HASH, &normalise(&n)),
        chain_hash(GENESIS_HASH, &n)
    );
}

#[test]
fn the_encoding_sorts_keys_and_covers_every_field() {
    let e = normalise(&entry(1));
    let payload = canonical_payload(&e);
    assert!(
        payload.contains(r#"{"a":{"y":null,"z":[1,"x"]},"b":1}"#),
        "{payload}"
    );
    assert!(payload.ends_with(r#""1795600800123456000"]"#), "{payload}");
    let base = chain_hash(GENESIS_HASH, &e);
    let mut changed = e.clone();
    changed.impersonator_id = Some(UserId::new());
    assert_ne!(chain_hash(GENESIS_HASH, &changed), base);
    let mut changed = e.clone();
    changed.origin.ip = None;
    assert_ne!(chain_hash(GENESIS_HASH, &changed), base);
    let mut changed = e;
    changed.status = AuditStatus::Failure;
    assert_ne!(chain_hash(GENESIS_HASH, &changed), base);
    assert_ne!(chain_hash(&"1".repeat(64), &changed), base);
}
