import { ActivityHandler, ActivityTypes, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus } from 'botbuilder-dialogs';
import { DEFAULT_LANGUAGE } from './i18n';
import { ROOT, type RootDialog, type RootOptions } from './dialogs/rootDialog';
import { LANGUAGE_KEY, type Responder } from './dialogs/shared/responder';
import type { StateAccessors } from './state';

/** What the bot needs, built in src/index.ts. */
export interface BotDependencies {
  state: StateAccessors;
  rootDialog: RootDialog;
  responder: Responder;
}

/**
 * The assistant's activity handler: sets the turn's language (French unless the user chose English,
 * whatever the client's locale says), greets, runs the root dialog, and saves state once per turn.
 */
export class RamqBot extends ActivityHandler {
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: BotDependencies) {
    super();
    this.dialogs = new DialogSet(deps.state.dialogState);
    this.dialogs.add(deps.rootDialog);

    this.onTurn(async (context, next) => {
      const profile = await deps.state.userProfile.get(context, {});
      context.turnState.set(LANGUAGE_KEY, profile.language ?? DEFAULT_LANGUAGE);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.welcomeOnce(context);
      await this.runDialogs(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const humans = (context.activity.membersAdded ?? []).filter(
        (m) => m.id !== context.activity.recipient?.id,
      );
      if (humans.length > 0 && (await this.welcomeOnce(context))) await this.runDialogs(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.state.conversationState.saveChanges(context, false);
    await this.deps.state.userState.saveChanges(context, false);
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
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      const options: RootOptions = {
        text: context.activity.type === ActivityTypes.Message ? context.activity.text : undefined,
      };
      await dc.beginDialog(ROOT, options);
    }
  }
}
