import {
  formatSpokenDate,
  isSsmlDocument,
  SSML_LONG_PAUSE,
  SSML_PAUSE,
  spokenWordCount,
  ssmlToText,
  toSsml,
} from '../../../src/dialogs/shared/ssml';
import { ssmlProblems } from '../../helpers/bot';
import { VOICES } from '../../helpers/voice';

const fr = { at: 'arobas', dot: 'point', hour: 'heures', firstOfMonth: '1er' };
const en = { at: 'at', dot: 'dot', hour: 'hours', firstOfMonth: '1' };

describe('toSsml for the ear', () => {
  it.each([
    ['Ouvert de 8 h 30 à 16 h.', 'Ouvert de 8 heures 30 à 16 heures.'],
    ['Le mercredi (de 10 h 30 à 16 h), fermé', 'Le mercredi, de 10 heures 30 à 16 heures, fermé'],
    ['Demande reçue le 2015-12-02.', 'Demande reçue le 2 décembre 2015.'],
    ['Depuis le 2017-12-01', 'Depuis le 1er décembre 2017'],
    ['Voir [le guide](https://ramq.gouv.qc.ca/guide) ou www.ramq.gouv.qc.ca', 'Voir le guide ou'],
    ['> Citation 👍🏽 ✅ 1️⃣', 'Citation 1'],
    ['Formulaire 4313, 2e étage, 1er choix', 'Formulaire 4313, 2e étage, 1er choix'],
  ])('%p is heard as %p', (input, expected) => {
    const ssml = toSsml(input, 'fr', VOICES, fr);
    expect(ssmlProblems(ssml)).toEqual([]);
    expect(ssmlToText(ssml)).toBe(expected);
  });

  it('says dates in English the English way', () => {
    expect(ssmlToText(toSsml('On 2015-12-02.', 'en', VOICES, en))).toBe('On December 2, 2015.');
    expect(formatSpokenDate(new Date(Date.UTC(2026, 0, 1)), 'fr-CA', '1er')).toBe('1er janvier 2026');
  });

  it.each([
    ['Votre nom d’utilisateur : IP123456.', 'IP123456'],
    ['Code postal G1K 7B4', 'G1K'],
  ])('spells codes mixing letters and digits in %p', (input, code) => {
    const ssml = toSsml(input, 'fr', VOICES, fr);
    expect(ssmlProblems(ssml)).toEqual([]);
    expect(ssml).toContain(`<say-as interpret-as="characters">${code}</say-as>`);
  });

  it('turns pause marks into breaks and escapes what surrounds them', () => {
    const ssml = toSsml(`a <b>${SSML_PAUSE}c & d${SSML_LONG_PAUSE}e`, 'fr', VOICES, fr);
    expect(ssmlProblems(ssml)).toEqual([]);
    expect(ssml).toContain('a &lt;b<break time="250ms"/>c &amp; d<break time="700ms"/>e');
  });

  it('escapes text that tries to inject SSML, even inside codes and e-mail addresses', () => {
    const ssml = toSsml('</voice><audio src="x"/> AB12"<" x@y.ca', 'fr', VOICES, fr);
    expect(ssmlProblems(ssml)).toEqual([]);
    expect(ssml).not.toContain('<audio');
  });
});

describe('ssmlToText and word counts', () => {
  const ssml = toSsml('Appelez le 418 643-8210. Merci!', 'fr', VOICES, fr);

  it('marks breaks as asked', () => {
    expect(ssmlToText(ssml, (time) => `[${time}]`)).toBe('Appelez le 418 643 8210[300ms]. Merci!');
  });

  it('counts spoken words, not tags or punctuation', () => {
    expect(spokenWordCount(ssml)).toBe(6);
  });

  it.each([
    [ssml, true],
    ['<?xml version="1.0"?><speak version="1.0">x</speak>', true],
    ['Bonjour', false],
    ['<voice>x</voice>', false],
  ])('isSsmlDocument(%p) → %p', (value, expected) => {
    expect(isSsmlDocument(value)).toBe(expected);
  });
});
