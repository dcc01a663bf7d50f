import { estimatePlaybackMs } from '../../src/voice/playback';

const speak = (inner: string) =>
  `<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="fr-CA">` +
  `<voice name="fr-CA-SylvieNeural">${inner}</voice></speak>`;

describe('estimatePlaybackMs', () => {
  it.each([
    ['fourteen characters at 14 per second', speak('Bonjour, allô!'), 14, 1000],
    ['entities as the characters they stand for', speak('A &amp; B, 4 &lt; 5'), 10, 1200],
    ['a break in milliseconds', speak('Oui.<break time="700ms"/>Non.'), 10, 1600],
    ['a break in seconds', speak('Oui.<break time="1.5s"/>Non.'), 10, 2400],
    ['a break without a readable time', speak('Oui.<break strength="strong"/>Non.'), 10, 900],
    [
      'a spelled code, five times its length',
      speak('Code <say-as interpret-as="characters">CE100001</say-as>.'),
      10,
      (6 + 8 * 5) * 100,
    ],
    [
      'a phone number, digit by digit',
      speak('<say-as interpret-as="telephone">418 643 8210</say-as>'),
      10,
      10 * 5 * 100,
    ],
    ['nothing at a rate of 0', speak('Bonjour, allô!'), 0, 0],
  ])('counts %s', (_case, ssml, rate, expected) => {
    expect(estimatePlaybackMs(ssml, rate)).toBe(expected);
  });
});
