//! Presign and confirm (§3.9 #1–2) and the confirm defects (15, 16).

use crate::support::{PDF, PNG, World, bytes, request};
use harmony_files::rules::{GB, MB};
use harmony_files::service::UploadConfirm;
use harmony_files::{FileCategory, FileStatus, FilesError};
use harmony_kernel::{DomainError, ErrorKind};

#[tokio::test]
async fn presign_records_a_pending_row_and_nothing_else() {
    let w = World::new().await;
    let req = request(
        FileCategory::Document,
        "Report.PDF",
        "Application/PDF",
        1234,
    );
    let p = w.svc.presign(&w.member, None, &req).await.unwrap();
    assert!(
        p.storage_key
            .starts_with(&format!("documents/{}/", w.tenant))
    );
    assert!(p.storage_key.ends_with(".pdf"));
    assert_eq!(p.max_size_bytes, 50 * MB);
    assert_eq!(p.upload.method, "PUT");
    assert_eq!(p.upload.headers["Content-Type"], "application/pdf");
    let files = w.store.files_of_tenant(w.tenant);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].status, FileStatus::Pending);
    assert_eq!(files[0].content_type, "application/pdf");
    assert_eq!(files[0].uploaded_by, Some(w.member.user_id()));
    assert_eq!(w.used(w.tenant).await, 0, "nothing reserved");
    assert!(w.objects.keys().is_empty(), "no bytes");
}

#[tokio::test]
async fn presign_validates_the_declaration() {
    let w = World::new().await;
    let w = &w;
    let presign = |req| async move { w.svc.presign(&w.member, None, &req).await.unwrap_err() };
    let e = presign(request(
        FileCategory::Document,
        "../x.pdf",
        "application/pdf",
        1,
    ))
    .await;
    assert_eq!(e.to_string(), "Invalid character in filename: '..'");
    assert_eq!(e.kind(), ErrorKind::Validation);
    let e = presign(request(FileCategory::Document, "x.pdf", "pdf", 1)).await;
    assert_eq!(e.to_string(), "Invalid content type format");
    let e = presign(request(
        FileCategory::Document,
        "x.pdf",
        "application/pdf",
        0,
    ))
    .await;
    assert!(matches!(
        e,
        FilesError::Validation {
            field: "size_bytes",
            ..
        }
    ));
    let e = presign(request(
        FileCategory::Document,
        "x.exe",
        "application/pdf",
        1,
    ))
    .await;
    assert_eq!(e.to_string(), "Extension '.exe' not allowed for documents");
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    let e = presign(request(
        FileCategory::PaymentProof,
        "x.txt",
        "text/plain",
        1,
    ))
    .await;
    assert_eq!(
        e.to_string(),
        "Content type 'text/plain' not allowed for category 'payment_proof'"
    );
    let e = presign(request(
        FileCategory::Attachment,
        "x.bin",
        "application/octet-stream",
        50 * 1_048_576 + 1,
    ))
    .await;
    assert_eq!(e.to_string(), "File exceeds maximum size of 50MB");
    let mut long = request(FileCategory::Attachment, "x.bin", "a/b", 1);
    long.resource_type = Some("r".repeat(51));
    assert!(matches!(
        presign(long).await,
        FilesError::Validation {
            field: "resource_type",
            ..
        }
    ));
    assert!(w.store.files_of_tenant(w.tenant).is_empty());
}

#[tokio::test]
async fn presign_checks_the_quota_with_a_403() {
    let w = World::new().await;
    w.set_used(GB - 100);
    let e = w
        .svc
        .presign(
            &w.owner,
            None,
            &request(FileCategory::Attachment, "a.bin", "a/b", 101),
        )
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Storage quota exceeded. Used: 1.00GB / 1GB");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    w.svc
        .presign(
            &w.owner,
            None,
            &request(FileCategory::Attachment, "a.bin", "a/b", 100),
        )
        .await
        .expect("exactly fits");
    w.set_quota_gb(-1);
    w.svc
        .presign(
            &w.owner,
            None,
            &request(FileCategory::Attachment, "a.bin", "a/b", 10 * 1_048_576),
        )
        .await
        .expect("unlimited");
}

#[tokio::test]
async fn guards_tenant_context_and_permissions() {
    let w = World::new().await;
    let req = request(FileCategory::Attachment, "a.bin", "a/b", 1);
    let e = w.svc.presign(&w.sysadmin, None, &req).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "X-Tenant-ID header required for system users"
    );
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    let e = w
        .svc
        .presign(&w.operator, Some(w.tenant), &req)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Permission 'files.upload' required");
    let unknown = harmony_kernel::TenantId::new();
    let e = w
        .svc
        .presign(&w.sysadmin, Some(unknown), &req)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), format!("Tenant {unknown} not found"));
    w.svc
        .presign(&w.sysadmin, Some(w.tenant), &req)
        .await
        .expect("system admin in context");
    w.svc
        .storage_usage(&w.operator, Some(w.tenant))
        .await
        .expect("operator reads usage");
    // A member may not put files into the public logo prefix through the generic endpoint.
    let logo = request(FileCategory::TenantLogo, "l.png", "image/png", 1);
    let e = w.svc.presign(&w.member, None, &logo).await.unwrap_err();
    assert_eq!(e.to_string(), "Permission 'settings.update' required");
    // Deactivated tenants have no file access at all (defect 10).
    w.store.update_tenant(w.tenant, |t| t.is_active = false);
    for who in [&w.owner, &w.member] {
        let e = w.svc.presign(who, None, &req).await.unwrap_err();
        assert_eq!(e.to_string(), "Tenant is inactive");
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        let e = w.svc.storage_usage(who, None).await.unwrap_err();
        assert_eq!(e.to_string(), "Tenant is inactive");
    }
}

