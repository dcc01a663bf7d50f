import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { CentreInfo } from '../centre';
import {
  AUTHORIZER_FUNCTIONS,
  type AccessRequestForm,
  type AuthorizationSection,
  type PhoneNumber,
  USER_FUNCTIONS,
  type UserSection,
} from './accessRequestModel';
import type { Form4313Text } from './form4313Text';
import { PdfPainter, REGIE_SHADE, type Rect, TYPE } from './pdfPainter';

/** US Letter, the size of the Régie's paper forms. */
const PAGE: [number, number] = [612, 792];
const LEFT = 36;
const WIDTH = PAGE[0] - 2 * LEFT;
const ROW = 26;
const GAP = 5;

/** The contact block printed under section 4, from data/centre.json. */
export interface Form4313Contact {
  centre: CentreInfo;
  /** The opening hours in French, one phrase (see `scheduleText`). */
  schedule: string;
}

/** The PDF and where its boxes are, by name (e.g. `user.lastName`, `user.signature`, `section.3`). */
export interface RenderedForm {
  bytes: Uint8Array;
  boxes: Record<string, Rect>;
}

/**
 * Produces form 4313 pre-filled with sections 2 and 3, laid out like the official form: section 1 printed
 * for this service, every value in capital letters, the signature and date boxes empty (the directives
 * refuse anything but a handwritten signature), section 4 blank for the Régie, then the mailing address and,
 * on the back, the directives. Only pdf-lib's standard fonts are used, so nothing is read or fetched at run time.
 */
export async function renderForm4313(
  form: AccessRequestForm,
  text: Form4313Text,
  contact: Form4313Contact,
  createdAt: Date,
): Promise<RenderedForm> {
  const doc = await PDFDocument.create();
  // Metadata carries the form's name only: nothing personal leaves through document properties.
  doc.setTitle(`${text.title} (${text.number})`);
  doc.setLanguage('fr-CA');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  const fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
  };
  const boxes: Record<string, Rect> = {};
  const front = new PdfPainter(doc.addPage(PAGE), fonts);
  new FrontPage(front, text, boxes).draw(form, contact);
  drawDirectives(new PdfPainter(doc.addPage(PAGE), fonts), text);
  return { bytes: await doc.save(), boxes };
}

class FrontPage {
  constructor(
    private readonly p: PdfPainter,
    private readonly text: Form4313Text,
    private readonly boxes: Record<string, Rect>,
  ) {}

  draw(form: AccessRequestForm, contact: Form4313Contact): void {
    let top = this.header();
    top = this.section1(top);
    top = this.person('user', form.user, top);
    top = this.person('authorization', form.authorization, top);
    top = this.p.paragraph(this.text.note, LEFT, top + 1, WIDTH, TYPE.text) + 2;
    top = this.section4(top);
    this.footer(top + 8, contact);
    formNumber(this.p, this.text);
  }

  private header(): number {
    const { p, text } = this;
    p.text(text.organization, LEFT, 40, 10, p.fonts.bold);
    const titleSize = 15;
    p.text(
      text.title,
      LEFT + WIDTH - p.width(text.title, titleSize, p.fonts.bold),
      42,
      titleSize,
      p.fonts.bold,
    );
    p.page.drawLine({
      start: { x: LEFT, y: p.height - 52 },
      end: { x: LEFT + WIDTH, y: p.height - 52 },
      thickness: 1.2,
    });
    return 60;
  }

  private band(number: '1' | '2' | '3' | '4', top: number): number {
    this.boxes[`section.${number}`] = this.p.sectionBand(
      number,
      this.text.sections[number],
      top,
      LEFT,
      WIDTH,
    );
    return top + 13 + 3;
  }

  /** A labelled box, recorded under `name`; returns the box. */
  private box(name: string, x: number, top: number, width: number, height: number, label: string): Rect {
    const box = this.p.rect(x, top, width, height);
    this.p.frame(box);
    this.p.label(box, label);
    this.boxes[name] = box;
    return box;
  }

  private section1(top: number): number {
    const { text, p } = this;
    let y = this.band('1', top);
    const half = WIDTH / 2;
    const description = this.box('section1.description', LEFT, y, half, ROW, text.section1.descriptionLabel);
    p.text(text.section1.description, description.x + 3, y + ROW - 6, 9);
    const application = this.box(
      'section1.application',
      LEFT + half,
      y,
      half,
      ROW,
      text.section1.applicationLabel,
    );
    p.text(text.section1.application, application.x + 3, y + ROW - 6, 9);
    y += ROW + GAP;
    return y;
  }

