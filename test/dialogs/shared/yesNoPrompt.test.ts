import { YES_NO_PROMPT, YesNoPrompt } from '../../../src/dialogs/shared/yesNoPrompt';
import { createDeps, DialogHarness, heard, resultOf } from '../../helpers/voice';

function harness(channelId = 'telephony') {
  return new DialogHarness(
    [new YesNoPrompt(createDeps())],
    { id: YES_NO_PROMPT, options: { prompt: ['voice:confirm.isThatRight'] } },
    { channelId },
  );
}

describe('YesNoPrompt', () => {
  it('asks with the keys on the phone', async () => {
    const replies = await harness().say('bonjour');
    expect(heard(replies)).toBe('Est-ce exact? Si oui, faites le 1. Sinon, faites le 2.');
    expect(replies.at(-1)?.inputHint).toBe('expectingInput');
  });

  it.each([
    ['oui', true],
    ["Oui, c'est exact", true],
    ['yes', true],
    ['1', true],
    ['non', false],
    ['non merci', false],
    ['no', false],
    ['2', false],
  ])('understands %p by voice', async (answer, expected) => {
    const h = harness();
    await h.say('bonjour');
    expect(resultOf(await h.say(answer)).value).toBe(expected);
  });

  it.each([
    ['1', true],
    ['2', false],
  ])('understands the key %p', async (key, expected) => {
    const h = harness();
    await h.say('bonjour');
    expect(resultOf(await h.press(key)).value).toBe(expected);
  });

  it('repeats on "*", re-asks on nonsense, offers the agent, then gives up', async () => {
    const h = harness();
    await h.say('bonjour');
    expect(heard(await h.press('*'))).toContain('Est-ce exact?');
    expect(heard(await h.say('peut-être'))).toContain(
      "Je n'ai pas compris. Pour oui, dites oui ou faites le 1.",
    );
    expect(heard(await h.say('hmm'))).toContain('Pour parler à un agent, dites « agent ».');
    await h.say('bof');
    expect(resultOf(await h.say('bof'))).toEqual({ ended: true, value: undefined });
  });

  it('shows Oui / Non buttons in a chat', async () => {
    const replies = await harness('webchat').say('bonjour');
    expect(replies.at(-1)?.suggestedActions?.actions.map((a) => a.title)).toEqual(['Oui', 'Non']);
  });
});
