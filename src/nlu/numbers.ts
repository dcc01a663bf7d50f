import { Culture, recognizeNumber, recognizeOrdinal } from '@microsoft/recognizers-text-suite';

/** The recognizers' culture codes: fr-CA is served by the fr-FR models. */
const CULTURES = [Culture.French, Culture.English] as const;

/**
 * Sentences that make the recognizers compile their lazily built patterns. Measured here: the first French
 * recognition of each kind of sentence costs about a second (plain words, spelled numbers, and sentences
 * with elisions and "un" each compile different patterns); once warm, any sentence costs a few milliseconds.
 */
const WARM_UP_CORPUS = [
  'bonjour',
  'deux cent trente-quatre',
  'Je veux parler à quelqu’un de la RAMQ',
  'le troisième, 3,5 pour cent et 1/2',
] as const;

/**
 * Warms the recognizers one sentence at a time, yielding to the event loop in between so that /healthz
 * keeps answering while /readyz waits.
 */
export async function warmNumberRecognizers(): Promise<void> {
  // Yield first: the caller has just started listening and /healthz must answer at once.
  await new Promise((resolve) => setImmediate(resolve));
  for (const sentence of WARM_UP_CORPUS) {
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
  for (const culture of CULTURES) {
    for (const result of [...recognizeNumber(text, culture), ...recognizeOrdinal(text, culture)]) {
      const value = Number((result.resolution as { value?: string } | undefined)?.value);
      if (Number.isInteger(value) && value >= 0) found.add(value);
    }
  }
  return [...found];
}
