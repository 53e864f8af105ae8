import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
};

/** `attachment; filename="…"; filename*=UTF-8''…` (an ASCII fallback and the real name). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Sends a file as a download named `name` (xlsx or CSV content type by extension), then calls
 * `cleanup` once it has been sent or failed.
 */
export function sendFile(reply: FastifyReply, file: string, name: string, cleanup?: () => void): FastifyReply {
  const stream = fs.createReadStream(file);
  if (cleanup) {
    stream.on('close', cleanup);
    stream.on('error', cleanup);
  }
  return reply
    .type(TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream')
    .header('content-disposition', attachment(name))
    .header('cache-control', 'no-store')
    .send(stream);
}
