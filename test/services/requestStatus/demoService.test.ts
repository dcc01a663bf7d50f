import { parseNam, type Nam } from '../../../src/nlu/nam';
import {
  EmbeddedRequestStatusService,
  UnconfiguredRequestStatusService,
} from '../../../src/services/requestStatus/demoService';
import {
  medicationFilter,
  loadMedicationCatalogue,
} from '../../../src/services/requestStatus/medicationCatalogue';
import { ServiceUnavailableError } from '../../../src/services/requestStatus/types';

const nam = (value: string): Nam => {
  const result = parseNam(value);
  if (!result.ok) throw new Error('bad test NAM');
  return result.nam;
};
const catalogue = loadMedicationCatalogue();
const byId = (id: string) => medicationFilter(catalogue.medications.find((m) => m.id === id)!);
const service = new EmbeddedRequestStatusService();

describe('EmbeddedRequestStatusService (DEMO_DATA)', () => {
  it('holds exactly the demo data of issue 4', async () => {
    const boum = await service.findRequests(nam('BOUM55081212'), { kind: 'all' });
    expect(boum.map((r) => [r.medication.name, r.receivedOn, r.transmission, r.status.state])).toEqual([
      ['adalimumab', '2026-01-10', 'online', 'accepted'],
      ['étanercept', '2025-03-02', 'fax', 'refused'],
    ]);
    expect(boum[0].status).toEqual({
      state: 'accepted',
      authorizedFrom: '2026-01-15',
      authorizedTo: '2027-01-14',
    });
    expect(boum[1].status).toMatchObject({
      reason: { fr: 'Les critères de paiement ne sont pas satisfaits' },
    });

    const gags = await service.findRequests(nam('GAGS72620314'), { kind: 'all' });
    expect(
      gags.map((r) => [r.type, r.medication.brand, r.receivedOn, r.transmission, r.status.state]),
    ).toEqual([
      ['exceptionMedication', 'Prolia', '2026-11-20', 'mail', 'inProgress'],
      ['exceptionalPatient', 'Kalydeco', '2026-10-30', 'online', 'awaitingInformation'],
    ]);
    expect(gags[1].status).toMatchObject({
      missing: { fr: 'Résultats du test à la sueur et note clinique du prescripteur' },
    });

    expect(await service.findRequests(nam('LAVP90013101'), { kind: 'all' })).toEqual([]);
  });

  it.each([
    ['BOUM55081212', byId('adalimumab'), 1],
    ['BOUM55081212', byId('etanercept'), 1],
    ['BOUM55081212', byId('denosumab'), 0],
    ['GAGS72620314', { kind: 'exceptionalPatient' } as const, 1],
    ['GAGS72620314', { kind: 'din', din: '02343541' } as const, 1],
    ['GAGS72620314', byId('ivacaftor'), 1],
    ['TREM75031512', { kind: 'all' } as const, 0],
  ])('%s filtered by %p finds %p', async (value, filter, count) => {
    expect(await service.findRequests(nam(value), filter)).toHaveLength(count);
  });

  it('without a back end and without demo data, reports itself unavailable rather than "no request"', async () => {
    await expect(new UnconfiguredRequestStatusService().findRequests()).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });
});
