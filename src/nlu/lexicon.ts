import { LANGUAGES, type Messages } from '../i18n';
import { containsPhrase, normalizeText } from './normalize';

/** Control intents that interrupt any flow. */
export type ControlIntent =
  'help' | 'cancel' | 'menu' | 'restart' | 'agent' | 'english' | 'french' | 'logout';
/** Intents that route free text to a flow. */
export type RoutingIntent =
  'agent' | 'hoursContact' | 'passwordReset' | 'secretQuestions' | 'accessRequest' | 'requestStatus';

const CONTROL_INTENTS: readonly ControlIntent[] = [
  'help',
  'cancel',
  'menu',
  'restart',
  'agent',
  'english',
  'french',
  'logout',
];
const ROUTING_INTENTS: readonly RoutingIntent[] = [
  'agent',
  'hoursContact',
  'passwordReset',
  'secretQuestions',
  'accessRequest',
  // Last: its phrases ("ma demande pour ...") are the most general, so a more specific intent wins.
  'requestStatus',
];
/** Words allowed between « compte » and « bloqué »: « compte a été bloqué », « mot de passe s'est fait barrer ». */
const LOCKED_WINDOW = 3;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function uniqueNormalized(values: string[]): string[] {
  return [...new Set(values.map(normalizeText).filter((v) => v.length > 0))];
}

/**
 * Every keyword the bot understands, in both languages at once (a French user who types "yes" or "agent" is
 * understood), normalized once at start-up so each turn only does set lookups and substring checks.
 */
export class Lexicon {
  private readonly exact = new Map<string, ControlIntent>();
  private readonly phrases: Array<{ phrase: string; intent: RoutingIntent }> = [];
  private readonly agentPhrases: string[] = [];
  private readonly numberWords = new Map<string, string>();
  private readonly ordinalWords = new Map<string, string>();
  private readonly fillers: string[];
  private readonly repeatWords: Set<string>;
  private readonly repeatRequests: Set<string>;
  private readonly greetings: Set<string>;
  private readonly occupations: Set<string>;
  private readonly numberStems: string[];
  /** Words for an account or a password (« compte », "password"), each split into its words. */
  private readonly lockedSubjects: string[][];
  /** Words saying it is locked (« barré », "locked"), typos included. */
  private readonly lockedStates: Set<string>;

  constructor(private readonly messages: Messages) {
    for (const lang of LANGUAGES) {
      for (const intent of CONTROL_INTENTS) {
        for (const word of uniqueNormalized(messages.list(lang, `intents:exact.${intent}`))) {
          if (!this.exact.has(word)) this.exact.set(word, intent);
        }
      }
      for (const intent of ROUTING_INTENTS) {
        for (const phrase of uniqueNormalized(messages.list(lang, `intents:phrases.${intent}`))) {
          this.phrases.push({ phrase, intent });
          if (intent === 'agent') this.agentPhrases.push(phrase);
        }
      }
      for (const digit of DIGITS) {
        for (const w of uniqueNormalized(messages.list(lang, `intents:numbers.${digit}`)))
          this.numberWords.set(w, digit);
        for (const w of uniqueNormalized(messages.list(lang, `intents:ordinals.${digit}`)))
          this.ordinalWords.set(w, digit);
      }
    }
    // Longest first so that "je voudrais" is removed before "je".
    this.fillers = uniqueNormalized(LANGUAGES.flatMap((l) => messages.list(l, 'intents:fillers'))).sort(
      (a, b) => b.length - a.length,
    );
    this.repeatWords = new Set(
      uniqueNormalized(LANGUAGES.flatMap((l) => messages.list(l, 'intents:repeat'))),
    );
    this.repeatWords.add('*');
    this.repeatRequests = new Set(
      uniqueNormalized(LANGUAGES.flatMap((l) => messages.list(l, 'intents:repeatAsked'))),
    );
    this.greetings = new Set(
      uniqueNormalized(LANGUAGES.flatMap((l) => messages.list(l, 'intents:greetings'))),
    );
    this.occupations = new Set(
      uniqueNormalized(LANGUAGES.flatMap((l) => messages.list(l, 'intents:occupations'))),
    );
    this.numberStems = uniqueNormalized(LANGUAGES.flatMap((l) => messages.list(l, 'intents:numberStems')));
    this.lockedSubjects = uniqueNormalized(
      LANGUAGES.flatMap((l) => messages.list(l, 'intents:lockedOut.subjects')),
    ).map((subject) => subject.split(' '));
    this.lockedStates = new Set(
      uniqueNormalized(LANGUAGES.flatMap((l) => messages.list(l, 'intents:lockedOut.states'))),
    );
  }

