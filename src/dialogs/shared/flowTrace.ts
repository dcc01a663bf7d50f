import type { TurnContext } from 'botbuilder';
import { hashId, type Logger } from '../../services/logger';

/** Flow ids, shared with the Emulator's trace view and the logs; they are also persisted dialog ids. */
export type FlowId =
  | 'mainMenu'
  | 'onlineServices'
  | 'hoursContact'
  | 'passwordReset'
  | 'authenticate'
  | 'secretQuestions'
  | 'requestStatus'
  | 'accessRequest'
  | 'escalation';

/** Payload of a `flow` trace activity. */
export interface FlowTraceValue {
  flow: FlowId;
  step?: string;
}

/**
 * Turn-state flag set when the turn's trace activities would be dropped anyway (every channel but the
 * Emulator): {@link traceFlow} then only logs, instead of sending a trace through the send pipeline for nothing.
 */
export const FLOW_TRACES_DROPPED = Symbol('flowTracesDropped');

/**
 * Reports a flow starting or ending: as a Bot Framework trace activity (the Emulator shows it; the bot's
 * middleware drops it on other channels) and as a structured log line without personal data.
 */
export async function traceFlow(
  context: TurnContext,
  logger: Logger,
  flow: FlowId,
  label: 'start' | 'end',
  step?: string,
): Promise<void> {
  logger.info(
    {
      event: 'flow',
      conversation: hashId(context.activity.conversation?.id),
      channel: context.activity.channelId,
      flow,
      label,
      step: step ?? label,
    },
    'flow',
  );
  if (context.turnState.get(FLOW_TRACES_DROPPED) === true) return;
  const value: FlowTraceValue = step ? { flow, step } : { flow };
  await context.sendTraceActivity('flow', value, 'https://ramq.gouv.qc.ca/schemas/bot/flow', label);
}
