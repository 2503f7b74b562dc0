//! Tenants and branches.

use crate::entity::{branches, tenants};
use crate::error::corrupt;
use crate::timestamps::{utc, utc_opt};
use harmony_kernel::{BranchId, StoreError, TenantId, UserId};
use harmony_tenancy::model::coordinate;
use harmony_tenancy::{Branch, Limit, SubscriptionStatus, Tenant};
use sea_orm::ActiveValue::Set;

pub(crate) fn tenant_to_row(t: &Tenant) -> tenants::ActiveModel {
    tenants::ActiveModel {
        id: Set(t.id.into_uuid()),
        name: Set(t.name.clone()),
        subdomain: Set(t.subdomain.clone()),
        domain: Set(t.domain.clone()),
        logo_url: Set(t.logo_url.clone()),
        tier: Set(t.tier.clone()),
        subscription_status: Set(t.subscription_status.as_str().to_owned()),
        max_users: Set(t.max_users.raw()),
        max_branches: Set(t.max_branches.raw()),
        max_storage_gb: Set(t.max_storage_gb.raw()),
        features: Set(t.features.clone()),
        settings: Set(t.settings.clone()),
        meta_data: Set(t.meta_data.clone()),
        trial_ends_at: Set(utc_opt(t.trial_ends_at)),
        subscription_ends_at: Set(utc_opt(t.subscription_ends_at)),
        subscription_started_at: Set(utc_opt(t.subscription_started_at)),
        billing_period: Set(t.billing_period.clone()),
        credit_balance: Set(t.credit_balance),
        scheduled_tier_code: Set(t.scheduled_tier_code.clone()),
        scheduled_tier_effective_at: Set(utc_opt(t.scheduled_tier_effective_at)),
        storage_used_bytes: Set(t.storage_used_bytes),
        deleted_at: Set(utc_opt(t.deleted_at)),
        is_active: Set(t.is_active),
        created_at: Set(utc(t.created_at)),
        updated_at: Set(utc_opt(t.updated_at)),
    }
}

pub(crate) fn tenant_from_row(r: tenants::Model) -> Result<Tenant, StoreError> {
    let subscription_status = SubscriptionStatus::parse(&r.subscription_status)
        .ok_or_else(|| corrupt("tenants", "subscription_status", &r.subscription_status))?;
    Ok(Tenant {
        id: TenantId::from_uuid(r.id),
        name: r.name,
        subdomain: r.subdomain,
        domain: r.domain,
        logo_url: r.logo_url,
        tier: r.tier,
        subscription_status,
        max_users: Limit::new(r.max_users),
        max_branches: Limit::new(r.max_branches),
        max_storage_gb: Limit::new(r.max_storage_gb),
        features: r.features,
        settings: r.settings,
        meta_data: r.meta_data,
        trial_ends_at: r.trial_ends_at,
        subscription_ends_at: r.subscription_ends_at,
        subscription_started_at: r.subscription_started_at,
        billing_period: r.billing_period,
        credit_balance: r.credit_balance,
        scheduled_tier_code: r.scheduled_tier_code,
        scheduled_tier_effective_at: r.scheduled_tier_effective_at,
        storage_used_bytes: r.storage_used_bytes,
        deleted_at: r.deleted_at,
        is_active: r.is_active,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

pub(crate) fn branch_to_row(b: &Branch) -> branches::ActiveModel {
    branches::ActiveModel {
        id: Set(b.id.into_uuid()),
        tenant_id: Set(b.tenant_id.into_uuid()),
        name: Set(b.name.clone()),
        code: Set(b.code.clone()),
        is_hq: Set(b.is_hq),
        address: Set(b.address.clone()),
        city: Set(b.city.clone()),
        province: Set(b.province.clone()),
        postal_code: Set(b.postal_code.clone()),
        country: Set(b.country.clone()),
        phone: Set(b.phone.clone()),
        email: Set(b.email.clone()),
        latitude: Set(b.latitude.map(coordinate)),
        longitude: Set(b.longitude.map(coordinate)),
        timezone: Set(b.timezone.clone()),
        currency: Set(b.currency.clone()),
        is_active: Set(b.is_active),
        created_at: Set(utc(b.created_at)),
        updated_at: Set(utc_opt(b.updated_at)),
        deleted_at: Set(utc_opt(b.deleted_at)),
        deleted_by_id: Set(b.deleted_by.map(UserId::into_uuid)),
        version: Set(b.version),
    }
}

/// Coordinates are re-scaled to the column's 8 decimal places: SQLite hands
/// them back as floating point.
pub(crate) fn branch_from_row(r: branches::Model) -> Branch {
    Branch {
        id: BranchId::from_uuid(r.id),
        tenant_id: TenantId::from_uuid(r.tenant_id),
        name: r.name,
        code: r.code,
        is_hq: r.is_hq,
        address: r.address,
        city: r.city,
        province: r.province,
        postal_code: r.postal_code,
        country: r.country,
        phone: r.phone,
        email: r.email,
        latitude: r.latitude.map(coordinate),
        longitude: r.longitude.map(coordinate),
        timezone: r.timezone,
        currency: r.currency,
        is_active: r.is_active,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
        deleted_by: r.deleted_by_id.map(UserId::from_uuid),
        version: r.version,
    }
}
