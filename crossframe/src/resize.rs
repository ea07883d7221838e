//! Auto-resize: the child watches its content's height and reports it; the
//! host sets its iframe's height to what the child reports, within a bound
//! (a widget cannot make its frame a billion pixels tall).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The tallest a host lets its iframe become by default, in CSS pixels;
/// taller reports are cut to this (see `ConnectionOptions::max_frame_height`).
///
/// ```
/// assert_eq!(crossframe::DEFAULT_MAX_FRAME_HEIGHT, 100_000);
/// ```
pub const DEFAULT_MAX_FRAME_HEIGHT: u32 = 100_000;

/// The iframe height for a `reported` content height: at most `max`.
pub(crate) fn frame_height(reported: u64, max: u32) -> u32 {
    u32::try_from(reported).unwrap_or(u32::MAX).min(max)
}

/// Host: sets `iframe`'s height to the child's reported height, within `max`.
pub(crate) fn follow_height(iframe: &web_sys::HtmlElement, reported: u64, max: u32) {
    let height = frame_height(reported, max);
    let _ = iframe
        .style()
        .set_property("height", &format!("{height}px"));
}

/// Child: a `ResizeObserver` on `<html>` and its callback, disconnected on drop.
pub(crate) struct HeightWatch {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for HeightWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Child: calls `on_change` with `<html>`'s height whenever it changes.
pub(crate) fn watch_height(on_change: impl Fn(u64) + 'static) -> Option<HeightWatch> {
    let root = web_sys::window()?.document()?.document_element()?;
    let measure = root.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries| {
        // The content's own height: <html> is as tall as its content unless
        // the page sets height: 100% on it (then it would follow the iframe).
        let height = measure.get_bounding_client_rect().height().ceil();
        on_change(height as u64);
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&root);
    Some(HeightWatch {
        observer,
        _callback: callback,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reported_height_is_kept_within_the_bound() {
        assert_eq!(frame_height(412, 100_000), 412);
        assert_eq!(frame_height(1_000_000_000, 100_000), 100_000);
        assert_eq!(frame_height(u64::MAX, 100_000), 100_000);
        assert_eq!(frame_height(0, 100_000), 0);
    }
}
