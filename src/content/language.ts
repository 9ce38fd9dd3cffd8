// Which language copy is written in, by trigram statistics (franc-min): deterministic, and only
// trusted on text long enough to say. Pure.
import { franc } from "franc-min";

/** ISO 639-3 (what franc answers) to the ISO 639-1 tags assets declare. */
const TO_TAG: Readonly<Record<string, string>> = {
  eng: "en", deu: "de", fra: "fr", spa: "es", ita: "it", nld: "nl", por: "pt", pol: "pl", ron: "ro",
  ces: "cs", hun: "hu", swe: "sv", dan: "da", nob: "no", fin: "fi", ell: "el", tur: "tr", rus: "ru",
  ukr: "uk", jpn: "ja", cmn: "zh", kor: "ko", arb: "ar",
};
const ONLY = Object.keys(TO_TAG);

/** Fewer letters than this and a detection is a guess; none is reported. */
export const MIN_LETTERS_TO_DETECT = 60;

/** The primary language subtag: `en-GB` -> `en`. */
export function primaryLanguage(tag: string): string {
  return tag.split("-")[0]!.toLowerCase();
}

/** The language the text is written in (a 2-letter tag), or null when the text is too short to tell. */
export function detectLanguage(text: string): string | null {
  // Placeholders, links and numbers say nothing about the language.
  const prose = text.replace(/\{\{[^}]*\}\}/g, " ").replace(/https?:\/\/\S+|\S+@\S+|\S+\.(com|de|fr|org|net)\S*/gi, " ").replace(/[\d%.,:;()[\]"'/+\-–—≥≤<>=]/g, " ");
  const letters = prose.replace(/[^\p{L}]/gu, "").length;
  if (letters < MIN_LETTERS_TO_DETECT) return null;
  const code = franc(prose, { only: ONLY, minLength: MIN_LETTERS_TO_DETECT });
  return TO_TAG[code] ?? null;
}
