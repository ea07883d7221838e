// Where each app reads its config.json: beside its own bundle (the public URL
// its script was loaded from), never beside the page. On a site that serves
// the app at every path and users' files beside it (here /u/, as
// single-page-app servers and user-content hosts do), a page at /u/evil/
// must not be configured by /u/evil/config.json. Security review item 6.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { afterEach } from "node:test";
import { SITES } from "./sites.js";
import { CONNECTED, deployWidgetConfig, expect, test, watchRequests } from "./helpers.js";

const HOST = SITES.host.origin;
const CHILD = SITES.child.origin;
const THIRD = SITES.third.origin;
const E2E = new URL("../", import.meta.url);

/** Puts `config` at /u/<user>/config.json on `site` (an upload of that user's). */
function upload(site, user, config) {
  const dir = new URL(`${site.uploads}/${user}/`, E2E);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("config.json", dir), JSON.stringify(config));
}

afterEach(() => {
  deployWidgetConfig(null);
  for (const site of [SITES.host, SITES.child]) rmSync(new URL(site.uploads, E2E), { recursive: true, force: true });
});

/** The config.json URLs asked of `origin` since `seen` was made. */
const configRequests = async (seen, origin) =>
  (await seen()).filter((url) => new URL(url).origin === origin && new URL(url).pathname.endsWith("/config.json"));

test("a widget framed at /u/evil/?x=/ reads config.json beside its bundle, not the one beside the page", async ({
  page,
}) => {
  // The attacker's upload admits the attacker's origin; the deployment has no config.json.
  upload(SITES.child, "evil", { allowedHosts: [THIRD] });
  const framed = `${CHILD}/u/evil/?x=/`;
  const open = async () => {
    await page.goto(`${THIRD}/embed-url.html?${new URLSearchParams({ url: framed })}`);
    return page.evaluate(() => window.outcome);
  };

  const seen = await watchRequests();
  const outcome = await open();
  const child = page.frameLocator("#slot iframe");
  await expect(child.getByTestId("state")).toHaveText(`disconnected: embedded by ${THIRD}, which is not an allowed host`);
  expect(outcome).toBe(`refused: the widget at ${CHILD} does not allow this page's origin (${THIRD})`);
  expect(await configRequests(seen, CHILD)).toEqual([`${CHILD}/config.json`]);

  // The deployment's own config.json is what counts: admitting the page there connects it.
  deployWidgetConfig({ allowedHosts: [THIRD] });
  expect(await open()).toBe("connected");
  await expect(child.getByTestId("state")).toHaveText(`connected to ${THIRD}`);
});

test("the host page opened at /u/evil/ reads config.json beside its bundle: it embeds the configured widget", async ({
  page,
}) => {
  // The attacker's upload points the host at a page of the attacker's.
  upload(SITES.host, "evil", { childUrl: `${THIRD}/attacker.html` });
  const seen = await watchRequests();
  await page.goto(`${HOST}/u/evil/?x=/`);
  await expect(page.getByTestId("status")).toHaveText(CONNECTED);
  expect(await page.getByTestId("child-frame").evaluate((frame) => frame.src)).toBe(SITES.child.url);
  expect(await configRequests(seen, HOST)).toEqual([`${HOST}/config.json`]);
});
