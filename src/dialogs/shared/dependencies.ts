import type { Lexicon } from '../../nlu/lexicon';
import type { MenuRecognizer } from '../../nlu/menuRecognizer';
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
}
