import type { ConversationState, StatePropertyAccessor, TurnContext, UserState } from 'botbuilder';
import type { DialogState } from './dialogs/shared/dialogLibrary';
import type { Language } from './i18n';
import { loadTogether, saveTogether } from './services/trackedState';

/** What the bot remembers about a user across conversations. */
export interface UserProfile {
  /** Set only when the user asked for a language; French otherwise. */
  language?: Language;
}

/** Per-conversation facts outside the dialog stack. */
export interface ConversationFlags {
  welcomed?: boolean;
  /** A keypad entry just ended without "#": one "#" right after is the caller's habit, not an answer. */
  poundAfterEntry?: boolean;
  /**
   * The question asked right after a round of secret questions or a password card (its dialog id), whose
   * answers the transcript reads as possible secret answers while it is asked again (see TranscriptRecorder).
   * A number here was saved by an older version: the round has just ended.
   */
  afterSecrets?: string;
  /**
   * Keyed fingerprints of the secrets typed in this conversation, never the secrets themselves, so that the
   * transcript hides them when they are said again (see SecretFingerprints).
   */
  secretFingerprints?: string[];
}

/** The typed state accessors, named once. */
export interface StateAccessors {
  conversationState: ConversationState;
  userState: UserState;
  dialogState: StatePropertyAccessor<DialogState>;
  userProfile: StatePropertyAccessor<UserProfile>;
  conversationFlags: StatePropertyAccessor<ConversationFlags>;
  /** Reads the turn's conversation and user state together (one storage read) before anything uses them. */
  loadTurn(context: TurnContext): Promise<void>;
  /** Saves what the turn changed in both, together (all or nothing) when both changed. */
  saveTurn(context: TurnContext): Promise<void>;
}

/** Creates the accessors over the given state objects. Property names are persisted: never rename them. */
export function createStateAccessors(
  conversationState: ConversationState,
  userState: UserState,
): StateAccessors {
  return {
    conversationState,
    userState,
    dialogState: conversationState.createProperty<DialogState>('dialogState'),
    userProfile: userState.createProperty<UserProfile>('profile'),
    conversationFlags: conversationState.createProperty<ConversationFlags>('flags'),
    loadTurn: (context) => loadTogether(context, [conversationState, userState]),
    saveTurn: (context) => saveTogether(context, [conversationState, userState]),
  };
}
