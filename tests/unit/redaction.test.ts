import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../lib/logger.js';
import { maskSecret, redactText, rememberSecret } from '../../lib/redact.js';
import { ApiError } from '../../lib/errors.js';

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ console: false, transports: [new winston.transports.Stream({ stream, format: winston.format.json() })] });
  return { logger, lines };
}

describe('the logger never writes a credential', () => {
  test('a remembered secret inside an error message, a URL and meta is masked', async () => {
    const secret = 'SL387654_remembered-licence-key';
    rememberSecret(secret);
    const { logger, lines } = captureLogger();
    logger.error(`call failed for key ${secret}`, { url: `https://api.example/x?licenseKey=${secret}`, error: new Error(`bad ${secret}`) });
    logger.child({ module: 'connector:rakuten' }).warn('retry', { detail: { nested: [secret] } });
    await new Promise((r) => setTimeout(r, 20));
    const out = lines.join('\n');
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('connector:rakuten');
  });

  test('credential shapes are masked even when never seen: headers, bcrypt secrets, form fields, JSON fields, URL passwords', async () => {
    const { logger, lines } = captureLogger();
    logger.info('Authorization: Bearer 5Qm2Zr8TfW1pLx0aKc7YbN and ESA U1AzODc2NTQ6U0wzODc2NTQ=');
    logger.info('secret $2a$04$QKLnou1D2cSH19Pia30bcu in text');
    logger.info('body client_id=x&client_secret_sign=JDJhJDA0JFFLTG5vdTFE&type=SELF');
    logger.info('json {"access_token":"tok-abcdef","expires_in":10800}');
    logger.info('db mysql://root:hunter2@127.0.0.1:3306/prod');
    logger.info('meta', { applicationSecret: 'plain-secret-value', password: 'pw-123456', nested: { serviceSecret: 'SP-secret' } });
    await new Promise((r) => setTimeout(r, 20));
    const out = lines.join('\n');
    for (const leaked of ['5Qm2Zr8TfW1pLx0aKc7YbN', 'U1AzODc2NTQ6U0wzODc2NTQ=', 'QKLnou1D2cSH19Pia30bcu', 'JDJhJDA0JFFLTG5vdTFE', 'tok-abcdef', 'hunter2', 'plain-secret-value', 'pw-123456', 'SP-secret']) {
      expect([leaked, out.includes(leaked)]).toEqual([leaked, false]);
    }
  });

  test('ApiError bodies and causes are redacted too', async () => {
    rememberSecret('SP387654_service-secret-xyz');
    const { logger, lines } = captureLogger();
    const err = new ApiError({ mall: 'rakuten', call: 'searchOrder', kind: 'auth', message: 'refused', body: 'echo SP387654_service-secret-xyz', cause: new Error('SP387654_service-secret-xyz') });
    logger.error('pull failed', { error: err });
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.join('\n')).not.toContain('SP387654_service-secret-xyz');
  });

  test('redactText keeps ordinary text; maskSecret shows only the shape', () => {
    expect(redactText('pulled 12 lines from shop 3')).toBe('pulled 12 lines from shop 3');
    expect(maskSecret('7dMvteboKNHwyRremLXXXX')).toBe('7dMv…XX (22 chars)');
    expect(maskSecret('short')).toBe('***** (5 chars)');
  });
});
