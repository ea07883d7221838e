//! Waiting any length of time with browser timers.
//!
//! A browser timer holds at most 2³¹ − 1 ms (about 24.8 days): `setTimeout`
//! with a longer delay fires at once, and so does `gloo-timers`, which casts
//! the delay to `i32`. A call timeout of "practically never"
//! (`Duration::MAX`) would then fire immediately, find nothing due, and
//! re-arm in a loop. Longer waits therefore go in steps of at most
//! [`MAX_DELAY_MS`], each re-armed for what is left: [`step`] is that rule
//! (plain Rust, tested natively), [`sleep`] the browser side.

use std::time::Duration;

/// The longest delay one browser timer holds: 2³¹ − 1 ms.
///
/// ```
/// assert_eq!(crossframe::timer::MAX_DELAY_MS, 2_147_483_647);
/// ```
pub const MAX_DELAY_MS: u32 = i32::MAX as u32;

/// The next timer delay on the way to a moment `remaining_ms` away: all of
/// it (rounded up to a whole millisecond), or [`MAX_DELAY_MS`] and a re-arm
/// then. Past, NaN or zero: 0.
///
/// ```
/// use crossframe::timer::{step, MAX_DELAY_MS};
/// assert_eq!(step(1500.0), 1500);
/// assert_eq!(step(0.2), 1);
/// assert_eq!(step(f64::from(MAX_DELAY_MS) + 5.0), MAX_DELAY_MS);
/// assert_eq!(step(f64::INFINITY), MAX_DELAY_MS);
/// assert_eq!(step(-5.0), 0);
/// assert_eq!(step(f64::NAN), 0);
/// ```
pub fn step(remaining_ms: f64) -> u32 {
    if remaining_ms.is_nan() || remaining_ms <= 0.0 {
        return 0;
    }
    // In range by the `min`: at most MAX_DELAY_MS, at least 1.
    remaining_ms.min(f64::from(MAX_DELAY_MS)).ceil() as u32
}

/// Milliseconds from now until `duration` has passed, as a wall-clock
/// deadline (`Date.now()` scale); `Duration::MAX` is simply very far away.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(crossframe::timer::deadline(1000.0, Duration::from_millis(250)), 1250.0);
/// assert!(crossframe::timer::deadline(0.0, Duration::MAX) > 1e21);
/// ```
pub fn deadline(now_ms: f64, duration: Duration) -> f64 {
    now_ms + duration.as_secs_f64() * 1000.0
}

/// Waits for `duration`, however long, in steps of at most [`MAX_DELAY_MS`].
///
/// ```no_run
/// # async fn demo() {
/// crossframe::timer::sleep(std::time::Duration::from_secs(3)).await;
/// # }
/// ```
pub async fn sleep(duration: Duration) {
    let due = deadline(js_sys::Date::now(), duration);
    loop {
        let delay = step(due - js_sys::Date::now());
        if delay == 0 {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(delay).await;
    }
}
