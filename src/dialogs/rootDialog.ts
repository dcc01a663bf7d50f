import { Dialog, type DialogContext, type DialogTurnResult, DialogTurnStatus } from './shared/dialogLibrary';
import type { Language } from '../i18n';
import type { RoutingIntent } from '../nlu/lexicon';
import { normalizeText } from '../nlu/normalize';
import { FIELD_PROMPT as ACCESS_FIELD_PROMPT } from './accessRequest/fieldPrompt';
import { VoiceLexicon } from '../nlu/voiceLexicon';
import { endSession, touchSession } from './accounts/session';
import { HoursContactDialog } from './hoursContactDialog';
import { MAIN_MENU, MAIN_MENU_DEFINITION, MainMenuDialog, type MainMenuOptions } from './mainMenuDialog';
import { MENU_PROMPT, MenuPrompt } from './menuPrompt';
import { OnlineServicesDialog } from './onlineServicesDialog';
import { describeOpening } from '../services/businessHours';
import { agentLineOpen, endCall } from './shared/callControl';
import type { DialogDependencies } from './shared/dependencies';
import { FlowDialog } from './shared/flowDialog';
import type { FlowId } from './shared/flowTrace';
import { LANGUAGE_KEY } from './shared/responder';

/** Persisted dialog id. */
export const ROOT = 'root';

/** The escalation flow's id (see escalationDialog.ts, which this file does not import). */
const ESCALATION_FLOW: FlowId = 'escalation';

/** What the root dialog receives when a conversation (re)starts. */
export interface RootOptions {
  /** The message that started the conversation, routed if it names a flow. */
  text?: string;
}

/**
 * The root of every conversation. It owns the interruptions that work anywhere — help, cancel, menu,
 * restart, agent and language — so that no flow has to handle them, and routes free text to flows.
 */
export class RootDialog extends Dialog<RootOptions> {
  private readonly flows = new Set<FlowId>();
  private readonly children: Dialog[];

  /** @param extraFlows the flows built by other features, registered here so menus can offer them. */
  constructor(
    private readonly deps: DialogDependencies,
    extraFlows: FlowDialog[] = [],
  ) {
    super(ROOT);
    for (const flow of extraFlows) this.flows.add(flow.flowId);
    this.children = [
      new MenuPrompt(deps),
      new HoursContactDialog(deps),
      new OnlineServicesDialog(deps, this.flows),
      new MainMenuDialog(deps),
      ...extraFlows,
    ];
  }

  /**
   * Every dialog a conversation can reach, to be added to the bot's dialog set beside this one. Menus, prompts
   * and flows share that one stack rather than living inside a component dialog: each nesting level would cost
   * a dialog context on every turn.
   */
  get dialogs(): readonly Dialog[] {
    return this.children;
  }

  /** The flows other than menus that this bot offers. */
  get availableFlows(): ReadonlySet<FlowId> {
    return this.flows;
  }

  /** Starts a conversation from its first message, then hands over to the main menu (or where it leads). */
  override async beginDialog(dc: DialogContext, options?: RootOptions): Promise<DialogTurnResult> {
    const normalized = normalizeText(options?.text ?? '');
    const control = this.deps.lexicon.controlIntent(normalized);
    if (control === 'english' || control === 'french') {
      await this.applyLanguage(dc, control === 'english' ? 'en' : 'fr');
      return dc.replaceDialog(MAIN_MENU);
    }
    if (control === 'help') await this.deps.responder.send(dc.context, ['common:help']);
    const path = this.pathFor(normalized);
    const menuOptions: MainMenuOptions = path ? { path } : {};
    return dc.replaceDialog(MAIN_MENU, menuOptions);
  }

