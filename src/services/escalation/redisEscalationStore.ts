import { createHash } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import { writeMayHaveLanded } from '../../errors';
import type { AppRedisClient } from '../redisClient';
import { repairOnceRedisAnswers } from '../redisStorage';
import {
  ACCEPT_NOTICE_FIELD,
  conversationKeyOf,
  givesWayToNewRequest,
  MAX_PENDING,
  RETENTION_SECONDS,
  type CreateOutcome,
  type EscalationStore,
} from './escalationStore';
import type {
  AcceptNoticeAudience,
  AcceptOutcome,
  AgentIdentity,
  AgentRecord,
  AgentSession,
  CallbackRequest,
  CloseReason,
  Escalation,
  EscalationStatus,
  PasswordCardRecord,
  PendingMessage,
} from './types';

/** The node-redis commands {@link RedisEscalationStore} uses. */
export type EscalationRedisClient = Pick<
  AppRedisClient,
  | 'eval'
  | 'get'
  | 'set'
  | 'del'
  | 'incr'
  | 'expire'
  | 'hGet'
  | 'hGetAll'
  | 'hSet'
  | 'hVals'
  | 'zRange'
  | 'zRank'
  | 'rPush'
  | 'lTrim'
  | 'lRange'
>;

// Every key carries the {escalation} hash tag: the scripts below touch several keys, which Redis Cluster only
// allows within one slot.

// KEYS: escalation hash, queue, active set, sequence, the conversation's open escalation. ARGV: id, JSON
// fields, escalation key prefix. A conversation whose escalation is not closed gets it back ('existing', id,
// position or 0) and nothing is queued: two requests sent at once, even to two instances, queue one. Queue and
// active scores come from a sequence, not the clock, so the queue is first come, first served even when
// instances' clocks differ.
const CREATE_LUA = `
local open = redis.call('GET', KEYS[5])
if open then
  local status = redis.call('HGET', ARGV[3] .. open, 'status')
  if status and status ~= 'closed' then
    local rank = redis.call('ZRANK', KEYS[2], open)
    return {'existing', open, rank and rank + 1 or 0}
  end
end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'status', 'waiting', 'conversationKey', KEYS[5])
redis.call('SET', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
return {'created', ARGV[1], redis.call('ZRANK', KEYS[2], ARGV[1]) + 1}
`;

// The first accept wins: the status check and the change happen in one script, so two agents (on two
// instances) pressing « Accepter » together cannot both get the escalation.
const ACCEPT_LUA = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'closed' or status == 'timedOut' then return {'gone', ''} end
if status == 'accepted' then return {'taken', redis.call('HGET', KEYS[1], 'agent') or ''} end
redis.call('HSET', KEYS[1], 'status', 'accepted', 'agent', ARGV[2], 'acceptedAt', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return {'accepted', ''}
`;

// KEYS and ARGV as ACCEPT_LUA's. Puts an accept reported as failed back in the queue, at its place (its score in
// the active set), only while it is still exactly that accept and nobody was told of it.
const UNDO_ACCEPT_LUA = `
if redis.call('HGET', KEYS[1], 'status') ~= 'accepted' then return 0 end
if redis.call('HGET', KEYS[1], 'agent') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'acceptedAt') ~= ARGV[3] then
  return 0
end
if redis.call('HEXISTS', KEYS[1], 'userToldAcceptedAt') == 1 then return 0 end
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not score then return 0 end
redis.call('HSET', KEYS[1], 'status', 'waiting')
redis.call('HDEL', KEYS[1], 'agent', 'acceptedAt')
redis.call('ZADD', KEYS[2], score, ARGV[1])
return 1
`;

// ARGV: when, and the field (userToldAcceptedAt or agentToldAcceptedAt). Granted once, only while the
// escalation is accepted; CLOSE_LUA returns both fields with the status it closed.
const CLAIM_ACCEPT_NOTICE_LUA = `
if redis.call('HGET', KEYS[1], 'status') ~= 'accepted' then return 0 end
return redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[1])
`;

const TIMEOUT_LUA = `
if redis.call('HGET', KEYS[1], 'status') ~= 'waiting' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'timedOut')
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

