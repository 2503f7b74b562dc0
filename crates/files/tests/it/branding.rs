//! Tenant logo and user avatars (§3.9 #9–16; defects 17, 20).

use crate::support::{PNG, World, bytes, image};
use harmony_files::service::ImageUpload;
use harmony_files::{FileStatus, FilesError};
use harmony_identity::ports::IdentityStore;
use harmony_kernel::{DomainError, ErrorKind};

#[tokio::test]
async fn replacing_the_logo_retires_the_old_one_and_its_bytes() {
    let w = World::new().await;
    let first = w.logo(&bytes(PNG, 1000)).await;
    assert_eq!(w.used(w.tenant).await, 1000);
    let t = w.store.tenant(w.tenant).await.unwrap().unwrap();
    assert_eq!(
        t.logo_url,
        Some(format!("memory://public/{}", first.storage_key))
    );
    w.clock.advance(time::Duration::seconds(1));
    let second = w.logo(&bytes(PNG, 300)).await;
    assert_eq!(
        w.used(w.tenant).await,
        300,
        "the old logo no longer counts (defect 17)"
    );
    assert!(!w.objects.contains(&first.storage_key), "old bytes deleted");
    assert!(w.objects.contains(&second.storage_key));
    let files = w.store.files_of_tenant(w.tenant);
    let old = files.iter().find(|f| f.id == first.id).unwrap();
    assert_eq!(old.status, FileStatus::Deleted);
    assert_eq!(
        w.svc.logo(&w.member, None).await.unwrap().map(|f| f.id),
        Some(second.id)
    );
    let t = w.store.tenant(w.tenant).await.unwrap().unwrap();
    assert_eq!(
        t.logo_url,
        Some(format!("memory://public/{}", second.storage_key))
    );
    let audit = w
        .audits()
        .await
        .into_iter()
        .rfind(|e| e.action == "tenant.logo_uploaded")
        .unwrap();
    assert_eq!(audit.details["file_id"], second.id.to_string());
    assert_eq!(audit.resource, "tenant");

    w.svc.delete_logo(&w.admin, None).await.unwrap();
    assert_eq!(w.used(w.tenant).await, 0);
    assert_eq!(
        w.store.tenant(w.tenant).await.unwrap().unwrap().logo_url,
        None
    );
    assert!(w.svc.logo(&w.member, None).await.unwrap().is_none());
    assert!(
        w.audits()
            .await
            .iter()
            .any(|e| e.action == "tenant.logo_deleted")
    );
    w.svc
        .delete_logo(&w.admin, None)
        .await
        .expect("nothing to delete is fine");
}

#[tokio::test]
async fn logo_rules() {
    let w = World::new().await;
    let e = w
        .svc
        .presign_logo(&w.member, None, &image("l.png", 10))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Permission 'settings.update' required");
    let pdf = ImageUpload {
        filename: "l.pdf".to_owned(),
        content_type: "application/pdf".to_owned(),
        size_bytes: 1,
    };
    let lp = w
        .svc
        .presign_logo(&w.owner, None, &image("l.png", 10))
        .await
        .unwrap();
    w.objects
        .put(&lp.storage_key, &bytes(PNG, 10), Some("image/png"));
    let e = w
        .svc
        .confirm(&w.owner, None, &lp.storage_key, None)
        .await
        .unwrap_err();
    assert!(
        matches!(e, FilesError::UploadNotFound),
        "logo uploads confirm via set_logo"
    );
    let e = w.svc.presign_logo(&w.owner, None, &pdf).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "Content type must be an image type (image/*)"
    );
    assert_eq!(e.kind(), ErrorKind::Validation);
    let e = w
        .svc
        .presign_logo(&w.owner, None, &image("l.png", 6 * 1_048_576))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "File exceeds maximum size of 5MB");
    // A generic upload cannot be confirmed as the logo.
    let p = w
        .svc
        .presign(
            &w.owner,
            None,
            &crate::support::request(
                harmony_files::FileCategory::TenantLogo,
                "l.png",
                "image/png",
                10,
            ),
        )
        .await
        .unwrap();
    w.objects
        .put(&p.storage_key, &bytes(PNG, 10), Some("image/png"));
    let e = w
        .svc
        .set_logo(&w.owner, None, &p.storage_key, None)
        .await
        .unwrap_err();
    assert!(matches!(e, FilesError::UploadNotFound));
}

