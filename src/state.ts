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
   * Messages still to be read, in the transcript, as possible secret answers although no secret question is
   * asked any more: a round just ended (see TranscriptRecorder).
   */
  afterSecrets?: number;
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
