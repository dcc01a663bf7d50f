import type { ConversationState, StatePropertyAccessor, TurnContext, UserState } from 'botbuilder';
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

/** A Teams user's Entra identity linked to the RAMQ user name they proved; persisted in user state. */
export interface TeamsIdentityLink {
  userName: string;
  aadObjectId: string;
  tenantId: string;
  /** ISO date-time by the bot's clock. */
  expiresAt: string;
}

/** Staff sign in once per working day in Teams: a link lasts this long. */
export const TEAMS_LINK_MS = 8 * 60 * 60_000;

/** User-state property name; persisted, never rename it. */
const TEAMS_LINK_PROPERTY = 'teamsIdentityLink';

/** What the session helpers need: the shared state and the bot's clock. */
export interface SessionDeps {
  state: Pick<StateAccessors, 'conversationState' | 'userState'>;
  clock: Clock;
}

const linkAccessors = new WeakMap<UserState, StatePropertyAccessor<TeamsIdentityLink | undefined>>();

function linkAccessor(deps: SessionDeps): StatePropertyAccessor<TeamsIdentityLink | undefined> {
  const { userState } = deps.state;
  let found = linkAccessors.get(userState);
  if (!found) {
    found = userState.createProperty<TeamsIdentityLink | undefined>(TEAMS_LINK_PROPERTY);
    linkAccessors.set(userState, found);
  }
  return found;
}

/** The Entra identity of a Teams activity, when Teams gives one. */
function teamsIdentity(context: TurnContext): { aadObjectId: string; tenantId: string } | undefined {
  const { activity } = context;
  if (activity.channelId !== 'msteams') return undefined;
  const aadObjectId = activity.from?.aadObjectId;
  const tenantId =
    activity.conversation?.tenantId ??
    (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return aadObjectId && tenantId ? { aadObjectId, tenantId } : undefined;
}

/** The user's still-valid Teams link for this very Entra identity, if any (an expired one is removed). */
async function validTeamsLink(
  context: TurnContext,
  deps: SessionDeps,
): Promise<TeamsIdentityLink | undefined> {
  const identity = teamsIdentity(context);
  if (!identity) return undefined;
  const link = await linkAccessor(deps).get(context);
  if (!link) return undefined;
  const sameIdentity = link.aadObjectId === identity.aadObjectId && link.tenantId === identity.tenantId;
  if (!sameIdentity || Date.parse(link.expiresAt) <= deps.clock.now().getTime()) {
    await linkAccessor(deps).delete(context);
    return undefined;
  }
  return link;
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
  if (session && Date.parse(session.expiresAt) > deps.clock.now().getTime()) return session;
  if (session) await accessor(deps).delete(context);
  // In Teams, a user who proved their identity earlier today is known through their Entra identity.
  const link = await validTeamsLink(context, deps);
  if (!link) return undefined;
  await setSession(context, deps, link.userName);
  return accessor(deps).get(context);
}

/** Opens a session for a user who has just proved who they are. */
export async function startSession(context: TurnContext, deps: SessionDeps, userName: string): Promise<void> {
  await setSession(context, deps, userName);
  // The working-day link starts when the user proves who they are, never when a session merely slides.
  const identity = teamsIdentity(context);
  if (identity) {
    const expiresAt = new Date(deps.clock.now().getTime() + TEAMS_LINK_MS).toISOString();
    await linkAccessor(deps).set(context, { userName, ...identity, expiresAt });
  }
}

async function setSession(context: TurnContext, deps: SessionDeps, userName: string): Promise<void> {
  const expiresAt = new Date(deps.clock.now().getTime() + SESSION_IDLE_MS).toISOString();
  await accessor(deps).set(context, { userName, expiresAt });
}

/** Ends the session ("déconnexion"); true when there was one. */
export async function endSession(context: TurnContext, deps: SessionDeps): Promise<boolean> {
  const active = await currentSession(context, deps);
  await accessor(deps).delete(context);
  await linkAccessor(deps).delete(context);
  return active !== undefined;
}

/** Called on every message: any activity keeps the session alive; 15 idle minutes end it. */
export async function touchSession(context: TurnContext, deps: SessionDeps): Promise<void> {
  const session = await currentSession(context, deps);
  if (session) await setSession(context, deps, session.userName);
}
