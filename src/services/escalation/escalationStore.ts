import type { ConversationReference } from 'botbuilder';
import type {
  AcceptNoticeAudience,
  AcceptOutcome,
  AgentIdentity,
  AgentRecord,
  AgentSession,
  CallbackRequest,
  CloseReason,
  Escalation,
  PasswordCardRecord,
  PendingMessage,
} from './types';

/**
 * Where escalations, the agents' addresses, call-back requests and temporary-password cards live: this
 * process's memory (STORAGE=memory) or Redis (STORAGE=redis, shared by every instance, surviving a restart).
 *
 * Every state change that two instances or two agents could race for is decided inside the store, atomically:
 * accepting, timing out and closing an escalation, completing a call-back, taking a password card and claiming
 * a once-a-day announcement each have exactly one winner.
 */
export interface EscalationStore {
  /**
   * Queues a new escalation (status `waiting`) and returns its 1-based position in the queue, unless the same
   * conversation (channel and conversation id of `userReference`) already has one that is not closed: that one
   * is returned, untouched, and nothing is queued. A request sent twice at once is queued once.
   */
  create(escalation: Escalation): Promise<CreateOutcome>;
  get(id: string): Promise<Escalation | undefined>;
  /** 1-based position among waiting escalations, oldest first; undefined when not waiting. */
  position(id: string): Promise<number | undefined>;
  /** Waiting escalations, oldest first. */
  waiting(): Promise<Escalation[]>;
  /** Escalations not closed yet (waiting, accepted, timed out), oldest first. */
  active(): Promise<Escalation[]>;
  /** First accept wins: `waiting` → `accepted`. */
  accept(id: string, agent: AgentIdentity, at: string): Promise<AcceptOutcome>;
  /**
   * Records that the user (`userToldAcceptedAt`) or the agent (`agentToldAcceptedAt`) is told an agent took the
   * request: granted once each, and only while the request is still accepted, in one step with that check. A
   * user who leaves (« annuler ») at the same moment either closes it first, and the claim fails, or finds the
   * field on what {@link close} returns. So the user is told they ended the conversation rather than left the
   * queue, and the agent, shown the request before their claim, hears that the user left from exactly one side.
   */
  claimAcceptNotice(id: string, at: string, audience: AcceptNoticeAudience): Promise<boolean>;
  /** `waiting` → `timedOut`; true only for the caller that made the change. */
  timeOut(id: string, at: string): Promise<boolean>;
  /**
   * Closes an escalation that is not closed yet; returns it as it was just before (status included) to the one
   * caller that closed it, undefined to everyone else.
   */
  close(id: string, reason: CloseReason, at: string): Promise<Escalation | undefined>;
  /** Keeps a message the user wrote while waiting, for the agent who accepts. */
  addPending(id: string, message: PendingMessage): Promise<void>;
  pending(id: string): Promise<PendingMessage[]>;

  saveAgent(agent: AgentRecord): Promise<void>;
  agent(id: string): Promise<AgentRecord | undefined>;
  agents(): Promise<AgentRecord[]>;
  /** The agents' Teams channel (AGENT_HUB_CONVERSATION), as last seen. */
  saveHubReference(reference: Partial<ConversationReference>): Promise<void>;
  hubReference(): Promise<Partial<ConversationReference> | undefined>;
  setAgentSession(agentId: string, session: AgentSession | undefined): Promise<void>;
  agentSession(agentId: string): Promise<AgentSession | undefined>;
  /**
   * Ends the agent's session if it is still the one for `escalationId`; true only for the caller that ended it,
   * so that the user leaving and the agent's own accept, racing, tell the agent once.
   */
  clearAgentSession(agentId: string, escalationId: string): Promise<boolean>;

