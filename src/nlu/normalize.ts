/**
 * Folds text for matching: lowercase, no accents, apostrophes unified, punctuation to spaces, single spaces.
 * Kept cheap (no regex backtracking, no recognizers) because it runs on every turn.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[^a-z0-9'*#]+/g, ' ')
    .replace(/\s*'\s*/g, "' ")
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when `phrase` (already normalized) occurs in `text` (already normalized) on word boundaries. */
export function containsPhrase(text: string, phrase: string): boolean {
  if (!phrase) return false;
  const padded = ` ${text} `;
  return padded.includes(` ${phrase} `);
}