  /** Only reached with a stack saved when this was a component dialog: start that conversation afresh. */
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const options: RootOptions = {
      text: dc.context.activity.type === 'message' ? dc.context.activity.text : undefined,
    };
    return dc.replaceDialog(ROOT, options);
  }

  /**
   * Runs a turn of a conversation under way: the interruptions that work anywhere first, then the active
   * dialog. Returns an empty result when nothing is under way, so that the caller begins this dialog.
   */
  async continueTurn(dc: DialogContext): Promise<DialogTurnResult> {
    if (!dc.activeDialog) return { status: DialogTurnStatus.empty };
    if (dc.context.activity.type === 'message') {
      // Any message counts as activity for the authenticated session (15 idle minutes end it).
      await touchSession(dc.context, this.deps);
      const interrupted = await this.interrupt(dc);
      if (interrupted) return interrupted;
    }
    return dc.continueDialog();
  }

  private async interrupt(dc: DialogContext): Promise<DialogTurnResult | undefined> {
    const { lexicon, responder } = this.deps;
    const normalized = normalizeText(dc.context.activity.text ?? '');
    if (!normalized) return undefined;
    switch (lexicon.controlIntent(normalized) ?? (lexicon.asksForAgent(normalized) ? 'agent' : undefined)) {
      case 'english':
        return this.switchLanguage(dc, 'en');
      case 'french':
        return this.switchLanguage(dc, 'fr');
      case 'help':
        await responder.send(dc.context, ['common:help']);
        await dc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'cancel':
        await dc.cancelAllDialogs();
        await responder.send(dc.context, ['common:cancelled']);
        return dc.beginDialog(MAIN_MENU);
      case 'menu':
      case 'restart':
        await dc.cancelAllDialogs();
        return dc.beginDialog(MAIN_MENU);
      case 'agent':
        // « operator » answering a question of form 4313 is a function, as « téléphoniste » is.
        if (leafDialogId(dc) === ACCESS_FIELD_PROMPT && lexicon.isOccupation(normalized)) return undefined;
        if (this.inClosedEscalation(dc)) return this.noAgentUntilOpening(dc);
        return this.restartAt(dc, ['agent']);
      case 'logout': {
        const ended = await endSession(dc.context, this.deps);
        await dc.cancelAllDialogs();
        await responder.send(dc.context, [ended ? 'accounts:logout.done' : 'accounts:logout.none']);
        return dc.beginDialog(MAIN_MENU);
      }
      default:
        break;
    }
    // « C'est tout », « au revoir »: goodbye (and hang-up on the phone); « non merci » only answers a menu.
    const inMenu = leafDialogId(dc) === MENU_PROMPT;
    if (VoiceLexicon.for(responder.messages).isGoodbye(normalized, inMenu)) {
      return endCall(dc, this.deps);
    }
    // Free text names a flow: follow it from menus only, so answers to a flow's own questions are never hijacked.
    if (inMenu) {
      const path = this.routingPath(lexicon.routingIntent(normalized));
      if (path) return this.restartAt(dc, path);
    }
    return undefined;
  }

  /** True while the escalation flow, outside business hours, already answers the request for an agent. */
  private inClosedEscalation(dc: DialogContext): boolean {
    return dc.activeDialog?.id === ESCALATION_FLOW && !agentLineOpen(this.deps, this.deps.clock.now());
  }

  /**
   * « agent » while the Centre is closed and the user is already being offered its numbers or a call-back:
   * starting the flow over would only repeat the closed-hours notice (a loop). Says when an agent can answer,
   * then asks the current question again.
   */
  private async noAgentUntilOpening(dc: DialogContext): Promise<DialogTurnResult> {
    const hours = this.deps.businessHours;
    const now = this.deps.clock.now();
    const t = this.deps.responder.translator(dc.context);
    const when = hours ? describeOpening(t, hours, hours.nextOpening(now), now) : '';
    await this.deps.responder.send(dc.context, [{ key: 'escalation:closed.noAgent', vars: { when } }]);
    await dc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  private async restartAt(dc: DialogContext, path: string[]): Promise<DialogTurnResult> {
    await dc.cancelAllDialogs();
    const options: MainMenuOptions = { path };
    return dc.beginDialog(MAIN_MENU, options);
  }

  private async switchLanguage(dc: DialogContext, language: Language): Promise<DialogTurnResult> {
    await this.applyLanguage(dc, language);
    if (dc.activeDialog) await dc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  /** Remembers the user's language and confirms it in that language. */
  private async applyLanguage(dc: DialogContext, language: Language): Promise<void> {
    const { context } = dc;
    const profile = await this.deps.state.userProfile.get(context, {});
    const already = this.deps.responder.language(context) === language;
    profile.language = language;
    await this.deps.state.userProfile.set(context, profile);
    context.turnState.set(LANGUAGE_KEY, language);
    await this.deps.responder.send(context, [
      already ? 'common:language.already' : 'common:language.switched',
    ]);
  }

  /** The menu path for the first message of a conversation: a main-menu choice, an intent, or nothing. */
  private pathFor(normalized: string): string[] | undefined {
    if (!normalized) return undefined;
    const control = this.deps.lexicon.controlIntent(normalized);
    if (control === 'agent') return ['agent'];
    const routed = this.routingPath(this.deps.lexicon.routingIntent(normalized));
    if (routed) return routed;
    const choice = this.deps.menuRecognizer.recognize(MAIN_MENU_DEFINITION, normalized);
    return choice.kind === 'choice' ? [choice.option.id] : undefined;
  }

  private routingPath(intent: RoutingIntent | undefined): string[] | undefined {
    switch (intent) {
      case 'agent':
        return ['agent'];
      case 'hoursContact':
        return ['hoursContact'];
      case 'passwordReset':
        return this.flows.has('passwordReset') ? ['onlineServices', 'passwordReset'] : undefined;
      case 'secretQuestions':
        return this.flows.has('secretQuestions') ? ['onlineServices', 'secretQuestions'] : undefined;
      case 'accessRequest':
        return this.flows.has('accessRequest') ? ['onlineServices', 'accessRequest'] : undefined;
      case 'requestStatus':
        return this.flows.has('requestStatus') ? ['onlineServices', 'requestStatus'] : undefined;
      default:
        return undefined;
    }
  }
}

/** The id of the innermost active dialog, through nested component dialogs. */
export function leafDialogId(dc: DialogContext): string | undefined {
  let current: DialogContext = dc;
  // Each read of `child` builds a new context, so it is read once per level.
  for (let child = current.child; child; child = current.child) current = child;
  return current.activeDialog?.id;
}
