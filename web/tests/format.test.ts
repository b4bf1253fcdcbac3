import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes, formatDuration, formatRelative, formatTimestamp, plural } from "../src/lib/format";
import { describeWait } from "../src/api/errors";

test("timestamps read as clocks, with hours only when needed", () => {
  assert.equal(formatTimestamp(0), "0:00");
  assert.equal(formatTimestamp(7.4), "0:07");
  assert.equal(formatTimestamp(59.99), "0:59");
  assert.equal(formatTimestamp(750), "12:30");
  assert.equal(formatTimestamp(3723), "1:02:03");
  assert.equal(formatTimestamp(7.46, true), "0:07.4");
  assert.equal(formatTimestamp(-3), "0:00");
  assert.equal(formatTimestamp(Number.NaN), "0:00");
});

test("durations read as words", () => {
  assert.equal(formatDuration(11), "11 s");
  assert.equal(formatDuration(11.6), "12 s");
  assert.equal(formatDuration(60), "1 min");
  assert.equal(formatDuration(185), "3 min 5 s");
  assert.equal(formatDuration(3600), "1 h");
  assert.equal(formatDuration(3720), "1 h 2 min");
  assert.equal(formatDuration(14400), "4 h");
  assert.equal(formatDuration(null), "—");
  assert.equal(formatDuration(undefined), "—");
});

test("relative times step from seconds to days, then show the date", () => {
  const now = Date.parse("2026-03-12T12:00:00Z");
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();
  assert.equal(formatRelative(ago(10), now), "just now");
  assert.equal(formatRelative(ago(5 * 60), now), "5 min ago");
  assert.equal(formatRelative(ago(3 * 3600), now), "3 h ago");
  assert.equal(formatRelative(ago(26 * 3600), now), "yesterday");
  assert.equal(formatRelative(ago(3 * 86400), now), "3 days ago");
  assert.match(formatRelative(ago(30 * 86400), now), /2026/);
  assert.equal(formatRelative("not a date", now), "");
});

test("sizes use binary units and drop needless decimals", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1024), "1 KB");
  assert.equal(formatBytes(352_300), "344 KB");
  assert.equal(formatBytes(1.5 * 1024 * 1024), "1.5 MB");
  assert.equal(formatBytes(2 * 1024 ** 3), "2 GB");
  assert.equal(formatBytes(-1), "—");
});

test("counts agree with their nouns, and waits read naturally", () => {
  assert.equal(plural(1, "part"), "1 part");
  assert.equal(plural(3, "part"), "3 parts");
  assert.equal(describeWait(1), "in 1 second");
  assert.equal(describeWait(40), "in 40 seconds");
  assert.equal(describeWait(61), "in 2 minutes");
});
