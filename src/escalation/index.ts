import type { SealKeySource } from '../services/sealKey';
import type { ConversationReference, TurnContext } from 'botbuilder';
import { EscalationDialog } from '../dialogs/escalation/escalationDialog';
import { FieldReader } from '../dialogs/escalation/fields';
import type { DialogDependencies } from '../dialogs/shared/dependencies';
import type { AccountService } from '../services/accounts';
import type { BusinessHours } from '../services/businessHours';
import {
  MemoryAgentAuditLog,
  RedisAgentAuditLog,
  type AgentAuditLog,
} from '../services/escalation/agentAudit';
import { MemoryEscalationStore, type EscalationStore } from '../services/escalation/escalationStore';
import { RedisEscalationStore } from '../services/escalation/redisEscalationStore';
import {
  MemoryTranscriptStore,
  RedisTranscriptStore,
  type TranscriptStore,
} from '../services/escalation/transcriptStore';
import type { PendingWrites } from '../pendingWrites';
import type { AppRedisClient } from '../services/redisClient';
import { EscalationHub, type EscalationSettings } from './hub';
import { TranscriptRecorder } from './transcriptRecorder';

export { EscalationHub, type EscalationSettings } from './hub';
export { flagEscalationReason, markSensitiveTurn, TranscriptRecorder } from './transcriptRecorder';

/** What the composition root gives the escalation feature. */
export interface EscalationFeatureOptions {
  deps: DialogDependencies;
  hours: BusinessHours;
  settings: EscalationSettings;
  /** Shared stores in Redis when given (STORAGE=redis), this process's memory otherwise. */
  redis?: {
    client: AppRedisClient;
    keyPrefix: string;
    /** Resolves true once the client is ready again (whenReady), so a request reported as failed can be withdrawn. */
    awaitReconnection?: (maxMs: number) => Promise<boolean>;
  };
  /** How long a conversation's transcript lines are kept (the conversation idle time). */
  transcriptTtlSeconds: number;
  accounts?: AccountService;
  /** Test overrides. */
  store?: EscalationStore;
  audit?: AgentAuditLog;
  continueConversation: (
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ) => Promise<void>;
  runBot: (context: TurnContext) => Promise<void>;
  /** Where transcript writes go, so that a reply does not wait for them. */
  pendingWrites: PendingWrites;
  /** STATE_SEAL_KEY, which keys the fingerprints of secrets the transcript recorder keeps in state. */
  sealKey?: SealKeySource;
}

/** The escalation feature's parts, wired by the composition root. */
export interface EscalationFeature {
  hub: EscalationHub;
  dialog: EscalationDialog;
  recorder: TranscriptRecorder;
  store: EscalationStore;
  audit: AgentAuditLog;
  transcripts: TranscriptStore;
}

/** Builds the stores, the transcript recorder, the hub and the `escalation` flow. */
export function createEscalationFeature(options: EscalationFeatureOptions): EscalationFeature {
  const { deps, redis } = options;
  const now = () => deps.clock.now().getTime();
  const store =
    options.store ??
    (redis
      ? new RedisEscalationStore(redis.client, redis.keyPrefix, redis.awaitReconnection)
      : new MemoryEscalationStore(now));
  const audit =
    options.audit ??
    (redis
      ? new RedisAgentAuditLog(redis.client, `${redis.keyPrefix}{escalation}:audit`)
      : new MemoryAgentAuditLog());
  const transcripts: TranscriptStore = redis
    ? new RedisTranscriptStore(redis.client, redis.keyPrefix, options.transcriptTtlSeconds)
    : new MemoryTranscriptStore(options.transcriptTtlSeconds * 1000, now);
  const hub = new EscalationHub({
    store,
    transcripts,
    audit,
    accounts: options.accounts,
    hours: options.hours,
    centre: deps.centre,
    clock: deps.clock,
    logger: deps.logger,
    responder: deps.responder,
    lexicon: deps.lexicon,
    state: deps.state,
    settings: options.settings,
    continueConversation: options.continueConversation,
    runBot: options.runBot,
  });
  const recorder = new TranscriptRecorder({
    store: transcripts,
    state: deps.state,
    messages: deps.responder.messages,
    clock: deps.clock,
    skip: (context) => hub.isAgent(context),
    logger: deps.logger,
    pendingWrites: options.pendingWrites,
    sealKey: options.sealKey,
  });
  const reader = new FieldReader(deps.responder.messages, deps.lexicon, deps.centre);
  const dialog = new EscalationDialog(deps, { hours: options.hours, hub, store, reader });
  return { hub, dialog, recorder, store, audit, transcripts };
}
