import { REPLY_LOCALES, type Messages } from '../../i18n';
import { Lexicon } from '../../nlu/lexicon';
import { MenuRecognizer } from '../../nlu/menuRecognizer';
import type { BusinessHours } from '../../services/businessHours';
import type { CentreInfo } from '../../services/centre';
import type { Clock } from '../../services/clock';
import type { Logger } from '../../services/logger';
import type { StateAccessors } from '../../state';
import { Responder } from './responder';

/** What every dialog may use; built once in src/index.ts and passed down through constructors. */
export interface DialogDependencies {
  responder: Responder;
  logger: Logger;
  centre: CentreInfo;
  clock: Clock;
  lexicon: Lexicon;
  menuRecognizer: MenuRecognizer;
  state: StateAccessors;
  /** Phone-line settings; absent in tests that do not need them (the toll-free number is then used). */
  voice?: VoiceLineSettings;
  /** The Centre's business hours (issue 7); absent in tests that do not need them (then always open). */
  businessHours?: BusinessHours;
}

/** Phone-line settings from the configuration. */
export interface VoiceLineSettings {
  /** Where callers asking for an agent are transferred, in E.164 (VOICE_TRANSFER_NUMBER). */
  transferNumber: string;
}

/** What {@link createDialogDependencies} builds the dialogs' dependencies from. */
export interface DialogDependencyParts {
  messages: Messages;
  logger: Logger;
  centre: CentreInfo;
  clock: Clock;
  state: StateAccessors;
  /** Neural voice per language (VOICE_FR, VOICE_EN). */
  voices: { fr: string; en: string };
  voice?: VoiceLineSettings;
  businessHours?: BusinessHours;
}

/**
 * Builds the replies, keyword and menu understanding that every dialog shares, the same way for the
 * composition root and for tests that assemble a bot of their own.
 */
export function createDialogDependencies(parts: DialogDependencyParts): DialogDependencies {
  const { messages, voices, ...rest } = parts;
  const lexicon = new Lexicon(messages);
  return {
    ...rest,
    responder: new Responder(messages, {
      fr: { voice: voices.fr, xmlLang: REPLY_LOCALES.fr },
      en: { voice: voices.en, xmlLang: REPLY_LOCALES.en },
    }),
    lexicon,
    menuRecognizer: new MenuRecognizer(messages, lexicon),
  };
}
