// The three origins of the end-to-end tests. The host and child bundles must
// be built for the first two (scripts/test.sh does: CROSSFRAME_CHILD_URL and
// CROSSFRAME_HOST_ORIGINS).
const port = (name, fallback) => Number(process.env[name] ?? fallback);

const host = `http://127.0.0.1:${port("E2E_HOST_PORT", 18080)}`;
const child = `http://localhost:${port("E2E_CHILD_PORT", 18081)}`;
const third = `http://127.0.0.1:${port("E2E_THIRD_PORT", 18082)}`;

export const SITES = {
  host: { origin: host, url: `${host}/` },
  child: { origin: child, url: `${child}/` },
  third: { origin: third, url: `${third}/` },
  serveArgs: [
    `${host.slice(7)}=../dist`,
    `${child.slice(7)}=../child/dist+/__e2e=fixtures`,
    `${third.slice(7)}=fixtures`,
  ],
};