  private person(
    section: 'user' | 'authorization',
    person: UserSection | AuthorizationSection,
    top: number,
  ): number {
    const { p, text } = this;
    const labels = text.labels;
    let y = this.band(section === 'user' ? '2' : '3', top);

    // Nom | Prénom | Sexe
    this.p.value(this.box(`${section}.lastName`, LEFT, y, 215, ROW, labels.lastName), person.lastName);
    this.p.value(
      this.box(`${section}.firstName`, LEFT + 215, y, 215, ROW, labels.firstName),
      person.firstName,
    );
    const sex = this.box(`${section}.sex`, LEFT + 430, y, WIDTH - 430, ROW, labels.sex);
    const male = p.checkbox(sex.x + 8, y + 11, labels.male, person.sex === 'M');
    const female = p.checkbox(male.end + 14, y + 11, labels.female, person.sex === 'F');
    this.boxes[`${section}.sex.M`] = male.box;
    this.boxes[`${section}.sex.F`] = female.box;
    y += ROW;

    // Fonction | nom d'utilisateur (section 2) or numéro de pratique (section 3)
    const functionHeight = section === 'user' ? 30 : ROW;
    const fn = this.box(`${section}.function`, LEFT, y, 290, functionHeight, labels.function);
    const options =
      section === 'user'
        ? USER_FUNCTIONS.map((id) => ({ id: id as string, caption: text.userFunctions[id] }))
        : AUTHORIZER_FUNCTIONS.map((id) => ({ id: id as string, caption: text.authorizerFunctions[id] }));
    let x = fn.x + 6;
    for (const option of options) {
      const drawn = p.checkbox(x, y + functionHeight - 11, option.caption, person.function === option.id);
      this.boxes[`${section}.function.${option.id}`] = drawn.box;
      x = drawn.end + 10;
    }
    if (section === 'user') {
      const user = person as UserSection;
      const box = this.box(
        'user.existingUsername',
        LEFT + 290,
        y,
        WIDTH - 290,
        functionHeight,
        labels.existingUsername,
      );
      p.text(labels.usernamePrefix, box.x + 3, y + functionHeight - 4, TYPE.value, p.fonts.bold);
      if (user.existingUsername) {
        p.value(box, user.existingUsername, 5 + p.width(labels.usernamePrefix, TYPE.value, p.fonts.bold));
      }
    } else {
      const box = this.box(
        'authorization.practiceNumber',
        LEFT + 290,
        y,
        WIDTH - 290,
        ROW,
        labels.practiceNumber,
      );
      p.value(box, (person as AuthorizationSection).practiceNumber);
    }
    y += functionHeight;

    // Nom de la pharmacie ou de l'établissement
    p.value(
      this.box(`${section}.establishment`, LEFT, y, WIDTH, ROW, labels.establishment),
      person.establishment,
    );
    y += ROW;

    // Adresse de correspondance | Adresse électronique
    p.value(this.box(`${section}.address`, LEFT, y, 310, ROW, labels.address), person.address);
    p.value(this.box(`${section}.email`, LEFT + 310, y, WIDTH - 310, ROW, labels.email), person.email);
    y += ROW;

    // Code postal | Téléphone IND. RÉG. | Poste | Télécopieur IND. RÉG.
    p.value(this.box(`${section}.postalCode`, LEFT, y, 80, ROW, labels.postalCode), person.postalCode);
    this.phoneBox(`${section}.phone`, LEFT + 80, y, 190, labels.phone, person.phone);
    const extension = this.box(`${section}.extension`, LEFT + 270, y, 60, ROW, labels.extension);
    if (person.phone.extension) p.value(extension, person.phone.extension);
    this.phoneBox(`${section}.fax`, LEFT + 330, y, WIDTH - 330, labels.fax, person.fax);
    y += ROW;

    y = this.commitment(section, y);
    return y + GAP;
  }

  /** A phone box with its « IND. RÉG. » cell, so the area code sits apart as on the paper form. */
  private phoneBox(
    name: string,
    x: number,
    top: number,
    width: number,
    label: string,
    phone?: PhoneNumber,
  ): void {
    const { p, text } = this;
    const box = this.box(name, x, top, width, ROW, label);
    const areaX = x + 2 + p.width(label, TYPE.label) + 4;
    const areaWidth = Math.max(42, p.width(text.labels.areaCode, TYPE.label) + 6);
    p.text(text.labels.areaCode, areaX + 2, top + TYPE.label + 1, TYPE.label);
    const area = p.rect(areaX, top, areaWidth, ROW);
    p.divider(areaX, box, 0);
    p.divider(areaX + areaWidth, box, 0);
    this.boxes[`${name}.areaCode`] = area;
    const number = p.rect(areaX + areaWidth, top, x + width - areaX - areaWidth, ROW);
    this.boxes[`${name}.number`] = number;
    if (phone) {
      p.value(area, phone.areaCode);
      p.value(number, phone.number);
    }
  }

