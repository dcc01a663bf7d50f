import type { ConversationReference } from 'botbuilder';
import type { Language } from '../../i18n';

/** Why the user is handed to a person; shown to agents and sent to external hubs. */
export type EscalationReason =
  /** Main-menu 0, « agent », « conseiller », « parler à quelqu'un », "talk to a human". */
  | 'userRequest'
  /** The seed's « questions secrètes non choisies »: only the Centre can issue a temporary password. */
  | 'secretQuestionsNotConfigured'
  /** The user name was locked after repeated failures. */
  | 'lockout'
  /** Two misunderstood answers in a row, then the user accepted the agent offer. */
  | 'notUnderstood'
  /** The request-status back end was unavailable when the user asked for a person. */
  | 'serviceUnavailable';

/** Every reason, for validation and locale checks. */
export const ESCALATION_REASONS: readonly EscalationReason[] = [
  'userRequest',
  'secretQuestionsNotConfigured',
  'lockout',
  'notUnderstood',
  'serviceUnavailable',
];

/** One line of a redacted transcript: never a secret, NAMs masked to their last four. */
export interface TranscriptEntry {
  /** ISO date-time by the bot's clock. */
  at: string;
  from: 'user' | 'bot';
  /** Redacted text; empty when {@link withheld} says why nothing was kept. */
  text: string;
  /** Nothing was kept: the user answered a secret question or typed a password, or submitted a card. */
  withheld?: 'secret' | 'card';
  /** What the bot had just told the user that could lead to an agent (see EscalationReason). */
  reason?: EscalationReason;
  /** A user name (IP/CE + 6 digits) the user typed; not verified. */
  userNameCandidate?: string;
}

/** Where an escalation stands. */
export type EscalationStatus =
  /** Queued; no agent yet. */
  | 'waiting'
  /** An agent (built-in hub or external) has it. */
  | 'accepted'
  /** Nobody accepted within ESCALATION_WAIT_MINUTES; the user was offered a call-back. */
  | 'timedOut'
  | 'closed';

/** Why an escalation was closed. */
export type CloseReason =
  'userCancelled' | 'agentEnded' | 'closedByAgent' | 'externalCompleted' | 'externalFailed' | 'timedOut';

/** Who took an escalation. */
export interface AgentIdentity {
  /** Entra object id (aadObjectId), or `external` for an external hub. */
  id: string;
  /** The display name Teams gives, for the user's « Un agent, Julie, ... ». */
  name?: string;
}

/** A user's request for a person, as queued and shown to agents. */
export interface Escalation {
  /** `E-` and six unambiguous characters, e.g. `E-7K3M9Q`; said to agents and typed in commands. */
  id: string;
  reason: EscalationReason;
  language: Language;
  /** Bot Framework channel id of the user's conversation. */
  channel: string;
  /** The user name authenticated in this conversation, if any: verified by the bot. */
  userName?: string;
  /** A user name the user typed without proving it (a reset attempt), for the agent to verify. */
  userNameCandidate?: string;
  /** Last turns before the request, redacted. */
  transcript: TranscriptEntry[];
  /** ISO date-time by the bot's clock. */
  createdAt: string;
  /** How to reach the user proactively. */
  userReference: Partial<ConversationReference>;
  status: EscalationStatus;
  agent?: AgentIdentity;
  acceptedAt?: string;
  /** When the user was told that an agent took the request (see EscalationStore.claimAcceptNotice). */
  userToldAcceptedAt?: string;
  /** When the agent who took it was shown the request (see EscalationStore.claimAcceptNotice). */
  agentToldAcceptedAt?: string;
  closedAt?: string;
  closeReason?: CloseReason;
}

/** Who is told that an agent took a request: each is told once, and only while it is still accepted. */
export type AcceptNoticeAudience = 'user' | 'agent';

/** What the store returns when an agent accepts. */
export type AcceptOutcome =
  | { kind: 'accepted'; escalation: Escalation }
  /** Another agent was first (or an external hub). */
  | { kind: 'taken'; by?: AgentIdentity }
  /** Not waiting any more: timed out, cancelled or closed. */
  | { kind: 'gone' };

/** A message the user wrote while waiting: kept for the agent who accepts. */
export interface PendingMessage {
  at: string;
  text: string;
}

/** A Teams agent the bot can reach proactively. */
export interface AgentRecord {
  /** Entra object id. */
  id: string;
  name?: string;
  language: Language;
  /** The agent's personal chat (or the channel where they last spoke to the bot). */
  reference: Partial<ConversationReference>;
}

/** An agent's current relay: which escalation, and where the agent accepted it. */
export interface AgentSession {
  escalationId: string;
  agent: AgentRecord;
}

/** What the best time to call back is. */
export type CallbackSlot = 'morning' | 'afternoon' | 'anytime';

/** Where a call-back request stands. */
export type CallbackStatus = 'pending' | 'done';

/** A request to be called back, left outside business hours or after waiting in vain. */
export interface CallbackRequest {
  /** `R-YYMMDD-NNN`, told to the user as their reference number. */
  reference: string;
  name: string;
  /** E.164, e.g. +15145551234. */
  phone: string;
  extension?: string;
  /** A slot, or the user's own words (redacted). */
  bestTime: { slot: CallbackSlot } | { text: string };
  /** The user's words (redacted) or a keypad choice. */
  reason: { topic: CallbackTopic } | { text: string };
  language: Language;
  channel: string;
  userName?: string;
  /** The escalation that timed out, when it came from one. */
  escalationId?: string;
  /** ISO date-time: when it was left. */
  createdAt: string;
  /** ISO date-time: the opening from which agents should call (now during hours, else the next opening). */
  dueAt: string;
  status: CallbackStatus;
  handledBy?: AgentIdentity;
}

/** The keypad choices for a call-back's reason. */
export type CallbackTopic = 'password' | 'secretQuestions' | 'request' | 'other';

/** A temporary-password card shown to an agent, to be replaced once read. */
export interface PasswordCardRecord {
  /** The card's activity id in the agent's conversation. */
  activityId: string;
  reference: Partial<ConversationReference>;
  userName: string;
  language: Language;
  /** Epoch ms after which the card is replaced even if the agent did not press « C'est noté ». */
  replaceAfter: number;
}
