import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../../src/services/clock';
import {
  DEMO_ACCOUNTS_FILE,
  DEMO_HASHES_FILE,
  demoAccountRecords,
  demoSecrets,
} from '../../../src/services/accounts/demoAccounts';
import { verifySecret } from '../../../src/services/accounts/secretHash';
import { loadSecretQuestionCatalogue } from '../../../src/services/accounts/secretQuestionCatalogue';

const prepared = new Map(
  Object.entries(
    (JSON.parse(fs.readFileSync(DEMO_HASHES_FILE, 'utf8')) as { hashes: Record<string, string> }).hashes,
  ),
);
const keyOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
const clock = new FixedClock(new Date('2026-11-27T10:00:00-05:00'));

describe('demo accounts', () => {
  it('has a prepared hash of every demo secret, and each verifies its secret (else run npm run demo:hashes)', async () => {
    const secrets = demoSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(11);
    for (const secret of secrets) {
      const hash = prepared.get(keyOf(secret));
      expect(hash).toBeDefined();
      await expect(verifySecret(secret, hash!)).resolves.toBe(true);
    }
  });

  it('stores the prepared hashes, so start-up derives none', async () => {
    const records = await demoAccountRecords(clock, loadSecretQuestionCatalogue());
    const stored = records.flatMap((r) => [
      ...r.passwordHistory,
      ...(r.password ? [r.password.hash] : []),
      ...r.secretAnswers.map((a) => a.answerHash),
    ]);
    expect(stored.length).toBeGreaterThanOrEqual(11);
    for (const hash of stored) expect([...prepared.values()]).toContain(hash);
  });

  it('hashes at start-up a secret that has no prepared hash', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'demo-')), 'demoAccounts.json');
    const accounts = JSON.parse(fs.readFileSync(DEMO_ACCOUNTS_FILE, 'utf8')) as {
      accounts: Array<{ userName: string; password?: string }>;
    };
    const changed = accounts.accounts.find((a) => a.password)!;
    changed.password = 'Un-Autre-Mot-De-Passe-2026';
    fs.writeFileSync(file, JSON.stringify(accounts));
    const records = await demoAccountRecords(clock, loadSecretQuestionCatalogue(), file);
    const record = records.find((r) => r.userName === changed.userName)!;
    const hash = record.passwordHistory[0];
    expect([...prepared.values()]).not.toContain(hash);
    await expect(verifySecret('Un-Autre-Mot-De-Passe-2026', hash)).resolves.toBe(true);
  });
});