// KEYS: escalation hash, queue, active set, pending list. Returns the status before closing, its agent and when
// the user and the agent were told an agent took it ('' if not), or {'', '', '', ''} when it was already closed
// or never existed.
const CLOSE_LUA = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'closed' then return {'', '', '', ''} end
local agent = redis.call('HGET', KEYS[1], 'agent') or ''
local told = redis.call('HGET', KEYS[1], 'userToldAcceptedAt') or ''
local agentTold = redis.call('HGET', KEYS[1], 'agentToldAcceptedAt') or ''

redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[2], 'closeReason', ARGV[3])
local conversation = redis.call('HGET', KEYS[1], 'conversationKey')
if conversation and redis.call('GET', conversation) == ARGV[1] then redis.call('DEL', conversation) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[4]))
return {status, agent, told, agentTold}
`;

// KEYS: the confirmation's key, the request, the pending set. ARGV: reference, JSON, due (epoch ms), TTL,
// '1' when pending, request key prefix. Returns the request already saved under the key, or nil once saved.
// The key holds the reference, followed by '!' once the request was returned so: that caller tells the user it is
// saved, so that a withdrawal of the write that saved it (reported as failed) must leave it.
const SAVE_CALLBACK_ONCE_LUA = `
local kept = redis.call('GET', KEYS[1])
if kept then
  local reference = string.match(kept, '^[^!]*')
  local request = redis.call('GET', ARGV[6] .. reference)
  if request then
    redis.call('SET', KEYS[1], reference .. '!', 'KEEPTTL')
    return request
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[4]))
redis.call('SET', KEYS[2], ARGV[2])
if ARGV[5] == '1' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
return false
`;

// KEYS and ARGV[1] as SAVE_CALLBACK_ONCE_LUA's; ARGV[2]: the request's JSON as it was sent. Removes the request
// and the key only while the key points to it, returned to no other caller (a user sending « oui » again was
// told it is saved), and it is exactly that write (not completed by an agent since).
const WITHDRAW_CALLBACK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`;

// KEYS: the agent's session. Deleted only while it is still the one for ARGV[1].
const CLEAR_SESSION_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw or cjson.decode(raw).escalationId ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

// KEYS: pending set, request. Leaving the set decides the one agent who completes the call-back.
const COMPLETE_CALLBACK_LUA = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;

const TAKE_CARD_LUA = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return false end
local card = redis.call('GET', KEYS[2])
redis.call('DEL', KEYS[2])
return card
`;

const TAKE_DUE_CARDS_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 50)
local taken = {}
for _, id in ipairs(due) do
  if redis.call('ZREM', KEYS[1], id) == 1 then
    local key = ARGV[2] .. id
    local card = redis.call('GET', key)
    redis.call('DEL', key)
    if card then table.insert(taken, card) end
  end
end
return taken
`;

