// A browser for the unit tests: jsdom's window as the global scope. Import it first in a test
// file, before React, which looks for `window` and `document` when it loads.

const { JSDOM } = require("jsdom");

const dom = new JSDOM("<!doctype html><html lang='en'><head></head><body></body></html>", {
  url: "http://127.0.0.1:3000/",
  pretendToBeVisual: true,
});
const scope = globalThis as Record<string, unknown>;
scope.window = dom.window;
scope.document = dom.window.document;
// Node has its own events; elements of jsdom take only jsdom's.
const JSDOM_FIRST = new Set(["Event", "EventTarget", "CustomEvent"]);
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (key in scope && !JSDOM_FIRST.has(key)) continue;
  try {
    scope[key] = dom.window[key];
  } catch {
    // A read-only global of Node's keeps Node's value.
  }
}
// jsdom lays nothing out: scrolling is a no-op.
dom.window.HTMLElement.prototype.scrollIntoView = function scrollIntoView() {};
dom.window.scrollTo = () => undefined;
scope.IS_REACT_ACT_ENVIRONMENT = true;

export const jsdomWindow = dom.window as Window & typeof globalThis;