  /** A control intent when the whole message is one of its keywords. */
  controlIntent(normalized: string): ControlIntent | undefined {
    return this.exact.get(normalized);
  }

  /**
   * True when the message asks for a person in so many words (« je veux parler à un agent », "talk to a
   * human"): unlike other routing phrases, never an answer to a question, so it interrupts anywhere.
   */
  asksForAgent(normalized: string): boolean {
    return this.agentPhrases.some((phrase) => containsPhrase(normalized, phrase));
  }

  /** A routing intent when the message contains one of its phrases. */
  routingIntent(normalized: string): RoutingIntent | undefined {
    const found = this.phrases.find((p) => containsPhrase(normalized, p.phrase))?.intent;
    // « Mon compte est barré » is said in too many word orders for a phrase list; it ranks where
    // passwordReset ranks, so « compte bloqué, je veux un agent » still reaches an agent.
    const before =
      found !== undefined && ROUTING_INTENTS.indexOf(found) < ROUTING_INTENTS.indexOf('passwordReset');
    if (!before && this.saysLockedOut(normalized)) return 'passwordReset';
    return found;
  }

  /**
   * True when a word saying « locked » (« bloqué », « barrer », "locked") stands within three words of an
   * account or password (« mon compte a été barré », "they locked my account"). The bot itself locks a user
   * name after repeated failures, and a user who says so expects « Mot de passe oublié? ». A state word
   * alone (« je suis bloqué à la question 3 ») is not enough.
   */
  private saysLockedOut(normalized: string): boolean {
    const words = normalized.split(' ');
    for (let i = 0; i < words.length; i++) {
      if (!this.lockedStates.has(words[i])) continue;
      for (const subject of this.lockedSubjects) {
        for (let at = 0; at <= i + LOCKED_WINDOW + 1; at++) {
          if (at === i || at + subject.length > words.length) continue;
          // The subject must end before the state word or start after it, within the window.
          const end = at + subject.length - 1;
          const near = end < i ? i - end - 1 <= LOCKED_WINDOW : at > i && at - i - 1 <= LOCKED_WINDOW;
          if (near && subject.every((word, k) => words[at + k] === word)) return true;
        }
      }
    }
    return false;
  }

  /** True when the message asks to hear the prompt again: a key or word (« * », « encore ») or a request. */
  isRepeat(normalized: string): boolean {
    return this.repeatWords.has(normalized) || this.repeatRequests.has(normalized);
  }

  /**
   * True when the message can only be a request to hear the question again (« pouvez-vous répéter? »,
   * « pardon? »): unlike {@link isRepeat}, never a word that could also be an answer (a pet named Étoile).
   */
  isRepeatRequest(normalized: string): boolean {
    return this.repeatRequests.has(normalized);
  }

  /**
   * True when the whole message is a job title that is also a word for a person of the Centre (« operator »,
   * « conseillère »): where a form asks for a function, it is that answer rather than a request for an agent.
   */
  isOccupation(normalized: string): boolean {
    return this.occupations.has(normalized);
  }

  /** True when the whole message is a greeting (« bonjour », « allô? », "hi"). */
  isGreeting(normalized: string): boolean {
    return this.greetings.has(normalized);
  }

  /** Removes politeness and framing words ("option", "le", "please") so that the core answer remains. */
  stripFillers(normalized: string): string {
    let text = ` ${normalized} `;
    for (const filler of this.fillers) {
      const needle = ` ${filler} `;
      while (text.includes(needle)) text = text.replace(needle, ' ');
    }
    return text.replace(/\s+/g, ' ').trim();
  }

  /**
   * True when some word could be a number or an ordinal ("vingt-deux", "12", "premier"): only then is the
   * costly number recognizer worth running.
   */
  mayContainNumber(normalized: string): boolean {
    if (/\d/.test(normalized)) return true;
    return normalized.split(' ').some((word) => this.numberStems.some((stem) => word.startsWith(stem)));
  }

  /** A single digit for "1", "un", "one", or undefined. */
  digitWord(word: string): string | undefined {
    return this.numberWords.get(word);
  }

  /** A position (as a digit) for "premier", "2e", "third", or undefined. */
  ordinalWord(word: string): string | undefined {
    return this.ordinalWords.get(word);
  }
}
