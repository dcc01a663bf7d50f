import type { Lexicon } from '../../nlu/lexicon';
import type { MenuRecognizer } from '../../nlu/menuRecognizer';
import type { BusinessHours } from '../../services/businessHours';
import type { CentreInfo } from '../../services/centre';
import type { Clock } from '../../services/clock';
import type { Logger } from '../../services/logger';
import type { StateAccessors } from '../../state';
import type { Responder } from './responder';

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
