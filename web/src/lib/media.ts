// What the API accepts as an upload: `audio/*` or `video/*` (the type is signed into the URL).

const BY_EXTENSION: Record<string, string> = {
  aac: "audio/aac",
  aif: "audio/aiff",
  aiff: "audio/aiff",
  amr: "audio/amr",
  flac: "audio/flac",
  m4a: "audio/mp4",
  mp3: "audio/mpeg",
  mpga: "audio/mpeg",
  oga: "audio/ogg",
  ogg: "audio/ogg",
  opus: "audio/opus",
  wav: "audio/wav",
  weba: "audio/webm",
  wma: "audio/x-ms-wma",
  "3gp": "video/3gpp",
  avi: "video/x-msvideo",
  m4v: "video/mp4",
  mkv: "video/x-matroska",
  mov: "video/quicktime",
  mp4: "video/mp4",
  mpeg: "video/mpeg",
  mpg: "video/mpeg",
  ts: "video/mp2t",
  webm: "video/webm",
  wmv: "video/x-ms-wmv",
};

const MEDIA_TYPE = /^(audio|video)\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;

/** The extensions the file picker offers. */
export const ACCEPT = ["audio/*", "video/*", ...Object.keys(BY_EXTENSION).map((ext) => `.${ext}`)].join(",");

/**
 * The media type to declare for a file: the browser's when it is audio or video, else one that
 * fits the extension; `null` when the file is neither.
 */
export function mediaTypeOf(file: { name: string; type: string }): string | null {
  const type = file.type.split(";")[0].trim().toLowerCase();
  if (MEDIA_TYPE.test(type)) return type;
  const extension = file.name.toLowerCase().split(".").pop() ?? "";
  return file.name.includes(".") ? BY_EXTENSION[extension] ?? null : null;
}

/** The link's last path segment, as the API names a job from a link. */
export function filenameOfUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const last = parsed.pathname.split("/").filter(Boolean).pop();
    return last ? decodeURIComponent(last) : parsed.hostname;
  } catch {
    return url;
  }
}

/** Whether `value` is an absolute http(s) URL (what the API takes for links and webhooks). */
export function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value.trim());
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}
