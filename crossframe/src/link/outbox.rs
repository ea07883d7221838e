//! Frames leaving on the port: one JSON string each (v1 peers), or queued
//! within a task and posted together in a microtask (batches), as JSON or
//! binary, as the session agreed.

use super::*;

/// Frames waiting for the end of the task (see [`Inner::post_frame`]).
#[derive(Default)]
pub(super) struct Outbox {
    json: Vec<String>,
    binary: Vec<u8>,
    flush_queued: bool,
}

impl<Theirs: Api, Ours: Api> Inner<Theirs, Ours> {
    /// Posts a frame on the current port the way this session agreed: one
    /// JSON string (v1), or queued with the others of this task and posted
    /// together in a microtask (batches), as JSON or binary.
    pub(super) fn post_frame<T: serde::Serialize>(
        &self,
        frame: &Frame<T>,
    ) -> Result<(), SendError> {
        let wire = self.wire.get();
        if !wire.batch {
            return self.post_frame_now(frame);
        }
        if self.port.borrow().is_none() {
            return Err(SendError::NotConnected);
        }
        let mut outbox = self.outbox.borrow_mut();
        if wire.binary {
            if outbox.binary.is_empty() {
                wire::begin_binary(&mut outbox.binary);
            }
            wire::push_binary(frame, &mut outbox.binary)?;
        } else {
            outbox.json.push(envelope::encode(frame)?);
        }
        if !outbox.flush_queued {
            outbox.flush_queued = true;
            let weak = self.this.clone();
            // A microtask: after the code that queued, before the next event.
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(inner) = weak.upgrade() {
                    inner.flush();
                }
            });
        }
        Ok(())
    }

    /// Posts what the outbox holds, as one port message.
    pub(super) fn flush(&self) {
        let Outbox { json, binary, .. } = std::mem::take(&mut *self.outbox.borrow_mut());
        let port = self.port.borrow();
        let Some(port) = port.as_ref() else {
            return;
        };
        let posted = if !binary.is_empty() {
            post_bytes(&port.port, &binary)
        } else {
            match json.len() {
                0 => Ok(()),
                1 => post_text(&port.port, &json[0]),
                _ => post_text(&port.port, &wire::join_json(&json)),
            }
        };
        if let Err(error) = posted {
            web_sys::console::warn_1(&format!("crossframe: {error}").into());
        }
    }

    /// Posts a frame at once, not queued: after what is queued, as one port
    /// message of its own (no task is spawned: the page may be going away).
    pub(super) fn post_frame_now<T: serde::Serialize>(
        &self,
        frame: &Frame<T>,
    ) -> Result<(), SendError> {
        self.flush();
        let port = self.port.borrow();
        let port = port.as_ref().ok_or(SendError::NotConnected)?;
        if !self.wire.get().binary {
            return post_on_port(&port.port, frame);
        }
        let mut bytes = Vec::new();
        wire::begin_binary(&mut bytes);
        wire::push_binary(frame, &mut bytes)?;
        post_bytes(&port.port, &bytes)
    }
}
