import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSecretQuestionCatalogue } from '../../../src/services/accounts/secretQuestionCatalogue';
import { JULIE } from '../../helpers/accounts';

describe('secret-question catalogue (data/secretQuestions.json)', () => {
  const catalogue = loadSecretQuestionCatalogue();

  it('offers at least 15 questions, each in French and English, with unique ids', () => {
    expect(catalogue.questions.length).toBeGreaterThanOrEqual(15);
    expect(new Set(catalogue.ids).size).toBe(catalogue.ids.length);
    for (const id of catalogue.ids) {
      expect(catalogue.text(id, 'fr')).toMatch(/\?$/);
      expect(catalogue.text(id, 'en')).toMatch(/\?$/);
      // Québec typography: no space before the question mark.
      expect(catalogue.text(id, 'fr')).not.toMatch(/\s\?/);
    }
  });

  it('contains the eight questions of the demo account CE100001', () => {
    for (const id of Object.keys(JULIE.answers)) expect(catalogue.has(id)).toBe(true);
  });

  it('numbers the questions by their position', () => {
    const id = catalogue.ids[4];
    expect(catalogue.numberOf(id)).toBe(5);
    expect(catalogue.idAt(5)).toBe(id);
    expect(catalogue.idAt(0)).toBeUndefined();
    expect(catalogue.idAt(catalogue.ids.length + 1)).toBeUndefined();
    expect(() => catalogue.text('nope', 'fr')).toThrow(RangeError);
  });

  it('refuses a catalogue with fewer than 15 questions', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-')), 'q.json');
    fs.writeFileSync(file, JSON.stringify({ questions: [{ id: 'a', fr: 'A?', en: 'A?' }] }));
    expect(() => loadSecretQuestionCatalogue(file)).toThrow();
  });
});
