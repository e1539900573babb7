//! mdBook logs through `tracing`: without a subscriber its warnings (a missing include, an
//! optional renderer that is not installed) would vanish.

/// Prints mdBook's warnings and errors on stderr; `RUST_LOG=info` shows its progress too.
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .try_init();
}
