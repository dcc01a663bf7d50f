import { toSsml, type VoiceSettings } from '../../../src/dialogs/shared/ssml';
import { ssmlProblems } from '../../helpers/bot';

const voices: VoiceSettings = {
  fr: { voice: 'fr-CA-SylvieNeural', xmlLang: 'fr-CA' },
  en: { voice: 'en-CA-ClaraNeural', xmlLang: 'en-CA' },
};
const fr = { at: 'arobas', dot: 'point' };

describe('toSsml', () => {
  it('wraps text in speak and voice elements for Québec French', () => {
    const ssml = toSsml('Bonjour!', 'fr', voices, fr);
    expect(ssml).toBe(
      '<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="fr-CA">' +
        '<voice name="fr-CA-SylvieNeural">Bonjour!</voice></speak>',
    );
    expect(ssmlProblems(ssml)).toEqual([]);
  });

  it('uses the English voice and language for English', () => {
    expect(toSsml('Hello', 'en', voices, { at: 'at', dot: 'dot' })).toContain(
      'xml:lang="en-CA"><voice name="en-CA-ClaraNeural">',
    );
  });

  it.each([
    ['<script>alert(1)</script> & "quotes"', ['&lt;script', '&amp;', '&quot;quotes&quot;']],
    ['<speak><break time="10s"/></speak>', ['&lt;speak&lt;break time=&quot;10s&quot;']],
    ['**Gras** et _italique_ `code` 🙂 ✅', ['Gras et italique code']],
    ['Voir https://www.ramq.gouv.qc.ca/fr maintenant', ['Voir maintenant']],
    [
      'Appelez le 418 643-8210 ou le 1 800 463-4776.',
      ['<say-as interpret-as="telephone">418 643 8210</say-as>', '1 800 463 4776'],
    ],
    [
      'Écrivez à sel.professionnels@ramq.gouv.qc.ca',
      ['sel point professionnels arobas ramq point gouv point qc point ca'],
    ],
    ['Ligne 1\n- puce\n**1** – Services', ['Ligne 1 puce 1, Services']],
    ['contrôle\u0000\u0007 et \ud800 surrogat seul', ['contrôle et surrogat seul']],
  ])('makes %p safe and audible', (input, expected) => {
    const ssml = toSsml(input, 'fr', voices, fr);
    expect(ssmlProblems(ssml)).toEqual([]);
    for (const piece of expected) expect(ssml).toContain(piece);
  });

  it.each([
    [
      'We are open Monday to Friday, 8:30 a.m. to 4:30 p.m. (Wednesday, 10:30 a.m. to 4 p.m.).',
      'to 4:30 p.m., Wednesday, 10:30 a.m. to 4 p.m.</voice>',
    ],
    ['Hours (see the list etc.).', 'Hours, see the list etc.</voice>'],
    ['Attendez... (un instant).', 'Attendez..., un instant.</voice>'],
  ])('ends %p with one period when an aside ends with an abbreviation', (input, ending) => {
    const ssml = toSsml(input, 'en', voices, { at: 'at', dot: 'dot' });
    expect(ssmlProblems(ssml)).toEqual([]);
    expect(ssml).toContain(ending);
  });
});
