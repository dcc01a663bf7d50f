import { DialogContextError } from 'botbuilder-dialogs';
import { ErrorReply, SocketClosedUnexpectedlyError } from '@redis/client/dist/lib/errors';
import { DialogContext, DialogSet, DialogState } from 'botbuilder-dialogs';
import { TestAdapter, TurnContext } from 'botbuilder';
import {
  ConcurrentTurnError,
  RedisTimeoutError,
  StorageUnavailableError,
  userMessageKeyOf,
} from '../src/errors';

/** A DialogContextError as botbuilder-dialogs builds it around what a dialog threw. */
function thrownInADialog(error: Error): DialogContextError {
  const context = new TurnContext(new TestAdapter(), { type: 'message', text: 'x' });
  const dc = new DialogContext(new DialogSet(), context, { dialogStack: [] } as DialogState);
  return new DialogContextError(error, dc);
}

describe('userMessageKeyOf', () => {
  it("names a domain error's own sentence", () => {
    expect(userMessageKeyOf(new StorageUnavailableError('read'))).toBe('common:temporarilyUnavailable');
    expect(userMessageKeyOf(new ConcurrentTurnError())).toBe('common:concurrentTurn');
  });

  it('says "temporarily unavailable" for a Redis failure met in the middle of a dialog', () => {
    for (const failure of [
      new ErrorReply("OOM command not allowed when used memory > 'maxmemory'."),
      new SocketClosedUnexpectedlyError(),
      new RedisTimeoutError('Accounts: Redis did not answer within 3000 ms.'),
    ]) {
      expect(userMessageKeyOf(thrownInADialog(failure))).toBe('common:temporarilyUnavailable');
    }
    expect(userMessageKeyOf(thrownInADialog(new StorageUnavailableError('write')))).toBe(
      'common:temporarilyUnavailable',
    );
  });

  it('keeps the generic apology for anything else', () => {
    expect(userMessageKeyOf(new TypeError('x is undefined'))).toBe('common:error');
    expect(userMessageKeyOf(thrownInADialog(new RangeError('bad')))).toBe('common:error');
    expect(userMessageKeyOf('a string')).toBe('common:error');
  });
});
