import { performance } from 'node:perf_hooks';
import { Messages } from '../../src/i18n';
import { editDistance, MedicationMatcher, phoneticKey } from '../../src/nlu/medicationMatcher';
import { loadMedicationCatalogue } from '../../src/services/requestStatus/medicationCatalogue';

const catalogue = loadMedicationCatalogue();
const matcher = MedicationMatcher.fromMessages(catalogue, new Messages());

/** The id found, the candidates of an ambiguity joined by "|", or the kind. */
function found(text: string): string {
  const match = matcher.match(text);
  switch (match.kind) {
    case 'medication':
      return match.medication.id;
    case 'ambiguous':
      return match.candidates.map((m) => m.id).join('|');
    case 'din':
      return `din:${match.din}`;
    default:
      return match.kind;
  }
}

describe('medication catalogue', () => {
  it('holds at least 30 exception medications with French and English generic names and brands', () => {
    expect(catalogue.medications.length).toBeGreaterThanOrEqual(30);
    for (const m of catalogue.medications) {
      expect(m.generic.fr).toBeTruthy();
      expect(m.generic.en).toBeTruthy();
      expect(m.brands.length).toBeGreaterThan(0);
    }
  });

  it('contains the four medications of the demo data', () => {
    for (const id of ['adalimumab', 'etanercept', 'denosumab', 'ivacaftor'])
      expect(matcher.byId(id)).toBeDefined();
  });
});

