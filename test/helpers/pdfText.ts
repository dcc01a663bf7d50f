/**
 * Reads the text of a PDF with pdf.js (its CommonJS legacy build, so it runs under ts-jest without ES module
 * support), with each piece's position, so tests can tell in which box a value was printed.
 */
import path from 'node:path';

/** One piece of text as drawn: its baseline's start, in PDF points from the bottom left. */
export interface PdfTextItem {
  page: number;
  str: string;
  x: number;
  y: number;
  width: number;
}

interface PdfJs {
  getDocument(options: Record<string, unknown>): {
    promise: Promise<{
      numPages: number;
      getPage(n: number): Promise<{
        getTextContent(): Promise<{ items: Array<{ str?: string; transform?: number[]; width?: number }> }>;
      }>;
      destroy(): Promise<void>;
    }>;
  };
}

let pdfjs: PdfJs | undefined;

function load(): PdfJs {
  if (!pdfjs) {
    // pdf.js warns at load time that it cannot polyfill canvas APIs: rendering is not needed to read text.
    const log = console.log;
    console.log = () => undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as PdfJs;
    } finally {
      console.log = log;
    }
  }
  return pdfjs;
}

/** Every non-blank text item of every page. */
export async function pdfTextItems(bytes: Uint8Array): Promise<PdfTextItem[]> {
  const lib = load();
  const fontDir =
    path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;
  const doc = await lib.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: fontDir,
    useSystemFonts: false,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const items: PdfTextItem[] = [];
  try {
    for (let page = 1; page <= doc.numPages; page += 1) {
      const content = await (await doc.getPage(page)).getTextContent();
      for (const item of content.items) {
        if (!item.str || !item.str.trim() || !item.transform) continue;
        items.push({
          page,
          str: item.str,
          x: item.transform[4],
          y: item.transform[5],
          width: item.width ?? 0,
        });
      }
    }
  } finally {
    await doc.destroy();
  }
  return items;
}

/** A rectangle in PDF points, as the renderer reports its boxes. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** True when the item's baseline starts inside the box. */
export function inside(item: PdfTextItem, box: Box): boolean {
  return item.x >= box.x && item.x <= box.x + box.width && item.y >= box.y && item.y <= box.y + box.height;
}
