import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deleteSession, extendSession, findLiveSession, insertSession } from '../data/stores/sessions.js';
import type { UserRole } from '../data/stores/users.js';
import type { ConsoleContext } from './context.js';
import { serializeCookie } from './cookies.js';
import { formOf } from './forms.js';
import type { Lang, Translate } from './i18n.js';

/** The session cookie: a random 32-byte token (hex); the database keeps only its SHA-256. */
export const SESSION_COOKIE = 'mb_session';
/** The login form's CSRF cookie (double submit: the form carries the same value). */
export const LOGIN_CSRF_COOKIE = 'mb_login';
/** The hidden form field every POST carries. */
export const CSRF_FIELD = '_csrf';

/** Who is signed in, as every route sees it. */
export interface Viewer {
  userId: number;
  email: string;
  role: UserRole;
  /** The seller a seller user belongs to (null for operators). */
  sellerId: number | null;
  sellerCode: string | null;
  csrfToken: string;
  /** The session row's id (the token's hash). */
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    cookies: Record<string, string>;
    lang: Lang;
    t: Translate;
  }
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** A random token: 32 bytes, hex. */
export function randomToken(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** Compares two tokens in constant time (false when either is missing). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Starts a session for `userId`: a row in `sessions` and the HttpOnly, SameSite=Lax cookie. */
export async function startSession(ctx: ConsoleContext, reply: FastifyReply, userId: number): Promise<void> {
  const token = randomToken();
  const now = ctx.deps.now();
  await insertSession(ctx.deps.db.knex, { id: sha256(token), userId, csrfToken: randomToken(), expiresAt: new Date(now.getTime() + ctx.options.sessionTtlMs), createdAt: now });
  reply.header('set-cookie', [
    serializeCookie(SESSION_COOKIE, token, { httpOnly: true, secure: ctx.options.secureCookies, maxAge: ctx.options.sessionTtlMs / 1000 }),
    serializeCookie(LOGIN_CSRF_COOKIE, '', { httpOnly: true, secure: ctx.options.secureCookies, maxAge: 0 }),
  ]);
}

/** Ends the request's session (the row and the cookie). */
export async function endSession(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.viewer) await deleteSession(ctx.deps.db.knex, request.viewer.sessionId);
  reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { httpOnly: true, secure: ctx.options.secureCookies, maxAge: 0 }));
}

/**
 * The viewer of a request from its session cookie, or null (no cookie, unknown or expired
 * session). A session used after half its life is extended (sliding expiry).
 */
export async function viewerOf(ctx: ConsoleContext, token: string | undefined): Promise<Viewer | null> {
  if (!token || !/^[0-9a-f]{64}$/.test(token)) return null;
  const id = sha256(token);
  const now = ctx.deps.now();
  const s = await findLiveSession(ctx.deps.db.knex, id, now);
  if (!s) return null;
  if (s.expiresAt.getTime() - now.getTime() < ctx.options.sessionTtlMs / 2) await extendSession(ctx.deps.db.knex, id, new Date(now.getTime() + ctx.options.sessionTtlMs));
  return { userId: s.userId, email: s.email, role: s.role, sellerId: s.sellerId, sellerCode: s.sellerCode, csrfToken: s.csrfToken, sessionId: id };
}

/** Whether a POST carries the session's CSRF token in its form. */
export function csrfValid(request: FastifyRequest): boolean {
  return sameToken(formOf(request).fields[CSRF_FIELD], request.viewer?.csrfToken);
}

/** The signed-in viewer of a route behind the session check. */
export function viewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new Error('route reached without a session');
  return request.viewer;
}
