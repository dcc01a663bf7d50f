import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock';
import { DATA_DIR } from '../centre';
import { foldTemporary } from './accountManager';
import type { AccountRecord } from './accountStore';
import { normalizeAnswer } from './answers';
import { hashSecret } from './secretHash';
import { QUESTIONS_PER_ACCOUNT, type SecretQuestionCatalogue } from './secretQuestionCatalogue';

const demoSchema = z.object({
  accounts: z.array(
    z.object({
      userName: z.string().regex(/^(IP|CE)\d{6}$/),
      displayName: z.string().min(1),
      role: z.string().min(1),
      password: z.string().min(1).optional(),
      temporaryPassword: z.string().min(1).optional(),
      secretAnswers: z.record(z.string(), z.string().min(1)).optional(),
    }),
  ),
});

/** The demo accounts' secrets, hashed once per process: hashing is deliberately slow. */
interface HashedDemo {
  userName: string;
  displayName: string;
  role: string;
  passwordHash?: string;
  temporaryHash?: string;
  answers: { questionId: string; answerHash: string }[];
}

const hashedByFile = new Map<string, Promise<HashedDemo[]>>();

/** The demo file read by default. */
export const DEMO_ACCOUNTS_FILE = path.join(DATA_DIR, 'demoAccounts.json');

/**
 * The demo secrets' scrypt hashes, prepared by `npm run demo:hashes` so that a start with DEMO_DATA does not
 * spend a third of a second of CPU deriving them (twelve derivations, slow on purpose) before /readyz. Keyed by
 * the SHA-256 of the secret as hashed: the secrets are public test values (data/demoAccounts.json), and a
 * secret changed there without running the script is simply hashed at start-up, as before.
 */
export const DEMO_HASHES_FILE = path.join(DATA_DIR, 'demoAccountHashes.json');

const demoHashesSchema = z.object({ hashes: z.record(z.string(), z.string()) });

function secretKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

type DemoAccount = z.infer<typeof demoSchema>['accounts'][number];

function readDemoAccounts(file: string): DemoAccount[] {
  return demoSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).accounts;
}

/** Each secret of an account in the form it is hashed and compared (see AccountManager). */
const asHashed = {
  password: (secret: string) => secret,
  temporary: foldTemporary,
  answer: normalizeAnswer,
};

/** Every secret of the demo file as it is hashed. */
export function demoSecrets(file: string = DEMO_ACCOUNTS_FILE): string[] {
  return readDemoAccounts(file).flatMap((a) => [
    ...(a.password ? [asHashed.password(a.password)] : []),
    ...(a.temporaryPassword ? [asHashed.temporary(a.temporaryPassword)] : []),
    ...Object.values(a.secretAnswers ?? {}).map(asHashed.answer),
  ]);
}

/** What `npm run demo:hashes` writes to {@link DEMO_HASHES_FILE}: a fresh hash of every demo secret. */
export async function computeDemoHashes(file: string = DEMO_ACCOUNTS_FILE): Promise<Record<string, string>> {
  const secrets = [...new Set(demoSecrets(file))];
  const hashes = await Promise.all(secrets.map((secret) => hashSecret(secret)));
  return Object.fromEntries(secrets.map((secret, i) => [secretKey(secret), hashes[i]]));
}

function readDemoHashes(): Map<string, string> {
  if (!fs.existsSync(DEMO_HASHES_FILE)) return new Map();
  const { hashes } = demoHashesSchema.parse(JSON.parse(fs.readFileSync(DEMO_HASHES_FILE, 'utf8')));
  return new Map(Object.entries(hashes));
}

async function hashDemo(file: string, catalogue: SecretQuestionCatalogue): Promise<HashedDemo[]> {
  const accounts = readDemoAccounts(file);
  const prepared = readDemoHashes();
  const hashOf = async (secret: string) => prepared.get(secretKey(secret)) ?? hashSecret(secret);
  return Promise.all(
    accounts.map(async (a) => {
      const answers = Object.entries(a.secretAnswers ?? {});
      if (answers.length !== 0 && answers.length !== QUESTIONS_PER_ACCOUNT) {
        throw new Error(`demo account ${a.userName}: expected 0 or ${QUESTIONS_PER_ACCOUNT} secret answers`);
      }
      for (const [id] of answers) {
        if (!catalogue.has(id)) throw new Error(`demo account ${a.userName}: unknown question ${id}`);
      }
      return {
        userName: a.userName,
        displayName: a.displayName,
        role: a.role,
        passwordHash: a.password ? await hashOf(asHashed.password(a.password)) : undefined,
        temporaryHash: a.temporaryPassword
          ? await hashOf(asHashed.temporary(a.temporaryPassword))
          : undefined,
        answers: await Promise.all(
          answers.map(async ([questionId, answer]) => ({
            questionId,
            answerHash: await hashOf(asHashed.answer(answer)),
          })),
        ),
      };
    }),
  );
}

/**
 * The DEMO_DATA accounts of data/demoAccounts.json as records ready to store: secrets hashed, a demo
 * temporary password valid 24 hours from now by the bot's clock, and the `demoSeed` mark.
 */
export async function demoAccountRecords(
  clock: Clock,
  catalogue: SecretQuestionCatalogue,
  file: string = DEMO_ACCOUNTS_FILE,
  temporaryPasswordMs = 24 * 3600_000,
): Promise<AccountRecord[]> {
  let hashed = hashedByFile.get(file);
  if (!hashed) {
    hashed = hashDemo(file, catalogue);
    hashedByFile.set(file, hashed);
    hashed.catch(() => hashedByFile.delete(file));
  }
  const now = clock.now();
  return (await hashed).map((d) => {
    const record: AccountRecord = {
      userName: d.userName,
      displayName: d.displayName,
      role: d.role,
      passwordHistory: d.passwordHash ? [d.passwordHash] : [],
      secretAnswers: d.answers.map((a) => ({ ...a })),
      demoSeed: true,
      updatedAt: now.toISOString(),
    };
    if (d.temporaryHash) {
      record.password = {
        hash: d.temporaryHash,
        temporary: true,
        expiresAt: new Date(now.getTime() + temporaryPasswordMs).toISOString(),
      };
    } else if (d.passwordHash) {
      record.password = { hash: d.passwordHash, temporary: false };
    }
    return record;
  });
}
