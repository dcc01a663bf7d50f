import {
  ActivityTypes,
  EventFactory,
  InputHints,
  TurnContext,
  type Activity,
  type ConversationReference,
  type StatePropertyAccessor,
  type Transcript,
} from 'botbuilder';
import { currentSession } from '../dialogs/accounts/session';
import { yesNoButtons } from '../dialogs/shared/entryPrompt';
import { LANGUAGE_KEY, type Part, type Responder } from '../dialogs/shared/responder';
import { DEFAULT_LANGUAGE, type Language, type Translate } from '../i18n';
import type { Lexicon } from '../nlu/lexicon';
import { normalizeText } from '../nlu/normalize';
import { VoiceLexicon } from '../nlu/voiceLexicon';
import type { AccountService } from '../services/accounts';
import { isoDate, type BusinessHours } from '../services/businessHours';
import type { CentreInfo } from '../services/centre';
import type { Clock } from '../services/clock';
import type { AgentAuditAction, AgentAuditLog } from '../services/escalation/agentAudit';
import { isPastMaxAge, type EscalationStore } from '../services/escalation/escalationStore';
import { findCallbackReference, findEscalationId, newEscalationId } from '../services/escalation/ids';
import { findUserName, redactLine } from '../services/escalation/redaction';
import type { TranscriptStore } from '../services/escalation/transcriptStore';
import type {
  AgentIdentity,
  AgentRecord,
  CallbackRequest,
  Escalation,
  EscalationReason,
  TranscriptEntry,
} from '../services/escalation/types';
import { hashId, type Logger } from '../services/logger';
import type { StateAccessors } from '../state';
import {
  ACTION_FIELD,
  callbacksCard,
  newEscalationCard,
  passwordCard,
  passwordReplacedCard,
  queueCard,
  sessionCard,
  type AgentAction,
} from './agentCards';
import { ConcurrentTurnError } from '../errors';
import { commitReplies, sendImmediately } from '../replyHold';
import { recordedUserWords, TranscriptRecorder } from './transcriptRecorder';

/** Tries of a proactive resume that keeps losing the race to the user's own turns. */
const RESUME_ATTEMPTS = 3;

/** How a waiting user's escalation ended, handed to the escalation dialog through turn state. */
export type WaitOutcome = 'ended' | 'callback' | 'noCallback';

const WAIT_OUTCOME = Symbol('escalation.waitOutcome');
const RESUME = Symbol('escalation.resume');

/** The outcome the interceptor set for this turn (read by the escalation dialog's waiting step). */
export function waitOutcomeOf(context: TurnContext): WaitOutcome | undefined {
  return context.turnState.get(WAIT_OUTCOME) as WaitOutcome | undefined;
}

/** What a user's conversation remembers while an escalation is open. Persisted: never rename the fields. */
export interface EscalationLink {
  id: string;
}

/** A proactive turn in a user's conversation that resumes their dialogs (the session ended, for example). */
interface ResumeTurn {
  escalationId: string;
  notice: Part[];
  outcome: WaitOutcome;
}

/** Settings from the configuration. */
export interface EscalationSettings {
  /** AGENT_IDS: Entra object ids of the agents. */
  agentIds: ReadonlySet<string>;
  /** AGENT_HUB_CONVERSATION: the agents' Teams channel conversation id. */
  hubConversation?: string;
  /** HANDOFF_STATUS_SENDERS: the external hub's sender ids, the only ones whose `handoff.status` counts. */
  handoffStatusSenders: ReadonlySet<string>;
  /** ESCALATION_WAIT_MINUTES. */
  waitMinutes: number;
  /** After this long a temporary-password card is replaced even if the agent did not say it was noted. */
  passwordCardSeconds: number;
}

/** What the hub needs; built by the composition root. */
export interface EscalationHubOptions {
  store: EscalationStore;
  transcripts: TranscriptStore;
  audit: AgentAuditLog;
  /** Absent when the account services are not wired: the temporary-password action then says so. */
  accounts?: AccountService;
  hours: BusinessHours;
  centre: CentreInfo;
  clock: Clock;
  logger: Logger;
  responder: Responder;
  lexicon: Lexicon;
  state: StateAccessors;
  settings: EscalationSettings;
  /** Runs logic in a proactive turn of a conversation (the adapter's continueConversationAsync). */
  continueConversation: (
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ) => Promise<void>;
  /** Runs the bot on a proactive turn's context, so that dialogs resume. */
  runBot: (context: TurnContext) => Promise<void>;
}

/** What `open` tells the escalation dialog. */
export interface OpenedEscalation {
  escalation: Escalation;
  /** 1-based place in the queue; 0 when the escalation already open is not waiting any more. */
  position: number;
  /**
   * The conversation already had this escalation open (the request sent twice at once): it was linked again,
   * and neither the agents nor an external hub were told twice.
   */
  alreadyOpen: boolean;
}

/** Agent commands typed in Teams, keyed by what they do. */
type AgentCommand =
  | { kind: AgentAction; escalationId?: string; callbackReference?: string; userName?: string }
  | { kind: 'help' | 'callbacks' | 'language'; language?: Language };

/**
 * Escalation to the Centre's agents, for everything that happens outside the escalation dialog itself:
 * queueing with the context and redacted transcript, the `handoff.initiate` event for external hubs and their
 * `handoff.status` answers, the built-in agent hub in Teams (cards, first-accept-wins, relay both ways, agent
 * commands, temporary passwords, call-backs), and the periodic sweep (no agent in time, cards to replace,
 * the morning's call-backs).
 *
 * It sees every turn first through {@link intercept}: agents' turns never reach the menus, and a waiting
 * user's messages are kept for the agent or relayed, except « annuler », which leaves the queue.
 */
