import fs from 'node:fs';
import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../connectors/rakuten/sandbox.js';
import { NAVER_DEFAULT_RATE } from '../connectors/naver/credentials.js';
import { RAKUTEN_DEFAULT_RATE } from '../connectors/rakuten/credentials.js';

/** Both sandbox malls, running, with the credentials files a shop can be registered with. */
export interface Sandboxes {
  naver: NaverSandbox;
  rakuten: RakutenSandbox;
  /** Credentials files written (mode 0600) for `shops add --credentials-file`. */
  files: { naver: string; rakuten: string };
  close(): Promise<void>;
}

/**
 * Starts the Naver and Rakuten sandboxes on 127.0.0.1 (design.md §8 `mallbridge sandbox`) and
 * writes their credentials into `dir` as JSON files a shop can be added with.
 *
 * @param options.throttled apply the marketplaces' real rate limits (Naver 2/s, Rakuten 1/s); default true.
 */
export async function startSandboxes(dir: string, options: { naverPort?: number; rakutenPort?: number; orders?: number; throttled?: boolean } = {}): Promise<Sandboxes> {
  const throttled = options.throttled ?? true;
  const naver = await startNaverSandbox({ port: options.naverPort ?? 0, ratePerSec: throttled ? NAVER_DEFAULT_RATE : 0, extraOrders: options.orders ?? 0 });
  let rakuten: RakutenSandbox;
  try {
    rakuten = await startRakutenSandbox({ port: options.rakutenPort ?? 0, ratePerSec: throttled ? RAKUTEN_DEFAULT_RATE : 0, extraOrders: options.orders ?? 0 });
  } catch (err) {
    await naver.close();
    throw err;
  }
  fs.mkdirSync(dir, { recursive: true });
  const files = { naver: path.join(dir, 'naver-credentials.json'), rakuten: path.join(dir, 'rakuten-credentials.json') };
  fs.writeFileSync(files.naver, `${JSON.stringify(naver.credentials, null, 2)}\n`, { mode: 0o600 });
  fs.writeFileSync(files.rakuten, `${JSON.stringify(rakuten.credentials, null, 2)}\n`, { mode: 0o600 });
  return {
    naver,
    rakuten,
    files,
    async close() {
      await Promise.allSettled([naver.close(), rakuten.close()]);
    },
  };
}
