//! A tenant with an owner, an admin and two members, the services over the
//! in-memory store and object storage, and byte fixtures.

use harmony_adapters_memory::{InMemoryObjectStorage, InMemoryStore, ManualClock};
use harmony_files::ports::FileStore;
use harmony_files::service::{ImageUpload, PresignedUpload, UploadConfirm, UploadRequest};
use harmony_files::{FileCategory, FileRecord, FilesConfig, FilesService};
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::{seed_tenant, tenant_user};
use harmony_kernel::{Principal, SystemRole, TenantId, TenantRole, UserId};
use std::sync::Arc;
use time::OffsetDateTime;

/// A PNG signature and IHDR start.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01";
/// A PDF header.
pub const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
/// An HTML page.
pub const HTML: &[u8] = b"<!DOCTYPE html><html><script>alert(1)</script></html>";

/// `prefix` padded with zeros to `len` bytes.
pub fn bytes(prefix: &[u8], len: usize) -> Vec<u8> {
    let mut v = prefix.to_vec();
    v.resize(len.max(prefix.len()), 0);
    v
}

pub struct World {
    pub store: Arc<InMemoryStore>,
    pub objects: Arc<InMemoryObjectStorage>,
    pub clock: Arc<ManualClock>,
    pub svc: FilesService,
    pub tenant: TenantId,
    pub owner: Principal,
    pub admin: Principal,
    pub member: Principal,
    pub member2: Principal,
    pub sysadmin: Principal,
    pub operator: Principal,
}

async fn add_user(store: &InMemoryStore, tenant: TenantId, role: TenantRole) -> Principal {
    let u = tenant_user(tenant, role, OffsetDateTime::now_utc());
    store
        .commit(&[Change::InsertUser(u.clone())])
        .await
        .unwrap();
    Principal::verified_tenant_user(u.id, None, tenant, role)
}

impl World {
    pub async fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let objects = Arc::new(InMemoryObjectStorage::new());
        let clock = Arc::new(ManualClock::new(OffsetDateTime::now_utc()));
        let svc = FilesService::new(
            store.clone(),
            objects.clone(),
            clock.clone(),
            FilesConfig::default(),
        );
        let (t, _, owner) = seed_tenant(store.as_ref()).await;
        let owner = Principal::verified_tenant_user(owner.id, None, t.id, TenantRole::Owner);
        let admin = add_user(&store, t.id, TenantRole::Admin).await;
        let member = add_user(&store, t.id, TenantRole::Member).await;
        let member2 = add_user(&store, t.id, TenantRole::Member).await;
        Self {
            store,
            objects,
            clock,
            svc,
            tenant: t.id,
            owner,
            admin,
            member,
            member2,
            sysadmin: Principal::verified_system_user(UserId::new(), None, SystemRole::Admin),
            operator: Principal::verified_system_user(UserId::new(), None, SystemRole::Operator),
        }
    }

    /// Another tenant with its owner.
    pub async fn other_tenant(&self) -> (TenantId, Principal) {
        let (t, _, owner) = seed_tenant(self.store.as_ref()).await;
        (
            t.id,
            Principal::verified_tenant_user(owner.id, None, t.id, TenantRole::Owner),
        )
    }

    pub async fn used(&self, tenant: TenantId) -> i64 {
        let scope = self.sysadmin.operator_scope().unwrap().on_behalf_of(tenant);
        self.store.storage_usage(&scope).await.unwrap().0
    }

    /// The audit entries of the world's tenant, in order.
    pub async fn audits(&self) -> Vec<harmony_kernel::AuditEntry> {
        use harmony_audit::ports::AuditStore;
        self.store
            .chain(Some(self.tenant))
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.entry)
            .collect()
    }

    pub fn set_quota_gb(&self, gb: i64) {
        self.store.update_tenant(self.tenant, |t| {
            t.max_storage_gb = harmony_tenancy::Limit::new(gb);
        });
    }

    pub fn set_used(&self, bytes: i64) {
        self.store
            .update_tenant(self.tenant, |t| t.storage_used_bytes = bytes);
    }

    /// The member presigns `req` (it must succeed).
    pub async fn presign_as_member(&self, req: &UploadRequest) -> PresignedUpload {
        self.svc
            .presign(&self.member, None, req)
            .await
            .expect("presign")
    }

    /// Presign, put `content`, confirm: a document/attachment/… of `who`.
    pub async fn upload(
        &self,
        who: &Principal,
        category: FileCategory,
        filename: &str,
        content_type: &str,
        content: &[u8],
    ) -> FileRecord {
        let p = self
            .svc
            .presign(
                who,
                None,
                &request(category, filename, content_type, content.len()),
            )
            .await
            .expect("presign");
        self.objects
            .put(&p.storage_key, content, Some(content_type));
        self.svc
            .confirm(who, None, &p.storage_key, Some(&UploadConfirm::default()))
            .await
            .expect("confirm")
    }

    /// Presign and confirm a logo with `content`.
    pub async fn logo(&self, content: &[u8]) -> FileRecord {
        let p = self
            .svc
            .presign_logo(&self.owner, None, &image("logo.png", content.len()))
            .await
            .expect("presign logo");
        self.objects.put(&p.storage_key, content, Some("image/png"));
        self.svc
            .set_logo(&self.owner, None, &p.storage_key, None)
            .await
            .expect("set logo")
    }
}

pub fn request(category: FileCategory, filename: &str, ct: &str, size: usize) -> UploadRequest {
    UploadRequest {
        filename: filename.to_owned(),
        content_type: ct.to_owned(),
        size_bytes: i64::try_from(size).unwrap(),
        category,
        resource_type: None,
        resource_id: None,
        is_public: false,
    }
}

pub fn image(filename: &str, size: usize) -> ImageUpload {
    ImageUpload {
        filename: filename.to_owned(),
        content_type: "image/png".to_owned(),
        size_bytes: i64::try_from(size).unwrap(),
    }
}
