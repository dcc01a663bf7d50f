import { Culture, recognizeNumber, recognizeOrdinal } from '@microsoft/recognizers-text-suite';

/** The recognizers' culture codes: fr-CA is served by the fr-FR models. */
const CULTURES = [Culture.French, Culture.English] as const;

/**
 * Runs each recognizer once so its models are compiled before the first user's turn: the first French number
 * recognition costs about 1.3 s, the following ones a few milliseconds.
 */
export function warmNumberRecognizers(): void {
  for (const culture of CULTURES) {
    recognizeNumber('deux cent trente-quatre', culture);
    recognizeOrdinal('le troisième', culture);
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
