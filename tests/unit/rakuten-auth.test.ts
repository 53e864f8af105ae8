import { esaAuthorization, esaToken, RAKUTEN_CONTENT_TYPE, rakutenHeaders } from '../../connectors/rakuten/auth.js';
import { redactText } from '../../lib/redact.js';

const keys = { serviceSecret: 'SP123456_abcDEF0123', licenseKey: 'SL123456_xyzXYZ9876' };

describe('ESA authorization (spec §1.1)', () => {
  test('is "ESA " + base64(serviceSecret:licenseKey), one space after ESA', () => {
    const expected = Buffer.from('SP123456_abcDEF0123:SL123456_xyzXYZ9876').toString('base64');
    expect(esaToken(keys)).toBe(expected);
    expect(esaAuthorization(keys)).toBe(`ESA ${expected}`);
    expect(esaAuthorization(keys)).toBe('ESA U1AxMjM0NTZfYWJjREVGMDEyMzpTTDEyMzQ1Nl94eXpYWVo5ODc2');
  });

  test('the token and both keys never reach a log line', () => {
    const token = esaToken(keys);
    const line = `token=${token} pair ${keys.serviceSecret}/${keys.licenseKey} raw:${token}`;
    const red = redactText(line);
    expect(red).not.toContain(token);
    expect(red).not.toContain(keys.serviceSecret);
    expect(red).not.toContain(keys.licenseKey);
  });
});

describe('request headers (spec §1.2)', () => {
  test('Content-Type is exactly "application/json; charset=utf-8", with the space', () => {
    expect(RAKUTEN_CONTENT_TYPE).toBe('application/json; charset=utf-8');
    const headers = rakutenHeaders(keys);
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers.authorization).toBe(esaAuthorization(keys));
  });
});
