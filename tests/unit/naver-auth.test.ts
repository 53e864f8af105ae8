import { clientSecretSign, createTokenManager, TIMESTAMP_BACKDATE_MS, tokenRequestForm } from '../../connectors/naver/auth.js';
import type { TokenAnswer } from '../../connectors/naver/schemas.js';
import { silentLogger } from '../../lib/logger.js';

describe('clientSecretSign (spec §2.2 test vectors)', () => {
  test('V1, the official vector (non-canonical salt ending in v, normalised by bcrypt)', () => {
    expect(clientSecretSign('aaaabbbbcccc', '$2a$10$abcdefghijklmnopqrstuv', 1643961623299)).toBe(
      'JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy',
    );
  });

  test('V2, the self-computed vector with a $2a$04$ secret', () => {
    const sign = clientSecretSign('7dMvteboKNHwyRremLXXXX', '$2a$04$QKLnou1D2cSH19Pia30bcu', 1706671059230);
    expect(sign).toBe('JDJhJDA0JFFLTG5vdTFEMmNTSDE5UGlhMzBiY3VZTnVmcGFOMTBSeXlvd2pRTDVTUUdZSTJJRWdlbk9t');
    expect(sign).toMatch(/^[A-Za-z0-9]{80}$/);
  });
});

describe('tokenRequestForm (spec §2.1)', () => {
  test('sends the five SELF fields, the same timestamp as the signature, and no account_id', () => {
    const form = tokenRequestForm({ applicationId: '7dMvteboKNHwyRremLXXXX', applicationSecret: '$2a$04$QKLnou1D2cSH19Pia30bcu' }, 1706671059230);
    expect([...form.keys()].sort()).toEqual(['client_id', 'client_secret_sign', 'grant_type', 'timestamp', 'type']);
    expect(form.get('type')).toBe('SELF');
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('timestamp')).toBe('1706671059230');
    expect(form.toString()).toBe(
      'client_id=7dMvteboKNHwyRremLXXXX&timestamp=1706671059230&grant_type=client_credentials&client_secret_sign=JDJhJDA0JFFLTG5vdTFEMmNTSDE5UGlhMzBiY3VZTnVmcGFOMTBSeXlvd2pRTDVTUUdZSTJJRWdlbk9t&type=SELF',
    );
  });
});

describe('token manager (spec §2.3, §2.4)', () => {
  const credentials = { applicationId: 'app', applicationSecret: '$2a$04$QKLnou1D2cSH19Pia30bcu' };

  function setup(expiresIn = 10_800) {
    let t = Date.UTC(2026, 0, 1, 0, 0, 0);
    const forms: URLSearchParams[] = [];
    let n = 0;
    const manager = createTokenManager({
      credentials,
      now: () => new Date(t),
      logger: silentLogger(),
      requestToken: async (form): Promise<TokenAnswer> => {
        forms.push(form);
        return { access_token: `token-${++n}`, expires_in: expiresIn, token_type: 'Bearer' };
      },
    });
    return { manager, forms, advance: (ms: number) => (t += ms), now: () => t };
  }

  test('reuses the token while 30 minutes or more remain, asks again below that', async () => {
    const { manager, forms, advance } = setup();
    expect(await manager.token()).toBe('token-1');
    advance(2.5 * 3600_000); // 30 min left
    expect(await manager.token()).toBe('token-1');
    advance(1);
    expect(await manager.token()).toBe('token-2');
    expect(forms).toHaveLength(2);
  });

  test('signs a timestamp a few seconds in the past', async () => {
    const { manager, forms, now } = setup();
    await manager.token();
    expect(Number(forms[0]!.get('timestamp'))).toBe(now() - TIMESTAMP_BACKDATE_MS);
  });

  test('concurrent callers share one request', async () => {
    const { manager, forms } = setup();
    const got = await Promise.all([manager.token(), manager.token(), manager.token()]);
    expect(got).toEqual(['token-1', 'token-1', 'token-1']);
    expect(forms).toHaveLength(1);
  });

  test('invalidate forgets the rejected token only', async () => {
    const { manager, forms } = setup();
    await manager.token();
    manager.invalidate('some-older-token');
    expect(await manager.token()).toBe('token-1');
    manager.invalidate('token-1');
    expect(await manager.token()).toBe('token-2');
    expect(forms).toHaveLength(2);
  });
});
