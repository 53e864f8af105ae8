import { toKstIsoMillis } from '../lib/time.js';

/** `2026-12-01 10:05:00 KST`: how job times are shown to people (the schedule is in Asia/Seoul). */
export function kstText(date: Date): string {
  const iso = toKstIsoMillis(date);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} KST`;
}

/** `2026-12-01T10:05:00.000+09:00`: job times in `--json` output. */
export function kstIso(date: Date | null | undefined): string | null {
  return date ? toKstIsoMillis(date) : null;
}

/** `1.2 s`, `3 min 5 s`, `250 ms`: a duration for people. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${min} min ${s} s` : `${min} min`;
}
