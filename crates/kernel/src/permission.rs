//! The permission sets and role→permission matrices of the contract (§4).
//! They live here so every context checks the same table.

use crate::principal::{SystemRole, TenantRole};

macro_rules! permissions {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[doc = $text] $variant),+ }
        impl $name {
            /// Every permission, in the contract's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The dotted name the contract and error messages use.
            pub const fn as_str(self) -> &'static str { match self { $(Self::$variant => $text),+ } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

permissions!(
    /// What a system (platform) user may do.
    SystemPermission {
        TenantsView => "system.tenants.view",
        TenantsCreate => "system.tenants.create",
        TenantsUpdate => "system.tenants.update",
        TenantsDelete => "system.tenants.delete",
        TenantsImpersonate => "system.tenants.impersonate",
        BillingView => "system.billing.view",
        BillingManage => "system.billing.manage",
        TiersView => "system.tiers.view",
        TiersManage => "system.tiers.manage",
        CouponsView => "system.coupons.view",
        CouponsManage => "system.coupons.manage",
        PaymentMethodsView => "system.payment_methods.view",
        PaymentMethodsManage => "system.payment_methods.manage",
        UsersView => "system.users.view",
        UsersCreate => "system.users.create",
        UsersUpdate => "system.users.update",
        UsersDelete => "system.users.delete",
        ToolsAccess => "system.tools.access",
        SettingsView => "system.settings.view",
        SettingsManage => "system.settings.manage",
        AuditView => "system.audit.view",
        AuditManage => "system.audit.manage",
        RevenueView => "system.revenue.view",
        UsageView => "system.usage.view",
        UsageManage => "system.usage.manage",
    }
);

permissions!(
    /// What a tenant user may do inside their tenant.
    TenantPermission {
        SettingsView => "tenant.settings.view",
        SettingsEdit => "tenant.settings.edit",
        BillingView => "tenant.billing.view",
        BillingManage => "tenant.billing.manage",
        AccountDelete => "tenant.account.delete",
        UsersView => "tenant.users.view",
        UsersCreate => "tenant.users.create",
        UsersUpdate => "tenant.users.update",
        UsersDelete => "tenant.users.delete",
        UsersInvite => "tenant.users.invite",
        UsersChangeRole => "tenant.users.change_role",
        BranchesView => "tenant.branches.view",
        BranchesCreate => "tenant.branches.create",
        BranchesUpdate => "tenant.branches.update",
        BranchesDelete => "tenant.branches.delete",
        AuditView => "tenant.audit.view",
        FilesView => "tenant.files.view",
        FilesUpload => "tenant.files.upload",
        FilesDelete => "tenant.files.delete",
        DashboardView => "tenant.dashboard.view",
        StatsView => "tenant.stats.view",
        UsageView => "tenant.usage.view",
    }
);

permissions!(
    /// The original's legacy permissions, still used by audit and files guards.
    LegacyPermission {
        UsersView => "users.view",
        UsersCreate => "users.create",
        UsersUpdate => "users.update",
        UsersDelete => "users.delete",
        UsersInvite => "users.invite",
        UsersChangeRole => "users.change_role",
        BranchesView => "branches.view",
        BranchesCreate => "branches.create",
        BranchesUpdate => "branches.update",
        BranchesDelete => "branches.delete",
        SettingsView => "settings.view",
        SettingsUpdate => "settings.update",
        AuditView => "audit.view",
        DashboardView => "dashboard.view",
        StatsView => "stats.view",
        FilesView => "files.view",
        FilesUpload => "files.upload",
        FilesDelete => "files.delete",
    }
);

/// The legacy role strings of §4.3 (the `role` claim of §1.8.1 plus the
/// original's `staff`), in the contract's order.
pub const LEGACY_ROLES: &[&str] = &[
    "super_admin",
    "admin",
    "owner",
    "member",
    "staff",
    "system_operator",
];

/// The §4.3 matrix keyed by legacy role string: `super_admin` and `admin`
/// hold all 18, `owner` all but `users.change_role`, `member` and `staff`
/// the five read/upload permissions, `system_operator` (and any unknown
/// role) none.
pub fn legacy_grants(role: &str, p: LegacyPermission) -> bool {
    use LegacyPermission as P;
    match role {
        "super_admin" | "admin" => true,
        "owner" => p != P::UsersChangeRole,
        "member" | "staff" => matches!(
            p,
            P::UsersView | P::BranchesView | P::DashboardView | P::FilesView | P::FilesUpload
        ),
        _ => false,
    }
}

impl SystemRole {
    /// The §4.1 matrix: admins hold everything, operators the read-only half.
    pub fn grants(self, p: SystemPermission) -> bool {
        use SystemPermission as P;
        match self {
            Self::Admin => true,
            Self::Operator => matches!(
                p,
                P::TenantsView
                    | P::BillingView
                    | P::TiersView
                    | P::CouponsView
                    | P::PaymentMethodsView
                    | P::UsersView
                    | P::SettingsView
                    | P::AuditView
                    | P::RevenueView
                    | P::UsageView
            ),
        }
    }
}

impl TenantRole {
    /// The §4.2 matrix.
    pub fn grants(self, p: TenantPermission) -> bool {
        use TenantPermission as P;
        match self {
            Self::Owner => true,
            Self::Admin => !matches!(p, P::BillingManage | P::AccountDelete),
            Self::Member => matches!(
                p,
                P::SettingsView
                    | P::UsersView
                    | P::BranchesView
                    | P::FilesView
                    | P::FilesUpload
                    | P::DashboardView
                    | P::UsageView
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_holds_exactly_the_view_permissions() {
        for p in SystemPermission::ALL {
            let is_view = p.as_str().rsplit('.').next() == Some("view");
            assert_eq!(SystemRole::Operator.grants(*p), is_view, "{p}");
            assert!(SystemRole::Admin.grants(*p));
        }
        assert_eq!(SystemPermission::ALL.len(), 25);
    }

    #[test]
    fn tenant_matrix_matches_the_contract() {
        assert_eq!(TenantPermission::ALL.len(), 22);
        let count = |r: TenantRole| {
            TenantPermission::ALL
                .iter()
                .filter(|p| r.grants(**p))
                .count()
        };
        assert_eq!(count(TenantRole::Owner), 22);
        assert_eq!(count(TenantRole::Admin), 20);
        assert_eq!(count(TenantRole::Member), 7);
        assert!(TenantRole::Admin.grants(TenantPermission::UsersChangeRole));
        assert!(!TenantRole::Member.grants(TenantPermission::FilesDelete));
        assert!(!TenantRole::Admin.grants(TenantPermission::AccountDelete));
    }

    #[test]
    fn legacy_matrix_matches_the_contract() {
        assert_eq!(LegacyPermission::ALL.len(), 18);
        let count = |r: &str| {
            LegacyPermission::ALL
                .iter()
                .filter(|p| legacy_grants(r, **p))
                .count()
        };
        let counts: Vec<usize> = LEGACY_ROLES.iter().map(|r| count(r)).collect();
        assert_eq!(counts, [18, 18, 17, 5, 5, 0]);
        assert!(!legacy_grants("owner", LegacyPermission::UsersChangeRole));
        assert!(legacy_grants("member", LegacyPermission::FilesUpload));
        assert!(!legacy_grants("member", LegacyPermission::FilesDelete));
        assert!(!legacy_grants("staff", LegacyPermission::AuditView));
        assert!(!legacy_grants("nobody", LegacyPermission::UsersView));
    }

    #[test]
    fn legacy_role_strings_are_the_claims() {
        for r in [SystemRole::Admin, SystemRole::Operator] {
            assert!(LEGACY_ROLES.contains(&r.legacy_role()));
        }
        for r in [TenantRole::Owner, TenantRole::Admin, TenantRole::Member] {
            assert!(LEGACY_ROLES.contains(&r.as_str()));
        }
    }
}
