# Everyday commands (https://github.com/casey/just; `cargo install just` or `apt-get install just`).

# Run the API with the embedded defaults (SQLite, file mail, in-process worker).
run:
    cargo run -p harmony-api

# The whole test suite on the embedded adapters.
test:
    cargo test --workspace

# The whole test suite against the local PostgreSQL, Redis and SMTP sink.
test-services:
    eval "$(bash .ci/smtp-sink/start.sh)" && \
    HARMONY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
    HARMONY_TEST_REDIS_URL=redis://127.0.0.1:6379 \
    cargo test --workspace

# Format, lint, test: what CI runs.
ci:
    bash .ci/run

# Lints as CI runs them.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Run the outbox worker as its own process.
worker:
    cargo run -p harmony-worker

# Load benchmark of a release build on SQLite and PostgreSQL; writes bench/results.md (docs/performance.md).
bench:
    bash bench/run.sh
