import readline from 'node:readline';
import { Writable } from 'node:stream';
import { InputError } from '../lib/errors.js';

/** Reads all of stdin (a pipe or a file) and returns its first line. */
async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Asks on the terminal without echoing what is typed. */
function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/**
 * A password for a new login, never from argv: typed twice at a prompt (not echoed) when stdin is
 * a terminal, else the first line of stdin (`echo "$PW" | mallbridge users add …`).
 *
 * @throws InputError when stdin is empty or the two typed passwords differ.
 */
export async function readNewPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden('Password: ');
    const again = await askHidden('Password again: ');
    if (first !== again) throw new InputError('the two passwords differ; nothing was stored');
    return first;
  }
  const line = await firstLineOfStdin();
  if (line === '') throw new InputError('no password on stdin: pipe it in (echo "$PASSWORD" | mallbridge users add …) or run the command in a terminal to be asked');
  return line;
}