/** A key part from a conversation id, which is long and opaque: a short hash of it. */
function hashKey(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** The status-related fields kept beside the escalation's JSON, so that scripts can change them alone. */
type StoredFields = Record<string, string>;

/**
 * {@link EscalationStore} in Redis (STORAGE=redis): shared by every instance and kept across restarts. An
 * escalation is a hash (its JSON under `data`, its status fields beside it), the queue and the list of open
 * escalations are sorted sets, and every contested change is one Lua script.
 */
export class RedisEscalationStore implements EscalationStore {
  private readonly base: string;

  /**
   * @param awaitReconnection - resolves true once the client is connected again (at once if it is), false after
   * `maxMs`: lets a request reported as failed be withdrawn if Redis queues it later. Without it, it stays.
   */
  constructor(
    private readonly client: EscalationRedisClient,
    keyPrefix: string,
    private readonly awaitReconnection?: (maxMs: number) => Promise<boolean>,
  ) {
    this.base = `${keyPrefix}{escalation}:`;
  }

  async create(escalation: Escalation): Promise<CreateOutcome> {
    const {
      status: _s,
      agent: _a,
      acceptedAt: _ac,
      userToldAcceptedAt: _u,
      agentToldAcceptedAt: _g,
      closedAt: _c,
      closeReason: _r,
      ...data
    } = escalation;
    // Without a conversation id, the escalation's own id stands alone.
    const conversation = hashKey(conversationKeyOf(escalation) ?? `escalation|${escalation.id}`);
    let created: [string, string, number];
    try {
      created = (await this.client.eval(CREATE_LUA, {
        keys: [
          this.key(escalation.id),
          this.k('queue'),
          this.k('active'),
          this.k('seq'),
          this.k(`conversation:${conversation}`),
        ],
        arguments: [escalation.id, JSON.stringify(data), this.k('e:')],
      })) as [string, string, number];
    } catch (error) {
      if (writeMayHaveLanded(error)) this.withdrawIfLanded(escalation);
      throw error;
    }
    const [kind, id, position] = created;
    if (kind === 'created') return { kind, position: Number(position) };
    const open = await this.get(id);
    // Closed between the script and this read: the caller's request is then queued after all.
    if (!open || open.status === 'closed') return this.create(escalation);
    if (givesWayToNewRequest(open, escalation.createdAt)) {
      // Closing frees the conversation's slot; a request made at the same moment elsewhere then finds the new one.
      await this.close(open.id, 'timedOut', escalation.createdAt);
      return this.create(escalation);
    }
    return { kind: 'existing', escalation: open, position: Number(position) || undefined };
  }

  /**
   * In the background: a request reported as failed (the user was told the service is unavailable, agents were
   * not told) may still be queued once Redis answers again (it was on a connection dropped under it). Agents
   * must not find it waiting: once Redis answers, it is closed if it is there and still waiting.
   */
  private withdrawIfLanded(escalation: Escalation): void {
    repairOnceRedisAnswers(this.awaitReconnection, async () => {
      if ((await this.get(escalation.id))?.status !== 'waiting') return;
      await this.close(escalation.id, 'userCancelled', escalation.createdAt);
    });
  }

  async get(id: string): Promise<Escalation | undefined> {
    return this.read(await this.client.hGetAll(this.key(id)));
  }

  async position(id: string): Promise<number | undefined> {
    const rank = await this.client.zRank(this.k('queue'), id);
    return rank === null ? undefined : rank + 1;
  }

  async waiting(): Promise<Escalation[]> {
    return this.many(await this.client.zRange(this.k('queue'), 0, -1));
  }

  async active(): Promise<Escalation[]> {
    return this.many(await this.client.zRange(this.k('active'), 0, -1));
  }

  async accept(id: string, agent: AgentIdentity, at: string): Promise<AcceptOutcome> {
    const script = { keys: [this.key(id), this.k('queue')], arguments: [id, JSON.stringify(agent), at] };
    let won = false;
    try {
      const [kind, by] = (await this.client.eval(ACCEPT_LUA, script)) as [string, string];
      if (kind === 'taken') return { kind: 'taken', by: by ? (JSON.parse(by) as AgentIdentity) : undefined };
      if (kind !== 'accepted') return { kind: 'gone' };
      won = true;
      const escalation = await this.get(id);
      return escalation ? { kind: 'accepted', escalation } : { kind: 'gone' };
    } catch (error) {
      // The agent is told nothing was done, the user nothing at all, and nobody holds a session: an accept that
      // took effect all the same, or that Redis runs later, would leave the request off the queue for good, its
      // user waiting for nobody.
      if (won || writeMayHaveLanded(error)) {
        repairOnceRedisAnswers(this.awaitReconnection, () =>
          this.client.eval(UNDO_ACCEPT_LUA, { ...script, keys: [...script.keys, this.k('active')] }),
        );
      }
      throw error;
    }
  }

  async timeOut(id: string, _at: string): Promise<boolean> {
    const changed = await this.client.eval(TIMEOUT_LUA, {
      keys: [this.key(id), this.k('queue')],
      arguments: [id],
    });
    return Number(changed) === 1;
  }

  async close(id: string, reason: CloseReason, at: string): Promise<Escalation | undefined> {
    const before = await this.get(id);
    const [previous, agent, told, agentTold] = (await this.client.eval(CLOSE_LUA, {
      keys: [this.key(id), this.k('queue'), this.k('active'), this.pendingKey(id)],
      arguments: [id, at, reason, String(RETENTION_SECONDS)],
    })) as [string, string, string, string];
    if (!previous || !before) return undefined;
    // As the script saw them, not as read before it: an accept or its notice may have come in between.
    const closed: Escalation = { ...before, status: previous as EscalationStatus };
    if (agent) closed.agent = JSON.parse(agent) as AgentIdentity;
    if (told) closed.userToldAcceptedAt = told;
    else delete closed.userToldAcceptedAt;
    if (agentTold) closed.agentToldAcceptedAt = agentTold;
    else delete closed.agentToldAcceptedAt;
    return closed;
  }

  async claimAcceptNotice(id: string, at: string, audience: AcceptNoticeAudience): Promise<boolean> {
    const claimed = await this.client.eval(CLAIM_ACCEPT_NOTICE_LUA, {
      keys: [this.key(id)],
      arguments: [at, ACCEPT_NOTICE_FIELD[audience]],
    });
    return Number(claimed) === 1;
  }

  async addPending(id: string, message: PendingMessage): Promise<void> {
    await this.client.rPush(this.pendingKey(id), JSON.stringify(message));
    await this.client.lTrim(this.pendingKey(id), -MAX_PENDING, -1);
  }

  async pending(id: string): Promise<PendingMessage[]> {
    return (await this.client.lRange(this.pendingKey(id), 0, -1)).map(
      (raw) => JSON.parse(raw) as PendingMessage,
    );
  }

  async saveAgent(agent: AgentRecord): Promise<void> {
    await this.client.hSet(this.k('agents'), agent.id, JSON.stringify(agent));
  }

  async agent(id: string): Promise<AgentRecord | undefined> {
    const raw = await this.client.hGet(this.k('agents'), id);
    return raw ? (JSON.parse(raw) as AgentRecord) : undefined;
  }

  async agents(): Promise<AgentRecord[]> {
    return (await this.client.hVals(this.k('agents'))).map((raw) => JSON.parse(raw) as AgentRecord);
  }

  async saveHubReference(reference: Partial<ConversationReference>): Promise<void> {
    await this.client.set(this.k('hub'), JSON.stringify(reference));
  }

  async hubReference(): Promise<Partial<ConversationReference> | undefined> {
    const raw = await this.client.get(this.k('hub'));
    return raw ? (JSON.parse(raw) as Partial<ConversationReference>) : undefined;
  }

  async setAgentSession(agentId: string, session: AgentSession | undefined): Promise<void> {
    if (session) await this.client.set(this.k(`session:${agentId}`), JSON.stringify(session));
    else await this.client.del(this.k(`session:${agentId}`));
  }

  async agentSession(agentId: string): Promise<AgentSession | undefined> {
    const raw = await this.client.get(this.k(`session:${agentId}`));
    return raw ? (JSON.parse(raw) as AgentSession) : undefined;
  }

  async clearAgentSession(agentId: string, escalationId: string): Promise<boolean> {
    const cleared = await this.client.eval(CLEAR_SESSION_LUA, {
      keys: [this.k(`session:${agentId}`)],
      arguments: [escalationId],
    });
    return Number(cleared) === 1;
  }

  async nextCallbackNumber(day: string): Promise<number> {
    const key = this.k(`callbackSeq:${day}`);
    const next = await this.client.incr(key);
    // The counter only matters for its day; three days leave room for any time-zone doubt.
    if (next === 1) await this.client.expire(key, 3 * 24 * 3600);
    return next;
  }

  async saveCallback(request: CallbackRequest): Promise<void> {
    await this.client.set(this.callbackKey(request.reference), JSON.stringify(request));
    if (request.status === 'pending') {
      await this.client.eval(`return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])`, {
        keys: [this.k('callbacks')],
        arguments: [String(Date.parse(request.dueAt)), request.reference],
      });
    }
  }

  async saveCallbackOnce(
    request: CallbackRequest,
    key: string,
    ttlSeconds: number,
  ): Promise<{ request: CallbackRequest; saved: boolean }> {
    const keys = [
      this.k(`callbackOnce:${hashKey(key)}`),
      this.callbackKey(request.reference),
      this.k('callbacks'),
    ];
    const json = JSON.stringify(request);
    let kept: unknown;
    try {
      kept = await this.client.eval(SAVE_CALLBACK_ONCE_LUA, {
        keys,
        arguments: [
          request.reference,
          json,
          String(Date.parse(request.dueAt)),
          String(ttlSeconds),
          request.status === 'pending' ? '1' : '0',
          this.k('callback:'),
        ],
      });
    } catch (error) {
      // The user is told the request could not be taken: an agent must not call them back because Redis ran
      // the script later (it was on a connection dropped under it, or it timed out).
      if (writeMayHaveLanded(error)) {
        repairOnceRedisAnswers(this.awaitReconnection, () =>
          this.client.eval(WITHDRAW_CALLBACK_LUA, { keys, arguments: [request.reference, json] }),
        );
      }
      throw error;
    }
    return typeof kept === 'string'
      ? { request: JSON.parse(kept) as CallbackRequest, saved: false }
      : { request, saved: true };
  }

  async callback(reference: string): Promise<CallbackRequest | undefined> {
    const raw = await this.client.get(this.callbackKey(reference));
    return raw ? (JSON.parse(raw) as CallbackRequest) : undefined;
  }

  async pendingCallbacks(): Promise<CallbackRequest[]> {
    const references = await this.client.zRange(this.k('callbacks'), 0, -1);
    const found = await Promise.all(references.map((r) => this.callback(r)));
    return found.filter((c): c is CallbackRequest => c !== undefined && c.status === 'pending');
  }

  async completeCallback(reference: string, by: AgentIdentity): Promise<CallbackRequest | undefined> {
    const request = await this.callback(reference);
    if (!request || request.status !== 'pending') return undefined;
    const done: CallbackRequest = { ...request, status: 'done', handledBy: by };
    const won = await this.client.eval(COMPLETE_CALLBACK_LUA, {
      keys: [this.k('callbacks'), this.callbackKey(reference)],
      arguments: [reference, JSON.stringify(done), String(RETENTION_SECONDS)],
    });
    return Number(won) === 1 ? done : undefined;
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const set = await this.client.set(this.k(`once:${key}`), '1', { NX: true, EX: ttlSeconds });
    return set === 'OK';
  }

  async savePasswordCard(card: PasswordCardRecord): Promise<void> {
    await this.client.set(this.k(`card:${card.activityId}`), JSON.stringify(card), {
      // A card is replaced within minutes; the key must not outlive a lost sweep by much.
      EX: 24 * 3600,
    });
    await this.client.eval(`return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])`, {
      keys: [this.k('cards')],
      arguments: [String(card.replaceAfter), card.activityId],
    });
  }

  async takePasswordCard(activityId: string): Promise<PasswordCardRecord | undefined> {
    const raw = await this.client.eval(TAKE_CARD_LUA, {
      keys: [this.k('cards'), this.k(`card:${activityId}`)],
      arguments: [activityId],
    });
    return typeof raw === 'string' ? (JSON.parse(raw) as PasswordCardRecord) : undefined;
  }

  async takeDuePasswordCards(nowMs: number): Promise<PasswordCardRecord[]> {
    const raw = (await this.client.eval(TAKE_DUE_CARDS_LUA, {
      keys: [this.k('cards')],
      arguments: [String(nowMs), this.k('card:')],
    })) as unknown;
    return Array.isArray(raw) ? raw.map((r) => JSON.parse(String(r)) as PasswordCardRecord) : [];
  }

  private k(name: string): string {
    return `${this.base}${name}`;
  }

  private key(id: string): string {
    return this.k(`e:${id}`);
  }

  private pendingKey(id: string): string {
    return this.k(`e:${id}:pending`);
  }

  private callbackKey(reference: string): string {
    return this.k(`callback:${reference}`);
  }

  private read(fields: StoredFields): Escalation | undefined {
    if (!fields?.data) return undefined;
    const escalation = JSON.parse(fields.data) as Escalation;
    escalation.status = fields.status as EscalationStatus;
    if (fields.agent) escalation.agent = JSON.parse(fields.agent) as AgentIdentity;
    if (fields.acceptedAt) escalation.acceptedAt = fields.acceptedAt;
    if (fields.userToldAcceptedAt) escalation.userToldAcceptedAt = fields.userToldAcceptedAt;
    if (fields.agentToldAcceptedAt) escalation.agentToldAcceptedAt = fields.agentToldAcceptedAt;
    if (fields.closedAt) escalation.closedAt = fields.closedAt;
    if (fields.closeReason) escalation.closeReason = fields.closeReason as CloseReason;
    return escalation;
  }

  private async many(ids: string[]): Promise<Escalation[]> {
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((e): e is Escalation => e !== undefined);
  }
}
