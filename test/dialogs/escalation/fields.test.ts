import { FieldReader } from '../../../src/dialogs/escalation/fields';
import { Messages } from '../../../src/i18n';
import { Lexicon } from '../../../src/nlu/lexicon';
import { loadCentreInfo } from '../../../src/services/centre';

const messages = new Messages();
const reader = new FieldReader(messages, new Lexicon(messages), loadCentreInfo());

describe('call-back answers (FieldReader)', () => {
  describe('name', () => {
    it.each(['Julie Tremblay', "Marie-Ève D'Amours", 'Ng', 'Zoë O. Lévesque'])('accepts %p', (name) => {
      expect(reader.read('name', `  ${name} `)).toEqual({ ok: true, value: name });
    });

    it.each(['', 'J', '12345', 'julie@example.com', 'x'.repeat(81), '!!!'])('refuses %p', (name) => {
      expect(reader.read('name', name)).toEqual({ ok: false, problem: 'escalation:field.name.invalid' });
    });
  });

  describe('phone', () => {
    it.each([
      ['514 555-1234', '+15145551234'],
      ['1 (418) 555-0199', '+14185550199'],
    ])('accepts %p', (text, e164) => {
      expect(reader.read('phone', text)).toMatchObject({ ok: true, value: { e164 } });
    });

    it.each([
      ['555-1234', 'escalation:field.phone.digits'],
      ['212 555 1234', 'escalation:field.phone.areaCode'],
      ['514 055 1234', 'escalation:field.phone.exchange'],
    ])('refuses %p with %s', (text, problem) => {
      expect(reader.read('phone', text)).toEqual({ ok: false, problem });
    });
  });

  describe('region', () => {
    it.each([
      ['1', 'quebec'],
      ['deux', 'montreal'],
      ['3', 'elsewhere'],
      ['Je suis à Montréal', 'montreal'],
      ['Québec City', 'quebec'],
      ['ailleurs', 'elsewhere'],
    ])('%p → %s', (text, region) => {
      expect(reader.read('region', text)).toEqual({ ok: true, value: { region } });
    });

    it.each([
      ['438 555-0000', 'montreal'],
      ['367 555-0000', 'quebec'],
      ['819 555-0000', 'elsewhere'],
    ])('derives %p → %s from the phone number', (text, region) => {
      expect(reader.read('region', text)).toMatchObject({ ok: true, value: { region } });
    });

    it.each(['7', 'Toronto', ''])('refuses %p', (text) => {
      expect(reader.read('region', text)).toEqual({ ok: false, problem: 'escalation:field.region.invalid' });
    });
  });

  describe('best time and reason', () => {
    it.each([
      ['1', { slot: 'morning' }],
      ["n'importe quand", { slot: 'anytime' }],
      ['demain après-midi', { slot: 'afternoon' }],
      ['after 2 pm', { slot: 'afternoon' }],
      ['vers 15 h', { text: 'vers 15 h' }],
    ])('best time %p', (text, value) => {
      expect(reader.read('bestTime', text)).toEqual({ ok: true, value });
    });

    it.each([
      ['1', { topic: 'password' }],
      ['Questions secrètes', { topic: 'secretQuestions' }],
      ['Mon mot de passe est expiré', { text: 'Mon mot de passe est expiré' }],
      ['Demande pour BOUM 5508 1212', { text: 'Demande pour ********1212' }],
      ['mon mot de passe Pharmacie-Rimouski-2026 est refusé', { text: 'mon mot de passe •••• est refusé' }],
      ['Demande pour BOUM  5508  1212 svp', { text: 'Demande pour ********1212 svp' }],
      ['Demande pour BOUM 550 812 12', { text: 'Demande pour ********1212' }],
      ['le dossier de BOUM cinquante-cinq zéro huit douze douze', { text: 'le dossier de ********1212' }],
    ])('reason %p (a sentence stays in the user’s words, NAM and password masked)', (text, value) => {
      expect(reader.read('reason', text)).toEqual({ ok: true, value });
    });

    it.each([
      ['bestTime', '9'],
      ['reason', '7'],
      ['reason', 'x'],
      ['reason', 'a'.repeat(301)],
      ['bestTime', '😀'],
      ['reason', '😀👍'],
      ['reason', '?!?'],
    ] as const)('%s refuses %p', (kind, text) => {
      expect(reader.read(kind, text)).toEqual({ ok: false, problem: `escalation:field.${kind}.invalid` });
    });

    it.each([
      ['bestTime', 'oui'],
      ['bestTime', 'Oui merci'],
      ['bestTime', 'non'],
      ['bestTime', 'yes'],
      ['bestTime', 'no'],
      ['reason', 'oui'],
      ['reason', "c'est ça"],
    ] as const)('%s refuses the yes/no answer %p, which is neither a time nor a reason', (kind, text) => {
      expect(reader.read(kind, text)).toEqual({ ok: false, problem: `escalation:field.${kind}.yesNo` });
    });

    it('still keeps a sentence that begins with « non »', () => {
      expect(reader.read('reason', 'non, mon compte est bloqué')).toEqual({
        ok: true,
        value: { text: 'non, mon compte est bloqué' },
      });
    });
  });

  describe('choices said as ordinals or with fillers', () => {
    it.each([
      ['region', 'le premier', 'quebec'],
      ['region', 'option 2', 'montreal'],
      ['bestTime', 'la troisième', 'anytime'],
      ['reason', 'le deuxième', 'secretQuestions'],
    ] as const)('%s %p → %s', (kind, text, choice) => {
      expect(reader.choice(kind, text)).toBe(choice);
    });
  });

  describe('correction (what to change in the read-back)', () => {
    it.each([
      ['1', 'name'],
      ['le nom', 'name'],
      ['mon numéro de téléphone', 'phone'],
      ['trois', 'bestTime'],
      ['le motif', 'reason'],
      ['5', 'cancel'],
      ['annuler la demande', 'cancel'],
      ['the phone number', 'phone'],
    ])('%p → %s', (text, value) => {
      expect(reader.read('correction', text)).toEqual({ ok: true, value });
    });

    it.each(['7', 'oui', 'blabla'])('refuses %p', (text) => {
      expect(reader.read('correction', text)).toEqual({
        ok: false,
        problem: 'escalation:field.correction.invalid',
      });
    });
  });
});
