import { isLoopbackServiceUrl } from '../../src/services/inboundActivity';

describe('isLoopbackServiceUrl', () => {
  it.each([
    ['http://localhost:3978', true],
    ['http://127.0.0.1:9', true],
    ['https://127.12.0.1/', true],
    ['http://[::1]:56150/', true],
    ['http://LOCALHOST:3978', true],
    ['http://localhost.evil.example/', false],
    ['http://127.0.0.1.nip.io/', false],
    ['http://169.254.169.254/', false],
    ['http://10.0.0.4/', false],
    ['https://smba.trafficmanager.net/amer/', false],
    ['not a url', false],
    [undefined, false],
  ])('%s → %s', (serviceUrl, expected) => {
    expect(isLoopbackServiceUrl(serviceUrl)).toBe(expected);
  });
});
