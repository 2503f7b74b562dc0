//! Black-box tests of the HTTP layer: one binary, one module per feature.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns panic on purpose

mod account_closure;
mod admin_tenants;
mod admin_tenants_writes;
mod admin_tools;
mod admin_users;
mod audit;
mod audit_catalogue;
mod audit_catalogue_links;
mod auth;
mod auth_links;
mod auth_tokens;
mod authz_matrix;
mod branches;
mod branches_access;
mod cross_tenant;
mod docs;
mod errors;
mod expect;
mod flows;
mod health;
mod impersonation;
mod metrics;
mod middleware;
mod platform;
mod races;
mod rate_limit;
mod rate_limit_principal;
mod spawn;
mod support;
mod tenant_settings;
mod tracing_export;
mod users;
mod users_account;
mod users_manage;
