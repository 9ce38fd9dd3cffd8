// Local time in an IANA zone, fast: quiet hours are tested on every decision, and asking Intl (through
// luxon) for a zone's offset costs microseconds. Offsets are memoised per zone and UTC hour; an hour in
// which the offset changes (a DST transition, which may fall on a half hour) is marked and answered
// exactly every time, so the memo's answers are exact, not approximations.
import { IANAZone } from "luxon";
import type { QuietHours } from "../../governance/bundle.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Marks an hour bucket whose offset changes inside it. Offsets are finite, so this never collides. */
const MIXED = Number.POSITIVE_INFINITY;
/** Bounds the memo per zone (a zone's buckets for ~11 years); past it the zone's memo starts over. */
const MAX_BUCKETS_PER_ZONE = 100_000;

function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/**
 * A memo of a pure function (a zone's UTC offset at an instant): it changes no answer, only how fast
 * one comes, so sharing one per process keeps decide() deterministic.
 */
export class ZoneOffsets {
  private readonly zones = new Map<string, { zone: IANAZone; buckets: Map<number, number> } | null>();

  private entry(zone: string) {
    let entry = this.zones.get(zone);
    if (entry === undefined) {
      const iana = IANAZone.create(zone);
      entry = iana.isValid ? { zone: iana, buckets: new Map() } : null;
      this.zones.set(zone, entry);
    }
    return entry;
  }

  isValidZone(zone: string): boolean {
    return this.entry(zone) !== null;
  }

  /** The zone's offset from UTC at instant `at` (epoch ms), in ms, exactly — the slow way. */
  exactOffsetMs(zone: string, at: number): number {
    const entry = this.entry(zone);
    if (entry === null) throw new RangeError(`unknown time zone ${zone}`);
    return entry.zone.offset(at) * MINUTE_MS;
  }

  /** The zone's offset from UTC at instant `at` (epoch ms), in ms — memoised by UTC hour. */
  offsetMs(zone: string, at: number): number {
    const entry = this.entry(zone);
    if (entry === null) throw new RangeError(`unknown time zone ${zone}`);
    const hour = Math.floor(at / HOUR_MS);
    let offset = entry.buckets.get(hour);
    if (offset === undefined) {
      const start = entry.zone.offset(hour * HOUR_MS);
      const end = entry.zone.offset(hour * HOUR_MS + HOUR_MS - 1);
      offset = start === end ? start * MINUTE_MS : MIXED;
      if (entry.buckets.size >= MAX_BUCKETS_PER_ZONE) entry.buckets.clear();
      entry.buckets.set(hour, offset);
    }
    return offset === MIXED ? entry.zone.offset(at) * MINUTE_MS : offset;
  }

  /** Milliseconds since local midnight at instant `at`. */
  msOfDay(zone: string, at: number): number {
    return mod(at + this.offsetMs(zone, at), DAY_MS);
  }

  /**
   * The first instant after `after` at which the local wall clock reads `wall` (wall-clock ms, i.e. the
   * local date and time written as if it were UTC). When that wall time does not exist (skipped by a
   * DST change), the instant the clock jumps over it. Assumes at most one offset change within a day
   * of `wall`, which holds for every zone in use.
   */
  firstInstantOfWall(zone: string, wall: number, after: number): number {
    const before = this.offsetMs(zone, wall - DAY_MS);
    const later = this.offsetMs(zone, wall + DAY_MS);
    let best = Number.POSITIVE_INFINITY;
    for (const offset of before === later ? [before] : [before, later]) {
      const at = wall - offset;
      if (at > after && at < best && this.offsetMs(zone, at) === offset) best = at;
    }
    if (best !== Number.POSITIVE_INFINITY) return best;
    // A gap: the clock jumps from before `wall` to after it. Find the jump: the first instant with the
    // later offset, between the two readings of `wall`.
    let lo = wall - Math.max(before, later);
    let hi = wall - Math.min(before, later);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.exactOffsetMs(zone, mid) === later) hi = mid;
      else lo = mid;
    }
    return Math.max(hi, after + 1);
  }
}

/** True when `quiet` is a period at all (`from` = `to` means none). */
export function hasQuietPeriod(quiet: QuietHours): boolean {
  return quiet.fromMinute !== quiet.toMinute;
}

/** Is instant `at` inside quiet hours in `zone`? [from, to) in local time; from > to spans midnight. */
export function isQuiet(offsets: ZoneOffsets, zone: string, quiet: QuietHours, at: number): boolean {
  const from = quiet.fromMinute * MINUTE_MS;
  const to = quiet.toMinute * MINUTE_MS;
  if (from === to) return false;
  const m = offsets.msOfDay(zone, at);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/**
 * Where the quiet period that contains `at` ends: the first instant after `at` at which the local clock
 * reads `to` — on the next local day when `at` is in the evening part of a period spanning midnight.
 * Exact across DST changes, including a `to` the clock skips (spring forward) or reads twice (fall back).
 */
export function quietEnd(offsets: ZoneOffsets, zone: string, quiet: QuietHours, at: number): number {
  const local = at + offsets.offsetMs(zone, at);
  const m = mod(local, DAY_MS);
  const midnight = local - m;
  const from = quiet.fromMinute * MINUTE_MS;
  const to = quiet.toMinute * MINUTE_MS;
  const wall = from > to && m >= from ? midnight + DAY_MS + to : midnight + to;
  return offsets.firstInstantOfWall(zone, wall, at);
}
