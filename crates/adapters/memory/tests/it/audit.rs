//! The in-memory audit store against the `AuditStore` contract, and the
//! audit use cases over the in-memory adapters.

use harmony_adapters_memory::{FixedClock, InMemoryArchiveStore, InMemoryStore};
use harmony_audit::testing::{audit_store_contract, entry};
use harmony_audit::{
    ArchiveDir, ArchiveFileInfo, ArchiveStore, AuditError, AuditQuery, AuditService, AuditStore,
    VerifyTarget,
};
use harmony_kernel::{
    PageRequest, Principal, StoreError, SystemRole, TenantId, TenantRole, UserId,
};
use std::sync::Arc;
use time::{Duration, macros::datetime};

#[tokio::test]
async fn in_memory_store_passes_the_audit_store_contract() {
    audit_store_contract(&InMemoryStore::new()).await;
}

const NOW: time::OffsetDateTime = datetime!(2026-11-25 12:00 UTC);
const PAGE: PageRequest = PageRequest {
    skip: 0,
    limit: 100,
};

struct World {
    store: Arc<InMemoryStore>,
    archives: Arc<InMemoryArchiveStore>,
    service: AuditService,
}

fn world(dev_tools: bool) -> World {
    let store = Arc::new(InMemoryStore::new());
    let archives = Arc::new(InMemoryArchiveStore::new());
    let service = AuditService::new(
        store.clone(),
        archives.clone(),
        Arc::new(FixedClock(NOW)),
        dev_tools,
    );
    World {
        store,
        archives,
        service,
    }
}

fn tenant_user(t: TenantId, role: TenantRole) -> Principal {
    Principal::verified_tenant_user(UserId::new(), None, t, role)
}

fn system(role: SystemRole) -> Principal {
    Principal::verified_system_user(UserId::new(), None, role)
}

fn message(e: &AuditError) -> String {
    e.to_string()
}

#[tokio::test]
async fn tenant_admins_see_only_their_tenant_and_members_nothing() {
    let w = world(false);
    let (a, b) = (TenantId::new(), TenantId::new());
    let ea = entry(Some(a), "user.created", NOW - Duration::hours(1));
    let eb = entry(Some(b), "user.deleted", NOW - Duration::hours(1));
    w.store
        .append(&[ea.clone(), eb.clone()])
        .await
        .expect("append");
    let admin_b = tenant_user(b, TenantRole::Admin);
    let asked_for_a = AuditQuery {
        tenant_id: Some(a),
        ..AuditQuery::default()
    };
    let page = w
        .service
        .list(&admin_b, asked_for_a, PAGE)
        .await
        .expect("list");
    assert_eq!(
        page.items.iter().map(|r| r.entry.id).collect::<Vec<_>>(),
        vec![eb.id]
    );
    assert!(matches!(
        w.service.get(&admin_b, ea.id).await,
        Err(AuditError::NotFound)
    ));
    let (chain, report) = w
        .service
        .verify(&admin_b, Some(VerifyTarget::Tenant(a)))
        .await
        .expect("verify");
    assert_eq!((chain, report.checked), (Some(b), 1));
    let member = tenant_user(b, TenantRole::Member);
    let refused = w.service.list(&member, AuditQuery::default(), PAGE).await;
    assert_eq!(
        refused.map(|_| ()).map_err(|e| message(&e)),
        Err("Permission 'audit.view' required".to_owned())
    );
    let operator = system(SystemRole::Operator);
    let all = w
        .service
        .list(&operator, AuditQuery::default(), PAGE)
        .await
        .expect("operators read");
    assert_eq!(all.total, 2);
    let refused = w.service.archive(&operator, "op@example.com", None).await;
    assert_eq!(
        refused.map(|_| ()).map_err(|e| message(&e)),
        Err("Super Admin access required for this operation".to_owned())
    );
}

#[tokio::test]
async fn archiving_moves_exactly_the_old_records_into_a_verified_file() {
    let w = world(false);
    let t = TenantId::new();
    let old = entry(Some(t), "branch.created", NOW - Duration::days(100));
    let fresh = entry(Some(t), "branch.updated", NOW - Duration::days(1));
    w.store
        .append(&[old.clone(), fresh.clone()])
        .await
        .expect("append");
    let admin = system(SystemRole::Admin);
    let outcome = w
        .service
        .archive(&admin, "root@example.com", None)
        .await
        .expect("archive");
    assert_eq!(outcome.archived, 1);
    assert_eq!(outcome.before_date, NOW - Duration::days(90));
    let (name, size) = outcome.file.expect("a file");
    assert_eq!(name, "audit_archive_20261125_120000.json");
    let bytes = w
        .service
        .download_archive(&admin, &name)
        .await
        .expect("download");
    assert_eq!(bytes.len() as u64, size);
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(doc["logs"][0]["id"], old.id.to_string());
    assert_eq!(doc["archived_by"], "root@example.com");
    let rest = w.store.chain(Some(t)).await.expect("chain");
    assert_eq!(
        rest.iter().map(|r| r.entry.id).collect::<Vec<_>>(),
        vec![fresh.id]
    );
    assert_eq!(
        doc["chain_tails"][0]["hash"], rest[0].prev_hash,
        "the rest links to the file"
    );
    let (_, report) = w
        .service
        .verify(&admin, Some(VerifyTarget::Tenant(t)))
        .await
        .expect("verify");
    assert!(report.is_valid());
    let platform = w.store.chain(None).await.expect("platform chain");
    assert_eq!(platform[0].entry.action, "system.audit_logs_archived");
    assert_eq!(platform[0].entry.details["records_archived"], 1);
    let listed = w.service.list_archives(&admin).await.expect("list");
    assert_eq!(listed[0].summary.total_records, 1);
    // A second run within the same second gets its own file.
    let again = w
        .service
        .archive(&admin, "root@example.com", Some(NOW))
        .await
        .expect("archive again");
    assert_eq!(
        again.file.map(|f| f.0).as_deref(),
        Some("audit_archive_20261125_120000_2.json")
    );
}

