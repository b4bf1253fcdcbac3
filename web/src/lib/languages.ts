// The languages a job can ask for (openapi.yaml's LanguageCode), with names for people.

export const LANGUAGE_CODES = [
  "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs", "cy", "da", "de", "el", "en",
  "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu", "ha", "haw", "he", "hi", "hr", "ht", "hu", "hy", "id", "is",
  "it", "ja", "jw", "ka", "kk", "km", "kn", "ko", "la", "lb", "ln", "lo", "lt", "lv", "mg", "mi", "mk", "ml", "mn",
  "mr", "ms", "mt", "my", "ne", "nl", "nn", "no", "oc", "pa", "pl", "ps", "pt", "ro", "ru", "sa", "sd", "si", "sk",
  "sl", "sn", "so", "sq", "sr", "su", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl", "tr", "tt", "uk", "ur", "uz",
  "vi", "yi", "yo", "zh", "yue",
] as const;

const FALLBACK_NAMES: Record<string, string> = { jw: "Javanese", haw: "Hawaiian", yue: "Cantonese" };

let displayNames: Intl.DisplayNames | null | undefined;

/** "German" for `de`; the code itself when the browser has no name for it. */
export function languageName(code: string | null | undefined): string {
  if (!code) return "—";
  if (code === "auto") return "Detect automatically";
  if (FALLBACK_NAMES[code]) return FALLBACK_NAMES[code];
  if (displayNames === undefined) {
    try {
      displayNames = new Intl.DisplayNames(["en"], { type: "language" });
    } catch {
      displayNames = null;
    }
  }
  try {
    const name = displayNames?.of(code);
    if (name && name !== code) return name;
  } catch {
    // An unknown code: shown as it is.
  }
  return code;
}

/** The choices for the language field, by name, English first (the default model's language). */
export function languageOptions(): { code: string; name: string }[] {
  const all = LANGUAGE_CODES.map((code) => ({ code, name: languageName(code) }));
  all.sort((a, b) => a.name.localeCompare(b.name));
  const english = all.findIndex((option) => option.code === "en");
  if (english > 0) all.unshift(...all.splice(english, 1));
  return all;
}

/**
 * The choices for the language field among the codes the service's model takes (`/v1/me`'s
 * `speech.languages`, `auto` among them): Detect first, then as `languageOptions` orders them.
 * Every language when the list is unknown.
 */
export function speechLanguageOptions(codes: readonly string[] | null | undefined): { code: string; name: string }[] {
  const all = [{ code: "auto", name: languageName("auto") }, ...languageOptions()];
  if (!codes) return all;
  const offered = new Set(codes);
  const known = all.filter((option) => offered.has(option.code));
  // A code the service added that this list lacks: offered too, after the known ones.
  const extra = codes.filter((code) => !all.some((option) => option.code === code)).map((code) => ({ code, name: languageName(code) }));
  return [...known, ...extra];
}
