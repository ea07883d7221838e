// Pages, frames and locators over one WebDriver session, shaped like the
// parts of Playwright's API the tests use: `page.getByTestId("status")`,
// `page.frameLocator("iframe").locator("li")`, `locator.click()`, ...
//
// WebDriver has one current browsing context per session, so every
// operation first selects its own: the page's window, then the top-level
// document, then each iframe of its frame chain by CSS selector. A scope is
// therefore always found afresh (an iframe that navigated or reloaded is
// found again), and reads that fail while a document is changing are retried
// by the polling assertions in expect.mjs.
import { WebDriverError, isDriverHung } from "./webdriver.mjs";

/** Whitespace collapsed and trimmed, as users read text. */
export const normalize = (text) => text.replace(/\s+/g, " ").trim();

/** Where operations run: a window of the session, and a chain of iframe selectors from its top document. */
export class Scope {
  constructor(page, frames) {
    this.page = page;
    this.frames = frames;
  }

  get session() {
    return this.page.browser.session;
  }

  /** Makes this scope the session's current browsing context. */
  async enter() {
    await this.page.activate();
    const browser = this.page.browser;
    // Already in the top-level document (after a navigation, say): no switch.
    // WebKitWebDriver has hung on a redundant switch while a page loads.
    if (!browser.atTop) {
      await this.session.switchToFrame(null);
      browser.atTop = true;
    }
    for (const css of this.frames) {
      const element = await this.session.find(css);
      if (!element) throw new WebDriverError("enter frame", "no such frame", `no iframe matches ${css}`);
      browser.atTop = false;
      await this.session.switchToFrame(element);
    }
  }

  /** Runs `fn(arg)` in this scope's document (awaiting a promise it returns) and returns its JSON value. */
  async evaluate(fn, arg = null) {
    await this.enter();
    return this.session.execute(fn, arg);
  }

  /** Polls `fn(arg)` in this scope until it returns something truthy; returns that. */
  async waitForFunction(fn, arg = null, { timeout = 20_000 } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const value = await this.evaluate(fn, arg);
        if (value) return value;
        last = `returned ${JSON.stringify(value)}`;
      } catch (error) {
        if (isDriverHung(error)) throw error;
        last = error.message;
      }
      if (Date.now() > deadline) throw new Error(`waitForFunction ${fn} did not hold within ${timeout} ms (last: ${last})`);
      await sleep(50);
    }
  }

  locator(css) {
    return new Locator(this, css);
  }
  getByTestId(id) {
    return this.locator(testId(id));
  }
  /** The document inside the iframe `css` of this scope. */
  frameLocator(css) {
    return new Scope(this.page, [...this.frames, css]);
  }
  /** The first iframe the last selector matches: what every frame chain picks already. */
  first() {
    return this;
  }
  describe() {
    return this.frames.length ? `frame ${this.frames.join(" > ")}` : "page";
  }
}

/** A window of the session (the first one, or a popup). */
export class Page extends Scope {
  constructor(browser, handle) {
    super(null, []);
    this.page = this;
    this.browser = browser;
    this.handle = handle;
  }

  async activate() {
    if (this.browser.current !== this.handle) {
      this.browser.atTop = false;
      await this.browser.session.switchToWindow(this.handle);
      this.browser.current = this.handle;
    }
  }

  /** Navigates the window to `url`; resolves once the new document is parsed. */
  goto(url) {
    return this.navigation(() => this.session.navigate(url));
  }
  /** History back; resolves once the previous document is shown (restored or reloaded). */
  back() {
    return this.navigation(() => this.session.back());
  }
  forward() {
    return this.navigation(() => this.session.forward());
  }

  /**
   * Runs a navigation command, then waits until the window shows another
   * document than before, parsed. Engines differ in when their driver
   * answers a navigation (WebKit runs with pageLoadStrategy "none": see
   * engines.mjs), so the old document is marked with a token and the wait
   * ends when the window's document no longer carries it. A document
   * restored from the back/forward cache carries an older token.
   */
  async navigation(command) {
    await this.enter();
    const token = `left-${Date.now()}-${Math.random()}`;
    await this.session.execute((t) => void (window.__e2eLeft = t), token).catch(() => {});
    await command();
    this.browser.atTop = true; // navigation commands leave the session in the top-level document
    await this.waitForFunction((t) => window.__e2eLeft !== t && document.readyState !== "loading", token, {
      timeout: 60_000,
    });
  }
  async title() {
    await this.activate();
    return this.session.title();
  }
  async url() {
    await this.activate();
    return this.session.currentUrl();
  }

  /** Runs `trigger()` (which opens a window) and returns the new window as a Page. */
  async waitForPopup(trigger, { timeout = 20_000 } = {}) {
    await this.activate();
    const before = new Set(await this.session.windowHandles());
    await trigger();
    const deadline = Date.now() + timeout;
    for (;;) {
      const fresh = (await this.session.windowHandles()).find((h) => !before.has(h));
      if (fresh) return new Page(this.browser, fresh);
      if (Date.now() > deadline) throw new Error(`no popup opened within ${timeout} ms`);
      await sleep(50);
    }
  }

