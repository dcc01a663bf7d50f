/**
 * The parts of botbuilder-dialogs the bot uses, imported from their own modules. The package's index also
 * loads every built-in prompt, and with them the whole Recognizers-Text suite and its date-time models (0.3 to
 * 0.45 s of start-up measured on a slow 2-CPU machine) for prompts this bot never uses: its own prompts
 * recognize input with src/nlu. These modules are the very ones the index re-exports.
 */
export {
  Dialog,
  type DialogInstance,
  DialogReason,
  type DialogTurnResult,
  DialogTurnStatus,
} from 'botbuilder-dialogs/lib/dialog';
export { DialogContext, type DialogState } from 'botbuilder-dialogs/lib/dialogContext';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
export { WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext';
export type { DialogStateManagerConfiguration } from 'botbuilder-dialogs/lib/memory/dialogStateManager';