export class EscalationHub {
  private readonly link: StatePropertyAccessor<EscalationLink | undefined>;
  private readonly commandWords = new Map<string, AgentCommand['kind']>();
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(private readonly options: EscalationHubOptions) {
    this.link = options.state.conversationState.createProperty<EscalationLink | undefined>('escalationLink');
    const { messages } = options.responder;
    for (const lang of ['fr', 'en'] as const) {
      for (const kind of [
        'queue',
        'accept',
        'close',
        'end',
        'temporaryPassword',
        'help',
        'callbacks',
        'callbackDone',
      ] as const) {
        for (const word of messages.list(lang, `escalation:agentCommands.${kind}`)) {
          this.commandWords.set(normalizeText(word), kind);
        }
      }
    }
  }

  // ---------------------------------------------------------------- turn interception

  /**
   * Called by the bot before its dialogs on every turn. Returns true when the turn was handled here.
   * @param runDialogs continues (or starts) the dialog stack of this conversation.
   */
  async intercept(context: TurnContext, runDialogs: () => Promise<void>): Promise<boolean> {
    const agent = this.agentOf(context);
    if (agent) {
      await this.onAgentTurn(context, agent);
      return true;
    }
    const resume = context.turnState.get(RESUME) as ResumeTurn | undefined;
    if (resume) {
      await this.onResume(context, resume, runDialogs);
      return true;
    }
    const { activity } = context;
    if (activity.type === ActivityTypes.Event && activity.name === 'handoff.status') {
      await this.onHandoffStatus(context, runDialogs);
      return true;
    }
    if (activity.type !== ActivityTypes.Message) return false;
    if (this.isAgentCommand(activity)) {
      await this.refuseAgentCommand(context);
      return true;
    }
    const link = await this.link.get(context);
    if (!link) return false;
    return this.onLinkedMessage(context, link, runDialogs);
  }

  /** True when this activity comes from an agent (Teams user in AGENT_IDS, or anyone in the agents' channel). */
  isAgent(context: TurnContext): boolean {
    return this.agentOf(context) !== undefined;
  }

  private agentOf(context: TurnContext): AgentIdentity | undefined {
    const { activity } = context;
    if (activity.channelId !== 'msteams') return undefined;
    const aad = activity.from?.aadObjectId;
    const { agentIds, hubConversation } = this.options.settings;
    const inHub =
      hubConversation !== undefined &&
      baseConversationId(activity.conversation?.id) === baseConversationId(hubConversation);
    if ((aad && agentIds.has(aad.toLowerCase())) || inHub) {
      return { id: aad ?? activity.from?.id ?? 'unknown', name: activity.from?.name || undefined };
    }
    return undefined;
  }

  // ---------------------------------------------------------------- user side

  /**
   * Queues a new escalation for the user of this turn, with the redacted transcript, and tells the agents and
   * any external hub. The dialog then says the position and waits.
   */
  async open(context: TurnContext, reason?: EscalationReason): Promise<OpenedEscalation> {
    const { store, transcripts, clock, responder } = this.options;
    const transcript = await transcripts
      .recent(TranscriptRecorder.keyOf(context))
      .catch(() => [] as TranscriptEntry[]);
    const session = await currentSession(context, this.options);
    const escalation: Escalation = {
      id: newEscalationId(),
      reason: reason ?? inferReason(transcript),
      language: responder.language(context),
      channel: context.activity.channelId,
      transcript,
      createdAt: clock.now().toISOString(),
      userReference: TurnContext.getConversationReference(context.activity),
      status: 'waiting',
    };
    if (session) escalation.userName = session.userName;
    const candidate = [...transcript].reverse().find((e) => e.userNameCandidate)?.userNameCandidate;
    if (candidate && candidate !== session?.userName) escalation.userNameCandidate = candidate;
    const created = await store.create(escalation);
    if (created.kind === 'existing') {
      await this.link.set(context, { id: created.escalation.id });
      this.options.logger.info(
        { event: 'escalation', action: 'alreadyOpen', escalation: created.escalation.id },
        'escalation',
      );
      return { escalation: created.escalation, position: created.position ?? 0, alreadyOpen: true };
    }
    const { position } = created;
    await this.link.set(context, { id: escalation.id });
    this.options.logger.info(
      {
        event: 'escalation',
        action: 'queued',
        escalation: escalation.id,
        reason: escalation.reason,
        channel: escalation.channel,
        position,
      },
      'escalation',
    );
    await this.sendHandoffInitiation(context, escalation, position);
    await this.notifyAgents((t) => ({
      text: t('escalation:agent.newSummary', {
        id: escalation.id,
        reason: t(`escalation:reason.${escalation.reason}`),
      }),
      attachments: [newEscalationCard(t, escalation, position, this.options.centre.timeZone)],
    }));
    return { escalation, position, alreadyOpen: false };
  }

  /** The user's current escalation, if the conversation has one open. */
  async current(context: TurnContext): Promise<Escalation | undefined> {
    const link = await this.link.get(context);
    return link ? this.options.store.get(link.id) : undefined;
  }

  /**
   * The escalation dialog ended without the hub (the user restarted, or the dialog was cancelled): the user
   * leaves the queue, and an agent relaying is told.
   */
  async leave(context: TurnContext): Promise<void> {
    const link = await this.link.get(context);
    if (!link) return;
    await this.link.delete(context);
    await this.closeFromUserSide(link.id);
  }

