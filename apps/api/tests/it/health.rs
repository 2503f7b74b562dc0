//! `/`, `/health`, `/health/detailed`.

use harmony_api::ApiConfig;
use serde_json::{Value, json};

use crate::support::{probes, spawn_app, spawn_with, state};

#[tokio::test]
async fn root_and_health() {
    let app = spawn_app().await;
    let body: Value = app.get("/").await.json().await.unwrap();
    assert_eq!(
        body,
        json!({"message": "SaaS Multi-Tenant API", "version": "1.0.0", "docs": "/api/docs"})
    );
    let body: Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(body, json!({"status": "healthy"}));
}

async fn detailed(db: Result<(), &str>, redis: Option<Result<(), &str>>) -> (u16, Value) {
    let app = spawn_with(state(ApiConfig::default(), probes(db, redis))).await;
    let res = app.get("/health/detailed").await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn detailed_healthy_without_redis() {
    let (status, body) = detailed(Ok(()), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "healthy");
    assert_eq!(
        body["services"],
        json!({"database": "healthy", "redis": "not_configured"})
    );
    assert!(body["timestamp"].as_f64().unwrap() > 1.7e9);
}

#[tokio::test]
async fn detailed_degraded_when_only_redis_fails() {
    let (status, body) = detailed(Ok(()), Some(Err("connection refused"))).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["services"]["redis"], "unhealthy: connection refused");
}

#[tokio::test]
async fn detailed_503_when_database_fails_even_if_redis_fails_too() {
    let (status, body) = detailed(Err("db down"), Some(Err("redis down"))).await;
    assert_eq!(status, 503);
    assert_eq!(body["status"], "unhealthy");
    assert_eq!(body["services"]["database"], "unhealthy: db down");
    let (status, body) = detailed(Err("db down"), Some(Ok(()))).await;
    assert_eq!(status, 503);
    assert_eq!(body["services"]["redis"], "healthy");
}
