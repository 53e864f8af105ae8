import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import { BIN, REPO, runCli } from './cli.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (git-ignored; CI keeps them as artifacts). */
export const SCREENSHOTS = path.join(REPO, 'var', 'screenshots');

/** Whether Chromium is installed; says loudly, once, when the browser suites are skipped. */
export function chromiumInstalled(): boolean {
  const ok = fs.existsSync(CHROMIUM);
  if (!ok) process.stderr.write(`\n*** browser suites SKIPPED: no Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (.ci/run does) ***\n\n`);
  return ok;
}

/** Headless Chromium as CI runs it: no sandbox (root in a container), no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
}

/**
 * A fresh browser profile (Korean, 1280×900) whose requests for /favicon.ico never reach the
 * console. Console bug: an anonymous GET /favicon.ico is redirected to /login, whose answer sets
 * a new login token cookie, so the token in the login form already on screen no longer matches
 * and the first login fails ("로그인 양식이 만료되었습니다"). `faviconBug: true` keeps the
 * browser's own behaviour, for the test that shows it.
 */
export async function newContext(browser: Browser, options: { faviconBug?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1280, height: 900 } });
  if (!options.faviconBug) await context.route('**/favicon.ico', (route) => route.fulfill({ status: 404, body: '' }));
  return context;
}

/** Saves a full-page screenshot as `var/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Clicks what starts a download and returns it with its bytes. */
export async function download(page: Page, click: () => Promise<void>): Promise<{ download: Download; name: string; data: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await d.path();
  return { download: d, name: d.suggestedFilename(), data: fs.readFileSync(file) };
}

/** Runs `mallbridge ...args` with `env` and fails with its output unless it exits 0; returns the parsed JSON when asked with --json. */
export async function cli(args: string[], env: Record<string, string>, input?: string): Promise<unknown> {
  const r = await runCli(args, env, input !== undefined ? { input } : {});
  if (r.code !== 0) throw new Error(`mallbridge ${args.join(' ')} exited ${String(r.code)}:\n${r.stdout}${r.stderr}`);
  return r.json;
}

/** A `mallbridge console` subprocess. */
export interface ConsoleProcess {
  baseUrl: string;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM to this process (and only it); resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `mallbridge console --port 0` with exactly `env` (plus PATH and HOME) and waits for its URL. */
export async function startConsole(env: Record<string, string>): Promise<ConsoleProcess> {
  const child = spawn(process.execPath, [BIN, 'console', '--port', '0'], { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    if (base) return { baseUrl: base, stderr: () => stderr, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`mallbridge console did not start:\n${stdout}${stderr}`);
}

/** Logs in on the login form of `page`; waits for the shops page it leads to. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${baseUrl}/shops`), page.click('form[action="/login"] button[type=submit]')]);
}