  private async onLinkedMessage(
    context: TurnContext,
    link: EscalationLink,
    runDialogs: () => Promise<void>,
  ): Promise<boolean> {
    const { store, lexicon, responder, clock } = this.options;
    const escalation = await store.get(link.id);
    if (!escalation || escalation.status === 'closed') {
      await this.link.delete(context);
      return this.finishWait(context, 'ended', runDialogs);
    }
    const text = context.activity.text ?? '';
    const normalized = normalizeText(text);
    if (lexicon.controlIntent(normalized) === 'cancel') {
      // « annuler » leaves the queue, or the conversation with the agent if the user was told one took it; the
      // dialogs then run as for any cancel (message and main menu).
      await this.link.delete(context);
      const closed = await this.closeFromUserSide(escalation.id);
      await responder.send(context, [
        closed?.userToldAcceptedAt ? 'escalation:session.endedByUser' : 'escalation:wait.left',
      ]);
      return false;
    }
    if (escalation.status === 'timedOut') {
      const answer = VoiceLexicon.for(responder.messages).yesOrNo(text);
      if (answer === undefined) {
        await this.sendCallbackOffer(context, ['escalation:timeout.answerYesNo']);
        return true;
      }
      await store.close(escalation.id, 'timedOut', clock.now().toISOString());
      await this.link.delete(context);
      return this.finishWait(context, answer === 'yes' ? 'callback' : 'noCallback', runDialogs);
    }
    if (escalation.status === 'waiting') {
      if (this.waitedTooLong(escalation) && (await store.timeOut(escalation.id, clock.now().toISOString()))) {
        await this.sendCallbackOffer(context, []);
        return true;
      }
      const written = text.trim().length > 0;
      if (written) {
        await store.addPending(escalation.id, {
          at: clock.now().toISOString(),
          text: userWordsForAgent(context, text),
        });
      }
      const position = (await store.position(escalation.id)) ?? 1;
      // A click on an earlier card, or an empty message: nothing is passed on, so « transmis » would be untrue.
      const key = written ? 'escalation:wait.kept' : 'escalation:wait.stillWaiting';
      await responder.send(context, [{ key, vars: { position } }]);
      return true;
    }
    // Accepted: by a built-in agent, relayed; by an external hub, the channel carries the conversation itself.
    if (escalation.agent?.id !== EXTERNAL_AGENT.id && text.trim()) {
      await this.relayToAgent(escalation, userWordsForAgent(context, text));
    }
    return true;
  }

  private async finishWait(
    context: TurnContext,
    outcome: WaitOutcome,
    runDialogs: () => Promise<void>,
  ): Promise<boolean> {
    context.turnState.set(WAIT_OUTCOME, outcome);
    await runDialogs();
    return true;
  }

  private async onResume(
    context: TurnContext,
    resume: ResumeTurn,
    runDialogs: () => Promise<void>,
  ): Promise<void> {
    const link = await this.link.get(context);
    if (resume.notice.length) await this.options.responder.send(context, resume.notice);
    if (link?.id !== resume.escalationId) return;
    await this.link.delete(context);
    await this.finishWait(context, resume.outcome, runDialogs);
  }

  private waitedTooLong(escalation: Escalation): boolean {
    const waitMs = this.options.settings.waitMinutes * 60_000;
    return Date.parse(escalation.createdAt) + waitMs <= this.options.clock.now().getTime();
  }

  private async sendCallbackOffer(context: TurnContext, lead: Part[]): Promise<void> {
    const { responder } = this.options;
    await responder.send(
      context,
      [...lead, { key: 'escalation:timeout.offer', vars: { minutes: this.options.settings.waitMinutes } }],
      { inputHint: InputHints.ExpectingInput, suggestedActions: yesNoButtons(responder.translator(context)) },
    );
  }

  private async closeFromUserSide(id: string): Promise<Escalation | undefined> {
    const closed = await this.options.store.close(
      id,
      'userCancelled',
      this.options.clock.now().toISOString(),
    );
    if (closed?.status === 'accepted' && closed.agent && closed.agent.id !== EXTERNAL_AGENT.id) {
      // Until the agent was shown the request, their accept is still on its way: it sees the close and tells
      // them after showing it. Told from here as well, the agent could hear « l'utilisateur a quitté » first.
      const session = await this.options.store.agentSession(closed.agent.id);
      if (session?.escalationId === id && (await this.options.store.clearAgentSession(closed.agent.id, id))) {
        if (closed.agentToldAcceptedAt) {
          await this.sendTo(session.agent.reference, session.agent.language, [
            { key: 'escalation:agent.userLeft', vars: { id } },
          ]);
        }
      }
    }
    this.options.logger.info({ event: 'escalation', action: 'userLeft', escalation: id }, 'escalation');
    return closed;
  }

  // ---------------------------------------------------------------- external hubs

