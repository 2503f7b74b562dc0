//! `TenantSettingsStore` for [`SqlStore`]: the scoped tenant read, the
//! optimistic-locked self-service write, active counts and the tier catalogue.

use crate::entity::{subscription_tiers, tenants};
use crate::error::{corrupt, store_err};
use crate::map::tenancy::tenant_from_row;
use crate::store::SqlStore;
use crate::timestamps;
use harmony_identity::ports::IdentityStore;
use harmony_kernel::{AuditEntry, StoreError, TenantScope};
use harmony_tenancy::Limit;
use harmony_tenancy::Tenant;
use harmony_tenancy::settings::model::TierInfo;
use harmony_tenancy::settings::ports::TenantSettingsStore;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

fn tier_from_row(r: subscription_tiers::Model) -> Result<TierInfo, StoreError> {
    let features = serde_json::from_value::<Vec<String>>(r.features)
        .map_err(|e| corrupt("subscription_tiers", "features", e))?;
    Ok(TierInfo {
        code: r.code,
        display_name: r.display_name,
        price_monthly: r.price_monthly,
        price_yearly: r.price_yearly,
        max_users: Limit::new(r.max_users),
        max_branches: Limit::new(r.max_branches),
        max_storage_gb: Limit::new(r.max_storage_gb),
        features,
        is_public: r.is_public,
        is_recommended: r.is_recommended,
    })
}

#[async_trait::async_trait]
impl TenantSettingsStore for SqlStore {
    async fn tenant(&self, scope: &TenantScope) -> Result<Option<Tenant>, StoreError> {
        tenants::Entity::find_by_id(scope.tenant_id().into_uuid())
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(tenant_from_row)
            .transpose()
    }

    async fn update_tenant(
        &self,
        scope: &TenantScope,
        tenant: &Tenant,
        expected_updated_at: Option<OffsetDateTime>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        if tenant.id != scope.tenant_id() {
            return Err(StoreError::StaleVersion);
        }
        let backend = self.backend();
        let unchanged = match expected_updated_at {
            None => tenants::Column::UpdatedAt.is_null(),
            Some(t) => {
                timestamps::col(backend, tenants::Column::UpdatedAt).eq(timestamps::val(backend, t))
            }
        };
        let update = tenants::Entity::update_many()
            .col_expr(tenants::Column::Name, Expr::value(tenant.name.clone()))
            .col_expr(
                tenants::Column::LogoUrl,
                Expr::value(tenant.logo_url.clone()),
            )
            .col_expr(
                tenants::Column::Settings,
                Expr::value(tenant.settings.clone()),
            )
            .col_expr(
                tenants::Column::ScheduledTierCode,
                Expr::value(tenant.scheduled_tier_code.clone()),
            )
            .col_expr(
                tenants::Column::ScheduledTierEffectiveAt,
                Expr::value(timestamps::utc_opt(tenant.scheduled_tier_effective_at)),
            )
            .col_expr(
                tenants::Column::UpdatedAt,
                Expr::value(timestamps::utc_opt(tenant.updated_at)),
            )
            .filter(tenants::Column::Id.eq(scope.tenant_id().into_uuid()))
            .filter(unchanged);
        super::update_one_audited(self, update, audit).await
    }

    async fn count_active_users(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        IdentityStore::count_active_users(self, scope).await
    }

    async fn count_active_branches(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        super::count_active(self.connection(), scope.tenant_id()).await
    }

    async fn active_tiers(&self) -> Result<Vec<TierInfo>, StoreError> {
        subscription_tiers::Entity::find()
            .filter(subscription_tiers::Column::IsActive.eq(true))
            .order_by_asc(subscription_tiers::Column::SortOrder)
            .order_by_asc(subscription_tiers::Column::Code)
            .all(self.connection())
            .await
            .map_err(store_err)?
            .into_iter()
            .map(tier_from_row)
            .collect()
    }
}
