import {
  ComponentDialog,
  type DialogContext,
  type DialogInstance,
  type DialogReason,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import type { DialogDependencies } from './dependencies';
import { traceFlow, type FlowId } from './flowTrace';

/**
 * A user-visible flow: a component dialog whose start and end are traced. Its id is a stable FlowId because
 * ids are saved in conversation state.
 */
export abstract class FlowDialog<O extends object = object> extends ComponentDialog<O> {
  protected constructor(
    readonly flowId: FlowId,
    protected readonly deps: DialogDependencies,
  ) {
    super(flowId);
  }

  protected override async onBeginDialog(innerDc: DialogContext, options?: O): Promise<DialogTurnResult> {
    await traceFlow(innerDc.context, this.deps.logger, this.flowId, 'start');
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
