import { type PDFFont, type PDFPage, grayscale, rgb } from 'pdf-lib';
import { toWinAnsi } from './winAnsi';

/** A rectangle in PDF coordinates: origin at the bottom left of the page, in points. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The two weights of Helvetica the form uses. */
export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

const BLACK = rgb(0, 0, 0);
const WHITE = rgb(1, 1, 1);
/** Boxes reserved to the Régie are shaded, as on its paper forms. */
export const REGIE_SHADE = grayscale(0.9);

/** Sizes, in points, shared by every box so the form reads evenly. */
export const TYPE = { label: 6.5, text: 7.5, value: 10, minValue: 6, section: 9.5 } as const;

/**
 * Draws the form's building blocks — labelled boxes, check boxes, date boxes, wrapped paragraphs — on one
 * page, measuring from the top of the page because forms are read and designed top-down.
 */
export class PdfPainter {
  constructor(
    readonly page: PDFPage,
    readonly fonts: Fonts,
  ) {}

  /** Page height, to turn a distance from the top into PDF coordinates. */
  get height(): number {
    return this.page.getHeight();
  }

  /** A rectangle given by its top-left corner measured from the top of the page. */
  rect(x: number, top: number, width: number, height: number): Rect {
    return { x, y: this.height - top - height, width, height };
  }

  /** Text whose baseline is `top` points below the top of the page. */
  text(value: string, x: number, top: number, size: number, font: PDFFont = this.fonts.regular): void {
    this.page.drawText(toWinAnsi(value), { x, y: this.height - top, size, font, color: BLACK });
  }

  /** Width of a text in a font and size. */
  width(value: string, size: number, font: PDFFont = this.fonts.regular): number {
    return font.widthOfTextAtSize(toWinAnsi(value), size);
  }

  /** Splits a paragraph into lines no wider than `maxWidth`. */
  wrap(value: string, size: number, maxWidth: number, font: PDFFont = this.fonts.regular): string[] {
    const lines: string[] = [];
    let line = '';
    for (const word of value.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (line && this.width(candidate, size, font) > maxWidth) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    if (line) lines.push(line);
    return lines;
  }

  /** Draws a wrapped paragraph and returns the distance from the top just below it. */
  paragraph(
    value: string,
    x: number,
    top: number,
    maxWidth: number,
    size: number = TYPE.text,
    font: PDFFont = this.fonts.regular,
  ): number {
    const leading = size * 1.25;
    let baseline = top + size;
    for (const line of this.wrap(value, size, maxWidth, font)) {
      this.text(line, x, baseline, size, font);
      baseline += leading;
    }
    return baseline - size + leading * 0.2;
  }

  /** The outline of a box, optionally shaded. */
  frame(box: Rect, shade?: ReturnType<typeof grayscale>): void {
    this.page.drawRectangle({
      ...box,
      borderColor: BLACK,
      borderWidth: 0.6,
      ...(shade ? { color: shade } : {}),
    });
  }

  /** A vertical divider inside a box. */
  divider(x: number, box: Rect, fromTop = 0): void {
    this.page.drawLine({
      start: { x, y: box.y },
      end: { x, y: box.y + box.height - fromTop },
      thickness: 0.5,
      color: BLACK,
    });
  }

  /** The small label in the top-left corner of a box, wrapped when the box is narrow. */
  label(box: Rect, value: string, size: number = TYPE.label): number {
    const lines = this.wrap(value, size, box.width - 4);
    lines.forEach((line, i) =>
      this.text(line, box.x + 2, this.height - box.y - box.height + size + 1 + i * size * 1.15, size),
    );
    return lines.length;
  }

  /**
   * A value written into a box, in capitals as the directives require, on the box's lower half. The size
   * shrinks to fit the box; what still does not fit is cut rather than drawn over the next box.
   */
  value(box: Rect, value: string, fromX = 3): void {
    const upper = toWinAnsi(value.toLocaleUpperCase('fr-CA'));
    const room = box.width - fromX - 3;
    let size: number = TYPE.value;
    while (size > TYPE.minValue && this.width(upper, size) > room) size -= 0.5;
    let printed = upper;
    while (printed && this.width(printed, size) > room) printed = printed.slice(0, -1);
    this.page.drawText(printed, {
      x: box.x + fromX,
      y: box.y + 4,
      size,
      font: this.fonts.regular,
      color: BLACK,
    });
  }

  /** A check box with its caption; returns the box so a test can find the mark. */
  checkbox(x: number, top: number, caption: string, checked: boolean): { box: Rect; end: number } {
    const side = 7.5;
    const box = this.rect(x, top, side, side);
    this.page.drawRectangle({ ...box, borderColor: BLACK, borderWidth: 0.6 });
    if (checked) {
      // A letter rather than two strokes, so the mark is also in the text a screen reader or a test extracts.
      const size = 8;
      const mark = 'X';
      const w = this.width(mark, size, this.fonts.bold);
      this.page.drawText(mark, {
        x: box.x + (side - w) / 2,
        y: box.y + 1,
        size,
        font: this.fonts.bold,
        color: BLACK,
      });
    }
    this.text(caption, x + side + 2.5, top + side - 0.8, TYPE.text);
    return { box, end: x + side + 2.5 + this.width(caption, TYPE.text) };
  }

  /** A « DATE ANNÉE MOIS JOUR » box: the label, then three empty cells with their captions. */
  dateBox(
    box: Rect,
    label: string,
    parts: [string, string, string],
    shade?: ReturnType<typeof grayscale>,
  ): void {
    this.frame(box, shade);
    this.label(box, label);
    // The cells start after the label, however long it is (« DATE », « Date d'inscription »).
    const cellsX = box.x + Math.max(34, this.width(label, TYPE.label) + 8);
    const cellWidth = (box.x + box.width - cellsX) / 3;
    parts.forEach((part, i) => {
      const x = cellsX + i * cellWidth;
      if (i > 0) this.divider(x, box, 0);
      const w = this.width(part, 5.5);
      this.text(part, x + (cellWidth - w) / 2, this.height - box.y - box.height + 7, 5.5);
    });
    this.divider(cellsX, box, 0);
  }

  /** The section band: the number white on a black square, then the title in bold. */
  sectionBand(number: string, title: string, top: number, x: number, width: number): Rect {
    const side = 13;
    const square = this.rect(x, top, side, side);
    this.page.drawRectangle({ ...square, color: BLACK });
    const nw = this.width(number, TYPE.section, this.fonts.bold);
    this.page.drawText(number, {
      x: x + (side - nw) / 2,
      y: square.y + 3.3,
      size: TYPE.section,
      font: this.fonts.bold,
      color: WHITE,
    });
    this.text(title, x + side + 5, top + side - 3.3, TYPE.section, this.fonts.bold);
    this.page.drawLine({
      start: { x: x + side, y: square.y },
      end: { x: x + width, y: square.y },
      thickness: 0.8,
      color: BLACK,
    });
    return this.rect(x, top, width, side);
  }
}
