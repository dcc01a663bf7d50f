import { ComponentDialog, Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Language } from '../i18n';
import type { RoutingIntent } from '../nlu/lexicon';
import { normalizeText } from '../nlu/normalize';
import { VoiceLexicon } from '../nlu/voiceLexicon';
import { endSession, touchSession } from './accounts/session';
import { HoursContactDialog } from './hoursContactDialog';
import { MAIN_MENU, MAIN_MENU_DEFINITION, MainMenuDialog, type MainMenuOptions } from './mainMenuDialog';
import { MENU_PROMPT, MenuPrompt } from './menuPrompt';
import { OnlineServicesDialog } from './onlineServicesDialog';
import { endCall } from './shared/callControl';
import type { DialogDependencies } from './shared/dependencies';
import { FlowDialog } from './shared/flowDialog';
import type { FlowId } from './shared/flowTrace';
import { LANGUAGE_KEY } from './shared/responder';

/** Persisted dialog id. */
export const ROOT = 'root';

/** What the root dialog receives when a conversation (re)starts. */
export interface RootOptions {
  /** The message that started the conversation, routed if it names a flow. */
  text?: string;
}

/**
 * The root of every conversation. It owns the interruptions that work anywhere — help, cancel, menu,
 * restart, agent and language — so that no flow has to handle them, and routes free text to flows.
 */
export class RootDialog extends ComponentDialog<RootOptions> {
  private readonly flows = new Set<FlowId>();

  /** @param extraFlows the flows built by other features, registered here so menus can offer them. */
  constructor(
    private readonly deps: DialogDependencies,
    extraFlows: FlowDialog[] = [],
  ) {
    super(ROOT);
    for (const flow of extraFlows) this.flows.add(flow.flowId);
    // Menus, prompts and flows share this one dialog stack: a menu starts a flow beside itself rather than
    // inside a component of its own, which keeps each turn's chain of dialog contexts short.
    this.addDialog(new MenuPrompt(deps));
    this.addDialog(new HoursContactDialog(deps));
    this.addDialog(new OnlineServicesDialog(deps, this.flows));
    this.addDialog(new MainMenuDialog(deps));
    for (const flow of extraFlows) this.addDialog(flow);
    this.initialDialogId = MAIN_MENU;
  }

  /** The flows other than menus that this bot offers. */
  get availableFlows(): ReadonlySet<FlowId> {
    return this.flows;
  }

  protected override async onBeginDialog(
    innerDc: DialogContext,
    options?: RootOptions,
  ): Promise<DialogTurnResult> {
    const normalized = normalizeText(options?.text ?? '');
    const control = this.deps.lexicon.controlIntent(normalized);
    if (control === 'english' || control === 'french') {
      await this.applyLanguage(innerDc, control === 'english' ? 'en' : 'fr');
      return innerDc.beginDialog(MAIN_MENU);
    }
    if (control === 'help') await this.deps.responder.send(innerDc.context, ['common:help']);
    const path = this.pathFor(normalized);
    const menuOptions: MainMenuOptions = path ? { path } : {};
    return innerDc.beginDialog(MAIN_MENU, menuOptions);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    if (innerDc.context.activity.type === 'message') {
      // Any message counts as activity for the authenticated session (15 idle minutes end it).
      await touchSession(innerDc.context, this.deps);
      const interrupted = await this.interrupt(innerDc);
      if (interrupted) return interrupted;
    }
    return super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const { lexicon, responder } = this.deps;
    const normalized = normalizeText(innerDc.context.activity.text ?? '');
    if (!normalized) return undefined;
    switch (lexicon.controlIntent(normalized)) {
      case 'english':
        return this.switchLanguage(innerDc, 'en');
      case 'french':
        return this.switchLanguage(innerDc, 'fr');
      case 'help':
        await responder.send(innerDc.context, ['common:help']);
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'cancel':
        await innerDc.cancelAllDialogs();
        await responder.send(innerDc.context, ['common:cancelled']);
        return innerDc.beginDialog(MAIN_MENU);
      case 'menu':
      case 'restart':
        await innerDc.cancelAllDialogs();
        return innerDc.beginDialog(MAIN_MENU);
      case 'agent':
        return this.restartAt(innerDc, ['agent']);
      case 'logout': {
        const ended = await endSession(innerDc.context, this.deps);
        await innerDc.cancelAllDialogs();
        await responder.send(innerDc.context, [ended ? 'accounts:logout.done' : 'accounts:logout.none']);
        return innerDc.beginDialog(MAIN_MENU);
      }
      default:
        break;
    }
    // « C'est tout », « au revoir »: goodbye (and hang-up on the phone); « non merci » only answers a menu.
    const inMenu = leafDialogId(innerDc) === MENU_PROMPT;
    if (VoiceLexicon.for(responder.messages).isGoodbye(normalized, inMenu)) {
      return endCall(innerDc, this.deps);
    }
    // Free text names a flow: follow it from menus only, so answers to a flow's own questions are never hijacked.
    if (inMenu) {
      const path = this.routingPath(lexicon.routingIntent(normalized));
      if (path) return this.restartAt(innerDc, path);
    }
    return undefined;
  }

  private async restartAt(innerDc: DialogContext, path: string[]): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    const options: MainMenuOptions = { path };
    return innerDc.beginDialog(MAIN_MENU, options);
  }

  private async switchLanguage(innerDc: DialogContext, language: Language): Promise<DialogTurnResult> {
    await this.applyLanguage(innerDc, language);
    if (innerDc.activeDialog) await innerDc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  /** Remembers the user's language and confirms it in that language. */
  private async applyLanguage(innerDc: DialogContext, language: Language): Promise<void> {
    const { context } = innerDc;
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
