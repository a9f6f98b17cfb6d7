//! The time and the randomness a record's tag key is made of (audit records, sign-offs).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A random number for a tag key (two records of one millisecond stay apart).
pub fn nonce() -> u32 {
    // RandomState is seeded from the operating system's randomness.
    RandomState::new().build_hasher().finish() as u32
}
