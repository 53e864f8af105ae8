import { expiryNote, failureSentence, keyPairMismatch, licenceDaysLeft, licenceExpiryWarning } from '../../connectors/rakuten/connection-test.js';
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { EXPIRY_WARNING_DAYS } from '../../connectors/rakuten/index.js';

/** 2026-03-10 10:00 JST. */
const NOW = new Date('2026-03-10T01:00:00Z');

describe('licence expiry (spec §1.1, pitfall 16; design.md §7 credentials:check)', () => {
  test('days are counted in JST calendar days up to the stored last valid day', () => {
    expect(licenceDaysLeft('2026-03-10', NOW)).toBe(0);
    expect(licenceDaysLeft('2026-03-24', NOW)).toBe(14);
    expect(licenceDaysLeft('2026-03-09', NOW)).toBe(-1);
    // 2026-03-09 23:30 UTC is already 2026-03-10 in JST.
    expect(licenceDaysLeft('2026-03-10', new Date('2026-03-09T23:30:00Z'))).toBe(0);
    expect(licenceDaysLeft(undefined, NOW)).toBeNull();
  });

  test('no warning without a date or with more than 14 days left', () => {
    expect(EXPIRY_WARNING_DAYS).toBe(14);
    expect(licenceExpiryWarning(undefined, NOW)).toBeNull();
    expect(licenceExpiryWarning('2026-03-25', NOW)).toBeNull();
  });

  test('within 14 days: when, and what to do, with the 10–30 minute delay of a new key', () => {
    expect(licenceExpiryWarning('2026-03-24', NOW)).toBe(
      'The Rakuten licence key expires on 2026-03-24 (in 14 days): issue a new licence key in RMS (WEB APIサービス) and register it with `mallbridge shops update <shop> --credentials-file F`; a new key can take 10–30 minutes to start working.',
    );
    expect(licenceExpiryWarning('2026-03-11', NOW)).toContain('(in 1 day)');
    expect(licenceExpiryWarning('2026-03-10', NOW)).toContain('(today)');
  });

  test('past: the stored date has passed, same advice', () => {
    const warning = licenceExpiryWarning('2026-03-01', NOW)!;
    expect(warning).toMatch(/^The stored Rakuten licence key expiry date 2026-03-01 has passed: issue a new licence key in RMS \(WEB APIサービス\)/);
    expect(warning).toContain('a new key can take 10–30 minutes to start working');
    expect(expiryNote('2026-03-01', NOW)).toEqual({ warning, passed: ' (the stored expiry date 2026-03-01 has passed)' });
    expect(expiryNote('2026-03-20', NOW).passed).toBe('');
  });

  test('a key pair of two shops is named (keys start with the shop number, spec §1.1)', () => {
    expect(keyPairMismatch({ serviceSecret: 'SP387654_a', licenseKey: 'SL123456_b' })).toContain('shop 387654 but the licenseKey names shop 123456');
    expect(keyPairMismatch({ serviceSecret: 'SP387654_a', licenseKey: 'SL387654_b' })).toBe('');
    expect(keyPairMismatch({ serviceSecret: 'something', licenseKey: 'SL1_b' })).toBe('');
  });
});

describe('failure sentences of the connection test', () => {
  const url = 'http://127.0.0.1:9/wrong';
  test('a 404 or an answer that is not the RMS API points at the API base URL', () => {
    const notFound = new ApiError({ mall: 'rakuten', call: 'searchOrder', kind: 'not_found', status: 404, message: 'x' });
    expect(failureSentence(notFound, url, '')).toBe(`${url} answered HTTP 404 to searchOrder: check the shop's API base URL (Rakuten's is https://api.rms.rakuten.co.jp; leave it unset for production)`);
    const html = new ResponseShapeError({ mall: 'rakuten', call: 'searchOrder', issues: [{ path: '', message: 'not JSON: <html>' }] });
    expect(failureSentence(html, url, '')).toMatch(/^http:\/\/127\.0\.0\.1:9\/wrong answered, but not in the documented form of the RMS API \(is the shop's API base URL right\?/);
  });

  test('ES01-01 with a passed stored date and a pair of two shops says both', () => {
    const auth = new ApiError({ mall: 'rakuten', call: 'searchOrder', kind: 'auth', status: 401, code: 'ES01-01', message: 'x' });
    const sentence = failureSentence(auth, url, ' (the stored expiry date 2026-03-01 has passed)', { serviceSecret: 'SP1_a', licenseKey: 'SL2_b' });
    expect(sentence).toMatch(/^Rakuten refused the key pair \(ES01-01\) \(the stored expiry date 2026-03-01 has passed\): licence key invalid or expired/);
    expect(sentence).toContain('The serviceSecret names shop 1 but the licenseKey names shop 2');
  });
});
