import { Culture, recognizeNumber, recognizeOrdinal } from '@microsoft/recognizers-text-suite';

/** The recognizers' culture codes: fr-CA is served by the fr-FR models. */
const CULTURES = [Culture.French, Culture.English] as const;

/**
 * Sentences that make the recognizers build their models and compile their patterns. V8 compiles a regular
 * expression separately for one-byte (Latin-1) and two-byte subject strings, and the French models' patterns
 * are huge (about a second each way here), so every text is first folded to Latin-1 (see {@link toLatin1}) and
 * only the one-byte versions are ever compiled. Once warm, any sentence costs a few milliseconds.
 */
const WARM_UP_CORPUS = ['bonjour', 'deux cent trente-quatre', 'le troisième, 3,5 pour cent et 1/2'] as const;

/**
 * The text with typographic apostrophes, quotes and dashes made plain and anything beyond Latin-1 (emoji,
 * symbols) blanked, held in a one-byte string: the recognizers then never meet a two-byte string, whose
 * patterns would have to be compiled a second time on the hot path.
 */
export function toLatin1(text: string): string {
  const folded = text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[^\t\n\r\x20-\xFF]/gu, ' ');
  // A string built by replacements may still be stored as two-byte: decoding Latin-1 bytes never is.
  return Buffer.from(folded, 'latin1').toString('latin1');
}

/**
 * Warms the recognizers one sentence at a time, yielding to the event loop in between so that /healthz
 * keeps answering while /readyz waits.
 */
export async function warmNumberRecognizers(): Promise<void> {
  // Yield first: the caller has just started listening and /healthz must answer at once.
  await new Promise((resolve) => setImmediate(resolve));
  for (const sentence of WARM_UP_CORPUS.map(toLatin1)) {
    for (const culture of CULTURES) {
      recognizeNumber(sentence, culture);
      recognizeOrdinal(sentence, culture);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Whole numbers and ordinals found in free text, French then English, without duplicates. This is the
 * expensive fallback: callers try exact keyword matching first.
 */
export function recognizeSmallNumbers(text: string): number[] {
  const found = new Set<number>();
  const subject = toLatin1(text);
  for (const culture of CULTURES) {
    for (const result of [...recognizeNumber(subject, culture), ...recognizeOrdinal(subject, culture)]) {
      const value = Number((result.resolution as { value?: string } | undefined)?.value);
      if (Number.isInteger(value) && value >= 0) found.add(value);
    }
  }
  return [...found];
}
