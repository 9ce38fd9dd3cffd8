// Durations as governance writes them: a whole number and one unit (`30s`, `15m`, `24h`, `7d`, `2w`).
// No fractions and no compound forms ("1d12h"), so a reviewer reads a window at a glance.

const UNIT_MS = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

type Unit = keyof typeof UNIT_MS;

export type DurationParse = { ok: true; ms: number } | { ok: false; message: string };

const DURATION = /^(\d+)([smhdw])$/;

export const DURATION_HINT = "a duration is a whole number and a unit (s, m, h, d, w), e.g. 30s, 15m, 24h, 7d, 2w";

export function parseDuration(text: string): DurationParse {
  const match = DURATION.exec(text.trim());
  if (!match) return { ok: false, message: `"${text}" is not a duration: ${DURATION_HINT}` };
  const ms = Number(match[1]) * UNIT_MS[match[2] as Unit];
  // A window longer than ~285,000 years is a typo, and beyond it ms arithmetic loses precision.
  if (!Number.isSafeInteger(ms)) return { ok: false, message: `"${text}" is too long a duration` };
  return { ok: true, ms };
}