#[tokio::test]
async fn avatar_rule_uses_real_roles_and_the_tenant() {
    let w = World::new().await;
    let target = w.member2.user_id();
    let e = w
        .svc
        .presign_avatar(&w.member, None, target, &image("a.png", 10))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Cannot upload avatar for other users");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let e = w
        .svc
        .delete_avatar(&w.member, None, target)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Cannot delete avatar for other users");
    // Owners may manage others' avatars (defect 20), admins too.
    for who in [&w.owner, &w.admin, &w.member2] {
        let p = w
            .svc
            .presign_avatar(who, None, target, &image("a.png", 64))
            .await
            .unwrap();
        w.objects
            .put(&p.storage_key, &bytes(PNG, 64), Some("image/png"));
        w.svc
            .set_avatar(who, None, target, &p.storage_key, None)
            .await
            .unwrap();
        w.clock.advance(time::Duration::seconds(1));
    }
    let current = w
        .svc
        .avatar(&w.member, None, target)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.used(w.tenant).await, 64, "only the newest avatar counts");
    let user = w.store.user(target).await.unwrap().unwrap();
    assert_eq!(
        user.avatar_url,
        Some(format!("memory://public/{}", current.storage_key))
    );
    let actives = w
        .store
        .files_of_tenant(w.tenant)
        .into_iter()
        .filter(|f| f.status == FileStatus::Active)
        .count();
    assert_eq!(actives, 1);
    // A member cannot set someone else's avatar with a key presigned for them.
    let p = w
        .svc
        .presign_avatar(&w.member, None, w.member.user_id(), &image("me.png", 64))
        .await
        .unwrap();
    w.objects
        .put(&p.storage_key, &bytes(PNG, 64), Some("image/png"));
    let e = w
        .svc
        .set_avatar(&w.member, None, target, &p.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Cannot set avatar for other users");
    let e = w
        .svc
        .set_avatar(&w.owner, None, target, &p.storage_key, None)
        .await
        .unwrap_err();
    assert!(
        matches!(e, FilesError::UploadNotFound),
        "the key belongs to another user's avatar"
    );
    w.svc
        .set_avatar(&w.member, None, w.member.user_id(), &p.storage_key, None)
        .await
        .expect("self");
    // The target must be a user of the caller's tenant.
    let (_, other_owner) = w.other_tenant().await;
    let e = w
        .svc
        .presign_avatar(&w.owner, None, other_owner.user_id(), &image("a.png", 10))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "User not found");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = w
        .svc
        .delete_avatar(&w.admin, None, other_owner.user_id())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // Delete clears the URL and releases the bytes.
    w.svc.delete_avatar(&w.admin, None, target).await.unwrap();
    assert_eq!(
        w.store.user(target).await.unwrap().unwrap().avatar_url,
        None
    );
    assert!(
        w.svc
            .avatar(&w.member, None, target)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        w.used(w.tenant).await,
        64,
        "the member's own avatar remains"
    );
    let a = w.audits().await;
    assert!(
        a.iter().any(|e| e.action == "user.avatar_uploaded"
            && e.details["target_user_id"] == target.to_string())
    );
    assert!(a.iter().any(|e| e.action == "user.avatar_deleted"));
}

#[tokio::test]
async fn deleting_the_current_logo_moves_the_url() {
    let w = World::new().await;
    let only = w.logo(&bytes(PNG, 10)).await;
    w.svc.delete(&w.owner, None, only.id, false).await.unwrap();
    assert_eq!(
        w.store.tenant(w.tenant).await.unwrap().unwrap().logo_url,
        None
    );
}
