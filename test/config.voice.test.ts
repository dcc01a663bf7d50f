import { ConfigError, loadConfig } from '../src/config';

describe('phone-line configuration', () => {
  it('defaults to 8 seconds of silence and no explicit transfer number', () => {
    const config = loadConfig({});
    expect(config.voiceNoInputSeconds).toBe(8);
    expect(config.voiceSpeechCharsPerSecond).toBe(14);
    expect(config.voiceTransferNumber).toBeUndefined();
  });

  it.each([
    [{ VOICE_NO_INPUT_SECONDS: '0.5' }, { voiceNoInputSeconds: 0.5 }],
    [{ VOICE_NO_INPUT_SECONDS: ' 12 ' }, { voiceNoInputSeconds: 12 }],
    [{ VOICE_SPEECH_CHARS_PER_SECOND: '16.5' }, { voiceSpeechCharsPerSecond: 16.5 }],
    [{ VOICE_SPEECH_CHARS_PER_SECOND: '0' }, { voiceSpeechCharsPerSecond: 0 }],
    [{ VOICE_TRANSFER_NUMBER: '+14186438210' }, { voiceTransferNumber: '+14186438210' }],
    [{ VOICE_TRANSFER_NUMBER: '' }, { voiceTransferNumber: undefined }],
  ])('reads %j', (env, expected) => {
    expect(loadConfig(env)).toMatchObject(expected);
  });

  it.each([
    [{ VOICE_NO_INPUT_SECONDS: '0' }, 'VOICE_NO_INPUT_SECONDS: expected a number of seconds greater than 0'],
    [
      { VOICE_NO_INPUT_SECONDS: 'huit' },
      'VOICE_NO_INPUT_SECONDS: expected a number of seconds greater than 0',
    ],
    [
      { VOICE_SPEECH_CHARS_PER_SECOND: '-1' },
      'VOICE_SPEECH_CHARS_PER_SECOND: expected a number of characters per second, 0 or more',
    ],
    [
      { VOICE_SPEECH_CHARS_PER_SECOND: 'vite' },
      'VOICE_SPEECH_CHARS_PER_SECOND: expected a number of characters per second, 0 or more',
    ],
    [
      { VOICE_TRANSFER_NUMBER: '418 643-8210' },
      'VOICE_TRANSFER_NUMBER: expected a phone number in E.164 form',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
