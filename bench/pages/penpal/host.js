// Variant "penpal 7": penpal's WindowMessenger allowing only the child's exact
// origin; echo() for round trips, note() for the burst (penpal has no
// one-way messages: every call is answered), count() for the ack.
import { CHILD_ORIGIN, installBench } from "/common/harness.js";

const { WindowMessenger, connect } = window.Penpal; // /vendor/penpal/penpal.min.js
let remote = null;

installBench(
  {
    async connect(iframe) {
      const messenger = new WindowMessenger({
        remoteWindow: iframe.contentWindow,
        allowedOrigins: [CHILD_ORIGIN],
      });
      remote = await connect({ messenger, methods: {} }).promise;
    },
    call(msg, onReply) {
      remote.echo(msg).then(onReply);
    },
    send(msg) {
      remote.note(msg).catch(() => {});
    },
    ack(callback) {
      remote.count().then(callback);
    },
  },
  { transport: "penpal 7.0.6 (MessagePort after its handshake), structured clone", oneWay: false },
);
