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

/**
 * True when `phrase` (already normalized) occurs in `text` (already normalized) on word boundaries. Searched
 * in place rather than by padding both with spaces: it runs for every phrase of the lexicons on every message,
 * and the padded copies were the biggest allocation of a menu turn.
 */
export function containsPhrase(text: string, phrase: string): boolean {
  if (!phrase) return false;
  const SPACE = 32;
  for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
    const end = at + phrase.length;
    const startsWord = at === 0 || text.charCodeAt(at - 1) === SPACE;
    const endsWord = end === text.length || text.charCodeAt(end) === SPACE;
    if (startsWord && endsWord) return true;
  }
  return false;
}