/// An archive store that loses what it is given.
struct LossyArchives(InMemoryArchiveStore);

#[async_trait::async_trait]
impl ArchiveStore for LossyArchives {
    async fn put(&self, dir: &ArchiveDir, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.0.put(dir, name, &bytes[..bytes.len() / 2]).await
    }
    async fn list(&self, dir: &ArchiveDir) -> Result<Vec<ArchiveFileInfo>, StoreError> {
        self.0.list(dir).await
    }
    async fn get(&self, dir: &ArchiveDir, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.get(dir, name).await
    }
    async fn delete(&self, dir: &ArchiveDir, name: &str) -> Result<bool, StoreError> {
        self.0.delete(dir, name).await
    }
}

#[tokio::test]
async fn an_archive_that_does_not_read_back_deletes_nothing() {
    let store = Arc::new(InMemoryStore::new());
    let service = AuditService::new(
        store.clone(),
        Arc::new(LossyArchives(InMemoryArchiveStore::new())),
        Arc::new(FixedClock(NOW)),
        false,
    );
    let t = TenantId::new();
    let old = entry(Some(t), "branch.created", NOW - Duration::days(100));
    store
        .append(std::slice::from_ref(&old))
        .await
        .expect("append");
    let owner = tenant_user(t, TenantRole::Owner);
    let result = service
        .archive_tenant(&owner, "o@example.com", "Acme", None)
        .await;
    assert!(
        matches!(result, Err(AuditError::ArchiveUnverified(_))),
        "{result:?}"
    );
    assert_eq!(store.chain(Some(t)).await.expect("chain").len(), 1);
}

#[tokio::test]
async fn tenant_archives_stay_in_the_tenants_directory() {
    let w = world(false);
    let (a, b) = (TenantId::new(), TenantId::new());
    let ea = entry(Some(a), "user.created", NOW - Duration::days(200));
    let eb = entry(Some(b), "user.created", NOW - Duration::days(200));
    w.store.append(&[ea, eb.clone()]).await.expect("append");
    let owner = tenant_user(a, TenantRole::Owner);
    let outcome = w
        .service
        .archive_tenant(&owner, "o@example.com", "Acme", None)
        .await
        .expect("archive");
    assert_eq!(outcome.archived, 1);
    let name = outcome.file.expect("file").0;
    assert!(
        w.archives
            .get(&ArchiveDir::Tenant(a), &name)
            .await
            .expect("get")
            .is_some()
    );
    let other_owner = tenant_user(b, TenantRole::Owner);
    assert!(matches!(
        w.service.download_tenant_archive(&other_owner, &name).await,
        Err(AuditError::ArchiveNotFound)
    ));
    assert!(
        w.store
            .chain(Some(b))
            .await
            .expect("chain")
            .iter()
            .any(|r| r.entry.id == eb.id)
    );
    let own = w.store.chain(Some(a)).await.expect("chain");
    assert_eq!(own.len(), 1, "only the archive record remains");
    assert_eq!(own[0].entry.action, "system.audit_logs_archived");
    let admin = system(SystemRole::Admin);
    assert_eq!(
        w.service
            .list_tenant_archives(&admin)
            .await
            .map(|_| ())
            .map_err(|e| message(&e)),
        Err("Tenant access required. System users should use admin endpoints.".to_owned())
    );
}

#[tokio::test]
async fn clearing_and_deleting_archives_need_dev_tools() {
    let admin = system(SystemRole::Admin);
    let off = world(false);
    assert!(matches!(
        off.service.clear(&admin).await,
        Err(AuditError::ClearNeedsDevTools)
    ));
    assert!(matches!(
        off.service.delete_archive(&admin, "x.json").await,
        Err(AuditError::DeleteArchiveNeedsDevTools)
    ));
    let on = world(true);
    on.store
        .append(&[entry(None, "auth.login", NOW)])
        .await
        .expect("append");
    assert_eq!(on.service.clear(&admin).await.expect("clear"), 1);
    let left = on.store.chain(None).await.expect("chain");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].entry.action, "system.audit_logs_cleared");
    assert!(matches!(
        on.service.delete_archive(&admin, "../x.json").await,
        Err(AuditError::InvalidFilename)
    ));
    assert!(matches!(
        on.service.delete_archive(&admin, "x.json").await,
        Err(AuditError::ArchiveNotFound)
    ));
}
