import { LANGUAGES, type Messages } from '../i18n';
import type { Medication, MedicationCatalogue } from '../services/requestStatus/medicationCatalogue';
import { parseNam, redactNams, spokenDigitRuns } from './nam';
import { containsPhrase, normalizeText } from './normalize';

/** What the user's answer to "which medication?" means. */
export type MedicationMatch =
  | { kind: 'medication'; medication: Medication }
  /** Two or three close candidates: ask which one. */
  | { kind: 'ambiguous'; candidates: Medication[] }
  /** "toutes", "all": every request for the NAM. */
  | { kind: 'all' }
  /** "patient d'exception": the exceptional-patient measure. */
  | { kind: 'exceptionalPatient' }
  /** Eight digits that are not a catalogue DIN: the service may still know it. */
  | { kind: 'din'; din: string }
  | { kind: 'none' };

/** A candidate and how close it is, 0 to 1. */
export interface RankedMedication {
  medication: Medication;
  score: number;
}

/** Words the matcher understands, from the locale files (both languages at once). */
export interface MatcherWords {
  /** "toutes", "toutes les demandes", "all". */
  all: readonly string[];
  /** Framing words removed before matching: "pour", "demande", "request". */
  ignore: readonly string[];
}

/** A DIN (drug identification number) has eight digits. */
const DIN_DIGITS = 8;
/** Scores at or above this are candidates. */
export const MATCH_THRESHOLD = 0.75;
/** Exact or same-sounding names: they beat every fuzzy candidate. */
const SOUNDS_SAME = 0.96;
/** A candidate this close to the best one makes the answer ambiguous. */
const AMBIGUITY_MARGIN = 0.08;
/** At most this many candidates are offered as choices. */
export const MAX_CANDIDATES = 3;
/** Windows of up to this many words are tried, so "ada li mu mab" is one name. */
const MAX_WINDOW_WORDS = 4;
/** Long messages are cut: a medication name is never that far in. */
const MAX_TOKENS = 24;

interface NameKey {
  medication: number;
  compact: string;
  phonetic: string;
  bigrams: Set<string>;
}

/** Letters only, no spaces: "Ada li mu-mab" → "adalimumab". */
function compact(normalized: string): string {
  return normalized.replace(/[^a-z]/g, '');
}

/**
 * A rough sound key, so that spellings a speech recognizer or a hurried typist produce collapse together:
 * "prolya"/"prolia", "ozempique"/"ozempic", "adalimumabe"/"adalimumab", "zarelto"/"xarelto".
 */
export function phoneticKey(word: string): string {
  return word
    .replace(/ph/g, 'f')
    .replace(/qu/g, 'k')
    .replace(/ck/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/y/g, 'i')
    .replace(/^x/, 'z')
    .replace(/x/g, 'ks')
    .replace(/z/g, 's')
    .replace(/th/g, 't')
    .replace(/h/g, '')
    .replace(/ou/g, 'u')
    .replace(/(.)\1+/g, '$1')
    .replace(/e$/, '');
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), giving up once it must exceed
 * `max`: callers only care about close names, and the early exit keeps each comparison a few hundred steps.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  // Three rolling rows, allocated once per call: no per-row garbage on the per-turn path.
  let prevPrev = new Int32Array(cols);
  let prev = new Int32Array(cols);
  let current = new Int32Array(cols);
  for (let j = 0; j < cols; j += 1) prev[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j += 1) {
      const cb = b.charCodeAt(j - 1);
      let value = Math.min(prev[j] + 1, current[j - 1] + 1, prev[j - 1] + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        value = Math.min(value, prevPrev[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const recycled = prevPrev;
    prevPrev = prev;
    prev = current;
    current = recycled;
  }
  return prev[cols - 1];
}

/** The distinct letter pairs of a word, for the cheap filter before the edit distance. */
function bigrams(word: string): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i + 1 < word.length; i += 1) set.add(word.slice(i, i + 2));
  return set;
}

/**
 * Finds the medication a user means, by brand or generic name in French or English, tolerant of typos and
 * speech transcription, or by DIN. Every name is normalized, compacted and given a sound key once at
 * start-up; a turn compares a few word windows against those keys with a bounded edit distance.
 */
export class MedicationMatcher {
  private readonly keys: NameKey[] = [];
  private readonly byDin = new Map<string, Medication>();
  private readonly all: Set<string>;
  private readonly allPhrases: string[];
  private readonly ignore: Set<string>;
  private readonly exceptionalPatient: string[];

  constructor(
    private readonly catalogue: MedicationCatalogue,
    words: MatcherWords,
  ) {
    catalogue.medications.forEach((medication, index) => {
      const names = [
        medication.generic.fr,
        medication.generic.en,
        ...medication.brands,
        ...medication.aliases,
      ];
      const seen = new Set<string>();
      for (const name of names) {
        const key = compact(normalizeText(name));
        if (key.length < 3 || seen.has(key)) continue;
        seen.add(key);
        this.keys.push({
          medication: index,
          compact: key,
          phonetic: phoneticKey(key),
          bigrams: bigrams(key),
        });
      }
      for (const din of medication.dins) this.byDin.set(din, medication);
    });
    this.allPhrases = words.all.map(normalizeText).filter(Boolean);
    this.all = new Set(this.allPhrases);
    this.ignore = new Set(words.ignore.map(normalizeText).filter(Boolean));
    this.exceptionalPatient = catalogue.exceptionalPatientKeywords.map(normalizeText).filter(Boolean);
  }

