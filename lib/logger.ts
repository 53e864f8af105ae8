import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import type Transport from 'winston-transport';
import { redactText, redactValue } from './redact.js';

export type Logger = winston.Logger;

const SYMBOL_KEYS = [Symbol.for('level'), Symbol.for('message'), Symbol.for('splat')];

/**
 * winston format that masks credentials in the message and every meta field (lib/redact.ts).
 * It runs before any output format, so neither the JSON file nor the terminal sees a secret.
 */
export const redactFormat = winston.format((info) => {
  const copy = redactValue({ ...info }) as Record<string | symbol, unknown>;
  for (const sym of SYMBOL_KEYS) {
    const v = (info as Record<symbol, unknown>)[sym];
    if (v !== undefined) copy[sym] = typeof v === 'string' ? redactText(v) : redactValue(v);
  }
  return copy as winston.Logform.TransformableInfo;
});

/** Drops entries meant for the log file only (an error the command already printed as a sentence). */
const notFileOnly = winston.format((info) => ((info as { fileOnly?: boolean }).fileOnly ? false : info));

const terminalLine = winston.format.printf((info) => {
  const { level, message, module, timestamp, fileOnly: _fileOnly, ...rest } = info as Record<string, unknown>;
  const extras = Object.entries(rest)
    .filter(([k]) => typeof k === 'string' && k !== 'stack')
    .map(([k, v]) => {
      // An error on a terminal is its message; the stack goes to the JSON log file.
      const shown = v && typeof v === 'object' && 'message' in v && 'stack' in v ? (v as { message: unknown }).message : v;
      return `${k}=${typeof shown === 'string' ? shown : JSON.stringify(shown)}`;
    })
    .join(' ');
  const time = typeof timestamp === 'string' ? timestamp.slice(11, 19) : '';
  const mod = module ? ` [${String(module)}]` : '';
  return `${time} ${String(level)}${mod} ${String(message)}${extras ? ` ${extras}` : ''}`;
});

export interface LoggerOptions {
  /** Directory for `mallbridge.log` (JSON lines); omitted = no file. */
  logsDir?: string;
  level?: 'error' | 'warn' | 'info' | 'debug';
  /** Readable lines on stderr; default: only when stderr is a terminal, or for warnings. */
  terminal?: boolean;
  /** Extra transports (tests capture lines here). */
  transports?: Transport[];
  /** false: no stderr output at all (default true). */
  console?: boolean;
}

/**
 * The root logger of a process: JSON lines in `<logsDir>/mallbridge.log`, readable lines on
 * stderr (stdout stays free for command output and `--json`). Modules take a child:
 * `logger.child({ module: 'connector:naver' })`.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const transports: Transport[] = [...(opts.transports ?? [])];
  if (opts.logsDir) {
    fs.mkdirSync(opts.logsDir, { recursive: true });
    transports.push(
      new winston.transports.File({
        filename: path.join(opts.logsDir, 'mallbridge.log'),
        format: winston.format.json(),
      }),
    );
  }
  const terminal = opts.terminal ?? process.stderr.isTTY === true;
  if (opts.console !== false) transports.push(
    new winston.transports.Console({
      stderrLevels: ['error', 'warn', 'info', 'debug'],
      level: terminal ? level : 'warn',
      format: terminal ? winston.format.combine(notFileOnly(), winston.format.colorize(), terminalLine) : winston.format.combine(notFileOnly(), terminalLine),
    }),
  );
  return winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      redactFormat(),
    ),
    transports,
  });
}

/** A logger that writes nowhere (library use and unit tests). */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