#[tokio::test]
async fn confirm_takes_size_and_type_from_storage() {
    let w = World::new().await;
    let p = w
        .presign_as_member(&request(
            FileCategory::Document,
            "r.pdf",
            "application/pdf",
            10,
        ))
        .await;
    let content = bytes(PDF, 4321);
    w.objects
        .put(&p.storage_key, &content, Some("application/pdf"));
    let confirm = UploadConfirm {
        checksum: Some("abc".to_owned()),
        metadata: Some(serde_json::json!({"k": 1}).as_object().unwrap().clone()),
    };
    let f = w
        .svc
        .confirm(&w.member, None, &p.storage_key, Some(&confirm))
        .await
        .unwrap();
    assert_eq!(f.size_bytes, 4321, "stored size, not the declared 10");
    assert_eq!(f.status, FileStatus::Active);
    assert_eq!(f.checksum.as_deref(), Some("abc"));
    assert_eq!(f.metadata["k"], 1);
    assert_eq!(w.used(w.tenant).await, 4321);
    let audit = w
        .audits()
        .await
        .into_iter()
        .find(|e| e.action == "file.uploaded")
        .expect("audited");
    assert_eq!(audit.details["size_bytes"], 4321);
    assert_eq!(audit.details["storage_key"], p.storage_key.as_str());
    let e = w
        .svc
        .confirm(&w.member, None, &p.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "File already confirmed");
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(w.used(w.tenant).await, 4321, "reserved once");
}

#[tokio::test]
async fn confirm_without_confirm_body_stores_the_key_as_metadata() {
    let w = World::new().await;
    let p = w
        .presign_as_member(&request(
            FileCategory::Attachment,
            "a.bin",
            "application/octet-stream",
            3,
        ))
        .await;
    w.objects.put(&p.storage_key, b"abc", None);
    let f = w
        .svc
        .confirm(&w.member, None, &p.storage_key, None)
        .await
        .unwrap();
    assert_eq!(f.metadata["storage_key"], p.storage_key.as_str());
    assert_eq!(
        f.content_type, "application/octet-stream",
        "declared type when storage keeps none"
    );
}

#[tokio::test]
async fn confirm_refuses_missing_objects_foreign_keys_and_broken_rules() {
    let w = World::new().await;
    let (other, other_owner) = w.other_tenant().await;
    let p = w
        .presign_as_member(&request(
            FileCategory::Document,
            "r.pdf",
            "application/pdf",
            10,
        ))
        .await;
    let e = w
        .svc
        .confirm(&w.member, None, &p.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Uploaded file not found in storage");
    w.objects
        .put(&p.storage_key, &bytes(PDF, 100), Some("application/pdf"));
    // Another tenant cannot claim the key (defect 16).
    let e = w
        .svc
        .confirm(&other_owner, None, &p.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = w
        .svc
        .confirm(&w.member, None, &format!("documents/{other}/x.pdf"), None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Upload not found");
    // The stored object breaks the category's rules: re-validated at confirm.
    w.objects.put(
        &p.storage_key,
        &bytes(PDF, 100),
        Some("application/x-msdownload"),
    );
    let e = w
        .svc
        .confirm(&w.member, None, &p.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Content type 'application/x-msdownload' not allowed for category 'document'"
    );
    let big = request(FileCategory::TenantLogo, "l.png", "image/png", 10);
    let lp = w
        .svc
        .presign_logo(
            &w.owner,
            None,
            &harmony_files::service::ImageUpload {
                filename: big.filename,
                content_type: big.content_type,
                size_bytes: 10,
            },
        )
        .await
        .unwrap();
    w.objects.put(
        &lp.storage_key,
        &bytes(PNG, usize::try_from(5 * MB + 1).unwrap()),
        Some("image/png"),
    );
    let e = w
        .svc
        .set_logo(&w.owner, None, &lp.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "File exceeds maximum size of 5MB");
    assert_eq!(w.used(w.tenant).await, 0);
    assert_eq!(w.used(other).await, 0);
}

#[tokio::test]
async fn confirm_over_quota_is_a_403_with_the_message() {
    let w = World::new().await;
    let p = w
        .presign_as_member(&request(FileCategory::Attachment, "a.bin", "a/b", 10))
        .await;
    w.set_used(GB - 50);
    w.objects.put(&p.storage_key, &[0u8; 100], Some("a/b"));
    let e = w
        .svc
        .confirm(&w.member, None, &p.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Storage quota exceeded. Used: 1.00GB / 1GB");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(w.used(w.tenant).await, GB - 50, "nothing reserved");
    assert_eq!(
        w.store.files_of_tenant(w.tenant)[0].status,
        FileStatus::Pending
    );
}
