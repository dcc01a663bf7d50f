import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { StoreItems, Storage } from 'botbuilder';
import {
  createAccountServices,
  type AccountServices,
  type AccountServicesOptions,
} from '../../src/services/accounts';
import type { AttemptContext } from '../../src/services/accounts';
import { FixedClock } from '../../src/services/clock';
import { createLogger, type Logger } from '../../src/services/logger';

/** Wednesday 27 November 2026, 10:00 in Québec: the Centre is open. */
export const CLOCK_START = new Date('2026-11-27T10:00:00-05:00');

export const MINUTE = 60_000;

/** The demo accounts of issue 3, with their secrets in clear, for tests only. */
export const JULIE = {
  userName: 'CE100001',
  password: 'Pharmacie-Rimouski-2026',
  answers: {
    firstPet: 'Filou',
    motherBirthCity: 'Rimouski',
    primarySchool: 'École Saint-Jean',
    firstCarMake: 'Toyota',
    childhoodBestFriend: 'Mathieu',
    favouriteDish: 'Pâté chinois',
    maternalGrandmotherMaidenName: 'Gagnon',
    favouriteTeam: 'Canadiens',
  } as Record<string, string>,
};
/** The secret questions' wording (data/secretQuestions.json), as the bot asks them. */
const QUESTIONS = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'secretQuestions.json'), 'utf8')) as {
    questions: Array<{ id: string; fr: string; en: string }>;
  }
).questions;

/** Julie's answer to the one secret question in what the bot just said (text or speech); throws otherwise. */
export function julieAnswerFor(said: string, lang: 'fr' | 'en' = 'fr'): string {
  const asked = QUESTIONS.filter((q) => said.includes(q[lang]));
  if (asked.length !== 1) throw new Error(`expected one secret question, found ${asked.length} in: ${said}`);
  return JULIE.answers[asked[0].id];
}

/**
 * Asks for a password reset as Julie (CE100001) and answers her three secret questions through `say`, which
 * sends one text turn and returns what the bot said; returns what the bot said at each of the five turns (the
 * last is the new-password prompt).
 */
export async function passJulieReset(say: (text: string) => Promise<string>): Promise<string[]> {
  const said = [await say("J'ai oublié mon mot de passe"), await say('CE100001')];
  const round = await answerJulieRound(said[1], say);
  return [...said, ...round.replies];
}

/**
 * Answers Julie's three secret questions through `say` (one turn; returns what the bot said, text or speech),
 * the first of them asked in `firstAsked`; returns her answers and what the bot said after each.
 */
export async function answerJulieRound(
  firstAsked: string,
  say: (text: string) => Promise<string>,
  lang: 'fr' | 'en' = 'fr',
): Promise<{ given: string[]; replies: string[]; last: string }> {
  const given: string[] = [];
  const replies: string[] = [];
  for (let round = 0; round < 3; round += 1) {
    given.push(julieAnswerFor(replies[round - 1] ?? firstAsked, lang));
    replies.push(await say(given[round]));
  }
  return { given, replies, last: replies[2] };
}

/** What Web Chat posts as `value` when a password card is submitted (no text, the inputs only). */
export function passwordCardValue(
  kind: 'current' | 'new',
  password: string,
  confirmation = password,
): Record<string, string> {
  return kind === 'new' ? { accountsCard: kind, password, confirmation } : { accountsCard: kind, password };
}

export const MARC = { userName: 'CE100002', password: 'Bureau-Levis-2026-Nord' };
export const SOPHIE = { userName: 'IP200001', temporaryPassword: 'TEMP-4821-QC' };

/** Strong passwords that satisfy the policy (zxcvbn score ≥ 3), distinct from every demo secret. */
export const STRONG_PASSWORDS = [
  'Montagne-Bleue-Velo-48',
  'Nouveau-Depart-Levis-93',
  'Girafe-Orange-Kayak-17',
  'Riviere-Sauvage-Crayon-62',
  'Lanterne-Hibou-Marmite-35',
  'Tortue-Violette-Fusee-71',
];

/** Every secret of the demo data, to search logs and state for. */
export const DEMO_SECRETS: string[] = [
  JULIE.password,
  ...Object.values(JULIE.answers),
  MARC.password,
  SOPHIE.temporaryPassword,
];

/** Where an attempt comes from, in tests. */
export function attemptFrom(conversationId = 'conversation-1', channel = 'test'): AttemptContext {
  return { conversationId, channel };
}

/** A logger whose JSON lines are all kept, to check that no secret is ever logged. */
export function memoryLogger(level = 'trace'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

/** A Storage wrapper that records every item written, serialized as it would be stored. */
export class RecordingStorage implements Storage {
  readonly writes: string[] = [];

  constructor(private readonly inner: Storage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.stringify(changes));
    await this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

/** In-memory account services with the demo accounts and a fixed clock. */
export async function memoryAccountServices(
  clock = new FixedClock(CLOCK_START),
  overrides: Partial<AccountServicesOptions> = {},
): Promise<{ services: AccountServices; clock: FixedClock }> {
  const services = await createAccountServices({
    storage: 'memory',
    keyPrefix: 'test:',
    demoData: true,
    clock,
    logger: createLogger('silent'),
    ...overrides,
  });
  return { services, clock };
}
