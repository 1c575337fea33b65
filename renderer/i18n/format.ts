// Dates and numbers in the app's language, not the browser's or the OS's: a zh-CN page reads 2026年12月2日 even on an
// English system. Every date or number the renderer shows goes through here.
import i18next from 'i18next';

type Instant = number | Date;

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  const found = cache.get(key);
  if (found) return found as T;
  const made = make();
  cache.set(key, made);
  return made;
}

const language = () => i18next.language || 'en';

/** A day: “Dec 2, 2026” / “2026年12月2日”. */
export function formatDate(value: Instant): string {
  const lang = language();
  return cached(`date:${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' })).format(value);
}

/** A moment: the day and the time of day. */
export function formatDateTime(value: Instant): string {
  const lang = language();
  return cached(
    `datetime:${lang}`,
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(value);
}

/** A count or a measure; `options` for percentages and units. */
export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  const lang = language();
  return cached(`number:${lang}:${JSON.stringify(options)}`, () => new Intl.NumberFormat(lang, options)).format(value);
}

/** A `yyyy-mm-dd` value of a date field, as the day it names (local time), or null when empty or malformed. */
export function formatDateField(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  return formatDate(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** A file size: B below a KiB, else KB or MB with one decimal, digits in the app's language. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  const one = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, one)} KB`;
  return `${formatNumber(bytes / 1024 / 1024, one)} MB`;
}

/** How long ago a moment was, in whole minutes, hours or days: “3 minutes ago” / “3分钟前”; null under a minute. */
export function formatAgo(value: number, now: number = Date.now()): string | null {
  const seconds = Math.max(0, (now - value) / 1000);
  if (seconds < 60) return null;
  const lang = language();
  const format = cached(`ago:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'always' }));
  if (seconds < 3600) return format.format(-Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return format.format(-Math.floor(seconds / 3600), 'hour');
  return format.format(-Math.floor(seconds / 86_400), 'day');
}

/** An amount of money: two decimals, or up to four for a fraction of a cent (a per-image cost). */
export function formatMoney(value: number, currency: 'CNY' | 'USD'): string {
  const small = value !== 0 && Math.abs(value) < 0.01;
  return formatNumber(value, {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: small ? 4 : 2,
  });
}
