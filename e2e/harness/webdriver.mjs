// A small W3C WebDriver (classic) client: the commands the end-to-end tests
// use, and nothing else. The same protocol reaches chromedriver (Chromium),
// geckodriver (Firefox) and WebKitWebDriver (WebKitGTK), so one test runs in
// all three engines unchanged.
//
//   const session = await Session.start("http://127.0.0.1:4444", capabilities);
//   await session.navigate("http://127.0.0.1:18080/");
//   const title = await session.execute(() => document.title);
//   await session.end();

/** The W3C key under which a driver returns an element reference. */
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** A WebDriver error, with the driver's error code (`no such element`, `stale element reference`, ...). */
export class WebDriverError extends Error {
  constructor(command, code, message) {
    super(`${command}: ${code}: ${message}`);
    this.code = code;
  }
}

/** The code of a command the driver did not answer in time: the browser or its driver hung. */
export const HUNG = "driver hung";

/** Whether `error` (or its cause) is a command the driver never answered. */
export function isDriverHung(error) {
  for (let e = error; e; e = e.cause) if (e.code === HUNG) return true;
  return false;
}

/** How long one command may take: a page script's own limit, or a minute. */
const SCRIPT_TIMEOUT = 90_000;
const COMMAND_TIMEOUT = 60_000;

/** E2E_TRACE=1 prints every command with its time, to see where a test waits. */
const TRACE = process.env.E2E_TRACE === "1";

async function request(url, method, body, command, timeout = COMMAND_TIMEOUT) {
  if (TRACE) console.error(`${new Date().toISOString().slice(11, 23)} -> ${command} ${JSON.stringify(body ?? "").slice(0, 160)}`);
  let response;
  let text;
  try {
    response = await fetch(url, {
      method,
      signal: AbortSignal.timeout(timeout),
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    text = await response.text();
  } catch (error) {
    if (error.name === "TimeoutError") throw new WebDriverError(command, HUNG, `no answer within ${timeout} ms`);
    throw error;
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WebDriverError(command, `HTTP ${response.status}`, text.slice(0, 500));
  }
  const value = parsed.value;
  if (!response.ok || (value && typeof value === "object" && "error" in value && value.error)) {
    throw new WebDriverError(command, value?.error ?? `HTTP ${response.status}`, String(value?.message ?? text).split("\n")[0]);
  }
  return value;
}

/** Whether a driver at `url` is up and ready for a new session. */
export async function driverReady(url) {
  try {
    const status = await request(`${url}/status`, "GET", undefined, "status");
    return status?.ready !== false;
  } catch {
    return false;
  }
}

/**
 * Wraps `fn` (a function, its source sent to the page) so that the page
 * runs it with `arg`, awaits it, and hands back `{ ok, value }` or
 * `{ ok: false, error }` through the async-script callback.
 */
function asyncScript(fn) {
  return `const done = arguments[arguments.length - 1];
    Promise.resolve()
      .then(() => (${fn})(arguments[0]))
      .then(
        (value) => done({ ok: true, value: value === undefined ? null : value }),
        (error) => done({ ok: false, failure: String((error && error.message) || error) }),
      );`;
}

/** One browser session. */
export class Session {
  constructor(url, id, capabilities) {
    this.url = url;
    this.id = id;
    this.capabilities = capabilities;
  }

  /** Starts a browser through the driver at `url`. */
  static async start(url, alwaysMatch) {
    const value = await request(`${url}/session`, "POST", { capabilities: { alwaysMatch } }, "new session");
    const session = new Session(url, value.sessionId, value.capabilities);
    await session.cmd("POST", "/timeouts", { script: SCRIPT_TIMEOUT, pageLoad: COMMAND_TIMEOUT - 5_000, implicit: 0 });
    return session;
  }

  cmd(method, path, body, timeout) {
    const payload = body ?? (method === "POST" ? {} : undefined);
    return request(`${this.url}/session/${this.id}${path}`, method, payload, `${method} ${path}`, timeout);
  }

  /** Ends the session and closes the browser: whether the driver did so within 30 s. */
  async end() {
    return request(`${this.url}/session/${this.id}`, "DELETE", undefined, "delete session", 30_000).then(
      () => true,
      () => false,
    );
  }

  navigate(url) {
    return this.cmd("POST", "/url", { url });
  }
  back() {
    return this.cmd("POST", "/back");
  }
  forward() {
    return this.cmd("POST", "/forward");
  }
  title() {
    return this.cmd("GET", "/title");
  }
  currentUrl() {
    return this.cmd("GET", "/url");
  }

  /** Runs `fn(arg)` in the current browsing context, awaiting a returned promise. */
  async execute(fn, arg = null) {
    const body = { script: asyncScript(fn), args: [arg] };
    const result = await this.cmd("POST", "/execute/async", body, SCRIPT_TIMEOUT + 10_000);
    if (!result || !result.ok) throw new Error(`in the page: ${result ? result.failure : "no result"}`);
    return result.value;
  }

  /** The first element matching `css` in the current browsing context, or null. */
  async find(css) {
    const found = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return found.length ? found[0][ELEMENT] : null;
  }
  async findAll(css) {
    const found = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return found.map((e) => e[ELEMENT]);
  }
  click(element) {
    return this.cmd("POST", `/element/${element}/click`);
  }
  clear(element) {
    return this.cmd("POST", `/element/${element}/clear`);
  }
  type(element, text) {
    return this.cmd("POST", `/element/${element}/value`, { text });
  }

  /** Into the iframe `element` of the current context; `null`: back to the top-level document. */
  switchToFrame(element) {
    return this.cmd("POST", "/frame", { id: element === null ? null : { [ELEMENT]: element } });
  }
  windowHandle() {
    return this.cmd("GET", "/window");
  }
  windowHandles() {
    return this.cmd("GET", "/window/handles");
  }
  switchToWindow(handle) {
    return this.cmd("POST", "/window", { handle });
  }
  closeWindow() {
    return this.cmd("DELETE", "/window");
  }
  /** A PNG of the current top-level window, base64. */
  screenshot() {
    return this.cmd("GET", "/screenshot", undefined, 15_000);
  }
}
