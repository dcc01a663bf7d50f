import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt work factors. The defaults (N=2^14, r=8, p=1) cost about 25 ms and 16 MiB per hash. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** The cost used for every new hash. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const SCHEME = 'scrypt';
// Large enough for N=2^15, r=8 should the cost ever be raised; Node's default maxmem (32 MiB) is not.
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: MAX_MEMORY };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a secret (a password or an already normalized answer) with a fresh random salt. The result is
 * self-describing — `scrypt$N$r$p$salt$hash`, base64 — so the cost can change without invalidating old hashes.
 * Secrets are NFC-normalized first, so an accented character typed composed or decomposed gives the same hash.
 */
export async function hashSecret(secret: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(secret, salt, cost);
  return [SCHEME, cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parse(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || key.length !== KEY_LENGTH) return undefined;
  return { cost: { N, r, p }, salt, key };
}

/**
 * Tells whether `secret` matches `encoded`, comparing in constant time. A malformed hash never matches; it
 * still costs one derivation so that a caller's timing does not reveal which case occurred.
 */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) {
    await derive(secret, randomBytes(SALT_LENGTH), DEFAULT_SCRYPT_COST);
    return false;
  }
  const candidate = await derive(secret, parsed.salt, parsed.cost);
  return timingSafeEqual(candidate, parsed.key);
}
