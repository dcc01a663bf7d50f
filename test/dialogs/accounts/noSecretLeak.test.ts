import { MemoryStorage } from 'botbuilder';
import { normalizeAnswer } from '../../../src/services/accounts/answers';
import {
  DEMO_SECRETS,
  JULIE,
  memoryAccountServices,
  memoryLogger,
  RecordingStorage,
  SOPHIE,
  STRONG_PASSWORDS,
} from '../../helpers/accounts';
import { answerRound, createAccountsBot, spokenOf, unspell } from '../../helpers/accountsBot';
import { startOnlineServicesOption, startReset } from '../../helpers/accountsConversation';

// Whole conversations hash every secret with scrypt (by design slow): leave room on a loaded machine.
jest.setTimeout(60_000);

const WRONG_PASSWORD = 'Pas-Le-Bon-Secret-77';
const WEAK_PASSWORD = 'azertyuiop12';
const WRONG_ANSWER = 'Réponse inventée';
const SETUP_ANSWERS = Array.from({ length: 8 }, (_, i) => `Secret-choisi-${i}-Zébulon`);

describe('no secret leaves the dialogs', () => {
  it('keeps every password, answer and temporary password out of logs and conversation state', async () => {
    const { logger, lines } = memoryLogger('trace');
    const storage = new RecordingStorage(new MemoryStorage());
    const { services, clock } = await memoryAccountServices(undefined, { logger });
    const bot = await createAccountsBot({ logger, storage, services, clock });
    const secrets = [
      ...DEMO_SECRETS,
      WRONG_PASSWORD,
      WEAK_PASSWORD,
      WRONG_ANSWER,
      ...STRONG_PASSWORDS,
      ...SETUP_ANSWERS,
    ];

    // Chat reset: a wrong round, a right one, a refused weak password, then a strong one.
    const reset = bot.client();
    await startReset(reset, 'fr');
    await answerRound(reset, await reset.say(JULIE.userName), services, 'fr', JULIE.answers, 2);
    await answerRound(reset, await reset.say('oui'), services, 'fr');
    await reset.submitCard('new', WEAK_PASSWORD);
    await reset.submitCard('new', STRONG_PASSWORDS[0]);

    // Chat authentication: a wrong password in the card, then the right one typed in the message box.
    const signIn = bot.client();
    await startOnlineServicesOption(signIn, 'en', '2');
    await signIn.say(JULIE.userName);
    await signIn.submitCard('current', WRONG_PASSWORD);
    await signIn.say(JULIE.userName);
    await signIn.say(STRONG_PASSWORDS[0]);

    // First login of IP200001 through to its eight questions.
    const first = bot.client();
    await startOnlineServicesOption(first, 'fr', '3');
    await first.say(SOPHIE.userName);
    await first.submitCard('current', SOPHIE.temporaryPassword);
    await first.submitCard('new', STRONG_PASSWORDS[1]);
    for (const [i, answer] of SETUP_ANSWERS.entries()) {
      await first.say(String(i + 1));
      await first.say(answer);
    }
    await first.say('oui');

    // Voice reset: the temporary password is dictated.
    const voice = bot.client('telephony');
    await voice.say('1');
    await voice.say('1');
    const dictated = await answerRound(voice, await voice.say('2100001#'), services, 'fr');
    const spoken = spokenOf(dictated.filter((a) => a.inputHint === 'ignoringInput'));
    const temporary = unspell(
      spoken.slice(spoken.indexOf("l'écrire :") + 10, spoken.indexOf('Je répète')).replace(/\.\s*$/, ''),
    );
    expect(temporary).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
    secrets.push(temporary);

    // Voice authentication with secret questions.
    const voiceAuth = bot.client('telephony');
    await voiceAuth.say('1');
    await voiceAuth.say('2');
    await answerRound(voiceAuth, await voiceAuth.say('2100001#'), services, 'fr');

    const logged = lines.join('\n');
    const stored = storage.writes.join('\n');
    const audited = JSON.stringify(await services.audit.recent(1000));
    // The captures are real: flows were traced and state was written.
    expect(logged).toContain('"flow":"passwordReset"');
    expect(logged).toContain('"flow":"secretQuestions"');
    expect(stored).toContain('authSession');
    expect(storage.writes.length).toBeGreaterThan(40);
    for (const secret of new Set([
      ...secrets,
      ...secrets.map(normalizeAnswer),
      ...Object.values(JULIE.answers).map(normalizeAnswer),
    ])) {
      expect({ secret, inLogs: logged.includes(secret) }).toEqual({ secret, inLogs: false });
      expect({ secret, inState: stored.includes(secret) }).toEqual({ secret, inState: false });
      expect({ secret, inAudit: audited.includes(secret) }).toEqual({ secret, inAudit: false });
    }
    // Nor hashes: they belong to the account store only.
    expect(stored).not.toContain('scrypt$');
    expect(logged).not.toContain('scrypt$');
  });
});