  /** A number for the day's next call-back reference: 1, 2, 3… per `day` (YYYY-MM-DD). */
  nextCallbackNumber(day: string): Promise<number>;
  saveCallback(request: CallbackRequest): Promise<void>;
  /**
   * Saves the request unless one was already saved under `key` in the last `ttlSeconds` (the same confirmation
   * sent twice at once): then that one is returned and nothing is saved. `saved` is true for the one caller
   * whose request was saved.
   */
  saveCallbackOnce(
    request: CallbackRequest,
    key: string,
    ttlSeconds: number,
  ): Promise<{ request: CallbackRequest; saved: boolean }>;
  callback(reference: string): Promise<CallbackRequest | undefined>;
  /** Pending call-backs, earliest due first. */
  pendingCallbacks(): Promise<CallbackRequest[]>;
  /** `pending` → `done`; returns the request to the one caller that completed it. */
  completeCallback(reference: string, by: AgentIdentity): Promise<CallbackRequest | undefined>;

  /** True for the first caller with this key until it expires (e.g. « the call-backs were shown today »). */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;

  savePasswordCard(card: PasswordCardRecord): Promise<void>;
  /** Removes and returns the card to the one caller that takes it. */
  takePasswordCard(activityId: string): Promise<PasswordCardRecord | undefined>;
  /** Cards whose `replaceAfter` is past, removed and handed out once. */
  takeDuePasswordCards(nowMs: number): Promise<PasswordCardRecord[]>;
}

/** The escalation's field that records each {@link EscalationStore.claimAcceptNotice}. */
export const ACCEPT_NOTICE_FIELD = {
  user: 'userToldAcceptedAt',
  agent: 'agentToldAcceptedAt',
} as const satisfies Record<AcceptNoticeAudience, keyof Escalation>;

/** What {@link EscalationStore.create} did. */
export type CreateOutcome =
  | { kind: 'created'; position: number }
  /** The conversation's escalation still open; `position` only while it is waiting. */
  | { kind: 'existing'; escalation: Escalation; position?: number };

/**
 * The conversation an escalation came from, as `channel|conversation id`: at most one escalation is open per
 * conversation. Undefined when the reference has no conversation id.
 */
export function conversationKeyOf(escalation: Escalation): string | undefined {
  const id = escalation.userReference.conversation?.id;
  return id ? `${escalation.userReference.channelId ?? escalation.channel}|${id}` : undefined;
}

/**
 * How long an open escalation keeps standing for its conversation: a request still open after this (an external
 * hub that never said it was done) no longer stops the user from asking for a person again.
 */
export const OPEN_ESCALATION_MAX_AGE_MS = 24 * 3600 * 1000;

/**
 * True when the conversation's open escalation must give way to a new request made at `now`: nobody took it in
 * time (the user was offered a call-back, and asks for a person again), or it is older than
 * {@link OPEN_ESCALATION_MAX_AGE_MS}.
 */
export function givesWayToNewRequest(open: Escalation, now: string): boolean {
  return open.status === 'timedOut' || isPastMaxAge(open, now);
}

/** True when the escalation was made more than {@link OPEN_ESCALATION_MAX_AGE_MS} before `now`. */
export function isPastMaxAge(escalation: Escalation, now: string): boolean {
  return Date.parse(now) - Date.parse(escalation.createdAt) > OPEN_ESCALATION_MAX_AGE_MS;
}

/** Closed escalations and done call-backs are kept this long for agents' questions, then forgotten. */
export const RETENTION_SECONDS = 30 * 24 * 3600;

function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * {@link EscalationStore} in this process's memory. JavaScript runs one callback at a time and no method
 * awaits between its check and its change, so each change is atomic here too. Closed escalations are kept up
 * to a bound (oldest dropped first) so a long-running process cannot grow without end.
 */