  private async sendHandoffInitiation(
    context: TurnContext,
    escalation: Escalation,
    position: number,
  ): Promise<void> {
    // Teams does not accept event activities from bots; there the built-in hub is the way to an agent.
    if (context.activity.channelId === 'msteams') return;
    const t = this.options.responder.messages.forLanguage(escalation.language);
    const handoffContext = {
      escalationId: escalation.id,
      reason: escalation.reason,
      language: escalation.language,
      channel: escalation.channel,
      userName: escalation.userName,
      userNameCandidate: escalation.userNameCandidate,
      queuedAt: escalation.createdAt,
      position,
    };
    const transcript: Transcript = {
      activities: escalation.transcript.map(
        (entry) =>
          ({
            type: ActivityTypes.Message,
            timestamp: new Date(entry.at),
            from: { id: entry.from, name: t(`escalation:card.speaker.${entry.from}`), role: entry.from },
            text: entry.withheld ? t(`escalation:card.withheld.${entry.withheld}`) : entry.text,
          }) as Partial<Activity> as Activity,
      ),
    };
    try {
      await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, transcript));
    } catch (error) {
      // A channel without an external hub may refuse the event; the built-in hub still has the escalation.
      this.options.logger.warn(
        { event: 'escalation', err: { name: (error as Error)?.name } },
        'handoff.initiate not sent',
      );
    }
  }

  private async onHandoffStatus(context: TurnContext, runDialogs: () => Promise<void>): Promise<void> {
    const { store, clock, responder } = this.options;
    const state = handoffState(context.activity.value);
    const link = await this.link.get(context);
    const escalation = link ? await store.get(link.id) : undefined;
    this.options.logger.info(
      {
        event: 'escalation',
        action: 'handoffStatus',
        // Any client can post this event: only the states the hub knows are logged, never the text it sent.
        state: state === undefined || HANDOFF_STATES.has(state) ? state : 'other',
        escalation: link?.id,
      },
      'escalation',
    );
    if (!escalation || escalation.status === 'closed') return;
    // A Direct Line client can post any event, under any id it is not bound to: only the configured hub may
    // say that an agent took (or closed) the request, never the waiting user or whoever speaks for them.
    const sender = context.activity.from?.id;
    if (sender === undefined || !this.options.settings.handoffStatusSenders.has(sender)) {
      this.options.logger.warn(
        { event: 'escalation', action: 'handoffStatusRefused', escalation: escalation.id },
        'handoff.status from a sender not in HANDOFF_STATUS_SENDERS: ignored',
      );
      return;
    }
    const now = clock.now().toISOString();
    switch (state) {
      case 'accepted': {
        const outcome = await store.accept(escalation.id, EXTERNAL_AGENT, now);
        if (outcome.kind === 'accepted' && (await store.claimAcceptNotice(escalation.id, now, 'user')))
          await responder.send(context, ['escalation:external.accepted']);
        return;
      }
      case 'failed': {
        if (this.hasBuiltInAgents()) {
          await responder.send(context, ['escalation:external.failedStillQueued']);
          return;
        }
        if (await store.timeOut(escalation.id, now))
          await this.sendCallbackOffer(context, ['escalation:external.failed']);
        return;
      }
      case 'completed': {
        await store.close(escalation.id, 'externalCompleted', now);
        await this.link.delete(context);
        await responder.send(context, ['escalation:external.completed']);
        await this.finishWait(context, 'ended', runDialogs);
        return;
      }
      default:
        return;
    }
  }

  private hasBuiltInAgents(): boolean {
    return this.options.settings.agentIds.size > 0 || this.options.settings.hubConversation !== undefined;
  }

  // ---------------------------------------------------------------- agent side

  private async onAgentTurn(context: TurnContext, agent: AgentIdentity): Promise<void> {
    const { activity } = context;
    const language = this.options.responder.language(context);
    const reference = TurnContext.getConversationReference(activity);
    const inHub =
      baseConversationId(activity.conversation?.id) ===
      baseConversationId(this.options.settings.hubConversation);
    if (inHub) {
      await this.options.store.saveHubReference({
        ...reference,
        conversation: {
          ...reference.conversation,
          id: baseConversationId(activity.conversation.id),
        } as ConversationReference['conversation'],
      });
    } else {
      await this.options.store.saveAgent({ id: agent.id, name: agent.name, language, reference });
    }
    if (activity.type !== ActivityTypes.Message) {
      const added = (activity.membersAdded ?? []).some((m) => m.id === activity.recipient?.id);
      if (added)
        await this.options.responder.send(context, ['escalation:agent.welcome', 'escalation:agent.help']);
      return;
    }
    const session = await this.options.store.agentSession(agent.id);
    const command = this.parseCommand(activity);
    if (!command) {
      if (session && (activity.text ?? '').trim()) {
        await this.relayToUser(
          context,
          session.escalationId,
          agent,
          TurnContext.removeRecipientMention(activity) ?? activity.text ?? '',
        );
      } else {
        await this.options.responder.send(context, ['escalation:agent.help']);
      }
      return;
    }
    const record: AgentRecord = { id: agent.id, name: agent.name, language, reference };
    switch (command.kind) {
      case 'help':
        await this.options.responder.send(context, ['escalation:agent.help']);
        return;
      case 'language': {
        const chosen = command.language ?? DEFAULT_LANGUAGE;
        // The record cards are written from: in the new language from the next card on, not after a message.
        if (!inHub) await this.options.store.saveAgent({ ...record, language: chosen });
        await this.setAgentLanguage(context, chosen);
        return;
      }
      case 'queue':
        await this.showQueue(context);
        return;
      case 'callbacks':
        await this.showQueue(context);
        return;
      case 'accept':
        await this.accept(context, record, command.escalationId);
        return;
      case 'close':
        await this.closeStale(context, record, command.escalationId);
        return;
      case 'end':
        await this.endSession(context, record);
        return;
      case 'temporaryPassword':
        await this.issueTemporaryPassword(context, record, command.userName);
        return;
      case 'passwordNoted':
        await this.replacePasswordCard(activity.replyToId);
        return;
      case 'callbackDone':
        await this.completeCallback(context, record, command.callbackReference);
        return;
      default:
        return;
    }
  }

  private parseCommand(activity: Activity): AgentCommand | undefined {
    const value = activity.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && typeof value[ACTION_FIELD] === 'string') {
      return {
        kind: value[ACTION_FIELD] as AgentAction,
        escalationId: typeof value.escalationId === 'string' ? value.escalationId : undefined,
        callbackReference: typeof value.callbackReference === 'string' ? value.callbackReference : undefined,
      };
    }
    const text = (TurnContext.removeRecipientMention(activity) ?? activity.text ?? '').trim();
    const normalized = normalizeText(text);
    if (!normalized) return undefined;
    const control = this.options.lexicon.controlIntent(normalized);
    if (control === 'english' || control === 'french') {
      return { kind: 'language', language: control === 'english' ? 'en' : 'fr' };
    }
    if (control === 'help') return { kind: 'help' };
    // The command is the text without its id or user name: « accepter E-7K3M9Q », « mot de passe temporaire CE100001 ».
    const escalationId = findEscalationId(text);
    const callbackReference = findCallbackReference(text);
    const userName = findUserName(text);
    const bare = normalizeText(
      text
        .replace(/\bE-?[A-Z2-9]{6}\b/i, ' ')
        .replace(/\bR-?\d{6}-?\d{3,}\b/i, ' ')
        .replace(/\b(IP|CE)[\s-]?\d{3}\s?\d{3}\b/i, ' '),
    );
    const kind = this.commandWords.get(bare);
    if (!kind) return undefined;
    return { kind, escalationId, callbackReference, userName } as AgentCommand;
  }

  /** Agent commands that a non-agent might try: any hub card action, or a command naming an escalation. */
  private isAgentCommand(activity: Activity): boolean {
    const value = activity.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && ACTION_FIELD in value) return true;
    const text = activity.text ?? '';
    if (!findEscalationId(text) && !findCallbackReference(text)) return false;
    const command = this.parseCommand(activity);
    return (
      command !== undefined &&
      ['accept', 'close', 'end', 'callbackDone', 'temporaryPassword'].includes(command.kind)
    );
  }

  private async refuseAgentCommand(context: TurnContext): Promise<void> {
    const { activity } = context;
    const command = this.parseCommand(activity);
    await this.auditEvent(
      'agentCommandRefused',
      'refused',
      hashId(`${activity.channelId}:${activity.from?.id}`),
      activity.channelId,
      {
        escalationId:
          'escalationId' in (command ?? {}) ? (command as { escalationId?: string }).escalationId : undefined,
        detail: command?.kind ?? 'unknown',
      },
    );
    this.options.logger.warn(
      {
        event: 'escalation',
        action: 'agentCommandRefused',
        channel: activity.channelId,
        user: hashId(activity.from?.id),
      },
      'agent command from a non-agent refused',
    );
    await this.options.responder.send(context, ['escalation:agent.refused']);
  }

  private async setAgentLanguage(context: TurnContext, language: Language): Promise<void> {
    const profile = await this.options.state.userProfile.get(context, {});
    profile.language = language;
    await this.options.state.userProfile.set(context, profile);
    context.turnState.set(LANGUAGE_KEY, language);
    await this.options.responder.send(context, ['escalation:agent.languageSet', 'escalation:agent.help']);
  }

  private async showQueue(context: TurnContext): Promise<void> {
    const { store, responder, centre } = this.options;
    const t = responder.translator(context);
    const active = await store.active();
    const waiting = await store.waiting();
    const rows = active.map((escalation) => ({
      escalation,
      position:
        escalation.status === 'waiting' ? waiting.findIndex((w) => w.id === escalation.id) + 1 : undefined,
    }));
    const callbacks = await store.pendingCallbacks();
    await context.sendActivity({
      type: ActivityTypes.Message,
      text: t('escalation:agent.queueSummary', { waiting: waiting.length, callbacks: callbacks.length }),
      attachments: [queueCard(t, rows, callbacks, centre.timeZone)],
    });
  }

  private async accept(context: TurnContext, agent: AgentRecord, escalationId?: string): Promise<void> {
    const { store, clock, responder, centre } = this.options;
    if (!escalationId) {
      await responder.send(context, ['escalation:agent.needId']);
      return;
    }
    const current = await store.agentSession(agent.id);
    if (current && current.escalationId !== escalationId) {
      await responder.send(context, [{ key: 'escalation:agent.busy', vars: { id: current.escalationId } }]);
      return;
    }
    const outcome = await store.accept(
      escalationId,
      { id: agent.id, name: agent.name },
      clock.now().toISOString(),
    );
    if (outcome.kind === 'taken') {
      await this.auditEvent('escalationTaken', 'refused', agent.id, context.activity.channelId, {
        escalationId,
      });
      const by =
        outcome.by?.id === EXTERNAL_AGENT.id
          ? responder.translator(context)('escalation:agent.externalHub')
          : (outcome.by?.name ?? '');
      await responder.send(context, [
        { key: by ? 'escalation:agent.takenBy' : 'escalation:agent.taken', vars: { id: escalationId, by } },
      ]);
      return;
    }
    if (outcome.kind === 'gone') {
      await responder.send(context, [{ key: 'escalation:agent.gone', vars: { id: escalationId } }]);
      return;
    }
    const { escalation } = outcome;
    await store.setAgentSession(agent.id, { escalationId, agent });
    await this.auditEvent('escalationAccepted', 'success', agent.id, context.activity.channelId, {
      escalationId,
      userName: escalation.userName,
    });
    const pending = await store.pending(escalationId);
    // The user may have left (« annuler ») since the accept: then neither of them is told of it. Until the
    // agent's claim below, a user who leaves leaves the telling to this turn (see closeFromUserSide).
    const still = await store.get(escalationId);
    if (still?.status !== 'accepted' || still.agent?.id !== agent.id) {
      await this.tellAgentUserLeft(context, agent, escalationId);
      return;
    }
    const t = responder.translator(context);
    // Now, not when the turn's state is saved: the claim below must follow the agent's seeing it, and the
    // accept stands whatever happens to this turn's state.
    await sendImmediately(context, {
      type: ActivityTypes.Message,
      text: t('escalation:agent.accepted', { id: escalationId }),
      attachments: [sessionCard(t, escalation, pending, centre.timeZone)],
    });
    // Shown the request: from the claim on, whoever closes it tells the agent; closed before it, this turn does,
    // so that « l'utilisateur a quitté » always comes after the request it is about.
    if (!(await store.claimAcceptNotice(escalationId, clock.now().toISOString(), 'agent'))) {
      await this.tellAgentUserLeft(context, agent, escalationId);
      return;
    }
    // The user may also leave now: then they were told they left the queue, and the store lets one of the two
    // happen, never both.
    if (!(await store.claimAcceptNotice(escalationId, clock.now().toISOString(), 'user'))) return;
    await this.sendTo(escalation.userReference, escalation.language, [
      agent.name
        ? { key: 'escalation:session.acceptedBy', vars: { name: firstName(agent.name) } }
        : 'escalation:session.accepted',
    ]);
  }

  /** The user left while the agent's accept was under way: the session is freed and the agent told, once. */
  private async tellAgentUserLeft(
    context: TurnContext,
    agent: AgentRecord,
    escalationId: string,
  ): Promise<void> {
    await this.options.store.clearAgentSession(agent.id, escalationId);
    await this.options.responder.send(context, [
      { key: 'escalation:agent.userLeft', vars: { id: escalationId } },
    ]);
  }

  private async endSession(context: TurnContext, agent: AgentRecord): Promise<void> {
    const { store, clock, responder } = this.options;
    const session = await store.agentSession(agent.id);
    if (!session) {
      await responder.send(context, ['escalation:agent.noSession']);
      return;
    }
    await store.setAgentSession(agent.id, undefined);
    const closed = await store.close(session.escalationId, 'agentEnded', clock.now().toISOString());
    await this.auditEvent('escalationEnded', 'success', agent.id, context.activity.channelId, {
      escalationId: session.escalationId,
    });
    await responder.send(context, [{ key: 'escalation:agent.ended', vars: { id: session.escalationId } }]);
    if (closed) await this.resumeUser(closed, ['escalation:session.endedByAgent'], 'ended');
  }

  private async closeStale(context: TurnContext, agent: AgentRecord, escalationId?: string): Promise<void> {
    const { store, clock, responder } = this.options;
    if (!escalationId) {
      await responder.send(context, ['escalation:agent.needId']);
      return;
    }
    const found = await store.get(escalationId);
    if (found?.status === 'accepted' && found.agent?.id !== agent.id) {
      await responder.send(context, [
        {
          key: 'escalation:agent.closeRefusedInProgress',
          vars: { id: escalationId, by: found.agent?.name ?? found.agent?.id ?? '' },
        },
      ]);
      return;
    }
    const closed = await store.close(escalationId, 'closedByAgent', clock.now().toISOString());
    if (!closed) {
      await responder.send(context, [{ key: 'escalation:agent.gone', vars: { id: escalationId } }]);
      return;
    }
    const session = await store.agentSession(agent.id);
    if (session?.escalationId === escalationId) await store.setAgentSession(agent.id, undefined);
    await this.auditEvent('escalationClosed', 'success', agent.id, context.activity.channelId, {
      escalationId,
    });
    await responder.send(context, [{ key: 'escalation:agent.closed', vars: { id: escalationId } }]);
    await this.resumeUser(closed, ['escalation:session.closedByCentre'], 'ended');
  }

  private async relayToUser(
    context: TurnContext,
    escalationId: string,
    agent: AgentIdentity,
    text: string,
  ): Promise<void> {
    const escalation = await this.options.store.get(escalationId);
    if (!escalation || escalation.status !== 'accepted' || escalation.agent?.id !== agent.id) {
      // The request ended without the agent hearing of it: say so rather than drop the message, and free them.
      await this.options.store.clearAgentSession(agent.id, escalationId);
      await this.options.responder.send(context, [
        { key: 'escalation:agent.sessionOver', vars: { id: escalationId } },
      ]);
      return;
    }
    const name = agent.name ? firstName(agent.name) : undefined;
    await this.sendTo(escalation.userReference, escalation.language, [
      {
        key: name ? 'escalation:relay.fromAgentNamed' : 'escalation:relay.fromAgent',
        vars: { name: name ?? '', text },
      },
    ]);
  }

  /** @param text the user's words already masked for the agent (see {@link userWordsForAgent}). */
  private async relayToAgent(escalation: Escalation, text: string): Promise<void> {
    const agentId = escalation.agent?.id;
    const session = agentId ? await this.options.store.agentSession(agentId) : undefined;
    if (!session || session.escalationId !== escalation.id) {
      // The agent cannot be reached right now: keep the message with the escalation rather than lose it.
      await this.options.store.addPending(escalation.id, {
        at: this.options.clock.now().toISOString(),
        text,
      });
      return;
    }
    await this.sendTo(session.agent.reference, session.agent.language, [
      {
        key: 'escalation:relay.fromUser',
        vars: { id: escalation.id },
        echo: { text },
      },
    ]);
  }

  private async issueTemporaryPassword(
    context: TurnContext,
    agent: AgentRecord,
    asserted?: string,
  ): Promise<void> {
    const { store, responder, accounts, clock, settings } = this.options;
    const session = await store.agentSession(agent.id);
    const escalation = session ? await store.get(session.escalationId) : undefined;
    const refuse = async (key: string, vars: Record<string, string> = {}) => {
      await this.auditEvent('temporaryPasswordRefused', 'refused', agent.id, context.activity.channelId, {
        escalationId: escalation?.id,
        userName: asserted ?? escalation?.userName,
        detail: key.split('.').pop(),
      });
      await responder.send(context, [{ key, vars }]);
    };
    if (!escalation || escalation.status !== 'accepted') return refuse('escalation:agent.password.noSession');
    // The bot verified the user name when the user authenticated; otherwise the agent verifies it and names it.
    const userName = asserted ?? escalation.userName;
    if (!userName) {
      return refuse('escalation:agent.password.noUser', {
        candidate: escalation.userNameCandidate ?? 'CE123456',
      });
    }
    if (!accounts) return refuse('escalation:agent.password.unavailable');
    const summary = await accounts.summary(userName);
    if (!summary) return refuse('escalation:agent.password.unknownUser', { userName });
    const issued = await accounts.issueTemporaryPassword(userName, {
      conversationId: escalation.userReference.conversation?.id ?? escalation.id,
      channel: context.activity.channelId,
    });
    commitReplies(context);
    const t = responder.translator(context);
    const expires = `${isoDate(this.options.hours.localDate(issued.expiresAt))} ${new Intl.DateTimeFormat(
      'en-GB',
      {
        timeZone: this.options.centre.timeZone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      },
    ).format(issued.expiresAt)}`;
    const sent = await sendImmediately(context, {
      type: ActivityTypes.Message,
      text: t('escalation:agent.password.summary', { userName }),
      attachments: [passwordCard(t, userName, summary.displayName, issued.value, expires)],
    });
    if (sent?.id) {
      await store.savePasswordCard({
        activityId: sent.id,
        reference: TurnContext.getConversationReference(context.activity),
        userName,
        language: responder.language(context),
        replaceAfter: clock.now().getTime() + settings.passwordCardSeconds * 1000,
      });
    }
    await this.auditEvent('temporaryPasswordIssued', 'success', agent.id, context.activity.channelId, {
      escalationId: escalation.id,
      userName,
      detail: asserted && asserted !== escalation.userName ? 'verifiedByAgent' : 'verifiedByBot',
    });
    await this.sendTo(escalation.userReference, escalation.language, ['escalation:session.passwordIssued']);
  }

  private async replacePasswordCard(activityId: string | undefined): Promise<void> {
    if (!activityId) return;
    const card = await this.options.store.takePasswordCard(activityId);
    if (card) await this.retirePasswordCard(card.activityId, card.reference, card.language, card.userName);
  }

  private async retirePasswordCard(
    activityId: string,
    reference: Partial<ConversationReference>,
    language: Language,
    userName: string,
  ): Promise<void> {
    const t = this.options.responder.messages.forLanguage(language);
    try {
      await this.options.continueConversation(reference, async (context) => {
        await context.updateActivity({
          type: ActivityTypes.Message,
          id: activityId,
          text: t('escalation:card.passwordReplaced'),
          attachments: [passwordReplacedCard(t, userName)],
        });
      });
    } catch (error) {
      this.options.logger.error(
        { event: 'escalation', err: { name: (error as Error)?.name } },
        'password card not replaced',
      );
    }
  }

  private async completeCallback(
    context: TurnContext,
    agent: AgentRecord,
    reference?: string,
  ): Promise<void> {
    const { store, responder } = this.options;
    if (!reference) {
      await responder.send(context, ['escalation:agent.needReference']);
      return;
    }
    const done = await store.completeCallback(reference, { id: agent.id, name: agent.name });
    if (!done) {
      await responder.send(context, [{ key: 'escalation:agent.callbackGone', vars: { reference } }]);
      return;
    }
    await this.auditEvent('callbackCompleted', 'success', agent.id, context.activity.channelId, {
      detail: reference,
      userName: done.userName,
    });
    await responder.send(context, [{ key: 'escalation:agent.callbackDone', vars: { reference } }]);
  }

  // ---------------------------------------------------------------- call-backs

  /**
   * Tells agents at once about a call-back left during business hours (otherwise the morning sweep does), once
   * per request: for every turn that tells the user it is saved, since the turn that saved it may have ended
   * before telling agents (its process stopped past the drain) and the user's « oui » sent again then finds it.
   */
  async callbackLeft(request: CallbackRequest): Promise<void> {
    const { hours, clock, store } = this.options;
    if (request.status !== 'pending' || !hours.isOpen(clock.now())) return;
    if (!(await store.claimOnce(`callbackLeft:${request.reference}`, 24 * 3600))) return;
    await this.notifyAgents((t) => ({
      text: t('escalation:agent.callbackSummary', { reference: request.reference }),
      attachments: [callbacksCard(t, [request], this.options.centre.timeZone)],
    }));
  }

  // ---------------------------------------------------------------- sweep

  /** Starts the periodic sweep (every `intervalMs`); each instance may run it: every change in it is atomic. */
  start(intervalMs = 15_000): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      void this.sweep();
    }, intervalMs);
    this.sweepTimer.unref();
  }

  /** Stops the sweep and waits for one in progress. */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.sweeping;
  }

  /**
   * One pass: users who waited ESCALATION_WAIT_MINUTES are offered a call-back, temporary-password cards past
   * their time are replaced, and once the Centre is open the day's call-backs are posted to the agents.
   */
  async sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = this.sweepOnce()
      .catch((error: unknown) => {
        this.options.logger.warn(
          { event: 'escalation', err: { name: (error as Error)?.name } },
          'escalation sweep failed',
        );
      })
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { store, clock, hours } = this.options;
    const now = clock.now();
    for (const escalation of await store.waiting()) {
      if (!this.waitedTooLong(escalation)) continue;
      if (!(await store.timeOut(escalation.id, now.toISOString()))) continue;
      this.options.logger.info(
        { event: 'escalation', action: 'timedOut', escalation: escalation.id },
        'escalation',
      );
      await this.withUser(escalation, (context) => this.sendCallbackOffer(context, []));
    }
    // A request nobody took, whose user never came back to the call-back offer, would otherwise stay on the
    // agents' queue card (and in the store) for good: after a day it is closed.
    for (const escalation of await store.active()) {
      if (escalation.status !== 'timedOut' || !isPastMaxAge(escalation, now.toISOString())) continue;
      if (await store.close(escalation.id, 'timedOut', now.toISOString()))
        this.options.logger.info(
          { event: 'escalation', action: 'closedStale', escalation: escalation.id },
          'escalation',
        );
    }
    for (const card of await store.takeDuePasswordCards(now.getTime())) {
      await this.retirePasswordCard(card.activityId, card.reference, card.language, card.userName);
    }
    if (hours.isOpen(now)) {
      const due = (await store.pendingCallbacks()).filter((c) => Date.parse(c.dueAt) <= now.getTime());
      if (
        due.length > 0 &&
        (await store.claimOnce(`callbacks:${isoDate(hours.localDate(now))}`, 24 * 3600))
      ) {
        await this.notifyAgents((t) => ({
          text: t('escalation:agent.callbacksDue', { count: due.length }),
          attachments: [callbacksCard(t, due, this.options.centre.timeZone)],
        }));
      }
    }
  }

  // ---------------------------------------------------------------- proactive messages

  /** Posts to every reachable agent (their personal chats) and to the agents' channel. */
  private async notifyAgents(build: (t: Translate) => Partial<Activity>): Promise<void> {
    const { store, settings, responder } = this.options;
    const targets: Array<{ reference: Partial<ConversationReference>; language: Language }> = [];
    const agents = await store.agents();
    for (const agent of agents) {
      if (settings.agentIds.has(agent.id))
        targets.push({ reference: agent.reference, language: agent.language });
    }
    const hub = await this.hubTarget(agents);
    if (hub) targets.push({ reference: hub, language: DEFAULT_LANGUAGE });
    if (targets.length === 0 && this.hasBuiltInAgents()) {
      this.options.logger.warn(
        { event: 'escalation' },
        'no agent can be reached yet: each must open a chat with the bot once',
      );
    }
    await Promise.all(
      targets.map(async ({ reference, language }) => {
        try {
          await this.options.continueConversation(reference, async (context) => {
            // The reply's locale follows the turn's language (see src/index.ts), as for every message.
            context.turnState.set(LANGUAGE_KEY, language);
            await context.sendActivity({
              type: ActivityTypes.Message,
              ...build(responder.messages.forLanguage(language)),
            });
          });
        } catch (error) {
          this.options.logger.warn(
            { event: 'escalation', err: { name: (error as Error)?.name } },
            'agent not reached',
          );
        }
      }),
    );
  }

  /** The agents' channel: as last seen, else built from an agent's Teams service URL (same tenant, same region). */
  private async hubTarget(agents: AgentRecord[]): Promise<Partial<ConversationReference> | undefined> {
    const { hubConversation } = this.options.settings;
    if (!hubConversation) return undefined;
    const stored = await this.options.store.hubReference();
    if (stored) return stored;
    const known = agents.find((a) => a.reference.serviceUrl && a.reference.channelId === 'msteams');
    if (!known) return undefined;
    return {
      channelId: 'msteams',
      serviceUrl: known.reference.serviceUrl,
      bot: known.reference.bot,
      conversation: {
        id: hubConversation,
        isGroup: true,
        conversationType: 'channel',
      } as ConversationReference['conversation'],
    };
  }

  /** Sends parts to a conversation proactively, in the given language. */
  private async sendTo(
    reference: Partial<ConversationReference>,
    language: Language,
    parts: Part[],
  ): Promise<void> {
    try {
      await this.options.continueConversation(reference, async (context) => {
        context.turnState.set(LANGUAGE_KEY, language);
        await this.options.responder.send(context, parts);
      });
    } catch (error) {
      this.options.logger.warn(
        { event: 'escalation', err: { name: (error as Error)?.name } },
        'proactive message not delivered',
      );
    }
  }

  private async withUser(
    escalation: Escalation,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    try {
      await this.options.continueConversation(escalation.userReference, async (context) => {
        context.turnState.set(LANGUAGE_KEY, escalation.language);
        await logic(context);
      });
    } catch (error) {
      this.options.logger.warn(
        { event: 'escalation', err: { name: (error as Error)?.name } },
        'user not reached',
      );
    }
  }

  /**
   * Resumes the user's dialogs proactively (back to the menu) after saying `notice`. When a turn of the user
   * saved the conversation first, the resume is run again on the newer state: unlike a no-input reprompt,
   * which the user's own message makes pointless, the end of a session must reach them.
   */
  private async resumeUser(escalation: Escalation, notice: Part[], outcome: WaitOutcome): Promise<void> {
    try {
      for (let attempt = 1; ; attempt += 1) {
        let conflicted = false;
        await this.options.continueConversation(escalation.userReference, async (context) => {
          context.turnState.set(RESUME, {
            escalationId: escalation.id,
            notice,
            outcome,
          } satisfies ResumeTurn);
          try {
            await this.options.runBot(context);
          } catch (error) {
            if (!(error instanceof ConcurrentTurnError) || attempt >= RESUME_ATTEMPTS) throw error;
            conflicted = true;
          }
        });
        if (!conflicted) return;
        // A short random pause, so that the retry does not meet the same burst of the user's turns.
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
      }
    } catch (error) {
      this.options.logger.warn(
        { event: 'escalation', err: { name: (error as Error)?.name } },
        'user not resumed',
      );
    }
  }

  private async auditEvent(
    action: AgentAuditAction,
    outcome: 'success' | 'refused',
    actor: string,
    channel: string,
    extra: { escalationId?: string; userName?: string; detail?: string } = {},
  ): Promise<void> {
    try {
      await this.options.audit.append({
        time: this.options.clock.now().toISOString(),
        action,
        outcome,
        actor,
        channel,
        ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
      });
    } catch (error) {
      this.options.logger.error(
        { event: 'escalation', action, err: { name: (error as Error)?.name } },
        'agent audit append failed',
      );
    }
  }
}

