import { MemoryStorage, type Storage } from 'botbuilder';
import { RamqBot } from '../../src/bot';
import { createAccountFlows } from '../../src/dialogs/accounts';
import { createRequestStatusFlow } from '../../src/dialogs/requestStatus/flow';
import { RootDialog } from '../../src/dialogs/rootDialog';
import { Messages } from '../../src/i18n';
import type { Application } from '../../src/index';
import type { Nam } from '../../src/nlu/nam';
import { FixedClock } from '../../src/services/clock';
import { createRequestStatusSetup } from '../../src/services/requestStatus';
import { MemoryConsultationAudit } from '../../src/services/requestStatus/audit';
import { EmbeddedRequestStatusService } from '../../src/services/requestStatus/demoService';
import type { SessionGate } from '../../src/services/requestStatus/session';
import {
  type AuthorizationRequest,
  type RequestFilter,
  type RequestStatusService,
  ServiceUnavailableError,
} from '../../src/services/requestStatus/types';
import { CLOCK_START, JULIE, memoryAccountServices, memoryLogger, RecordingStorage } from './accounts';
import { createTestDialogDependencies, TestClient, textOf } from './bot';

const messages = new Messages();

/** The demo service, which a test can take down and bring back ("the back end made to fail"). */
export class SwitchableService implements RequestStatusService {
  down = false;
  calls = 0;
  private readonly demo = new EmbeddedRequestStatusService();

  async findRequests(nam: Nam, filter: RequestFilter): Promise<AuthorizationRequest[]> {
    this.calls += 1;
    if (this.down)
      throw new ServiceUnavailableError('timeout', 'request service did not answer within 3000 ms');
    return this.demo.findRequests(nam, filter);
  }
}

/** A gate that says every conversation is signed in as CE100001 (voice tests skip the secret questions). */
export const SIGNED_IN: SessionGate = {
  isAuthenticated: async () => true,
  userName: async () => 'CE100001',
};

/** What the request-status dialog tests need. */
export interface RequestStatusTestBot {
  app: Application;
  service: SwitchableService;
  audit: MemoryConsultationAudit;
  logLines: string[];
  storage: RecordingStorage;
  client(channelId?: string): TestClient;
}

/**
 * The real bot — root dialog, menus, the accounts flows of issue 3 and the request-status flow — over
 * in-memory services, a recording storage and a logger whose lines are kept.
 */
export async function createRequestStatusBot(
  options: { session?: SessionGate; service?: RequestStatusService; storage?: Storage } = {},
): Promise<RequestStatusTestBot> {
  const clock = new FixedClock(CLOCK_START);
  const { services } = await memoryAccountServices(clock);
  const { logger, lines } = memoryLogger('info');
  const storage = new RecordingStorage(options.storage ?? new MemoryStorage());
  const deps = createTestDialogDependencies({ storage, messages, logger, clock });
  const { state } = deps;
  const { responder } = deps;
  const service = new SwitchableService();
  const audit = new MemoryConsultationAudit();
  const setup = createRequestStatusSetup(
    {
      requestsApi: {
        timeoutMs: 3000,
        retries: 1,
        retryPauseMs: { min: 100, max: 400 },
        breakerThreshold: 5,
        breakerCooldownMs: 30000,
      },
      demoData: true,
      conversationIdleMinutes: 60,
    },
    logger,
    messages,
  );
  const accountFlows = createAccountFlows(deps, services);
  const requestStatus = createRequestStatusFlow(
    deps,
    { ...setup, service: options.service ?? service, audit },
    accountFlows,
    options.session,
  );
  const rootDialog = new RootDialog(deps, [...accountFlows, requestStatus]);
  const bot = new RamqBot({ state, rootDialog, responder });
  // TestClient only drives `app.bot`.
  const app = { bot } as Application;
  return {
    app,
    service,
    audit,
    logLines: lines,
    storage,
    client: (channelId = 'test') => new TestClient(app, { channelId }),
  };
}

/** Chat: opens the online-services menu, chooses option 2 and signs in as CE100001; returns the NAM question. */
export async function openRequestStatus(client: TestClient, english = false): Promise<string> {
  await client.say(english ? 'English' : 'bonjour');
  await client.say('1');
  await client.say('2');
  await client.say(JULIE.userName);
  return textOf(await client.say({ value: { accountsCard: 'current', password: JULIE.password } }));
}
