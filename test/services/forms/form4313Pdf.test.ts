import { PDFDocument } from 'pdf-lib';
import { scheduleText } from '../../../src/dialogs/shared/contactInfo';
import { Messages } from '../../../src/i18n';
import type { AccessRequestForm } from '../../../src/services/forms/accessRequestModel';
import { loadCentreInfo } from '../../../src/services/centre';
import { renderForm4313, type RenderedForm } from '../../../src/services/forms/form4313Pdf';
import { loadForm4313Text } from '../../../src/services/forms/form4313Text';
import { inside, pdfTextItems, type PdfTextItem } from '../../helpers/pdfText';

const FORM: AccessRequestForm = {
  user: {
    lastName: 'Tremblay-Bélanger',
    firstName: 'Marie-Ève',
    sex: 'F',
    function: 'pharmacyTechnician',
    existingUsername: '1234567',
    establishment: 'Pharmacie Côté et Gagnon inc.',
    address: '1234, rue Saint-Jean, Québec',
    email: 'marie-eve.tremblay@pharmaciecote.ca',
    postalCode: 'G1R 1P9',
    phone: { areaCode: '418', number: '555-1234', extension: '210' },
    fax: { areaCode: '418', number: '555-9876' },
  },
  authorization: {
    lastName: 'Côté',
    firstName: 'François',
    sex: 'M',
    function: 'pharmacistOwner',
    practiceNumber: '123456',
    establishment: 'Pharmacie du Faubourg',
    address: '55, boulevard René-Lévesque Est, Montréal',
    email: 'f.cote@pharmaciefaubourg.ca',
    postalCode: 'H2X 3Z5',
    phone: { areaCode: '514', number: '555-1200' },
  },
};

const text = loadForm4313Text();
const centre = loadCentreInfo();
const schedule = scheduleText(new Messages().forLanguage('fr'), centre);

let rendered: RenderedForm;
let items: PdfTextItem[];
let page1: PdfTextItem[];

beforeAll(async () => {
  rendered = await renderForm4313(FORM, text, { centre, schedule }, new Date('2026-11-27T15:00:00Z'));
  items = await pdfTextItems(rendered.bytes);
  page1 = items.filter((i) => i.page === 1);
});

/** The text of a page, pieces joined by spaces, so a wrapped paragraph reads as one sentence. */
function pageText(page: number): string {
  return items
    .filter((i) => i.page === page)
    .map((i) => i.str)
    .join(' ')
    .replace(/\s+/g, ' ');
}

/** The baseline of a section's title on page 1. */
function bandY(title: string): number {
  const band = page1.find((i) => i.str === title);
  if (!band) throw new Error(`section title not found: ${title}`);
  return band.y;
}

function itemsIn(name: string): PdfTextItem[] {
  const box = rendered.boxes[name];
  if (!box) throw new Error(`no box named ${name}`);
  return page1.filter((i) => inside(i, box));
}

