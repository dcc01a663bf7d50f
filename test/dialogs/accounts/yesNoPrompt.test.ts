import { YES_NO_PROMPT, YesNoPrompt } from '../../../src/dialogs/accounts/yesNoPrompt';
import { createDeps, DialogHarness, heard, messages, resultOf } from '../../helpers/voice';

const fr = messages.forLanguage('fr');
const RETRY = fr('accounts:challenge.retry');

function harness() {
  return new DialogHarness(
    [new YesNoPrompt(createDeps())],
    { id: YES_NO_PROMPT, options: { question: ['accounts:challenge.retry'] } },
    { channelId: 'telephony' },
  );
}

describe('accounts YesNoPrompt', () => {
  it.each([['*'], ['répéter'], ['Pardon?']])('asks again on %p without counting a miss', async (repeat) => {
    const h = harness();
    await h.say('bonjour');
    for (let i = 0; i < 3; i++) {
      const replies = repeat === '*' ? await h.press('*') : await h.say(repeat);
      expect(resultOf(replies).ended).toBe(false);
      expect(heard(replies)).toContain(RETRY);
      expect(heard(replies)).not.toContain(fr('accounts:yesNo.notUnderstood'));
    }
    expect(resultOf(await h.press('1'))).toEqual({ ended: true, value: true });
  });

  it('still takes two answers it cannot read as no', async () => {
    const h = harness();
    await h.say('bonjour');
    expect(heard(await h.say('peut-être'))).toContain(fr('accounts:yesNo.notUnderstood'));
    expect(resultOf(await h.say('bof'))).toEqual({ ended: true, value: false });
  });
});
