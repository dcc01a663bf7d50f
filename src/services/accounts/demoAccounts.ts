import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock';
import { DATA_DIR } from '../centre';
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

async function hashDemo(file: string, catalogue: SecretQuestionCatalogue): Promise<HashedDemo[]> {
  const { accounts } = demoSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
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
        passwordHash: a.password ? await hashSecret(a.password) : undefined,
        // Temporary passwords are compared folded to upper case (see AccountManager).
        temporaryHash: a.temporaryPassword
          ? await hashSecret(a.temporaryPassword.trim().toUpperCase())
          : undefined,
        answers: await Promise.all(
          answers.map(async ([questionId, answer]) => ({
            questionId,
            answerHash: await hashSecret(normalizeAnswer(answer)),
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
  file: string = path.join(DATA_DIR, 'demoAccounts.json'),
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
