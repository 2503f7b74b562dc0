//! The dependency rules of ARCHITECTURE.md, checked on every test run.

use std::path::{Path, PathBuf};

/// Domain crates: pure, embeddable, no infrastructure.
const DOMAIN_CRATES: [&str; 6] = [
    "crates/kernel",
    "crates/identity",
    "crates/tenancy",
    "crates/audit",
    "crates/files",
    "crates/notifications",
];

/// Crates that bind a technology; only adapters and apps may depend on them.
const INFRASTRUCTURE: [&str; 14] = [
    "sea-orm",
    "sea-orm-migration",
    "sqlx",
    "actix-web",
    "actix-cors",
    "deadpool-redis",
    "redis",
    "lettre",
    "handlebars",
    "object_store",
    "reqwest",
    "argon2",
    "jsonwebtoken",
    "tokio",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `[dependencies]` table's keys (dev-dependencies may use anything).
fn runtime_dependencies(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            if !key.is_empty() && !key.starts_with('#') {
                deps.push(key.split('.').next().unwrap_or(key).to_owned());
            }
        }
    }
    deps
}

#[test]
fn domain_crates_depend_on_no_infrastructure() {
    for krate in DOMAIN_CRATES {
        let manifest = std::fs::read_to_string(workspace_root().join(krate).join("Cargo.toml"))
            .expect("domain crate manifest");
        let deps = runtime_dependencies(&manifest);
        assert!(!deps.is_empty(), "{krate}: no [dependencies] parsed");
        for dep in &deps {
            assert!(
                !INFRASTRUCTURE.contains(&dep.as_str()),
                "{krate} depends on `{dep}`; domain crates define ports and adapters implement them"
            );
            assert!(
                !dep.starts_with("harmony-adapters") && !dep.starts_with("harmony-api"),
                "{krate} depends on `{dep}`"
            );
        }
    }
}

#[test]
fn the_parser_sees_a_forbidden_dependency() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\nsea-orm.workspace = true\nserde = \"1\"\n[dev-dependencies]\ntokio = \"1\"\n";
    assert_eq!(runtime_dependencies(manifest), vec!["sea-orm", "serde"]);
}