  /** Closes this window (a popup) and goes back to the first one. */
  async close() {
    await this.activate();
    await this.session.closeWindow();
    this.browser.current = null;
    this.browser.atTop = false;
    await this.browser.page.activate();
  }
}

/** Elements matching `css` in a scope, optionally one of them (`first()`, `last()`, `nth(i)`). */
export class Locator {
  constructor(scope, css, pick = null) {
    this.scope = scope;
    this.css = css;
    this.pick = pick;
  }

  locator(css) {
    if (this.pick !== null) throw new Error("locator() after first()/last()/nth() is not supported");
    return new Locator(this.scope, `${this.css} ${css}`);
  }
  getByTestId(id) {
    return this.locator(testId(id));
  }
  frameLocator(css) {
    return this.scope.frameLocator(`${this.css} ${css}`);
  }
  first() {
    return new Locator(this.scope, this.css, 0);
  }
  last() {
    return new Locator(this.scope, this.css, -1);
  }
  nth(index) {
    return new Locator(this.scope, this.css, index);
  }
  describe() {
    const pick = this.pick === null ? "" : this.pick === -1 ? ".last()" : `.nth(${this.pick})`;
    return `${this.scope.describe()}: ${this.css}${pick}`;
  }

  /** The normalized text of each element this locator selects (all, or the one picked). */
  async texts() {
    const all = await this.scope.evaluate(
      (css) => Array.from(document.querySelectorAll(css), (el) => el.textContent),
      this.css,
    );
    const texts = all.map(normalize);
    return this.pick === null ? texts : [texts.at(this.pick)].filter((t) => t !== undefined);
  }
  async count() {
    return (await this.texts()).length;
  }

  /** Runs `fn(element, arg)` on the one element this locator selects. */
  async evaluate(fn, arg = null) {
    const source = `({ css, pick, arg }) => {
      const all = document.querySelectorAll(css);
      const el = pick === null ? (all.length === 1 ? all[0] : null) : Array.from(all).at(pick);
      if (!el) throw new Error(all.length + " elements match " + css);
      return (${fn})(el, arg);
    }`;
    return this.scope.evaluate(source, { css: this.css, pick: this.pick, arg });
  }

  async element() {
    await this.scope.enter();
    const all = await this.scope.session.findAll(this.css);
    const element = this.pick === null ? (all.length === 1 ? all[0] : undefined) : all.at(this.pick);
    if (!element) throw new Error(`${this.describe()}: ${all.length} elements match`);
    return element;
  }

  /** Clicks the element as a user would (retried while it is not there yet). */
  click(options) {
    return retry(`click ${this.describe()}`, async () => this.scope.session.click(await this.element()), options);
  }

  /**
   * Replaces the input's value by typing `text`; a long text (over
   * PASTE_OVER characters) is pasted instead: typed key by key it takes
   * minutes in some drivers, and users paste such texts too.
   */
  fill(text, options) {
    const paste = () =>
      this.evaluate((el, value) => {
        el.focus();
        el.value = value;
        el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
      }, text);
    return retry(
      `fill ${this.describe()}`,
      async () => {
        const element = await this.element();
        if (text.length > PASTE_OVER) return paste();
        try {
          await this.scope.session.clear(element);
          await this.scope.session.type(element, text);
        } catch (error) {
          if (!isNotInteractable(error)) throw error;
          // WebKitWebDriver sometimes calls an input inside a cross-origin
          // iframe "not focusable" (../../shared/browsers.md): set the value
          // and fire the event the page listens to, as typing would.
          await paste();
        }
      },
      options,
    );
  }

  /** Presses a key in the element; only Enter is needed so far. */
  press(key, options) {
    if (key !== "Enter") throw new Error(`press(${key}) is not supported`);
    return retry(
      `press ${key} in ${this.describe()}`,
      async () => {
        const element = await this.element();
        try {
          await this.scope.session.type(element, "\uE007");
        } catch (error) {
          if (!isNotInteractable(error)) throw error;
          // As in fill(): what Enter does in a form field, from script.
          await this.evaluate((el) => el.form.requestSubmit());
        }
      },
      options,
    );
  }
}

const testId = (id) => `[data-testid="${id}"]`;
const PASTE_OVER = 500;

function isNotInteractable(error) {
  return /not interactable|not focusable|not reachable by keyboard/i.test(error.message);
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** What may still change by waiting: an element not there yet, a frame still loading, an overlay. */
const TRANSIENT = /elements match|no such frame|no such element|stale element|element click intercepted|not interactable|document unloaded/i;

/** Runs `action` until it succeeds or fails for good (see TRANSIENT), or the deadline passes. */
async function retry(what, action, { timeout = 20_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (isDriverHung(error) || !TRANSIENT.test(error.message) || Date.now() > deadline) {
        throw new Error(`${what}: ${error.message}`, { cause: error });
      }
      await sleep(100);
    }
  }
}
