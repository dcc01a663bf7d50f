import { createHmac } from 'node:crypto';
import { sealKeySource, type SealKeySource } from '../sealKey';
import { MIN_ANSWER_LENGTH, normalizeAnswer } from '../accounts/answers';
import { PASSWORD_MASK } from './redaction';

/** How many secrets a conversation remembers: three rounds of three questions, the eight of a setup, passwords. */
export const MAX_SECRET_FINGERPRINTS = 32;

/** Bytes of HMAC kept: enough that two different secrets never share one in a conversation. */
const FINGERPRINT_BYTES = 16;

// A word as the secret answers' folding sees it: letters (with their accents) and digits.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** One word of a line, folded as answers are, with where it stands in the line. */
interface LineWord {
  folded: string;
  start: number;
  end: number;
}

/**
 * Recognises, in what a user writes, the secrets they typed earlier in the same conversation (secret answers,
 * right or wrong, and passwords), so that the transcript never shows one said again later, in any turn or
 * sentence (« ma réponse était Filou »). Users do repeat them, to « explain » to the agent or because they
 * missed that the question was over, and a count of messages after the questions cannot know when.
 *
 * Only fingerprints are kept, in conversation state: an HMAC of the answer folded as the accounts compare
 * answers (case, accents and punctuation ignored), bound to the conversation, under a key derived from the
 * sealing key, which every instance shares (see {@link SealKeySource}). Secret answers are short and
 * guessable, so a plain hash in state would give them away; without the key a fingerprint cannot be tried
 * against guesses, and the same answer has another fingerprint in another conversation.
 */
export class SecretFingerprints {
  private readonly sealKeys: SealKeySource;
  /** The fingerprints' key, derived from the sealing key it was last derived from. */
  private derived: { from: Buffer; key: Buffer } | undefined;

  /** @param sealKey the sealing key (STATE_SEAL_KEY), from which this key is derived; random when absent. */
  constructor(sealKey?: SealKeySource | Buffer) {
    this.sealKeys = sealKeySource(sealKey);
  }

  private key(): Buffer {
    const sealKey = this.sealKeys.current();
    if (this.derived?.from !== sealKey) {
      const key = createHmac('sha256', sealKey).update('escalation transcript secret fingerprints').digest();
      this.derived = { from: sealKey, key };
    }
    return this.derived.key;
  }

  /**
   * The fingerprint of a secret typed in the conversation `binding`, or undefined when there is nothing to
   * remember (shorter than any answer the accounts accept).
   */
  of(secret: string, binding: string): string | undefined {
    const words = foldedWords(secret).map((w) => w.folded);
    if (words.join(' ').length < MIN_ANSWER_LENGTH) return undefined;
    return this.fingerprint(words, binding);
  }

  /** `known` with `fingerprint` added last, once, and the oldest dropped beyond {@link MAX_SECRET_FINGERPRINTS}. */
  static remember(known: readonly string[] | undefined, fingerprint: string): string[] {
    return [...(known ?? []).filter((f) => f !== fingerprint), fingerprint].slice(-MAX_SECRET_FINGERPRINTS);
  }

  /**
   * `line` with every run of words that is one of the `known` secrets replaced by {@link PASSWORD_MASK};
   * `whole` when nothing else was left of it. Undefined when no secret is in it.
   */
  mask(
    line: string,
    known: readonly string[] | undefined,
    binding: string,
  ): { text: string; whole: boolean } | undefined {
    if (!known?.length) return undefined;
    const words = foldedWords(line);
    const wanted = new Set(known);
    // The fingerprint starts with the secret's word count: only runs of those lengths are tried.
    const lengths = new Set(known.map((f) => Number(f.split('.')[0])).filter((n) => n > 0));
    const hidden: Array<[number, number]> = [];
    for (const n of lengths) {
      for (let i = 0; i + n <= words.length; i += 1) {
        const run = words.slice(i, i + n);
        if (
          wanted.has(
            this.fingerprint(
              run.map((w) => w.folded),
              binding,
            ),
          )
        )
          hidden.push([i, i + n]);
      }
    }
    if (hidden.length === 0) return undefined;
    const covered = new Array<boolean>(words.length).fill(false);
    for (const [from, to] of hidden) covered.fill(true, from, to);
    let text = '';
    let at = 0;
    for (let i = 0; i < words.length; i += 1) {
      if (!covered[i]) continue;
      let last = i;
      while (last + 1 < words.length && covered[last + 1]) last += 1;
      text += line.slice(at, words[i].start) + PASSWORD_MASK;
      at = words[last].end;
      i = last;
    }
    text += line.slice(at);
    return { text, whole: covered.every(Boolean) };
  }

  private fingerprint(words: string[], binding: string): string {
    const mac = createHmac('sha256', this.key())
      .update(binding)
      .update('\u0000')
      .update(words.join(' '))
      .digest()
      .subarray(0, FINGERPRINT_BYTES)
      .toString('base64url');
    return `${words.length}.${mac}`;
  }
}

/** The line's words folded as {@link normalizeAnswer} folds an answer, each with its place in the line. */
function foldedWords(line: string): LineWord[] {
  const words: LineWord[] = [];
  for (const match of line.matchAll(WORD)) {
    const start = match.index ?? 0;
    // Folding may split a word (a rare mark outside the accents): each part keeps the word's place.
    for (const folded of normalizeAnswer(match[0]).split(' ')) {
      if (folded) words.push({ folded, start, end: start + match[0].length });
    }
  }
  return words;
}
