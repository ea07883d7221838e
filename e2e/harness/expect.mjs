// Assertions. `expect(value)` is Jest's `expect` (npm `expect`). On a
// Locator or a Page it returns assertions that wait: each polls what the
// user sees until it holds or its deadline passes (20 s by default — a bound
// on a hung page, not a measure of speed), then fails with what it saw last.
//
//   await expect(page.getByTestId("status")).toHaveText("connected");
//   await expect(child.locator("li .text")).toHaveText(["Hello", "again"]);
//   await expect.poll(() => page.evaluate(() => window.got)).toEqual([1, 2]);
import { expect as jestExpect } from "expect";
import { Locator, Page, normalize, sleep } from "./page.mjs";
import { isDriverHung } from "./webdriver.mjs";

export const DEFAULT_TIMEOUT = 20_000;

const matches = (text, expected) => (expected instanceof RegExp ? expected.test(text) : text === normalize(expected));
const contains = (text, expected) => (expected instanceof RegExp ? expected.test(text) : text.includes(normalize(expected)));
const show = (v) => (v instanceof RegExp ? String(v) : JSON.stringify(v));

/** Polls `read()` until `holds(value)`; throws with `describe(lastValue)` at the deadline. */
async function until(read, holds, describe, timeout = DEFAULT_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError = null;
  for (;;) {
    try {
      last = await read();
      lastError = null;
      if (holds(last)) return last;
    } catch (error) {
      if (isDriverHung(error)) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `it could not be read: ${lastError.message}` : `last seen: ${JSON.stringify(last)}`;
      throw new Error(`${describe()} within ${timeout} ms; ${seen}`);
    }
    await sleep(50);
  }
}

function textAssertions(locator, negate) {
  const what = locator.describe();
  const not = negate ? "not " : "";
  const check = (ok) => (negate ? !ok : ok);
  const single = (texts) => {
    if (locator.pick === null && texts.length !== 1) return null;
    return texts[0];
  };
  return {
    /** A string or RegExp: the one element's text; an array: every element's text, in order. */
    toHaveText(expected, { timeout } = {}) {
      const holds = Array.isArray(expected)
        ? (texts) => check(texts.length === expected.length && texts.every((t, i) => matches(t, expected[i])))
        : (texts) => {
            const text = single(texts);
            return text !== null && text !== undefined && check(matches(text, expected));
          };
      return until(() => locator.texts(), holds, () => `expected ${what} ${not}to have text ${show(expected)}`, timeout);
    },
    /** A string or RegExp: the one element's text contains it; an array: each item is contained by some element, in order. */
    toContainText(expected, { timeout } = {}) {
      const holds = Array.isArray(expected)
        ? (texts) => {
            let from = 0;
            const all = expected.every((e) => {
              const at = texts.findIndex((t, i) => i >= from && contains(t, e));
              from = at + 1;
              return at >= 0;
            });
            return negate ? !expected.some((e) => texts.some((t) => contains(t, e))) : all;
          }
        : (texts) => {
            const text = single(texts);
            return text !== null && text !== undefined && check(contains(text, expected));
          };
      return until(() => locator.texts(), holds, () => `expected ${what} ${not}to contain text ${show(expected)}`, timeout);
    },
    toHaveCount(count, { timeout } = {}) {
      return until(
        () => locator.texts(),
        (texts) => check(texts.length === count),
        () => `expected ${what} ${not}to match ${count} element(s)`,
        timeout,
      ).then(() => undefined);
    },
  };
}

function pageAssertions(page, negate) {
  return {
    toHaveTitle(title, { timeout } = {}) {
      return until(
        () => page.title(),
        (t) => negate !== matches(t, title),
        () => `expected the page ${negate ? "not " : ""}to have title ${show(title)}`,
        timeout,
      );
    },
  };
}

/** Jest's expect, or waiting assertions on a Locator or Page; `message` names what is checked. */
export function expect(value, message) {
  if (value instanceof Locator) {
    return Object.assign(textAssertions(value, false), { not: textAssertions(value, true) });
  }
  if (value instanceof Page) {
    return Object.assign(pageAssertions(value, false), { not: pageAssertions(value, true) });
  }
  if (message === undefined) return jestExpect(value);
  // Jest's expect has no message argument: name the check in the failure.
  return new Proxy(jestExpect(value), {
    get(target, key) {
      const matcher = target[key];
      if (typeof matcher !== "function") return matcher;
      return (...args) => {
        try {
          return matcher.apply(target, args);
        } catch (error) {
          error.message = `${message}\n\n${error.message}`;
          throw error;
        }
      };
    },
  });
}

/**
 * `expect.poll(read, { timeout, message }).toEqual(v)`: calls `read()` until
 * the Jest matcher passes or the deadline passes.
 */
expect.poll = (read, { timeout = DEFAULT_TIMEOUT, message } = {}) =>
  new Proxy(
    {},
    {
      get(_, key) {
        const negate = key === "not";
        const make = (name) => async (...args) => {
          let lastError;
          await until(
            read,
            (value) => {
              try {
                const base = jestExpect(value);
                (negate ? base.not : base)[name](...args);
                return true;
              } catch (error) {
                lastError = error;
                return false;
              }
            },
            () => `${message ?? "expect.poll"}: ${lastError ? lastError.message : "no value"}\n`,
            timeout,
          );
        };
        if (negate) return new Proxy({}, { get: (_, name) => make(name) });
        return make(key);
      },
    },
  );
