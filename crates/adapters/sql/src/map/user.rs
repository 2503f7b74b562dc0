//! Users.

use crate::entity::users;
use crate::error::corrupt;
use crate::timestamps::{utc, utc_opt};
use harmony_identity::model::{Email, PasswordHash, User, UserKind};
use harmony_kernel::{BranchId, StoreError, SystemRole, TenantId, TenantRole, UserId};
use sea_orm::ActiveValue::Set;

/// Every column of the row, including `id` and `version`.
pub(crate) fn user_to_row(u: &User) -> users::ActiveModel {
    let (tenant_id, system_role, tenant_role) = match u.kind {
        UserKind::System(role) => (None, Some(role.as_str().to_owned()), None),
        UserKind::Tenant { tenant_id, role } => (
            Some(tenant_id.into_uuid()),
            None,
            Some(role.as_str().to_owned()),
        ),
    };
    users::ActiveModel {
        id: Set(u.id.into_uuid()),
        tenant_id: Set(tenant_id),
        email: Set(u.email.as_str().to_owned()),
        password_hash: Set(u.password_hash.as_str().to_owned()),
        first_name: Set(u.first_name.clone()),
        last_name: Set(u.last_name.clone()),
        full_name: Set(u.full_name.clone()),
        phone: Set(u.phone.clone()),
        avatar_url: Set(u.avatar_url.clone()),
        default_branch_id: Set(u.default_branch_id.map(BranchId::into_uuid)),
        system_role: Set(system_role),
        tenant_role: Set(tenant_role),
        business_role: Set(u.business_role.clone()),
        is_verified: Set(u.is_verified),
        email_verified_at: Set(utc_opt(u.email_verified_at)),
        last_login_at: Set(utc_opt(u.last_login_at)),
        invited_by_id: Set(u.invited_by.map(UserId::into_uuid)),
        invitation_pending: Set(u.invitation_pending),
        version: Set(u.version),
        is_active: Set(u.is_active),
        created_at: Set(utc(u.created_at)),
        updated_at: Set(utc_opt(u.updated_at)),
        deleted_at: Set(utc_opt(u.deleted_at)),
        deleted_by_id: Set(u.deleted_by.map(UserId::into_uuid)),
    }
}

fn kind(r: &users::Model) -> Result<UserKind, StoreError> {
    match (
        r.tenant_id,
        r.system_role.as_deref(),
        r.tenant_role.as_deref(),
    ) {
        (None, Some(role), None) => SystemRole::parse(role)
            .map(UserKind::System)
            .ok_or_else(|| corrupt("users", "system_role", role)),
        (Some(tenant_id), None, Some(role)) => TenantRole::parse(role)
            .map(|role| UserKind::Tenant {
                tenant_id: TenantId::from_uuid(tenant_id),
                role,
            })
            .ok_or_else(|| corrupt("users", "tenant_role", role)),
        _ => Err(corrupt(
            "users",
            "tenant_id/system_role/tenant_role",
            "scope check broken",
        )),
    }
}

pub(crate) fn user_from_row(r: users::Model) -> Result<User, StoreError> {
    let kind = kind(&r)?;
    let email = Email::parse(&r.email).map_err(|e| corrupt("users", "email", e))?;
    Ok(User {
        id: UserId::from_uuid(r.id),
        kind,
        email,
        password_hash: PasswordHash::new(r.password_hash),
        first_name: r.first_name,
        last_name: r.last_name,
        full_name: r.full_name,
        phone: r.phone,
        avatar_url: r.avatar_url,
        business_role: r.business_role,
        default_branch_id: r.default_branch_id.map(BranchId::from_uuid),
        is_active: r.is_active,
        is_verified: r.is_verified,
        email_verified_at: r.email_verified_at,
        last_login_at: r.last_login_at,
        invited_by: r.invited_by_id.map(UserId::from_uuid),
        invitation_pending: r.invitation_pending,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
        deleted_by: r.deleted_by_id.map(UserId::from_uuid),
        version: r.version,
    })
}
