import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Clock } from '../../services/clock';
import type { StateAccessors } from '../../state';

/** An authenticated session: who and until when, never a secret. Persisted: never rename the fields. */
export interface AuthSession {
  userName: string;
  /** ISO date-time by the bot's clock; pushed back on every message. */
  expiresAt: string;
}

/** A session ends after this long without any message from the user. */
export const SESSION_IDLE_MS = 15 * 60_000;

/** Conversation-state property name; persisted, never rename it. */
const SESSION_PROPERTY = 'authSession';

/** What the session helpers need: the shared state and the bot's clock. */
export interface SessionDeps {
  state: Pick<StateAccessors, 'conversationState'>;
  clock: Clock;
}

const accessors = new WeakMap<ConversationState, StatePropertyAccessor<AuthSession | undefined>>();

function accessor(deps: SessionDeps): StatePropertyAccessor<AuthSession | undefined> {
  const { conversationState } = deps.state;
  let found = accessors.get(conversationState);
  if (!found) {
    found = conversationState.createProperty<AuthSession | undefined>(SESSION_PROPERTY);
    accessors.set(conversationState, found);
  }
  return found;
}

/** The active session, or undefined (an expired one is removed). Does not extend it. */
export async function currentSession(
  context: TurnContext,
  deps: SessionDeps,
): Promise<AuthSession | undefined> {
  const session = await accessor(deps).get(context);
  if (!session) return undefined;
  if (Date.parse(session.expiresAt) <= deps.clock.now().getTime()) {
    await accessor(deps).delete(context);
    return undefined;
  }
  return session;
}

/** Opens a session for a user who has just proved who they are. */
export async function startSession(context: TurnContext, deps: SessionDeps, userName: string): Promise<void> {
  const expiresAt = new Date(deps.clock.now().getTime() + SESSION_IDLE_MS).toISOString();
  await accessor(deps).set(context, { userName, expiresAt });
}

/** Ends the session ("déconnexion"); true when there was one. */
export async function endSession(context: TurnContext, deps: SessionDeps): Promise<boolean> {
  const active = await currentSession(context, deps);
  await accessor(deps).delete(context);
  return active !== undefined;
}

/** Called on every message: any activity keeps the session alive; 15 idle minutes end it. */
export async function touchSession(context: TurnContext, deps: SessionDeps): Promise<void> {
  const session = await currentSession(context, deps);
  if (session) await startSession(context, deps, session.userName);
}
