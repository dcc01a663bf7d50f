import { loadCentreInfo } from '../../../src/services/centre';
import { callerNumber, parseCanadianPhone, regionForPhone } from '../../../src/services/escalation/phone';

const centre = loadCentreInfo();

describe('parseCanadianPhone', () => {
  it.each([
    ['514-555-1234', '+15145551234', '514 555-1234', undefined],
    ['(418) 555 0199', '+14185550199', '418 555-0199', undefined],
    ['1 819 555 0100', '+18195550100', '819 555-0100', undefined],
    ['+15815550123', '+15815550123', '581 555-0123', undefined],
    ['450.555.0000', '+14505550000', '450 555-0000', undefined],
    ['514 555-1234 poste 22', '+15145551234', '514 555-1234', '22'],
    ['514 555 1234 ext. 301', '+15145551234', '514 555-1234', '301'],
    ['6045551234 x9', '+16045551234', '604 555-1234', '9'],
    ['1-800-463-4776', '+18004634776', '800 463-4776', undefined],
  ])('accepts %p', (input, e164, display, extension) => {
    expect(parseCanadianPhone(input)).toEqual({
      ok: true,
      phone: { e164, display, ...(extension ? { extension } : {}) },
    });
  });

  it.each([
    ['555-1234', 'digits'],
    ['514 555 12345', 'digits'],
    ['2 514 555 1234', 'digits'],
    ['appelez-moi', 'digits'],
    ['212 555 1234', 'areaCode'],
    ['+44 20 7946 0958', 'digits'],
    ['999 555 1234', 'areaCode'],
    ['514 055 1234', 'exchange'],
    ['514 155 1234', 'exchange'],
  ])('refuses %p (%s)', (input, problem) => {
    expect(parseCanadianPhone(input)).toEqual({ ok: false, problem });
  });
});

describe('regionForPhone', () => {
  it.each([
    ['+14185550000', 'quebec'],
    ['+15815550000', 'quebec'],
    ['+13675550000', 'quebec'],
    ['+15145550000', 'montreal'],
    ['+14385550000', 'montreal'],
    ['+14505550000', 'elsewhere'],
    ['+18195550000', 'elsewhere'],
    ['+14165550000', 'elsewhere'],
  ])('%s → %s', (phone, region) => {
    expect(regionForPhone(centre, phone)).toBe(region);
  });
});

describe('callerNumber', () => {
  it.each([
    ['+15145550100', '+15145550100'],
    ['14185550100', '+14185550100'],
    ['caller-42', undefined],
    ['+442079460958', undefined],
    [undefined, undefined],
  ])('%p → %p', (fromId, e164) => {
    expect(callerNumber(fromId)?.e164).toBe(e164);
  });
});
