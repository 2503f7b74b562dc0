//! Object storage outages and content sniffing at confirm.

use crate::support::{HTML, PNG, World, bytes, request};
use harmony_files::FileCategory;
use harmony_kernel::{DomainError, ErrorKind};

#[tokio::test]
async fn storage_down_is_a_503() {
    let w = World::new().await;
    w.objects.set_unavailable(true);
    let e = w
        .svc
        .presign(
            &w.owner,
            None,
            &request(FileCategory::Attachment, "a.bin", "a/b", 1),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert_eq!(
        e.to_string(),
        "Storage service unavailable. Please ensure MinIO/S3 is running."
    );
    assert!(
        w.store.files_of_tenant(w.tenant).is_empty(),
        "no row without a URL"
    );
}

#[tokio::test]
async fn sniffing_refuses_content_contradicting_the_declared_type() {
    let w = World::new().await;
    let p = w
        .presign_as_member(&request(
            FileCategory::PaymentProof,
            "proof.png",
            "image/png",
            10,
        ))
        .await;
    w.objects.put(&p.storage_key, HTML, Some("image/png"));
    let e = w
        .svc
        .confirm(&w.member, None, &p.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "File content does not match its content type 'image/png'"
    );
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    w.objects
        .put(&p.storage_key, &bytes(PNG, 64), Some("image/png"));
    w.svc
        .confirm(&w.member, None, &p.storage_key, None)
        .await
        .expect("a real PNG");
}
