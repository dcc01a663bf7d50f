import { FixedClock } from '../../../src/services/clock';
import { CLOCK_START, memoryAccountServices } from '../../helpers/accounts';
import { accountServiceContract } from '../../helpers/accountServiceContract';

// Whole conversations hash every secret with scrypt (by design slow): leave room on a loaded machine.
jest.setTimeout(60_000);

describe('AccountService in memory', () => {
  accountServiceContract(() => memoryAccountServices(new FixedClock(CLOCK_START)));
});