describe('renderForm4313', () => {
  it('is a two-page PDF: the form, then the directives', () => {
    expect(Buffer.from(rendered.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(new Set(items.map((i) => i.page))).toEqual(new Set([1, 2]));
  });

  const sectionOf = (section: 'user' | 'authorization') =>
    section === 'user'
      ? { top: () => bandY(text.sections['2']), bottom: () => bandY(text.sections['3']) }
      : { top: () => bandY(text.sections['3']), bottom: () => bandY(text.sections['4']) };

  describe.each(['user', 'authorization'] as const)('section %s', (section) => {
    const person = FORM[section];
    const values: Array<[string, string]> = [
      ['lastName', person.lastName],
      ['firstName', person.firstName],
      ['establishment', person.establishment],
      ['address', person.address],
      ['email', person.email],
      ['postalCode', person.postalCode],
      ['phone.areaCode', person.phone.areaCode],
      ['phone.number', person.phone.number],
    ];
    if (section === 'user') {
      values.push(['existingUsername', FORM.user.existingUsername!]);
      values.push(['extension', FORM.user.phone.extension!]);
      values.push(['fax.areaCode', FORM.user.fax!.areaCode], ['fax.number', FORM.user.fax!.number]);
    } else {
      values.push(['practiceNumber', FORM.authorization.practiceNumber]);
    }

    it.each(values)('prints %s in capitals, in its box, inside its section', (box, value) => {
      const upper = value.toLocaleUpperCase('fr-CA');
      const found = itemsIn(`${section}.${box}`).filter((i) => i.str === upper);
      expect(found).toHaveLength(1);
      const { top, bottom } = sectionOf(section);
      expect(found[0].y).toBeLessThan(top());
      expect(found[0].y).toBeGreaterThan(bottom());
      // Nothing printed in lower case: the value as extracted is entirely capitals.
      expect(found[0].str).toBe(found[0].str.toLocaleUpperCase('fr-CA'));
    });

    it('checks the right sex and function boxes, and only those', () => {
      const checked = (name: string) => itemsIn(name).some((i) => i.str === 'X');
      expect(checked(`${section}.sex.${person.sex}`)).toBe(true);
      expect(checked(`${section}.sex.${person.sex === 'M' ? 'F' : 'M'}`)).toBe(false);
      const functions =
        section === 'user'
          ? ['administrativeAssistant', 'nurse', 'pharmacyTechnician']
          : ['pharmacistOwner', 'healthProfessional'];
      expect(functions.filter((f) => checked(`${section}.function.${f}`))).toEqual([person.function]);
    });

    it('leaves the signature and date boxes empty but for their printed labels', () => {
      const signature = itemsIn(`${section}.signature`).map((i) => i.str);
      expect(signature).toEqual([section === 'user' ? text.labels.userSignature : text.labels.signature]);
      const date = itemsIn(`${section}.date`).map((i) => i.str);
      expect(date).toEqual([text.labels.date, text.labels.year, text.labels.month, text.labels.day]);
    });

    it("prints the section's engagement in full", () => {
      const commitment = section === 'user' ? text.userCommitment : text.authorizerCommitment;
      const page = pageText(1);
      for (const sentence of [commitment.lead, ...commitment.items]) expect(page).toContain(sentence);
      if (commitment.closing) expect(page).toContain(commitment.closing);
    });
  });

  it('leaves an optional box empty when there is no answer (no fax in section 3)', () => {
    expect(itemsIn('authorization.fax.number')).toEqual([]);
    expect(itemsIn('authorization.extension').map((i) => i.str)).toEqual([text.labels.extension]);
  });

  it('prints section 1 for this service', () => {
    const page = pageText(1);
    expect(page).toContain(text.section1.description);
    expect(page).toContain(text.section1.application);
  });

  it('leaves section 4, reserved to the Régie, blank but for its labels', () => {
    const labels = new Set([...Object.values(text.section4), ...Object.values(text.labels)]);
    for (const name of Object.keys(rendered.boxes).filter((n) => n.startsWith('regie.'))) {
      const stray = itemsIn(name).filter((i) => ![...labels].some((label) => label.includes(i.str.trim())));
      expect(stray).toEqual([]);
    }
    expect(pageText(1)).toContain("(à l'usage de la Régie)");
  });

  it('prints the note, the mailing address from centre.json and the contact box', () => {
    const page = pageText(1);
    expect(page).toContain(text.note);
    expect(page).toContain(text.sendTo);
    for (const line of centre.mailingAddress) expect(page).toContain(line.replace(/\s+/g, ' '));
    expect(page).toContain('Case postale 500');
    expect(page).toContain('Québec (Québec) G1K 7B4');
    expect(page).toContain('418 643-8210');
    expect(page).toContain(centre.email);
  });

  it('prints the directives on the back', () => {
    const page = pageText(2);
    expect(page).toContain(text.directives.title);
    for (const directive of text.directives.items) expect(page).toContain(directive);
    expect(page).toContain(
      'Les lettres moulées, les initiales et les tampons ne sont pas acceptés pour la signature.',
    );
    for (const part of text.directives.sections) expect(page).toContain(part.text);
  });

  it('keeps personal data out of the document properties', async () => {
    const doc = await PDFDocument.load(rendered.bytes, { updateMetadata: false });
    expect(doc.getTitle()).toBe(`${text.title} (${text.number})`);
    expect(doc.getAuthor()).toBeUndefined();
    expect(doc.getSubject()).toBeUndefined();
    expect(doc.getKeywords()).toBeUndefined();
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-11-27T15:00:00.000Z');
  });

  it('prints characters outside the standard fonts without failing', async () => {
    const odd: AccessRequestForm = {
      ...FORM,
      user: { ...FORM.user, lastName: 'Łukasiewicz', establishment: 'Pharmacie ★ Étoile' },
    };
    const result = await renderForm4313(odd, text, { centre, schedule }, new Date());
    const texts = (await pdfTextItems(result.bytes)).map((i) => i.str);
    expect(texts).toContain('?UKASIEWICZ');
    expect(texts).toContain('PHARMACIE ? ÉTOILE');
  });
});
