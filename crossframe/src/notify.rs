//! [`Notify`]: a shared closure that hears about something (a drop, a state
//! change), whatever framework the app uses.

use std::fmt;
use std::rc::Rc;

/// A closure crossframe calls to tell you something: built from any
/// `Fn(T)`, or (with the `yew` feature) from a `yew::Callback<T>`. Two are
/// equal when they are the same closure.
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use crossframe::Notify;
/// let count = Rc::new(Cell::new(0));
/// let counter = count.clone();
/// let notify = Notify::from(move |n: u32| counter.set(counter.get() + n));
/// notify.emit(2);
/// notify.clone().emit(3);
/// assert_eq!(count.get(), 5);
/// assert_eq!(notify, notify.clone());
/// ```
pub struct Notify<T>(Rc<dyn Fn(T)>);

impl<T> Notify<T> {
    /// Wraps `f`.
    ///
    /// ```
    /// let log = crossframe::Notify::new(|text: String| web_sys::console::log_1(&text.into()));
    /// # let _ = log;
    /// ```
    pub fn new(f: impl Fn(T) + 'static) -> Self {
        Self(Rc::new(f))
    }

    /// Calls the closure with `value`.
    ///
    /// ```
    /// crossframe::Notify::new(|n: u8| assert_eq!(n, 7)).emit(7);
    /// ```
    pub fn emit(&self, value: T) {
        (self.0)(value)
    }
}

impl<T> Clone for Notify<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> PartialEq for Notify<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> fmt::Debug for Notify<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Notify(..)")
    }
}

impl<T, F: Fn(T) + 'static> From<F> for Notify<T> {
    fn from(f: F) -> Self {
        Self::new(f)
    }
}

#[cfg(feature = "yew")]
impl<T: 'static> From<yew::Callback<T>> for Notify<T> {
    fn from(callback: yew::Callback<T>) -> Self {
        Self::new(move |value| callback.emit(value))
    }
}
