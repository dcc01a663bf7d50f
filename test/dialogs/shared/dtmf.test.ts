import {
  emptyKeypadEntry,
  isDtmf,
  keypadKey,
  keypressActivity,
  pressKey,
  type KeypadKey,
  type KeypadSpec,
  type KeypressOutcome,
} from '../../../src/dialogs/shared/dtmf';

/** Presses the keys in order and returns the outcome of the last one. */
function pressAll(keys: string, spec: KeypadSpec): KeypressOutcome {
  const first = pressKey(emptyKeypadEntry(), keys[0] as KeypadKey, spec);
  return [...keys.slice(1)].reduce((outcome, key) => pressKey(outcome.entry, key as KeypadKey, spec), first);
}

describe('keypad', () => {
  describe('keypadKey', () => {
    it.each([
      [{ ...keypressActivity('5'), channelId: 'telephony' }, '5'],
      [{ ...keypressActivity('#'), channelId: 'telephony' }, '#'],
      [{ type: 'message', text: '*', channelId: 'directlinespeech' }, '*'],
      [{ type: 'message', text: '12', channelId: 'telephony' }, undefined],
      [{ type: 'message', text: '1', channelId: 'webchat' }, undefined],
      [{ type: 'event', text: '1', channelId: 'telephony' }, undefined],
    ])('%j → %p', (activity, expected) => {
      expect(keypadKey(activity)).toBe(expected);
    });

    it('recognizes the DTMF entity', () => {
      expect(isDtmf(keypressActivity('3'))).toBe(true);
      expect(isDtmf({ type: 'message', text: '3' })).toBe(false);
    });
  });

  describe('pressKey', () => {
    const userName: KeypadSpec = { keypadPrefixes: { '1': 'IP', '2': 'CE' } };
    it.each([
      ['1123456#', userName, { kind: 'done', value: 'IP123456' }],
      ['2100001#', userName, { kind: 'done', value: 'CE100001' }],
      ['21000', userName, { kind: 'more' }],
      ['3', userName, { kind: 'invalid' }],
      ['#', userName, { kind: 'invalid' }],
      ['11*', userName, { kind: 'repeat' }],
      ['2100001', { ...userName, length: 6 }, { kind: 'done', value: 'CE100001' }],
      ['55081212', { length: 8 }, { kind: 'done', value: '55081212' }],
      ['5508', { length: 8 }, { kind: 'more' }],
      ['5508#', {}, { kind: 'done', value: '5508' }],
    ] as const)('%p with %j → %j', (keys, spec, expected) => {
      expect(pressAll(keys, spec)).toMatchObject(expected);
    });

    it('clears the entry on "*"', () => {
      expect(pressAll('55*', {}).entry).toEqual({ digits: '' });
    });
  });
});