  /** Builds a matcher with the keyword lists of every language's requests.json. */
  static fromMessages(catalogue: MedicationCatalogue, messages: Messages): MedicationMatcher {
    return new MedicationMatcher(catalogue, {
      all: LANGUAGES.flatMap((l) => messages.list(l, 'requests:keywords.all')),
      ignore: LANGUAGES.flatMap((l) => messages.list(l, 'requests:keywords.ignore')),
    });
  }

  /** The medication with this catalogue id. */
  byId(id: string): Medication | undefined {
    return this.catalogue.medications.find((m) => m.id === id);
  }

  /** Interprets an answer: DIN, "all", the exceptional-patient measure, then names, cheapest first. */
  match(text: string): MedicationMatch {
    // A NAM typed here is not a DIN: its last eight digits must not be read as one (nor echoed back).
    const normalized = normalizeText(redactNams(text));
    if (!normalized) return { kind: 'none' };
    const din = this.din(text, normalized);
    if (din) {
      const medication = this.byDin.get(din);
      return medication ? { kind: 'medication', medication } : { kind: 'din', din };
    }
    const words = normalized.split(' ').filter((w) => !/^\d+$/.test(w));
    const core = words.filter((w) => !this.ignore.has(w)).join(' ');
    if (this.all.has(core)) return { kind: 'all' };
    if (this.exceptionalPatient.some((k) => containsPhrase(normalized, k)))
      return { kind: 'exceptionalPatient' };

    const ranked = this.rankWords(words.slice(0, MAX_TOKENS));
    const top = ranked[0];
    if (!top) {
      return this.allPhrases.some((p) => containsPhrase(normalized, p)) ? { kind: 'all' } : { kind: 'none' };
    }
    const floor =
      top.score >= SOUNDS_SAME ? SOUNDS_SAME : Math.max(MATCH_THRESHOLD, top.score - AMBIGUITY_MARGIN);
    const close = ranked.filter((r) => r.score >= floor);
    if (close.length === 1) return { kind: 'medication', medication: top.medication };
    return { kind: 'ambiguous', candidates: close.slice(0, MAX_CANDIDATES).map((r) => r.medication) };
  }

  /**
   * Eight digits typed ("02343541", "0 2 3 4 3 5 4 1") or said (« zéro deux trois quatre trois cinq quatre
   * un »), or undefined. A spoken NAM is not a DIN: its eight digits must not be looked up (nor echoed back).
   */
  private din(text: string, normalized: string): string | undefined {
    const typed = /(?:^| )(\d{8})(?= |$)/.exec(normalized.replace(/(\d) (?=\d)/g, '$1'));
    if (typed) return typed[1];
    const spoken = spokenDigitRuns(normalized).find((run) => run.length === DIN_DIGITS);
    return spoken && !parseNam(text).ok ? spoken : undefined;
  }

  /** Candidates at or above the threshold, best first (for tests and diagnostics). */
  rank(text: string): RankedMedication[] {
    const words = normalizeText(text)
      .split(' ')
      .filter((w) => w && !/^\d+$/.test(w));
    return this.rankWords(words.slice(0, MAX_TOKENS));
  }

  private rankWords(words: string[]): RankedMedication[] {
    const best = new Map<number, number>();
    for (let start = 0; start < words.length; start += 1) {
      // Framing words ("pour", "en") may be part of a split name ("en brel") but never start one alone.
      if (this.ignore.has(words[start]) && words.length > start + 1 && this.ignore.has(words[start + 1]))
        continue;
      let window = '';
      for (let size = 1; size <= MAX_WINDOW_WORDS && start + size <= words.length; size += 1) {
        window += compact(words[start + size - 1]);
        if (window.length < 4 || (size === 1 && this.ignore.has(words[start]))) continue;
        const sound = phoneticKey(window);
        const pairs = bigrams(window);
        for (const key of this.keys) {
          const score = this.score(window, sound, pairs, key);
          if (score >= MATCH_THRESHOLD && score > (best.get(key.medication) ?? 0)) {
            best.set(key.medication, score);
          }
        }
      }
    }
    return [...best.entries()]
      .map(([index, score]) => ({ medication: this.catalogue.medications[index], score }))
      .sort((a, b) => b.score - a.score || a.medication.id.localeCompare(b.medication.id));
  }

  private score(window: string, sound: string, pairs: Set<string>, key: NameKey): number {
    if (window === key.compact) return 1;
    const length = Math.max(window.length, key.compact.length);
    const max = Math.floor(length * (1 - MATCH_THRESHOLD));
    // Far too long or too short to be this name, even as a started word: skip before any real work.
    if (window.length > key.compact.length + max) return 0;
    if (sound === key.phonetic) return SOUNDS_SAME;
    // A name started but not finished ("adalim"): long enough to mean something, most of the name.
    if (window.length >= 5 && key.compact.startsWith(window) && window.length >= 0.6 * key.compact.length) {
      return 0.9;
    }
    // Short names ("Ofev", "Taltz") tolerate no typo: one letter off is another word.
    if (length < 6 || key.compact.length - window.length > max) return 0;
    // Each edit destroys at most three letter pairs: too few shared pairs means too many edits.
    let shared = 0;
    for (const pair of pairs) if (key.bigrams.has(pair)) shared += 1;
    if (shared < Math.min(pairs.size, key.bigrams.size) - 3 * max) return 0;
    const distance = Math.min(editDistance(window, key.compact, max), editDistance(sound, key.phonetic, max));
    return distance > max ? 0 : 1 - distance / length;
  }
}
