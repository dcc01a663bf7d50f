import {
  type ChoiceWords,
  validateAddress,
  validateChoice,
  validateEmail,
  validateEstablishment,
  validateExistingUsername,
  validateField,
  validateName,
  validatePhone,
  validatePostalCode,
  validatePracticeNumber,
} from '../../../src/services/forms/fieldValidation';
import { isWinAnsi, toWinAnsi } from '../../../src/services/forms/winAnsi';

describe('fieldValidation', () => {
  describe('validateName', () => {
    it.each([
      ['Tremblay', 'Tremblay'],
      ['  Marie-Ève  ', 'Marie-Ève'],
      ['O’Neil', "O'Neil"],
      ['St. Pierre', 'St. Pierre'],
      ['Nguyen  Van   Anh', 'Nguyen Van Anh'],
      ['Çélestin', 'Çélestin'],
    ])('accepts %p as %p', (input, expected) => {
      expect(validateName(input)).toEqual({ ok: true, value: expected });
    });

    it.each([
      ['', 'empty'],
      ['   ', 'empty'],
      ['Tremblay3', 'name.characters'],
      ['-Tremblay', 'name.characters'],
      ['Łukasz', 'name.characters'],
      ['李', 'name.characters'],
      ['Tremblay@', 'name.characters'],
      ['A'.repeat(41), 'name.length'],
    ])('refuses %p with %p', (input, error) => {
      expect(validateName(input)).toEqual({ ok: false, error });
    });
  });

  describe('validatePostalCode', () => {
    it.each([
      ['G1K 7B4', 'G1K 7B4'],
      ['g1k7b4', 'G1K 7B4'],
      ['h3a-1b2', 'H3A 1B2'],
      [' J8Y  3Z5 ', 'J8Y 3Z5'],
      ['K1A 0B1', 'K1A 0B1'],
    ])('accepts %p as %p', (input, expected) => {
      expect(validatePostalCode(input)).toEqual({ ok: true, value: expected });
    });

    it.each([
      ['', 'empty'],
      ['G1K 7B', 'postalCode.length'],
      ['G1K 7B4X', 'postalCode.length'],
      ['12345', 'postalCode.length'],
      ['GGK 7B4', 'postalCode.format'],
      ['1G1 7B4', 'postalCode.format'],
      ['D1K 7B4', 'postalCode.letters'],
      ['W1K 7B4', 'postalCode.letters'],
      ['G1O 7B4', 'postalCode.letters'],
      ['G1K 7U4', 'postalCode.letters'],
    ])('refuses %p with %p', (input, error) => {
      expect(validatePostalCode(input)).toEqual({ ok: false, error });
    });
  });

  describe('validatePhone', () => {
    it.each([
      ['418 643-8210', { areaCode: '418', number: '643-8210' }],
      ['(514) 873-3480', { areaCode: '514', number: '873-3480' }],
      ['1-800-463-4776', { areaCode: '800', number: '463-4776' }],
      ['4185551234', { areaCode: '418', number: '555-1234' }],
      ['418 555-1234 poste 210', { areaCode: '418', number: '555-1234', extension: '210' }],
      ['418 555-1234, poste 210', { areaCode: '418', number: '555-1234', extension: '210' }],
      ['418.555.1234 ext. 7', { areaCode: '418', number: '555-1234', extension: '7' }],
      ['418-555-1234 x12', { areaCode: '418', number: '555-1234', extension: '12' }],
      ['418 555 1234 #4455', { areaCode: '418', number: '555-1234', extension: '4455' }],
      ['+1 819 555 1234 p. 3', { areaCode: '819', number: '555-1234', extension: '3' }],
    ])('accepts %p', (input, expected) => {
      expect(validatePhone(input)).toEqual({ ok: true, value: expected });
    });

    it.each([
      ['', 'empty'],
      ['555-1234', 'phone.missingAreaCode'],
      ['418 555-123', 'phone.length'],
      ['418 555-12345', 'phone.length'],
      ['018 555-1234', 'phone.areaCode'],
      ['418 055-1234', 'phone.exchange'],
      ['418 ABC-1234', 'phone.characters'],
      ['418 555-1234 poste', 'phone.extension'],
      ['418 555-1234 poste 1234567', 'phone.extension'],
      ['xxxxxxxx', 'phone.characters'],
      ['poste 22', 'phone.characters'],
    ])('refuses %p with %p', (input, error) => {
      expect(validatePhone(input)).toEqual({ ok: false, error });
    });

    it('does not call letters alone an extension on a fax number', () => {
      expect(validatePhone('x'.repeat(2000), false)).toEqual({ ok: false, error: 'phone.characters' });
    });

    it('refuses an extension on a fax number', () => {
      expect(validatePhone('418 555-9876 poste 2', false)).toEqual({ ok: false, error: 'fax.extension' });
      expect(validateField('fax', '418 555-9876')).toEqual({
        ok: true,
        value: { areaCode: '418', number: '555-9876' },
      });
    });
  });

  describe('validateEmail', () => {
    it.each([
      ['marie.tremblay@pharmacie.ca', 'marie.tremblay@pharmacie.ca'],
      ['  sel.professionnels@ramq.gouv.qc.ca ', 'sel.professionnels@ramq.gouv.qc.ca'],
      ['mailto:f.cote@pharmaciecote.ca', 'f.cote@pharmaciecote.ca'],
      ['a+b@x-y.com', 'a+b@x-y.com'],
    ])('accepts %p', (input, expected) => {
      expect(validateEmail(input)).toEqual({ ok: true, value: expected });
    });

    it.each([
      ['', 'empty'],
      ['marie.tremblay.pharmacie.ca', 'email.at'],
      ['a@b@c.ca', 'email.at'],
      ['marie tremblay@pharmacie.ca', 'email.spaces'],
      ['marie@pharmacie', 'email.domain'],
      ['marie@', 'email.domain'],
      ['marié@pharmacie.ca', 'email.format'],
      ['marie..t@pharmacie.ca', 'email.format'],
      ['marie@-pharmacie.ca', 'email.format'],
      [`${'a'.repeat(55)}@pharmacie.ca`, 'email.length'],
    ])('refuses %p with %p', (input, error) => {
      expect(validateEmail(input)).toEqual({ ok: false, error });
    });
  });

  describe('validatePracticeNumber', () => {
    it.each([
      ['123456', '123456'],
      ['12 345', '12345'],
      ['1-234-567', '1234567'],
    ])('accepts %p as %p', (input, expected) => {
      expect(validatePracticeNumber(input)).toEqual({ ok: true, value: expected });
    });

    it.each([
      ['', 'empty'],
      ['12A456', 'practiceNumber.digits'],
      ['#123456', 'practiceNumber.digits'],
      ['1234', 'practiceNumber.length'],
      ['12345678', 'practiceNumber.length'],
    ])('refuses %p with %p', (input, error) => {
      expect(validatePracticeNumber(input)).toEqual({ ok: false, error });
    });
  });

  describe('validateExistingUsername', () => {
    it.each([
      ['CE123456', '123456'],
      ['ce 123 456', '123456'],
      ['123456', '123456'],
      ['CE-987654', '987654'],
      ['oui, CE123456', '123456'],
      ['Oui : ce 123 456.', '123456'],
    ])('accepts %p, keeping the six digits after CE: %p', (input, expected) => {
      expect(validateExistingUsername(input)).toEqual({ ok: true, value: expected });
    });

    it.each([
      ['', 'empty'],
      ['IP123456', 'existingUsername.ip'],
      ['CE', 'existingUsername.format'],
      ['CE12345678901', 'existingUsername.format'],
      ['CE12_34', 'existingUsername.format'],
      ['CE1234567', 'existingUsername.format'],
      ['CE 12', 'existingUsername.format'],
      ['oui', 'existingUsername.format'],
      ['yes', 'existingUsername.format'],
      ['1234567', 'existingUsername.format'],
    ])('refuses %p with %p', (input, error) => {
      expect(validateExistingUsername(input)).toEqual({ ok: false, error });
    });
  });

  describe('validateEstablishment and validateAddress', () => {
    it('accepts a pharmacy name and a street address, spaces tidied', () => {
      expect(validateEstablishment(' Pharmacie  Côté et Gagnon inc. ')).toEqual({
        ok: true,
        value: 'Pharmacie Côté et Gagnon inc.',
      });
      expect(validateAddress('1234, rue Saint-Jean, Québec')).toEqual({
        ok: true,
        value: '1234, rue Saint-Jean, Québec',
      });
    });

    it.each([
      [validateEstablishment, 'X', 'establishment.length'],
      [validateEstablishment, 'P'.repeat(71), 'establishment.length'],
      [validateEstablishment, 'Pharmacie ★', 'text.characters'],
      [validateEstablishment, 'Pharmacie BOUM 5508 1212', 'text.nam'],
      [validateAddress, '12 rue Principale, Rimouski, gags-7262-0314', 'text.nam'],
      [validateAddress, 'rue Saint-Jean', 'address.format'],
      [validateAddress, '12345', 'address.format'],
      [validateAddress, '1 r', 'address.length'],
      [validateAddress, `1 ${'rue '.repeat(25)}`, 'address.length'],
    ])('%p refuses %p with %p', (validate, input, error) => {
      expect(validate(input)).toEqual({ ok: false, error });
    });
  });

  describe('validateChoice', () => {
    const functions: ChoiceWords = [
      { value: 'administrativeAssistant', words: ['adjoint administratif', 'adjointe', 'assistant'] },
      { value: 'nurse', words: ['infirmier', 'infirmiere'] },
      {
        value: 'pharmacyTechnician',
        words: ['technicien en pharmacie', 'technicienne', 'assistant technique'],
      },
    ];

    it.each([
      ['3', 'pharmacyTechnician'],
      ['Technicienne', 'pharmacyTechnician'],
      ['elle est infirmière', 'nurse'],
      ['assistant technique', 'pharmacyTechnician'],
      ['assistant', 'administrativeAssistant'],
      ['1', 'administrativeAssistant'],
    ])('reads %p as %p', (input, expected) => {
      expect(validateChoice(input, functions)).toEqual({ ok: true, value: expected });
    });

    it.each([['4'], ['pharmacien'], ['']])('refuses %p', (input) => {
      expect(validateChoice(input, functions).ok).toBe(false);
    });

    it('refuses an answer naming two choices equally', () => {
      const sex: ChoiceWords = [
        { value: 'M', words: ['m', 'homme'] },
        { value: 'F', words: ['f', 'femme'] },
      ];
      expect(validateChoice('m ou f', sex)).toEqual({ ok: false, error: 'choice.unknown' });
      expect(validateChoice('F', sex)).toEqual({ ok: true, value: 'F' });
    });

    it.each([['😀'], ['?!'], ['👍 ']])('says %p names no choice, not that nothing was received', (input) => {
      expect(validateChoice(input, functions)).toEqual({ ok: false, error: 'choice.unknown' });
    });

    it('still says nothing was received for blank input', () => {
      expect(validateChoice('   ', functions)).toEqual({ ok: false, error: 'empty' });
    });
  });

  describe('WinAnsi', () => {
    it('knows French is printable and replaces what is not', () => {
      expect(isWinAnsi("Régie de l'assurance maladie du Québec « Œuvre » – ça")).toBe(true);
      expect(isWinAnsi('Łódź')).toBe(false);
      expect(toWinAnsi('Łódź ő 李')).toBe('?ódz o ?');
    });
  });
});
