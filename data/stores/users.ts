import type { Conn } from '../db.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/** What a console login may do (design.md §13): a seller user sees its seller's rows, an operator all. */
export type UserRole = 'seller' | 'operator';

/** A console login (table `users`); `passwordHash` is a bcrypt hash, never the password. */
export interface User {
  id: number;
  email: string;
  role: UserRole;
  /** The seller a `seller` user belongs to; null for operators. */
  sellerId: number | null;
  /** That seller's code (null for operators). */
  sellerCode: string | null;
  passwordHash: string;
  createdAt: Date;
}

type Row = Record<string, unknown>;

function toUser(r: Row): User {
  return {
    id: Number(r.id),
    email: String(r.email),
    role: r.role as UserRole,
    sellerId: r.seller_id === null || r.seller_id === undefined ? null : Number(r.seller_id),
    sellerCode: (r.seller_code as string | null) ?? null,
    passwordHash: String(r.password_hash),
    createdAt: fromDbTime(r.created_at)!,
  };
}

function baseQuery(conn: Conn) {
  return conn('users').leftJoin('sellers', 'sellers.id', 'users.seller_id').select('users.*', 'sellers.code as seller_code');
}

/** Inserts a user; the caller checks the email is free first (a race loses to the unique key). Returns its id. */
export async function insertUser(conn: Conn, user: { email: string; role: UserRole; sellerId: number | null; passwordHash: string }, now = new Date()): Promise<number> {
  const t = toDbTime(now);
  const [id] = await conn('users').insert({ email: user.email, role: user.role, seller_id: user.sellerId, password_hash: user.passwordHash, created_at: t, updated_at: t });
  return Number(id);
}

/** The user with this email (stored lower-case), or undefined. */
export async function findUserByEmail(conn: Conn, email: string): Promise<User | undefined> {
  const row = (await baseQuery(conn).where('users.email', email).first()) as Row | undefined;
  return row ? toUser(row) : undefined;
}

/** The user with this id, or undefined. */
export async function findUserById(conn: Conn, id: number): Promise<User | undefined> {
  const row = (await baseQuery(conn).where('users.id', id).first()) as Row | undefined;
  return row ? toUser(row) : undefined;
}

/** Every user by email. */
export async function listUsers(conn: Conn): Promise<User[]> {
  return ((await baseQuery(conn).orderBy('users.email')) as Row[]).map(toUser);
}

/** How many users there are (the console says how to add the first). */
export async function countUsers(conn: Conn): Promise<number> {
  return Number(((await conn('users').count({ n: '*' }).first()) as { n: number | string }).n);
}