  /** The engagement paragraph on the left, the signature and date boxes (left empty) on the right. */
  private commitment(section: 'user' | 'authorization', top: number): number {
    const { p, text } = this;
    const commitment = section === 'user' ? text.userCommitment : text.authorizerCommitment;
    const textWidth = 320;
    const inner = textWidth - 12;
    const measure = (value: string, indent: number) => p.wrap(value, TYPE.text, inner - indent).length;
    const leading = TYPE.text * 1.25;
    const lines =
      1 +
      commitment.items.reduce((n, item) => n + measure(item, 8), 0) +
      (commitment.closing ? measure(commitment.closing, 0) : 0);
    const dateHeight = 22;
    const height = Math.max(62, lines * leading + 10);
    const frame = p.rect(LEFT, top, textWidth, height);
    p.frame(frame);
    let y = p.paragraph(commitment.lead, LEFT + 5, top + 3, inner, TYPE.text, p.fonts.bold);
    for (const item of commitment.items) {
      p.text('-', LEFT + 6, y + TYPE.text, TYPE.text);
      y = p.paragraph(item, LEFT + 13, y, inner - 8);
    }
    if (commitment.closing) p.paragraph(commitment.closing, LEFT + 5, y, inner);

    const x = LEFT + textWidth;
    const signatureLabel = section === 'user' ? text.labels.userSignature : text.labels.signature;
    this.box(`${section}.signature`, x, top, WIDTH - textWidth, height - dateHeight, signatureLabel);
    const date = p.rect(x, top + height - dateHeight, WIDTH - textWidth, dateHeight);
    p.dateBox(date, text.labels.date, [text.labels.year, text.labels.month, text.labels.day]);
    this.boxes[`${section}.date`] = date;
    return top + height;
  }

  /** Section 4, shaded and empty: the Régie fills it when it creates the access. */
  private section4(top: number): number {
    const { p, text } = this;
    const labels = text.section4;
    let y = this.band('4', top);
    const shaded = (name: string, x: number, width: number, height: number, label: string) => {
      const box = p.rect(x, y, width, height);
      p.frame(box, REGIE_SHADE);
      p.label(box, label);
      this.boxes[name] = box;
    };
    shaded('regie.validity', LEFT, 190, 26, labels.validity);
    shaded('regie.reference', LEFT + 190, 110, 26, labels.reference);
    shaded('regie.username', LEFT + 300, 110, 26, labels.username);
    const registration = p.rect(LEFT + 410, y, WIDTH - 410, 26);
    p.dateBox(
      registration,
      labels.registrationDate,
      [text.labels.year, text.labels.month, text.labels.day],
      REGIE_SHADE,
    );
    this.boxes['regie.registrationDate'] = registration;
    y += 26;
    shaded('regie.respondentSignature', LEFT, 240, 28, labels.respondentSignature);
    shaded('regie.stsSignature', LEFT + 240, 170, 28, labels.stsSignature);
    const date = p.rect(LEFT + 410, y, WIDTH - 410, 28);
    p.dateBox(date, text.labels.date, [text.labels.year, text.labels.month, text.labels.day], REGIE_SHADE);
    this.boxes['regie.date'] = date;
    return y + 28;
  }

  /** Where to mail the form, and how to reach the centre, as at the foot of the paper form. */
  private footer(top: number, contact: Form4313Contact): void {
    const { p, text } = this;
    const { centre } = contact;
    let y = p.paragraph(text.sendTo, LEFT, top, 260, TYPE.text);
    y += 2;
    for (const line of centre.mailingAddress) {
      p.text(line.replace(/\s+/g, ' '), LEFT + 10, y + 9, 9, p.fonts.bold);
      y += 11;
    }
    this.boxes.mailingAddress = p.rect(LEFT, top, 270, y - top);

    const x = LEFT + 290;
    const size = 7;
    let line = top + size;
    const write = (value: string, bold = false) => {
      p.text(value, x, line, size, bold ? p.fonts.bold : p.fonts.regular);
      line += size * 1.3;
    };
    write(text.contact.title, true);
    write(contact.schedule.charAt(0).toLocaleUpperCase('fr-CA') + contact.schedule.slice(1));
    centre.phones.forEach((phone, i) => {
      const region = `${text.contact.regions[phone.region]} : ${phone.display}`;
      write(i === 0 ? `${text.contact.phoneLabel} ${region}` : region);
    });
    write(`${text.contact.emailLabel} ${centre.email}`);
    write(text.contact.option.replace('{{key}}', centre.onlineServicesKey));
  }
}

function formNumber(p: PdfPainter, text: Form4313Text): void {
  p.text(text.number, LEFT, p.height - 22, 7, p.fonts.bold);
}

/** The back of the form: the directives, then what each part of the form is for. */
function drawDirectives(p: PdfPainter, text: Form4313Text): void {
  const { directives } = text;
  p.text(directives.title, LEFT, 56, 13, p.fonts.bold);
  let y = 66;
  for (const item of directives.items) {
    p.text('-', LEFT + 4, y + 9, 9);
    y = p.paragraph(item, LEFT + 14, y, WIDTH - 14, 9) + 2;
  }
  y += 10;
  for (const part of directives.sections) {
    p.text(part.title, LEFT, y + 10, 10, p.fonts.bold);
    y = p.paragraph(part.text, LEFT, y + 14, WIDTH, 9) + 8;
  }
  formNumber(p, text);
}
