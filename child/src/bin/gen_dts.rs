//! Writes embed.d.ts, the TypeScript declarations of embed.js and embed.mjs
//! for this widget, from its Rust API (`--check`: fails if the file differs).
//!
//!   cargo run -p crossframe-demo-child --features typescript --bin gen-dts [-- --check]
use crossframe_demo_child::{HostPage, Widget};

fn main() -> std::process::ExitCode {
    crossframe::typescript::main::<Widget, HostPage>(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/embed.d.ts"
    ))
}
