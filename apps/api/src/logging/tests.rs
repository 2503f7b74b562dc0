use super::*;

/// tracing-core caches callsite interest globally; while exactly one
/// dispatcher is registered it asks the *calling thread's* default, so another
/// test's thread could cache "never" for our callsites. A second, permanent
/// dispatcher makes it always ask every registered one.
pub(crate) fn keep_interest_global() {
    static KEEP: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    KEEP.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
}

fn scoped(capacity: usize) -> (tracing::subscriber::DefaultGuard, LogControl) {
    keep_interest_global();
    let (subscriber, control) = subscriber(LogOptions {
        level: "info".to_owned(),
        format: None,
        buffer_capacity: capacity,
        tracer: None,
    });
    let guard = tracing::subscriber::set_default(subscriber);
    // RUST_LOG may be set in the environment; pin the start state.
    control.set_level("info").unwrap();
    (guard, control)
}

#[test]
fn set_level_changes_which_events_reach_the_buffer() {
    let (_guard, control) = scoped(100);
    tracing::debug!("hidden");
    tracing::info!("shown");
    assert_eq!(control.recent(None, 0, 10).len(), 1);

    control.set_level("debug").unwrap();
    assert_eq!(control.level(), "debug");
    tracing::debug!("now shown");
    let messages: Vec<_> = control
        .recent(None, 0, 10)
        .into_iter()
        .map(|r| r.message)
        .collect();
    assert_eq!(messages, ["now shown", "shown"]);

    control.set_level("warn").unwrap();
    tracing::info!("hidden again");
    assert_eq!(control.recent(None, 0, 10).len(), 2);
}

#[test]
fn set_level_refuses_invalid_directives_and_keeps_the_old_one() {
    let (_guard, control) = scoped(10);
    let err = control.set_level("harmony=loud").unwrap_err();
    assert!(err.contains("harmony=loud"), "{err}");
    assert!(control.set_level("  ").is_err());
    assert_eq!(control.level(), "info");
}

#[test]
fn buffer_never_exceeds_capacity_and_pages_newest_first() {
    let (_guard, control) = scoped(5);
    for i in 0..12 {
        if i % 3 == 0 {
            tracing::warn!("event {i}");
        } else {
            tracing::info!("event {i}");
        }
    }
    let all = control.recent(None, 0, 100);
    assert_eq!(all.len(), 5);
    let messages: Vec<_> = all.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        messages,
        ["event 11", "event 10", "event 9", "event 8", "event 7"]
    );
    let page: Vec<_> = control
        .recent(None, 1, 2)
        .into_iter()
        .map(|r| r.message)
        .collect();
    assert_eq!(page, ["event 10", "event 9"]);
    let warnings = control.recent(Some("warn"), 0, 10);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].message, "event 9");
    assert_eq!(warnings[0].level, "WARN");
    assert!(control.recent(Some("error"), 0, 10).is_empty());
}

#[test]
fn secret_fields_never_reach_the_buffer() {
    let (_guard, control) = scoped(10);
    tracing::info!(
        password = "hunter2",
        refresh_token = "abc",
        user = "ada",
        "login"
    );
    let record = &control.recent(None, 0, 1)[0];
    assert_eq!(record.message, "login user=ada");
    assert!(!record.message.contains("hunter2"));
    assert!(!record.message.contains("password"));
}

#[test]
fn events_in_a_span_with_a_trace_id_carry_it() {
    let (_guard, control) = scoped(10);
    let span = tracing::info_span!("req", trace_id = tracing::field::Empty);
    span.record("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    span.in_scope(|| tracing::info!("inside"));
    tracing::info!("outside");
    let records = control.recent(None, 0, 10);
    assert_eq!(records[0].trace_id, None);
    assert_eq!(
        records[1].trace_id.as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(records[1].target, module_path!());
}

#[test]
fn detached_control_validates_and_stores_the_directive() {
    let control = LogControl::detached();
    control.set_level("warn,harmony_api=debug").unwrap();
    assert_eq!(control.level(), "warn,harmony_api=debug");
    assert!(control.set_level("=").is_err());
    assert!(control.recent(None, 0, 10).is_empty());
    assert_eq!(control.capacity(), DEFAULT_BUFFER_CAPACITY);
}
