import { z } from 'zod';

/** Production base URL of the Naver Commerce API for own-store applications (spec §1). */
export const NAVER_BASE_URL = 'https://api.commerce.naver.com/external';

/** Documented-ish rate for own-store apps: about 2 requests/s (spec §7.4, UNCERTAIN). */
export const NAVER_DEFAULT_RATE = 2;

/**
 * A Naver application's credentials file: `{"applicationId": "...", "applicationSecret": "..."}`
 * (design.md §8). The secret is a bcrypt salt (`$2a$04$` + 22 characters, spec §2.2, §2.7).
 */
export const NaverCredentials = z.object({
  applicationId: z
    .string({ error: (iss) => (iss.input === undefined ? 'applicationId is required' : 'applicationId must be text') })
    .min(1, 'applicationId is empty')
    .refine((v) => v === v.trim(), 'applicationId has spaces around it; copy it again from 커머스API센터'),
  applicationSecret: z
    .string({ error: (iss) => (iss.input === undefined ? 'applicationSecret is required' : 'applicationSecret must be text') })
    .regex(
      /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{22}$/,
      'applicationSecret must look like $2a$04$ followed by 22 characters, as 커머스API센터 shows it (a `$` lost to shell or .env expansion truncates it)',
    ),
});
export type NaverCredentials = z.infer<typeof NaverCredentials>;
