import { MemoryAuditLog } from '../../../src/services/accounts/auditLog';
import { AuditLogConsultationAudit } from '../../../src/services/requestStatus/audit';

describe('AuditLogConsultationAudit', () => {
  it.each([
    ['found', 'success'],
    ['none', 'success'],
    ['unavailable', 'failure'],
  ] as const)('appends a %s consultation to the audit log with the NAM masked', async (result, outcome) => {
    const log = new MemoryAuditLog();
    await new AuditLogConsultationAudit(log).record({
      time: '2026-12-01T15:00:00.000Z',
      userName: 'CE100001',
      channel: 'msteams',
      maskedNam: '********1212',
      medication: 'adalimumab',
      outcome: result,
      count: result === 'found' ? 1 : 0,
    });
    const [event] = await log.recent();
    expect(event).toMatchObject({
      userName: 'CE100001',
      channel: 'msteams',
      action: 'requestStatusConsulted',
      outcome,
    });
    expect(event.detail).toContain('nam=********1212');
    expect(JSON.stringify(event)).not.toContain('BOUM');
  });
});