export class MemoryEscalationStore implements EscalationStore {
  private readonly escalations = new Map<string, Escalation>();
  /** Conversation key → the id of its escalation that is not closed. */
  private readonly openByConversation = new Map<string, string>();
  private readonly pendingMessages = new Map<string, PendingMessage[]>();
  private readonly agentRecords = new Map<string, AgentRecord>();
  private hub?: Partial<ConversationReference>;
  private readonly sessions = new Map<string, AgentSession>();
  private readonly counters = new Map<string, number>();
  private readonly callbacks = new Map<string, CallbackRequest>();
  private readonly claims = new Map<string, number>();
  /** saveCallbackOnce's keys: the reference saved under each, and until when (epoch ms). */
  private readonly callbackKeys = new Map<string, { reference: string; until: number }>();
  private readonly cards = new Map<string, PasswordCardRecord>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxClosed = 1000,
  ) {}

  async create(escalation: Escalation): Promise<CreateOutcome> {
    const key = conversationKeyOf(escalation);
    const openId = key ? this.openByConversation.get(key) : undefined;
    const open = openId ? this.escalations.get(openId) : undefined;
    if (open && open.status !== 'closed' && givesWayToNewRequest(open, escalation.createdAt)) {
      await this.close(open.id, 'timedOut', escalation.createdAt);
    } else if (open && open.status !== 'closed') {
      return { kind: 'existing', escalation: copy(open), position: await this.position(open.id) };
    }
    this.escalations.set(escalation.id, copy({ ...escalation, status: 'waiting' }));
    if (key) this.openByConversation.set(key, escalation.id);
    return { kind: 'created', position: (await this.position(escalation.id)) ?? 1 };
  }

  async get(id: string): Promise<Escalation | undefined> {
    const found = this.escalations.get(id);
    return found ? copy(found) : undefined;
  }

  async position(id: string): Promise<number | undefined> {
    const index = this.ordered('waiting').findIndex((e) => e.id === id);
    return index < 0 ? undefined : index + 1;
  }

  async waiting(): Promise<Escalation[]> {
    return this.ordered('waiting').map(copy);
  }

  async active(): Promise<Escalation[]> {
    return [...this.escalations.values()].filter((e) => e.status !== 'closed').map(copy);
  }

  async accept(id: string, agent: AgentIdentity, at: string): Promise<AcceptOutcome> {
    const found = this.escalations.get(id);
    if (!found || found.status === 'closed' || found.status === 'timedOut') return { kind: 'gone' };
    if (found.status === 'accepted') return { kind: 'taken', by: found.agent };
    found.status = 'accepted';
    found.agent = { ...agent };
    found.acceptedAt = at;
    return { kind: 'accepted', escalation: copy(found) };
  }

  async claimAcceptNotice(id: string, at: string, audience: AcceptNoticeAudience): Promise<boolean> {
    const found = this.escalations.get(id);
    const field = ACCEPT_NOTICE_FIELD[audience];
    if (!found || found.status !== 'accepted' || found[field]) return false;
    found[field] = at;
    return true;
  }

  async timeOut(id: string, _at: string): Promise<boolean> {
    const found = this.escalations.get(id);
    if (!found || found.status !== 'waiting') return false;
    found.status = 'timedOut';
    return true;
  }

  async close(id: string, reason: CloseReason, at: string): Promise<Escalation | undefined> {
    const found = this.escalations.get(id);
    if (!found || found.status === 'closed') return undefined;
    const before = copy(found);
    found.status = 'closed';
    found.closedAt = at;
    found.closeReason = reason;
    const key = conversationKeyOf(found);
    if (key && this.openByConversation.get(key) === id) this.openByConversation.delete(key);
    this.trimClosed();
    return before;
  }

  async addPending(id: string, message: PendingMessage): Promise<void> {
    const list = this.pendingMessages.get(id) ?? [];
    list.push({ ...message });
    this.pendingMessages.set(id, list.slice(-MAX_PENDING));
  }

  async pending(id: string): Promise<PendingMessage[]> {
    return (this.pendingMessages.get(id) ?? []).map(copy);
  }

  async saveAgent(agent: AgentRecord): Promise<void> {
    this.agentRecords.set(agent.id, copy(agent));
  }

  async agent(id: string): Promise<AgentRecord | undefined> {
    const found = this.agentRecords.get(id);
    return found ? copy(found) : undefined;
  }

  async agents(): Promise<AgentRecord[]> {
    return [...this.agentRecords.values()].map(copy);
  }

  async saveHubReference(reference: Partial<ConversationReference>): Promise<void> {
    this.hub = copy(reference);
  }

  async hubReference(): Promise<Partial<ConversationReference> | undefined> {
    return this.hub ? copy(this.hub) : undefined;
  }

  async setAgentSession(agentId: string, session: AgentSession | undefined): Promise<void> {
    if (session) this.sessions.set(agentId, copy(session));
    else this.sessions.delete(agentId);
  }

  async agentSession(agentId: string): Promise<AgentSession | undefined> {
    const found = this.sessions.get(agentId);
    return found ? copy(found) : undefined;
  }

  async clearAgentSession(agentId: string, escalationId: string): Promise<boolean> {
    if (this.sessions.get(agentId)?.escalationId !== escalationId) return false;
    this.sessions.delete(agentId);
    return true;
  }

  async nextCallbackNumber(day: string): Promise<number> {
    const next = (this.counters.get(day) ?? 0) + 1;
    this.counters.set(day, next);
    return next;
  }

  async saveCallback(request: CallbackRequest): Promise<void> {
    this.callbacks.set(request.reference, copy(request));
  }

  async saveCallbackOnce(
    request: CallbackRequest,
    key: string,
    ttlSeconds: number,
  ): Promise<{ request: CallbackRequest; saved: boolean }> {
    const now = this.now();
    for (const [k, kept] of this.callbackKeys) if (kept.until <= now) this.callbackKeys.delete(k);
    const kept = this.callbackKeys.get(key);
    const found = kept ? this.callbacks.get(kept.reference) : undefined;
    if (found) return { request: copy(found), saved: false };
    this.callbackKeys.set(key, { reference: request.reference, until: now + ttlSeconds * 1000 });
    this.callbacks.set(request.reference, copy(request));
    return { request: copy(request), saved: true };
  }

  async callback(reference: string): Promise<CallbackRequest | undefined> {
    const found = this.callbacks.get(reference);
    return found ? copy(found) : undefined;
  }

  async pendingCallbacks(): Promise<CallbackRequest[]> {
    return (
      [...this.callbacks.values()]
        .filter((c) => c.status === 'pending')
        // Same order as the Redis sorted set: due time, then reference.
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.reference.localeCompare(b.reference))
        .map(copy)
    );
  }

  async completeCallback(reference: string, by: AgentIdentity): Promise<CallbackRequest | undefined> {
    const found = this.callbacks.get(reference);
    if (!found || found.status !== 'pending') return undefined;
    found.status = 'done';
    found.handledBy = { ...by };
    return copy(found);
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const until = this.claims.get(key);
    if (until !== undefined && until > this.now()) return false;
    this.claims.set(key, this.now() + ttlSeconds * 1000);
    return true;
  }

  async savePasswordCard(card: PasswordCardRecord): Promise<void> {
    this.cards.set(card.activityId, copy(card));
  }

  async takePasswordCard(activityId: string): Promise<PasswordCardRecord | undefined> {
    const found = this.cards.get(activityId);
    this.cards.delete(activityId);
    return found;
  }

  async takeDuePasswordCards(nowMs: number): Promise<PasswordCardRecord[]> {
    const due = [...this.cards.values()].filter((c) => c.replaceAfter <= nowMs);
    for (const card of due) this.cards.delete(card.activityId);
    return due;
  }

  /** A Map iterates in insertion order: the queue is first come, first served even under a fixed clock. */
  private ordered(status: Escalation['status']): Escalation[] {
    return [...this.escalations.values()].filter((e) => e.status === status);
  }

  private trimClosed(): void {
    const closed = [...this.escalations.values()].filter((e) => e.status === 'closed');
    for (const old of closed.slice(0, Math.max(0, closed.length - this.maxClosed))) {
      this.escalations.delete(old.id);
      this.pendingMessages.delete(old.id);
    }
  }
}

/** At most this many messages are kept per escalation while the user waits. */
export const MAX_PENDING = 50;
