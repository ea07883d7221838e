// The origins of the end-to-end tests. The host and child bundles must be
// built for the first two (scripts/test.sh does: CROSSFRAME_CHILD_URL and
// CROSSFRAME_HOST_ORIGINS).
const port = (name, fallback) => Number(process.env[name] ?? fallback);

const host = `http://127.0.0.1:${port("E2E_HOST_PORT", 18080)}`;
const child = `http://localhost:${port("E2E_CHILD_PORT", 18081)}`;
const third = `http://127.0.0.1:${port("E2E_THIRD_PORT", 18082)}`;
// The widget bundle once more, on its own origin, served the way README's
// deployment section says: framing allowed to the host's origin only.
const guarded = `http://localhost:${port("E2E_GUARDED_PORT", 18084)}`;
const guardedHeaders = { "content-security-policy": `frame-ancestors ${host}` };

// The README's run command (scripts/run.sh: trunk serve), started by its own
// test on these two ports.
const runHost = `http://127.0.0.1:${port("E2E_RUN_HOST_PORT", 18090)}`;
const runChild = `http://localhost:${port("E2E_RUN_CHILD_PORT", 18091)}`;

// Files "users" put on the host's and the widget's sites (tests write them),
// served under /u/ beside the app, which those sites serve at every other
// path under /u/ as a single-page-app server does.
const uploads = { host: "test-results/uploads/host", child: "test-results/uploads/child" };

export const SITES = {
  // The test server's /__control/ endpoints (control.mjs), answered on every site.
  control: `${host}/__control`,
  run: { host: { origin: runHost, url: `${runHost}/` }, child: { origin: runChild, url: `${runChild}/` } },
  host: { origin: host, url: `${host}/`, uploads: uploads.host },
  // The host page without Yew (examples/plain-host, built for /plain-host/),
  // on the host's origin: the widget allows it like the demo host.
  plainHost: { origin: host, url: `${host}/plain-host/` },
  // The TypeScript host page (examples/ts-host, compiled by tsc in
  // scripts/build.sh), on the host's origin: it imports the widget's embed.mjs.
  tsHost: { origin: host, url: `${host}/ts-host/` },
  child: { origin: child, url: `${child}/`, uploads: uploads.child },
  third: { origin: third, url: `${third}/` },
  guarded: { origin: guarded, url: `${guarded}/`, headers: guardedHeaders },
  serveArgs: [
    `${host.slice(7)}=../dist+/__e2e=fixtures+/plain-host=../examples/plain-host/dist+/ts-host=../examples/ts-host+/u=${uploads.host}|../dist/index.html`,
    `${child.slice(7)}=../child/dist+/__e2e=fixtures+/u=${uploads.child}|../child/dist/index.html`,
    `${third.slice(7)}=fixtures`,
    `${guarded.slice(7)}=../child/dist`,
  ],
  // serve.mjs's per-site response headers.
  serveEnv: {
    E2E_SITE_HEADERS: JSON.stringify({ [guarded.slice(7)]: guardedHeaders }),
    E2E_FIXTURE_VARS: JSON.stringify({ CHILD_URL: `${child}/`, THIRD_URL: `${third}/` }),
  },
};
