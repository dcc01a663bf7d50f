import type { Dialog } from '../shared/dialogLibrary';
import type { RequestStatusSetup } from '../../services/requestStatus';
import type { SessionGate } from '../../services/requestStatus/session';
import { currentSession, type SessionDeps } from '../accounts/session';
import type { DialogDependencies } from '../shared/dependencies';
import { RequestStatusDialog } from '../requestStatusDialog';

/** The sign-in state kept by the accounts feature (issue 3), seen through the request-status flow's gate. */
export function accountsSessionGate(deps: SessionDeps): SessionGate {
  return {
    isAuthenticated: async (context) => (await currentSession(context, deps)) !== undefined,
    userName: async (context) => (await currentSession(context, deps))?.userName,
  };
}

/**
 * Builds the request-status flow. `flows` are the other flows registered with the root dialog: the accounts
 * feature's `authenticate` dialog is taken from them (and added to this flow, which begins it). Without it,
 * the flow says that sign-in is not offered yet and gives the centre's numbers.
 */
export function createRequestStatusFlow(
  deps: DialogDependencies,
  setup: RequestStatusSetup,
  flows: readonly Dialog[],
  session: SessionGate = accountsSessionGate(deps),
): RequestStatusDialog {
  const authenticateDialog = flows.find((flow) => flow.id === 'authenticate');
  return new RequestStatusDialog(deps, { ...setup, session, authenticateDialog });
}
