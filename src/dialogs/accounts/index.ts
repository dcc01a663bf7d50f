import { UserNameRecognizer } from '../../nlu/userName';
import type { AccountServices } from '../../services/accounts';
import type { DialogDependencies } from '../shared/dependencies';
import type { FlowDialog } from '../shared/flowDialog';
import { AuthenticateDialog } from './authenticateDialog';
import { PasswordResetDialog } from './passwordResetDialog';
import { SecretQuestionsDialog } from './secretQuestionsDialog';

export type { AuthenticateOptions, AuthenticateResult } from './authenticateDialog';
export { AUTHENTICATE } from './authenticateDialog';
export { PASSWORD_RESET } from './passwordResetDialog';
export { SECRET_QUESTIONS, type SecretQuestionsOptions } from './secretQuestionsDialog';
export { currentSession, endSession, startSession, touchSession, type AuthSession } from './session';

/**
 * The account flows — `passwordReset`, `authenticate` and `secretQuestions` — to register with
 * `new RootDialog(deps, flows)`. Other flows needing an authenticated user begin `authenticate`.
 */
export function createAccountFlows(deps: DialogDependencies, services: AccountServices): FlowDialog[] {
  const recognizer = new UserNameRecognizer(deps.responder.messages, deps.lexicon);
  const authenticate = new AuthenticateDialog(deps, services.accounts, recognizer);
  return [
    new PasswordResetDialog(deps, services.accounts, recognizer),
    authenticate,
    new SecretQuestionsDialog(deps, services.accounts, authenticate),
  ];
}