describe('MedicationMatcher', () => {
  describe('exact brand and generic names, in French and English, in a sentence', () => {
    it.each([
      ['Humira', 'adalimumab'],
      ['humira', 'adalimumab'],
      ['adalimumab', 'adalimumab'],
      ['Enbrel', 'etanercept'],
      ['étanercept', 'etanercept'],
      ['etanercept', 'etanercept'],
      ['Prolia', 'denosumab'],
      ['dénosumab', 'denosumab'],
      ['Kalydeco', 'ivacaftor'],
      ['ivacaftor', 'ivacaftor'],
      ['Trikafta', 'elexacaftor-tezacaftor-ivacaftor'],
      ['dapagliflozine', 'dapagliflozin'],
      ['dapagliflozin', 'dapagliflozin'],
      ['Ozempic', 'semaglutide'],
      ['Ofev', 'nintedanib'],
      ['la demande pour Humira svp', 'adalimumab'],
      ['c’est pour du Xarelto 20 mg', 'rivaroxaban'],
      ['the request for Eliquis please', 'apixaban'],
      ['Amgevita', 'adalimumab'],
      ['acétate de glatiramère', 'glatiramer'],
    ])('%p → %p', (text, id) => {
      expect(found(text)).toBe(id);
    });
  });

  describe('typos', () => {
    it.each([
      ['enbrell', 'etanercept'],
      ['humirra', 'adalimumab'],
      ['adalimumabe', 'adalimumab'],
      ['adalimunab', 'adalimumab'],
      ['denosumabe', 'denosumab'],
      ['kalideco', 'ivacaftor'],
      ['xareltoo', 'rivaroxaban'],
      ['dupixant', 'dupilumab'],
      ['stelarra', 'ustekinumab'],
      ['cosentix', 'secukinumab'],
      ['repahta', 'evolocumab'],
      ['adalim', 'adalimumab'],
    ])('%p → %p', (text, id) => {
      expect(found(text)).toBe(id);
    });
  });

  describe('speech transcription', () => {
    it.each([
      ['ada li mu mab', 'adalimumab'],
      ['a da li mu mab', 'adalimumab'],
      ['prolya', 'denosumab'],
      ['hue mira', 'adalimumab'],
      ['en brel', 'etanercept'],
      ['zarelto', 'rivaroxaban'],
      ['ozempique', 'semaglutide'],
      ['kali deco', 'ivacaftor'],
      ['trick afta', 'elexacaftor-tezacaftor-ivacaftor'],
      ['eli quiz', 'apixaban'],
      ['du pixent', 'dupilumab'],
    ])('%p → %p', (text, id) => {
      expect(found(text)).toBe(id);
    });
  });

  describe('DIN', () => {
    it('finds a catalogue medication by its verified DIN', () => {
      expect(found('02343541')).toBe('denosumab');
      expect(found('DIN 0234 3541')).toBe('denosumab');
    });

    it('passes an unknown 8-digit DIN on to the service', () => {
      expect(found('12345678')).toBe('din:12345678');
    });

    it.each([
      ['zéro deux trois quatre trois cinq quatre un', 'denosumab'],
      ['le DIN zéro deux trois quatre trois cinq quatre un', 'denosumab'],
      ['zéro deux trente-quatre trente-cinq quarante et un', 'denosumab'],
      ['zero two three four three five four one', 'denosumab'],
      ['un deux trois quatre cinq six sept huit', 'din:12345678'],
    ])('takes a DIN said in words: %p → %p', (text, id) => {
      expect(found(text)).toBe(id);
    });

    it('does not take fewer or more spoken digits, nor a spoken NAM, for a DIN', () => {
      expect(found('zéro deux trois quatre trois cinq quatre')).toBe('none');
      expect(found('zéro deux trois quatre trois cinq quatre un deux')).toBe('none');
      expect(found('bé o u emme cinquante-cinq zéro huit douze douze')).not.toMatch(/^din:/);
      expect(found('B O U M cinq cinq zéro huit un deux un deux')).not.toMatch(/^din:/);
    });

    it('still finds names next to number words', () => {
      expect(found('Humira quarante milligrammes')).toBe('adalimumab');
      expect(found('une demande pour Prolia')).toBe('denosumab');
    });
  });

  describe('the exceptional-patient measure and "all"', () => {
    it.each([
      ["patient d'exception", 'exceptionalPatient'],
      ["la mesure du patient d'exception", 'exceptionalPatient'],
      ['Patient d’exception', 'exceptionalPatient'],
      ['exceptional patient', 'exceptionalPatient'],
      ['toutes', 'all'],
      ['Toutes les demandes', 'all'],
      ['tous', 'all'],
      ['all', 'all'],
      ['all requests please', 'all'],
    ])('%p → %p', (text, kind) => {
      expect(found(text)).toBe(kind);
    });
  });

  describe('ambiguity', () => {
    it('offers the close candidates (at most three) when no name stands out', () => {
      const match = matcher.match('sekinumab');
      expect(match.kind).toBe('ambiguous');
      if (match.kind !== 'ambiguous') return;
      expect(match.candidates.map((m) => m.id).sort()).toEqual(['secukinumab', 'ustekinumab']);
      expect(match.candidates.length).toBeLessThanOrEqual(3);
    });

    it('never offers more than three candidates', () => {
      for (const text of ['mab', 'zumab', 'lizumab', 'flozine', 'umab', 'cumab']) {
        const match = matcher.match(text);
        if (match.kind === 'ambiguous') expect(match.candidates.length).toBeLessThanOrEqual(3);
      }
    });

    it('lets an exact name win over near ones', () => {
      expect(found('ivacaftor')).toBe('ivacaftor');
      expect(found('empagliflozine')).toBe('empagliflozin');
    });

    it('ranks candidates best first', () => {
      const ranked = matcher.rank('enbrell');
      expect(ranked[0].medication.id).toBe('etanercept');
      expect(ranked.every((r, i) => i === 0 || r.score <= ranked[i - 1].score)).toBe(true);
    });
  });

  describe('no match', () => {
    it.each(['bonjour', 'Tylenol', 'je ne sais pas', 'Mme Gagnon', '', 'abc', '40 mg'])(
      '%p → none',
      (text) => {
        expect(found(text)).toBe('none');
      },
    );
  });

  it('stays cheap per turn: a long sentence costs milliseconds, not a recognizer run', () => {
    // About 2 ms natively once warm (bigram filter, bounded distance); jest's sandbox is much slower, so
    // this guard only catches a blow-up such as comparing every window with every name unfiltered.
    const sentence =
      'bonjour je voudrais savoir où en est la demande de ma patiente pour le médicament ada li mu mab';
    for (let i = 0; i < 20; i += 1) matcher.match(sentence);
    const start = performance.now();
    for (let i = 0; i < 20; i += 1) expect(matcher.match(sentence).kind).toBe('medication');
    expect((performance.now() - start) / 20).toBeLessThan(150);
  });
});

describe('edit distance and sound keys', () => {
  it.each([
    ['enbrel', 'enbrell', 1],
    ['humira', 'huimra', 1],
    ['prolia', 'prolia', 0],
    ['abc', 'xyz', 3],
  ])('%p vs %p = %p', (a, b, d) => {
    expect(editDistance(a, b, 5)).toBe(d);
  });

  it('gives up beyond the maximum', () => {
    expect(editDistance('adalimumab', 'rivaroxaban', 2)).toBe(3);
  });

  it('folds spellings that sound alike', () => {
    expect(phoneticKey('prolya')).toBe(phoneticKey('prolia'));
    expect(phoneticKey('ozempique')).toBe(phoneticKey('ozempic'));
    expect(phoneticKey('adalimumabe')).toBe(phoneticKey('adalimumab'));
  });
});
