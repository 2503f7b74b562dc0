//! The pure rules of §3.9: category table, messages, filenames, keys, quota.

use harmony_files::FileCategory;
use harmony_files::rules::{
    ALLOWED_DOCUMENT_EXTENSIONS, ALLOWED_IMAGE_EXTENSIONS, GB, MB, RuleViolation, check_category,
    check_filename, extension, fits_quota, key_in_tenant_prefix, normalize_content_type,
    normalize_image_content_type, quota_message, storage_key,
};
use harmony_kernel::TenantId;

#[test]
fn category_limits_and_messages_are_the_contracts() {
    let c = |cat, name: &str, ct: &str, size| {
        check_category(cat, name, ct, size, 50).map_err(|e| e.to_string())
    };
    assert_eq!(
        c(FileCategory::TenantLogo, "a.png", "image/png", 5 * MB),
        Ok(())
    );
    assert_eq!(
        c(FileCategory::TenantLogo, "a.png", "image/png", 5 * MB + 1),
        Err("File exceeds maximum size of 5MB".to_owned())
    );
    assert_eq!(
        c(FileCategory::UserAvatar, "a.svg", "image/svg+xml", 10),
        Err("Content type 'image/svg+xml' not allowed for category 'user_avatar'".to_owned())
    );
    assert_eq!(
        c(FileCategory::TenantLogo, "a.bmp", "image/png", 10),
        Err("Extension '.bmp' not allowed for images".to_owned())
    );
    assert_eq!(
        c(FileCategory::Document, "README", "text/plain", 10),
        Err("Extension '.' not allowed for documents".to_owned())
    );
    assert_eq!(
        c(FileCategory::Document, "x.PDF", "application/pdf", 50 * MB),
        Ok(())
    );
    assert_eq!(
        c(
            FileCategory::Document,
            "x.pdf",
            "application/pdf",
            50 * MB + 1
        ),
        Err("File exceeds maximum size of 50MB".to_owned())
    );
    assert_eq!(
        c(
            FileCategory::Attachment,
            "x",
            "application/x-anything",
            50 * MB
        ),
        Ok(())
    );
    assert_eq!(
        c(
            FileCategory::PaymentProof,
            "x.docx",
            "application/msword",
            10
        ),
        Err(
            "Content type 'application/msword' not allowed for category 'payment_proof'".to_owned()
        )
    );
    assert_eq!(
        c(
            FileCategory::PaymentProof,
            "x.anything",
            "application/pdf",
            10 * MB
        ),
        Ok(())
    );
    assert!(matches!(
        check_category(
            FileCategory::Document,
            "a.pdf",
            "application/pdf",
            21 * MB,
            20
        ),
        Err(RuleViolation::TooLarge(20))
    ));
    assert_eq!(ALLOWED_IMAGE_EXTENSIONS.len(), 6);
    assert_eq!(ALLOWED_DOCUMENT_EXTENSIONS.len(), 8);
    assert_eq!(extension("a.tar.GZ"), "gz");
}

#[test]
fn filenames_and_content_types() {
    assert_eq!(check_filename("report.pdf"), Ok(()));
    for (name, bad) in [("../x", ".."), ("a/b", "/"), ("a\\b", "\\"), ("a\0b", "\0")] {
        assert_eq!(
            check_filename(name),
            Err(format!("Invalid character in filename: '{bad}'"))
        );
    }
    assert!(check_filename("").is_err());
    assert!(check_filename(&"a".repeat(255)).is_ok());
    assert!(check_filename(&"a".repeat(256)).is_err());
    assert_eq!(
        normalize_content_type("Image/PNG"),
        Ok("image/png".to_owned())
    );
    assert_eq!(
        normalize_content_type("text/plain; charset=UTF-8"),
        Ok("text/plain".to_owned())
    );
    assert_eq!(
        normalize_content_type("png"),
        Err("Invalid content type format".to_owned())
    );
    assert_eq!(
        normalize_image_content_type("application/pdf"),
        Err("Content type must be an image type (image/*)".to_owned())
    );
}

#[test]
fn keys_live_in_the_tenants_prefix() {
    let t = TenantId::new();
    let other = TenantId::new();
    let key = storage_key(FileCategory::TenantLogo, t, "My Logo.PNG");
    assert!(key.starts_with(&format!("tenant-logos/{t}/")), "{key}");
    assert!(key.ends_with(".png"));
    assert!(key_in_tenant_prefix(&key, FileCategory::TenantLogo, t));
    assert!(!key_in_tenant_prefix(&key, FileCategory::TenantLogo, other));
    assert!(!key_in_tenant_prefix(&key, FileCategory::UserAvatar, t));
    assert!(!key_in_tenant_prefix(
        &format!("tenant-logos/{t}/../{other}/x.png"),
        FileCategory::TenantLogo,
        t
    ));
    assert!(!key_in_tenant_prefix(
        &format!("tenant-logos/{t}/"),
        FileCategory::TenantLogo,
        t
    ));
    assert!(
        storage_key(FileCategory::Attachment, t, "noext").starts_with(&format!("attachments/{t}/"))
    );
    assert!(storage_key(FileCategory::PaymentProof, t, "a.pdf").starts_with("payment-proofs/"));
    assert!(storage_key(FileCategory::Document, t, "a.pdf").starts_with("documents/"));
    assert!(storage_key(FileCategory::UserAvatar, t, "a.pdf").starts_with("avatars/"));
}

#[test]
fn quota_arithmetic_and_message() {
    assert!(fits_quota(GB - 10, 10, 1));
    assert!(!fits_quota(GB - 10, 11, 1));
    assert!(fits_quota(i64::MAX / 2, i64::MAX / 2, -1));
    assert_eq!(
        quota_message(GB + GB / 2, 2),
        "Storage quota exceeded. Used: 1.50GB / 2GB"
    );
}
