//! The write half of `TenantDirectory` for [`SqlStore`]: the platform's
//! optimistic-locked tenant update and the catalogue's tier limits.

use crate::entity::{subscription_tiers, tenants};
use crate::error::store_err;
use crate::store::SqlStore;
use crate::timestamps;
use harmony_kernel::{AuditEntry, OperatorScope, StoreError};
use harmony_tenancy::{Limit, Tenant};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

/// Stores the platform-writable columns of `tenant` if its `updated_at` is
/// still `expected`.
pub(super) async fn save_tenant(
    store: &SqlStore,
    tenant: &Tenant,
    expected: Option<OffsetDateTime>,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    let backend = store.backend();
    let unchanged = match expected {
        None => tenants::Column::UpdatedAt.is_null(),
        Some(t) => {
            timestamps::col(backend, tenants::Column::UpdatedAt).eq(timestamps::val(backend, t))
        }
    };
    let t = tenant;
    let values: [(tenants::Column, SimpleExpr); 16] = [
        (tenants::Column::Name, Expr::value(t.name.clone())),
        (tenants::Column::Domain, Expr::value(t.domain.clone())),
        (tenants::Column::LogoUrl, Expr::value(t.logo_url.clone())),
        (tenants::Column::Tier, Expr::value(t.tier.clone())),
        (
            tenants::Column::SubscriptionStatus,
            Expr::value(t.subscription_status.as_str()),
        ),
        (tenants::Column::MaxUsers, Expr::value(t.max_users.raw())),
        (
            tenants::Column::MaxBranches,
            Expr::value(t.max_branches.raw()),
        ),
        (
            tenants::Column::MaxStorageGb,
            Expr::value(t.max_storage_gb.raw()),
        ),
        (tenants::Column::Features, Expr::value(t.features.clone())),
        (tenants::Column::Settings, Expr::value(t.settings.clone())),
        (tenants::Column::MetaData, Expr::value(t.meta_data.clone())),
        (
            tenants::Column::TrialEndsAt,
            Expr::value(timestamps::utc_opt(t.trial_ends_at)),
        ),
        (
            tenants::Column::SubscriptionEndsAt,
            Expr::value(timestamps::utc_opt(t.subscription_ends_at)),
        ),
        (tenants::Column::IsActive, Expr::value(t.is_active)),
        (
            tenants::Column::DeletedAt,
            Expr::value(timestamps::utc_opt(t.deleted_at)),
        ),
        (
            tenants::Column::UpdatedAt,
            Expr::value(timestamps::utc_opt(t.updated_at)),
        ),
    ];
    let mut update = tenants::Entity::update_many();
    for (col, value) in values {
        update = update.col_expr(col, value);
    }
    let update = update
        .filter(tenants::Column::Id.eq(t.id.into_uuid()))
        .filter(unchanged);
    super::update_one_audited(store, update, audit).await
}

/// The caps of the active catalogue tier `code`.
pub(super) async fn active_tier_limits(
    store: &SqlStore,
    _scope: &OperatorScope,
    code: &str,
) -> Result<Option<[Limit; 3]>, StoreError> {
    let row = subscription_tiers::Entity::find()
        .filter(subscription_tiers::Column::Code.eq(code))
        .filter(subscription_tiers::Column::IsActive.eq(true))
        .one(store.connection())
        .await
        .map_err(store_err)?;
    Ok(row.map(|r| {
        [
            Limit::new(r.max_users),
            Limit::new(r.max_branches),
            Limit::new(r.max_storage_gb),
        ]
    }))
}
