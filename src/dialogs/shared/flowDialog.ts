import {
  ComponentDialog,
  type DialogContext,
  type DialogInstance,
  type DialogReason,
  type DialogTurnResult,
} from './dialogLibrary';
import type { TurnContext } from 'botbuilder';
import type { DialogDependencies } from './dependencies';
import { isSharedTeamsConversation } from '../../teamsGate';
import { traceFlow, type FlowId } from './flowTrace';

/**
 * Flows for one person, in personal conversations only: those that ask for or show secrets, health insurance
 * numbers or a user's particulars (form 4313), and the escalation, whose queue would otherwise take every
 * later message of the channel's thread, whoever wrote it, for the one who asked.
 */
export const PRIVATE_FLOWS: ReadonlySet<FlowId> = new Set<FlowId>([
  'passwordReset',
  'authenticate',
  'secretQuestions',
  'requestStatus',
  'accessRequest',
  'escalation',
]);

/**
 * What a flow ends with when the user asked for an agent from one of its own menus (« 0 »): the menu that
 * started the flow then starts the escalation, exactly as its own « 0 » would.
 */
export const AGENT_REQUESTED = 'flow.agentRequested';

/** True when a flow ended with {@link AGENT_REQUESTED}. */
export function isAgentRequest(result: unknown): boolean {
  return result === AGENT_REQUESTED;
}

/**
 * A user-visible flow: a component dialog whose start and end are traced. Its id is a stable FlowId because
 * ids are saved in conversation state.
 */
export abstract class FlowDialog<O extends object = object> extends ComponentDialog<O> {
  /** What a team channel is told when this private flow is asked for there (with `{{link}}` to a personal chat). */
  protected readonly privateNoticeKey: string = 'teams:channel.movePrivate';

  protected constructor(
    readonly flowId: FlowId,
    protected readonly deps: DialogDependencies,
  ) {
    super(flowId);
  }

  protected override async onBeginDialog(innerDc: DialogContext, options?: O): Promise<DialogTurnResult> {
    await traceFlow(innerDc.context, this.deps.logger, this.flowId, 'start');
    if (PRIVATE_FLOWS.has(this.flowId) && isSharedTeamsConversation(innerDc.context.activity)) {
      // Passwords, secret answers and health insurance numbers never go through a team channel.
      const bot = innerDc.context.activity.recipient?.id ?? '';
      const link = `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(bot)}`;
      await this.deps.responder.send(innerDc.context, [{ key: this.privateNoticeKey, vars: { link } }]);
      return innerDc.endDialog();
    }
    return super.onBeginDialog(innerDc, options);
  }

  protected override async onEndDialog(
    context: TurnContext,
    instance: DialogInstance,
    reason: DialogReason,
  ): Promise<void> {
    await traceFlow(context, this.deps.logger, this.flowId, 'end', String(reason));
    await super.onEndDialog(context, instance, reason);
  }
}
