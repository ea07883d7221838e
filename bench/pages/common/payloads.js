// The benchmark's payloads: the same content for every variant.
//
//   small    {id, t}
//   1k       {id, t, data}  data: a 1 024-character ASCII string
//   64k      {id, t, data}  data: a 65 536-character ASCII string
//   64k-obj  {id, t, rows}  rows: 870 small records (about 64 KB as JSON)
//   1m       {id, t, data}  data: a 1 048 576-character ASCII string
//
// `id` numbers the message (unique within a page), `t` is the sender's
// performance.now() when it was made. The strings cycle through ALPHABET; row
// i of 64k-obj is {i, name: "row-<i>", score: i / 4, tags: ["alpha", "beta"], ok: i % 2 === 0}.
// A crossframe (Rust) page builds the same values with serde types of the same shape.

export const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
export const PAYLOAD_NAMES = ["small", "1k", "64k", "64k-obj", "1m"];

export function text(length) {
  return ALPHABET.repeat(Math.ceil(length / ALPHABET.length)).slice(0, length);
}

export function rows(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push({ i, name: `row-${i}`, score: i / 4, tags: ["alpha", "beta"], ok: i % 2 === 0 });
  }
  return out;
}

const BODIES = {
  small: null,
  "1k": { data: text(1024) },
  "64k": { data: text(65536) },
  "64k-obj": { rows: rows(870) },
  "1m": { data: text(1048576) },
};

/** A fresh payload object of the named kind (the big parts are shared, never mutated). */
export function payload(name, id) {
  if (!(name in BODIES)) throw new Error(`unknown payload ${name}`);
  const body = BODIES[name];
  return body ? { id, t: 0, ...body } : { id, t: 0 };
}
