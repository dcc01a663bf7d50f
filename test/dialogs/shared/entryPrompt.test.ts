import { ENTRY_PROMPT, EntryPrompt, type EntryPromptOptions } from '../../../src/dialogs/shared/entryPrompt';
import { ssmlProblems } from '../../helpers/bot';
import { createDeps, DialogHarness, heard, resultOf } from '../../helpers/voice';

/** A user name: 1 = IP, 2 = CE on the keypad, then six digits and "#". */
const USER_NAME: EntryPromptOptions = {
  prompt: ['menu:main.question'],
  kind: 'alphanumeric',
  keypadPrefixes: { '1': 'IP', '2': 'CE' },
  pattern: '(IP|CE)\\d{6}',
};
/** A health insurance number: four letters and eight digits, read back and confirmed. */
const NAM: EntryPromptOptions = {
  prompt: ['menu:main.question'],
  kind: 'alphanumeric',
  pattern: '[A-Z]{4}\\d{8}',
  confirm: true,
};

function harness(options: EntryPromptOptions, channelId = 'telephony', language: 'fr' | 'en' = 'fr') {
  return new DialogHarness(
    [new EntryPrompt(createDeps())],
    { id: ENTRY_PROMPT, options },
    { channelId, language },
  );
}

describe('EntryPrompt', () => {
  describe('keypad on the phone', () => {
    it('collects a user name key by key (1 = IP), silently, until "#"', async () => {
      const h = harness(USER_NAME);
      const asked = await h.say('bonjour');
      expect(asked.at(-1)?.inputHint).toBe('expectingInput');
      for (const key of '112345') {
        expect(await h.press(key)).toEqual([]);
        // Between keys nothing is said, yet the caller is still expected to go on.
        expect(h.store.size).toBe(1);
      }
      const done = await h.press('6#');
      expect(resultOf(done)).toEqual({ ended: true, value: { value: 'IP123456', via: 'keypad' } });
      expect(h.store.size).toBe(0);
    });

    it('ends by itself at the expected length', async () => {
      const h = harness({ ...USER_NAME, length: 6 });
      await h.say('bonjour');
      expect(resultOf(await h.press('2100001')).value).toEqual({ value: 'CE100001', via: 'keypad' });
    });

    it('clears the entry and repeats the prompt on "*"', async () => {
      const h = harness(USER_NAME);
      await h.say('bonjour');
      await h.press('11');
      expect(heard(await h.press('*'))).toContain('Que puis-je faire pour vous?');
      expect(resultOf(await h.press('2100001#')).value).toEqual({ value: 'CE100001', via: 'keypad' });
    });

    it.each([['3'], ['#'], ['11#']])('refuses %p and asks again', async (keys) => {
      const h = harness(USER_NAME);
      await h.say('bonjour');
      const replies = await h.press(keys);
      expect(resultOf(replies).ended).toBe(false);
      expect(heard(replies)).toContain("Je n'ai pas bien saisi.");
    });
  });

  describe('speech on the phone', () => {
    it.each([
      ['i pé un deux trois quatre cinq six', 'IP123456'],
      ['C E 1 0 0 0 0 1', 'CE100001'],
      ['cé comme Céline, e, cent... non: un zéro zéro zéro zéro un', undefined],
      ['see ee one zero zero zero zero one', 'CE100001'],
    ])('%p → %p', async (speech, expected) => {
      const h = harness(USER_NAME);
      await h.say('bonjour');
      const result = resultOf(await h.say(speech));
      expect(result.value).toEqual(expected === undefined ? undefined : { value: expected, via: 'speech' });
    });

    it('takes keys then words as one entry', async () => {
      const h = harness(USER_NAME);
      await h.say('bonjour');
      await h.press('2');
      expect(resultOf(await h.say('un zéro zéro zéro zéro un')).value).toEqual({
        value: 'CE100001',
        via: 'speech',
      });
    });
  });

  describe('read back and confirmation', () => {
    it('reads a spelled NAM back letter by letter, then accepts « oui »', async () => {
      const h = harness(NAM);
      await h.say('bonjour');
      const readBack = await h.say('B comme Bernard, o, u, emme, cinquante-cinq zéro huit douze douze');
      expect(resultOf(readBack).ended).toBe(false);
      const spoken = heard(readBack);
      expect(spoken).toContain("J'ai noté : bé, o, u, emme, 5 5 0 8, 1 2 1 2.");
      expect(spoken).toContain('Est-ce exact? Si oui, faites le 1. Sinon, faites le 2.');
      for (const reply of readBack) expect(ssmlProblems(reply.speak ?? '')).toEqual([]);
      expect(resultOf(await h.say('oui')).value).toEqual({ value: 'BOUM55081212', via: 'speech' });
    });

    it('starts over on « non » (or 2) and accepts the key 1', async () => {
      const h = harness(NAM);
      await h.say('bonjour');
      await h.say('TREM 5001 0112');
      expect(heard(await h.press('2'))).toContain("D'accord, recommençons.");
      await h.say('T R E M cinquante zéro un zéro un douze');
      expect(resultOf(await h.press('1')).value).toEqual({ value: 'TREM50010112', via: 'speech' });
    });

    it('reads back in English for an English caller', async () => {
      const h = harness(NAM, 'telephony', 'en');
      await h.say('hello');
      const spoken = heard(await h.say('bee oh you em five five oh eight twelve twelve'));
      expect(spoken).toContain('I have: B, O, U, M, 5 5 0 8, 1 2 1 2. Is that correct? If so, press 1.');
    });
  });

  describe('misses', () => {
    it('offers the agent after two misses and gives up (undefined) after four', async () => {
      const h = harness(USER_NAME);
      await h.say('bonjour');
      expect(heard(await h.say('bla bla'))).toContain("Je n'ai pas bien saisi.");
      expect(heard(await h.say('bla bla'))).toContain('Pour parler à un agent, dites « agent ».');
      await h.say('bla bla');
      expect(resultOf(await h.say('bla bla'))).toEqual({ ended: true, value: undefined });
    });
  });

  describe('in a chat', () => {
    it('takes a typed value and confirms with buttons', async () => {
      const h = harness({ ...USER_NAME, confirm: true }, 'webchat');
      await h.say('bonjour');
      const readBack = await h.say('ip 123 456');
      expect(readBack.at(-1)?.text).toContain("J'ai noté : IP123456.");
      expect(readBack.at(-1)?.speak).toBeUndefined();
      expect(readBack.at(-1)?.suggestedActions?.actions.map((a) => a.value)).toEqual(['Oui', 'Non']);
      expect(resultOf(await h.say('Oui')).value).toEqual({ value: 'IP123456', via: 'text' });
    });

    it('does not treat a typed "1" as a key', async () => {
      const h = harness(USER_NAME, 'webchat');
      await h.say('bonjour');
      expect(heard(await h.say('1'))).toBe('');
      expect(resultOf(await h.say('CE100001')).value).toEqual({ value: 'CE100001', via: 'text' });
    });
  });
});
