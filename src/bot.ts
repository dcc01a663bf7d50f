import { ActivityHandler, ActivityTypes, type Middleware, MiddlewareSet, type TurnContext } from 'botbuilder';
import {
  type DialogContext,
  DialogSet,
  type DialogStateManagerConfiguration,
  DialogTurnStatus,
} from './dialogs/shared/dialogLibrary';
import { expectInput, silenceOf } from './voice/voiceTurn';
import { commitReplies, ReplyHold } from './replyHold';
import { DEFAULT_LANGUAGE, type Language } from './i18n';
import { ROOT, type RootDialog, type RootOptions } from './dialogs/rootDialog';
import { LANGUAGE_KEY, type Responder } from './dialogs/shared/responder';
import type { StateAccessors } from './state';
import { isSharedTeamsConversation } from './teamsGate';
import { forgetTrailingPound, takeTrailingPound } from './dialogs/shared/keyEntry';

/**
 * Where botbuilder-dialogs looks for, and caches for the rest of the turn, the memory scopes and path resolvers
 * of a DialogContext's state manager (DialogManager sets the same key from its `stateConfiguration`).
 */
const STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';

/** How many users' language choice {@link RecentLanguages} keeps: a few bytes each. */
const RECENT_LANGUAGES_MAX = 20_000;

/**
 * The language each recent user's last saved turn was in, when it is not the default: with the storage
 * unreachable the user's profile cannot be read, and the "temporarily unavailable" apology must still come in
 * the language the user chose. Bounded: the least recently saved are forgotten first.
 */
class RecentLanguages {
  private readonly byUser = new Map<string, Language>();

  private static keyOf(context: TurnContext): string | undefined {
    const { channelId, from } = context.activity;
    return channelId && from?.id ? `${channelId}/${from.id}` : undefined;
  }

  get(context: TurnContext): Language | undefined {
    const key = RecentLanguages.keyOf(context);
    return key === undefined ? undefined : this.byUser.get(key);
  }

  remember(context: TurnContext, language: Language): void {
    const key = RecentLanguages.keyOf(context);
    if (key === undefined) return;
    this.byUser.delete(key);
    if (language === DEFAULT_LANGUAGE) return;
    this.byUser.set(key, language);
    if (this.byUser.size > RECENT_LANGUAGES_MAX)
      this.byUser.delete(this.byUser.keys().next().value as string);
  }
}

/** What the bot needs, built in src/index.ts. */
export interface BotDependencies {
  state: StateAccessors;
  rootDialog: RootDialog;
  responder: Responder;
  /** Runs around every turn, proactive ones included (the voice line's SSML safety net and no-input timers). */
  turnMiddleware?: Middleware[];
  /** Reacts to a caller's silence: a proactive turn marked by the no-input timers (see src/voice/). */
  onSilence?: (context: TurnContext, dc: DialogContext, startOver: () => Promise<unknown>) => Promise<void>;
  /**
   * Sees every turn before the dialogs (escalation to agents, src/escalation/): agents' turns, a waiting user's
   * messages and hand-off events. Returns true when it handled the turn; `runDialogs` resumes the dialogs.
   */
  turnInterceptor?: {
    intercept(context: TurnContext, runDialogs: () => Promise<void>): Promise<boolean>;
  };
}

/**
 * The assistant's activity handler: sets the turn's language (French unless the user chose English,
 * whatever the client's locale says), greets, runs the root dialog, and saves state once per turn.
 */
export class RamqBot extends ActivityHandler {
  private readonly dialogs: DialogSet;
  /**
   * Built by botbuilder-dialogs on the first turn, then handed to every later one: building it again each
   * turn (a service collection, a zod validation that fails, nine memory scopes) was about 5 % of a menu
   * turn's CPU. The scopes it holds keep nothing of a turn; they read everything from the DialogContext.
   */
  private stateManagerConfiguration: DialogStateManagerConfiguration | undefined;
  private readonly recentLanguages = new RecentLanguages();

