import bcrypt from 'bcrypt';
import { findSellerByCode } from '../data/stores/sellers.js';
import { findUserByEmail, insertUser, type User, type UserRole } from '../data/stores/users.js';
import { InputError } from '../lib/errors.js';
import type { PipelineDeps } from './deps.js';

/** bcrypt cost of stored password hashes (about 0.2 s per hash on a current server). */
export const BCRYPT_COST = 12;

/** Shortest password accepted for a console login. */
export const MIN_PASSWORD_LENGTH = 10;

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

/** An email as stored and compared: trimmed, lower-case. @throws InputError when it is not an email address. */
export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 320) throw new InputError(`--email "${value}" is not an email address`);
  return email;
}

/** What `users add` is given (the password never on the command line: read from stdin or a prompt). */
export interface AddUserInput {
  email: string;
  role: string;
  /** Seller code; required for a seller user, refused for an operator. */
  seller?: string;
  password: string;
}

/** Who a new login will be, checked: email normalised, role, seller id. */
export interface NewUserTarget {
  email: string;
  role: UserRole;
  sellerId: number | null;
}

/**
 * Checks everything of `users add` but the password, so that a mistake is said before the
 * password is asked for.
 *
 * @throws InputError for a malformed email, an unknown role or seller, a seller given to an
 *   operator, or an email already registered.
 */
export async function checkNewUser(deps: PipelineDeps, input: Omit<AddUserInput, 'password'>): Promise<NewUserTarget> {
  const conn = deps.db.knex;
  const email = normalizeEmail(input.email);
  const role = input.role.trim().toLowerCase();
  if (role !== 'seller' && role !== 'operator') throw new InputError(`--role must be seller or operator, not "${input.role}"`);
  let sellerId: number | null = null;
  if (role === 'seller') {
    if (input.seller === undefined || input.seller.trim() === '') throw new InputError('--seller is required for a seller user: the code of the seller whose shops it sees');
    const seller = await findSellerByCode(conn, input.seller.trim());
    if (!seller) throw new InputError(`seller ${input.seller} does not exist; add it first with \`mallbridge sellers add ${input.seller}\``);
    sellerId = seller.id;
  } else if (input.seller !== undefined) {
    throw new InputError('--seller is for seller users; an operator sees every seller');
  }
  if (await findUserByEmail(conn, email)) throw new InputError(`a user ${email} already exists`);
  return { email, role, sellerId };
}

/**
 * Creates a console login (`mallbridge users add`, design.md §13): a seller user belongs to one
 * seller and sees only its rows; an operator sees all. The password is stored as a bcrypt hash
 * (cost {@link BCRYPT_COST}); a trailing line break is not part of it.
 *
 * @returns the stored user (its hash included; never print it).
 * @throws InputError (exit 2, nothing stored) for what {@link checkNewUser} refuses, or a
 *   password shorter than {@link MIN_PASSWORD_LENGTH} characters.
 */
export async function addUser(deps: PipelineDeps, input: AddUserInput): Promise<User> {
  const target = await checkNewUser(deps, input);
  const password = input.password.replace(/\r?\n$/, '');
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new InputError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  await insertUser(deps.db.knex, { ...target, passwordHash }, deps.now());
  return (await findUserByEmail(deps.db.knex, target.email))!;
}

/** A hash of no password, compared against when the email is unknown, so both cases take as long. */
let decoyHash: Promise<string> | undefined;

/**
 * Checks an email and password. Takes about as long whether or not the email exists.
 *
 * @returns the user, or undefined when the email is unknown or the password wrong (never says which).
 */
export async function verifyLogin(deps: PipelineDeps, email: string, password: string): Promise<User | undefined> {
  let normalized: string;
  try {
    normalized = normalizeEmail(email);
  } catch {
    normalized = '';
  }
  const user = normalized ? await findUserByEmail(deps.db.knex, normalized) : undefined;
  if (!user) {
    decoyHash ??= bcrypt.hash('mallbridge-decoy-password', BCRYPT_COST);
    await bcrypt.compare(password, await decoyHash);
    return undefined;
  }
  return (await bcrypt.compare(password, user.passwordHash)) ? user : undefined;
}
