import { InputError } from '../../lib/errors.js';
import { kstDate, kstDayStart } from '../../lib/time.js';

const DAY_MS = 86_400_000;

/** A KST calendar day and its bounds as UTC instants, `[from, to)`. */
export interface ReportDay {
  /** `YYYY-MM-DD` (KST). */
  date: string;
  from: Date;
  to: Date;
}

/** The KST day before the one `now` falls on: the day the nightly report covers. */
export function yesterdayKst(now: Date): string {
  return kstDate(new Date(kstDayStart(kstDate(now)).getTime() - 1));
}

/**
 * The day a report covers: `text` (`YYYY-MM-DD`, a KST calendar day, today at the latest: today's
 * report covers the day so far), or yesterday (KST) when `text` is undefined.
 *
 * @throws InputError for anything else, with the sentence to print.
 */
export function reportDay(text: string | undefined, now: Date): ReportDay {
  const date = text === undefined ? yesterdayKst(now) : text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new InputError(`--date must be a day written YYYY-MM-DD (KST), not "${text}"`);
  let from: Date;
  try {
    from = kstDayStart(date);
  } catch {
    throw new InputError(`--date ${date} is not a calendar date`);
  }
  const today = kstDate(now);
  if (date > today) throw new InputError(`--date ${date} is in the future (today is ${today} KST)`);
  return { date, from, to: new Date(from.getTime() + DAY_MS) };
}