  constructor(private readonly deps: BotDependencies) {
    super();
    this.dialogs = new DialogSet(deps.state.dialogState);
    for (const dialog of [deps.rootDialog, ...deps.rootDialog.dialogs]) this.dialogs.add(dialog);

    this.onTurn(async (context, next) => {
      const profile = await deps.state.userProfile.get(context, {});
      context.turnState.set(LANGUAGE_KEY, profile.language ?? DEFAULT_LANGUAGE);
      // Every message reads and clears the mark, whoever handles it; the « # » it allows gets no answer.
      if (context.activity.type === ActivityTypes.Message && (await takeTrailingPound(context, deps.state))) {
        expectInput(context);
        return;
      }
      await next();
    });

    // Not calling next() stops the turn here: no greeting, no menu for what the interceptor handled.
    this.onTurn(async (context, next) => {
      if (
        deps.turnInterceptor &&
        (await deps.turnInterceptor.intercept(context, () => this.runDialogs(context)))
      ) {
        return;
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.welcomeOnce(context);
      await this.runDialogs(context);
      await next();
    });

    this.onEvent(async (context, next) => {
      if (silenceOf(context) && deps.onSilence) {
        // After a reprompt, a « # » answers the question said again: it is not an entry's habitual ending.
        await forgetTrailingPound(context, deps.state);
        const dc = await this.dialogs.createContext(context);
        const options: RootOptions = {};
        await deps.onSilence(context, dc, () => dc.beginDialog(ROOT, options));
      }
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const { activity } = context;
      const added = activity.membersAdded ?? [];
      const humans = added.filter((m) => m.id !== activity.recipient?.id);
      // Teams announces a personal install by adding the bot itself; a channel install is greeted on mention.
      const installedInPersonalChat =
        added.some((m) => m.id === activity.recipient?.id) &&
        activity.conversation?.conversationType === 'personal';
      const greet = humans.length > 0 || installedInPersonalChat;
      if (greet && !isSharedTeamsConversation(activity) && (await this.welcomeOnce(context))) {
        await this.runDialogs(context);
      }
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    if (this.stateManagerConfiguration) {
      context.turnState.set(STATE_MANAGER_CONFIGURATION, this.stateManagerConfiguration);
    }
    // Until the profile is read, and for the apology if it cannot be: the language of the user's last saved turn.
    const remembered = this.recentLanguages.get(context);
    if (remembered) context.turnState.set(LANGUAGE_KEY, remembered);
    await this.deps.state.loadTurn(context);
    // Here rather than on the adapter, so that every way of running the bot (tests included) gets it.
    await new MiddlewareSet(...(this.deps.turnMiddleware ?? [])).run(context, async () => {
      // Registered last, so the voice and transcript middleware still see each reply as it is sent.
      const replies = ReplyHold.begin(context);
      try {
        await super.run(context);
        this.stateManagerConfiguration ??= context.turnState.get(STATE_MANAGER_CONFIGURATION);
        await this.deps.state.saveTurn(context);
        this.recentLanguages.remember(context, this.deps.responder.language(context));
        // The replies describe the state, now saved, conversation and user alike.
        commitReplies(context);
      } catch (error) {
        await replies.abandon();
        throw error;
      }
      await replies.release();
    });
  }

  /** Sends the greeting the first time; returns true when it did. */
  private async welcomeOnce(context: TurnContext): Promise<boolean> {
    const flags = await this.deps.state.conversationFlags.get(context, {});
    if (flags.welcomed) return false;
    flags.welcomed = true;
    await this.deps.state.conversationFlags.set(context, flags);
    await this.deps.responder.send(context, ['common:welcome']);
    return true;
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    const result = await this.deps.rootDialog.continueTurn(dc);
    if (result.status === DialogTurnStatus.empty) {
      const options: RootOptions = {
        text: context.activity.type === ActivityTypes.Message ? context.activity.text : undefined,
      };
      await dc.beginDialog(ROOT, options);
    }
  }
}
