import type { TurnContext } from 'botbuilder';

/**
 * What the request-status flow needs to know about the user's sign-in. Implemented over the accounts
 * feature's authenticated session (issue 3) in src/index.ts, so this flow does not depend on how that session
 * is stored.
 */
export interface SessionGate {
  /** True when the conversation has a valid authenticated session. */
  isAuthenticated(context: TurnContext): Promise<boolean>;
  /** The online-services user name (CE…/IP…), for the audit log. */
  userName(context: TurnContext): Promise<string | undefined>;
}
