import type { Activity } from 'botbuilder';
import { keypressActivity } from '../../../src/dialogs/shared/dtmf';
import { heard, messagesBeforeLastKey, pressEach } from '../../helpers/voice';
import { TestClient } from '../../helpers/bot';
import { createRequestStatusBot, openRequestStatus, SIGNED_IN } from '../../helpers/requestStatusBot';

/** Every way the demo NAMs could leak: whole, spaced, hyphenated, or their 8 digits alone. */
const FULL_NAMS = [
  /BOUM\W?5508\W?1212/i,
  /GAGS\W?7262\W?0314/i,
  /LAVP\W?9001\W?3101/i,
  /55081212|72620314|90013101/,
];

function leaks(text: string): string[] {
  return FULL_NAMS.filter((pattern) => pattern.test(text)).map(String);
}

/** Everything the bot sent, traces included, as one string. */
function sent(replies: Partial<Activity>[]): string {
  return JSON.stringify(replies);
}

describe('request status privacy', () => {
  it('never writes a full NAM to the logs, the traces, the replies or the saved state', async () => {
    const bot = await createRequestStatusBot();
    const outgoing: string[] = [];
    const chat = new TestClient(bot.app, { traces: true });
    const say = async (input: string | Partial<Activity>) => outgoing.push(sent(await chat.say(input)));

    outgoing.push(await openRequestStatus(chat));
    await say('BOUM 5508 1212');
    await say('Humira');
    await say('2');
    await say('GAGS 7262 0314'); // a NAM where a medication is expected
    await say('2');
    bot.service.down = true;
    await say('Enbrel');
    bot.service.down = false;
    await say('réessayer');
    await say('3');
    await say('GAGS-7262-0314');
    await say('toutes');
    await say('3');
    await say('B comme Bernard O U M cinquante-cinq zéro huit douze douze');
    await say('patient d’exception');
    await say('3');
    await say('lavp90013101');
    await say('toutes');

    const voiceBot = await createRequestStatusBot({ session: SIGNED_IN });
    const phone = new TestClient(voiceBot.app, { channelId: 'telephony', traces: true });
    for (const input of [
      'bonjour',
      '1',
      '2',
      'bé o u emme',
      '55081212',
      '1',
      'toutes',
      '1',
      '3',
      'GAGS72620314',
      '2',
    ]) {
      outgoing.push(sent(await phone.say(input)));
    }

    expect(bot.logLines.length).toBeGreaterThan(0);
    expect(leaks(bot.logLines.join('\n'))).toEqual([]);
    expect(leaks(voiceBot.logLines.join('\n'))).toEqual([]);
    expect(bot.storage.writes.length).toBeGreaterThan(0);
    expect(leaks(bot.storage.writes.join('\n'))).toEqual([]);
    expect(leaks(voiceBot.storage.writes.join('\n'))).toEqual([]);
    expect(leaks(outgoing.join('\n'))).toEqual([]);
    // The consultations did happen: the checks above are not vacuous.
    expect(outgoing.join('\n')).toContain('Acceptée');
    expect(outgoing.join('\n')).toContain('1 2 1 2');
  });

  it('takes the digits keyed one per message after the spoken letters, and keeps them sealed meanwhile', async () => {
    const bot = await createRequestStatusBot({ session: SIGNED_IN });
    const phone = new TestClient(bot.app, { channelId: 'telephony' });
    for (const input of ['bonjour', '1', '2']) await phone.say(input);
    expect(heard(await phone.say('bé o u emme'))).toContain('Dites ou composez maintenant les 8 chiffres');
    const replies = await pressEach(phone, '55081212');
    expect(messagesBeforeLastKey(replies)).toEqual([]);
    expect(heard(replies[7])).toContain('se terminant par 1 2 1 2. Est-ce exact?');
    // A yes/no question: the star repeats the question, not « ce menu ».
    expect(heard(replies[7])).toContain("Pour réentendre la question, faites l'étoile.");
    expect(heard(replies[7])).not.toContain('réentendre ce menu');
    // Not understood: how to say yes or no, not « le numéro de votre choix… le menu ».
    const missed = heard(await phone.say('patate'));
    expect(missed).toContain('Pour oui, dites oui ou faites le 1. Pour non, dites non ou faites le 2.');
    expect(missed).not.toContain('réentendre le menu');
    expect(heard(await phone.say(keypressActivity('1')))).toContain('Pour quel médicament?');
    expect(heard(await phone.say('Humira'))).toContain('Elle est acceptée');

    // Six digits already identify most of a NAM: never in state or logs while the others are keyed.
    expect(bot.storage.writes.length).toBeGreaterThan(8);
    expect(bot.storage.writes.join('\n')).not.toMatch(/550812/);
    expect(bot.logLines.join('\n')).not.toMatch(/550812/);
  });

  it.each([
    ['telephony', 'bé o u emme cinq cinq zéro huit un deux un deux'],
    ['telephony', 'boum cinquante-cinq zéro huit douze douze'],
    ['test', 'B comme Bernard O U M cinquante-cinq zéro huit douze douze'],
  ])(
    'on %s, does not quote back a NAM said in words where a medication is asked: %s',
    async (channelId, said) => {
      // The NAM question reads these as a NAM; quoted back whole in « aucun médicament ne correspond à … », it
      // reached the reply's text (what the channel displays and keeps) and the agents' transcript.
      const bot = await createRequestStatusBot({ session: SIGNED_IN });
      const client = new TestClient(bot.app, { channelId });
      for (const input of ['bonjour', '1', '2', 'BOUM 5508 1212']) await client.say(input);
      if (channelId === 'telephony') await client.say('1');
      const replies = await client.say(said);
      const text = replies.map((a) => a.text ?? '').join('\n');
      expect(text).toContain('aucun médicament');
      expect(text).not.toContain(said.split(' ').slice(-3).join(' '));
      expect(text).toMatch(/1212/);
    },
  );

  it('keeps a NAM typed in the opening sentence out of state and logs, and uses it', async () => {
    const bot = await createRequestStatusBot();
    const chat = bot.client();
    await chat.say('où en est la demande de BOUM 5508 1212 pour Humira');
    await chat.say('CE100001');
    const replies = await chat.say({
      value: { accountsCard: 'current', password: 'Pharmacie-Rimouski-2026' },
    });
    expect(JSON.stringify(replies)).toContain('adalimumab (Humira)');
    expect(leaks(JSON.stringify(replies))).toEqual([]);
    expect(leaks(bot.storage.writes.join('\n'))).toEqual([]);
    expect(leaks(bot.logLines.join('\n'))).toEqual([]);
  });

  it('audits each consultation with the user name, the masked NAM, the medication, the time and the channel', async () => {
    const bot = await createRequestStatusBot();
    const chat = bot.client();
    await openRequestStatus(chat);
    await chat.say('BOUM 5508 1212');
    await chat.say('Humira');
    await chat.say('2');
    bot.service.down = true;
    await chat.say('Enbrel');
    expect(bot.audit.entries).toEqual([
      {
        time: '2026-11-27T15:00:00.000Z',
        userName: 'CE100001',
        channel: 'test',
        maskedNam: '********1212',
        medication: 'adalimumab',
        outcome: 'found',
        count: 1,
      },
      {
        time: '2026-11-27T15:00:00.000Z',
        userName: 'CE100001',
        channel: 'test',
        maskedNam: '********1212',
        medication: 'etanercept',
        outcome: 'unavailable',
        count: 0,
      },
    ]);
  });

  it('keeps the NAM sealed in state: another conversation cannot reuse the token', async () => {
    const bot = await createRequestStatusBot();
    const chat = bot.client();
    await openRequestStatus(chat);
    await chat.say('BOUM 5508 1212');
    const written = bot.storage.writes.join('\n');
    expect(written).not.toContain('BOUM');
    // The sealed token is there (so « réessayer » works), but only as ciphertext.
    expect(written).toMatch(/"sealedNam":"[A-Za-z0-9_-]{40,}"/);
  });
});
