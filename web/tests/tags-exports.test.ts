import assert from "node:assert/strict";
import { test } from "node:test";
import { transcriptFileQuery } from "../src/api/client";
import { changedSubtitles, DEFAULT_SUBTITLES, EXPORT_FORMATS, fileOptions, parseSubtitles, SUBTITLE_LIMITS, subtitleDraft, subtitleProblem } from "../src/lib/exports";
import { dashboardPath, MAX_TAGS, parseTags, sameTags, tagsText } from "../src/lib/tags";

test("tags are a comma-separated line: trimmed, empties dropped, a repeat in any case kept once", () => {
  assert.deepEqual(parseTags(" interview,  Board  meeting ,, 2026 ,interview, INTERVIEW\nnotes"), { tags: ["interview", "Board meeting", "2026", "notes"] });
  assert.deepEqual(parseTags(""), { tags: [] });
  assert.deepEqual(parseTags(" , "), { tags: [] });
  assert.equal(tagsText(["a", "b c"]), "a, b c");
});

test("a tag longer than 40 characters or more than 20 tags are refused with the rule", () => {
  assert.deepEqual(parseTags("x".repeat(40)), { tags: ["x".repeat(40)] });
  const long = parseTags(`ok, ${"y".repeat(41)}`);
  assert.ok("problem" in long && /at most 40 characters/.test(long.problem), JSON.stringify(long));
  const many = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`).join(",");
  const refused = parseTags(many);
  assert.ok("problem" in refused && /at most 20 tags/.test(refused.problem), JSON.stringify(refused));
  assert.deepEqual(parseTags(Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`).join(",")), { tags: Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`) });
});

test("tags compare without case; the dashboard's address keeps the search beside the tag", () => {
  assert.equal(sameTags(["A", "b"], ["B", "a"]), true);
  assert.equal(sameTags(["a"], ["a", "b"]), false);
  assert.equal(dashboardPath({}), "/");
  assert.equal(dashboardPath({ tag: "Board meeting" }), "/?tag=Board+meeting");
  assert.equal(dashboardPath({ q: " kennedy ", tag: "speech" }), "/?q=kennedy&tag=speech");
  assert.equal(dashboardPath({ q: "kennedy", tag: " " }), "/?q=kennedy");
});

test("the downloads offer text, subtitles, JSON, Markdown and Word", () => {
  assert.deepEqual(
    EXPORT_FORMATS.map((format) => [format.format, format.extension]),
    [
      ["txt", "txt"],
      ["srt", "srt"],
      ["vtt", "vtt"],
      ["json", "json"],
      ["md", "md"],
      ["docx", "docx"],
    ],
  );
});

test("subtitle settings are whole numbers within the service's ranges", () => {
  const ranges = Object.fromEntries(SUBTITLE_LIMITS.map((limit) => [limit.name, [limit.min, limit.max, limit.default]]));
  assert.deepEqual(ranges, { maxLineLength: [10, 100, 42], maxLines: [1, 4, 2], maxCueSeconds: [1, 30, 7], minGapMs: [0, 2000, 0] });
  const line = SUBTITLE_LIMITS[0];
  assert.equal(subtitleProblem(line, "20"), null);
  assert.equal(subtitleProblem(line, " 100 "), null);
  assert.equal(subtitleProblem(line, "9"), "Characters per line must be from 10 to 100 characters.");
  assert.equal(subtitleProblem(line, "101"), "Characters per line must be from 10 to 100 characters.");
  assert.equal(subtitleProblem(line, ""), "Characters per line: enter a whole number from 10 to 100.");
  assert.equal(subtitleProblem(line, "4.5"), "Characters per line: enter a whole number from 10 to 100.");
  assert.deepEqual(parseSubtitles(subtitleDraft()), { settings: DEFAULT_SUBTITLES });
  assert.deepEqual(parseSubtitles({ ...subtitleDraft(), maxLineLength: "20", minGapMs: "120" }), { settings: { ...DEFAULT_SUBTITLES, maxLineLength: 20, minGapMs: 120 } });
  const bad = parseSubtitles({ maxLineLength: "5", maxLines: "2", maxCueSeconds: "31", minGapMs: "x" });
  assert.ok("problems" in bad);
  assert.deepEqual(Object.keys(bad.problems), ["maxLineLength", "maxCueSeconds", "minGapMs"]);
});

test("a download names only what differs from the service's defaults, and only where it applies", () => {
  const [txt, srt, , json, md, docx] = EXPORT_FORMATS;
  const settings = { ...DEFAULT_SUBTITLES, maxLineLength: 20 };
  assert.deepEqual(changedSubtitles(DEFAULT_SUBTITLES), {});
  assert.deepEqual(fileOptions(srt, true, settings), { subtitles: { maxLineLength: 20 } });
  assert.deepEqual(fileOptions(srt, true, DEFAULT_SUBTITLES), {});
  assert.deepEqual(fileOptions(txt, true, settings), { timestamps: true });
  assert.deepEqual(fileOptions(md, false, settings), {});
  assert.deepEqual(fileOptions(docx, true, settings), { timestamps: true });
  assert.deepEqual(fileOptions(json, true, settings), {});

  assert.equal(transcriptFileQuery("srt", { subtitles: { maxLineLength: 20, maxLines: 1, maxCueSeconds: 4, minGapMs: 100 } }), "format=srt&maxLineLength=20&maxLines=1&maxCueSeconds=4&minGapMs=100");
  assert.equal(transcriptFileQuery("docx", { timestamps: true }), "format=docx&timestamps=true");
  assert.equal(transcriptFileQuery("md", {}), "format=md");
  assert.equal(transcriptFileQuery("json", { timestamps: true, subtitles: { maxLines: 1 } }), "format=json", "neither applies to JSON");
  assert.equal(transcriptFileQuery("vtt", { timestamps: true, subtitles: { maxLines: 1 } }), "format=vtt&maxLines=1");
});
