import { z } from 'zod';

/** Production base URL of the RMS WEB API (spec §0). */
export const RAKUTEN_BASE_URL = 'https://api.rms.rakuten.co.jp';

/** Integrators space order calls about 1 s apart (spec §6.1, UNCERTAIN). */
export const RAKUTEN_DEFAULT_RATE = 1;

const key = (name: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${name} is required` : `${name} must be text`) })
    .min(1, `${name} is empty`)
    .refine((v) => v === v.trim(), `${name} has spaces around it; copy it again from RMS (WEB APIサービス)`)
    .refine((v) => !/\s/.test(v), `${name} contains a space or line break`);

/**
 * A Rakuten shop's credentials file: `{"serviceSecret", "licenseKey", "licenseExpiresAt"?}`
 * (design.md §8). The licence key expires every 90 days (spec §1.1).
 */
export const RakutenCredentials = z.object({
  serviceSecret: key('serviceSecret'),
  licenseKey: key('licenseKey'),
  licenseExpiresAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'licenseExpiresAt must be a date YYYY-MM-DD')
    .optional(),
});
export type RakutenCredentials = z.infer<typeof RakutenCredentials>;
