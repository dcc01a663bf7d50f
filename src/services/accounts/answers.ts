/**
 * Folds a secret answer before it is hashed or compared, so that what the user obviously meant matches:
 * case, accents, ligatures, punctuation and repeated spaces are ignored ("pate chinois" = "Pâté chinois",
 * "ecole saint jean" = "École Saint-Jean").
 */
export function normalizeAnswer(answer: string): string {
  return answer
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Shortest answer accepted when secret questions are chosen, once normalized. */
export const MIN_ANSWER_LENGTH = 2;
/** Longest answer accepted, once normalized: nobody needs more, and it bounds the hashing work. */
export const MAX_ANSWER_LENGTH = 100;