/** The agent identity of an external hub (handoff.status accepted). */
export const EXTERNAL_AGENT: AgentIdentity = { id: 'external' };

/** A Teams channel thread's id without its `;messageid=…`: the channel itself. */
export function baseConversationId(id: string | undefined): string | undefined {
  return id?.split(';')[0];
}

/** The most recent reason the transcript recorded in the last few lines, else a plain request. */
export function inferReason(transcript: TranscriptEntry[]): EscalationReason {
  const recent = transcript.slice(-6);
  return [...recent].reverse().find((e) => e.reason)?.reason ?? 'userRequest';
}

/** How a user's words are masked for agents: a NAM in words too, which the NAM question reads as one. */
const USER_WORDS = { spoken: true } as const;

/**
 * The user's words of this turn as an agent may read them: as the transcript keeps them (a secret typed earlier
 * in the conversation masked, a message withheld as a secret reduced to the mask), or, for a turn the
 * transcript did not read, masked here.
 */
function userWordsForAgent(context: TurnContext, text: string): string {
  return recordedUserWords(context) ?? redactLine(text, USER_WORDS);
}

/** The `handoff.status` states an external hub sends that the bot acts on. */
const HANDOFF_STATES: ReadonlySet<string> = new Set(['accepted', 'failed', 'completed']);

/** The state of a `handoff.status` event's value, sent as an object or as a JSON string. */
export function handoffState(value: unknown): string | undefined {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const state = (parsed as { state?: unknown } | undefined)?.state;
  return typeof state === 'string' ? state.toLowerCase() : undefined;
}

/** « Julie » for « Julie Tremblay »: users are told who is helping them without the agent's full name. */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0];
}
