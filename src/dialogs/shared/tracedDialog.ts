import type { TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogReason,
  type DialogTurnResult,
} from './dialogLibrary';
import type { DialogDependencies } from './dependencies';
import { traceFlow, type FlowId } from './flowTrace';

/**
 * A user-visible flow that needs no dialogs of its own (menus, hours): a plain dialog on its parent's stack
 * rather than a component dialog, because every nesting level costs a dialog context per turn. Its start and
 * end are traced like a {@link FlowDialog}'s; its id is a stable FlowId because ids are saved in conversation
 * state.
 */
export abstract class TracedDialog<O extends object = object> extends Dialog<O> {
  protected constructor(
    readonly flowId: FlowId,
    protected readonly deps: DialogDependencies,
  ) {
    super(flowId);
  }

  override async beginDialog(dc: DialogContext, options?: O): Promise<DialogTurnResult> {
    await traceFlow(dc.context, this.deps.logger, this.flowId, 'start');
    return this.onBegin(dc, options);
  }

  override async endDialog(
    context: TurnContext,
    _instance: DialogInstance,
    reason: DialogReason,
  ): Promise<void> {
    await traceFlow(context, this.deps.logger, this.flowId, 'end', String(reason));
  }

  /** What the flow does when it starts. */
  protected abstract onBegin(dc: DialogContext, options?: O): Promise<DialogTurnResult>;
}
