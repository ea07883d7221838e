//! What both size probes render: a counter and a button. `size-without` and
//! `size-with` differ only in where the count comes from: a local reducer,
//! or that reducer plus a crossframe connection to the host page (which can
//! add to the count and ask for it, and hears of every click).

use yew::prelude::*;

/// The count, and what changes it.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Count(pub i64);

impl Reducible for Count {
    type Action = i64;
    fn reduce(self: std::rc::Rc<Self>, add: i64) -> std::rc::Rc<Self> {
        std::rc::Rc::new(Count(self.0.wrapping_add(add)))
    }
}

/// The counter's properties.
#[derive(Debug, Properties, PartialEq)]
pub struct CounterProps {
    /// What is shown.
    pub count: i64,
    /// The "+1" button.
    pub on_add: Callback<MouseEvent>,
}

/// The counter both probes render.
#[component]
pub fn CounterView(props: &CounterProps) -> Html {
    html! {
        <main>
            <p>{ "Count: " }{ props.count }</p>
            <button onclick={props.on_add.clone()}>{ "+1" }</button>
        </main>
    }
}
