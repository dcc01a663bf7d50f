import { ConfigurationBotFrameworkAuthentication, StatusCodes, type Activity } from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Logger } from './logger';

/**
 * The standard Bot Framework authentication, except that every failure to authenticate a request is a 401.
 * The library lets some token failures (a bad signature, an unreachable key document) escape as generic
 * errors, which the adapter would turn into a 500 carrying the library's message.
 */
export class StrictBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    configuration: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0],
    private readonly logger: Logger,
  ) {
    super(configuration);
  }

  /**
   * Results by request activity: the server checks the token before its per-conversation rate limit, then the
   * adapter asks again for the same activity object, which gets the same answer instead of a second check.
   */
  private readonly checked = new WeakMap<
    Activity,
    { authHeader: string; result: Promise<AuthenticateRequestResult> }
  >();

  override authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const earlier = this.checked.get(activity);
    if (earlier?.authHeader === authHeader) return earlier.result;
    const result = this.check(activity, authHeader);
    this.checked.set(activity, { authHeader, result });
    return result;
  }

  private async check(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    // The library checks `exp` only when present: a token without one would never expire.
    if (tokenLacksExpiry(authHeader)) throw new AuthenticationError('Unauthorized', StatusCodes.UNAUTHORIZED);
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      this.logger.warn({ err: { name: (error as Error)?.name } }, 'request authentication failed');
      throw new AuthenticationError('Unauthorized', StatusCodes.UNAUTHORIZED);
    }
  }
}

/** True for a bearer JWT whose payload carries no numeric `exp`; anything else is left to the library. */
function tokenLacksExpiry(authHeader: string): boolean {
  const token = /^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]*$/i.exec(authHeader.trim());
  if (!token) return false;
  try {
    const payload = JSON.parse(Buffer.from(token[2], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload?.exp !== 'number';
  } catch {
    return false;
  }
}
