// Variant "penpal 7", child side: exposes echo(), note() and count() to the
// host page, whose exact origin is the only one allowed.
const HOST = new URLSearchParams(location.search).get("host");
const { WindowMessenger, connect } = window.Penpal; // /vendor/penpal/penpal.min.js
let counted = 0;

connect({
  messenger: new WindowMessenger({ remoteWindow: window.parent, allowedOrigins: [HOST] }),
  methods: {
    echo: (msg) => msg,
    note: () => {
      counted++;
    },
    count: () => {
      const n = counted;
      counted = 0;
      return n;
    },
  },
});
