import { DestinationPolicy } from './destination-policy';

const nothingListed = new DestinationPolicy({ hostNames: [], ranges: [] });
const listed = new DestinationPolicy({ hostNames: ['sms-gw.corp.example', 'gw.localhost'], ranges: ['10.0.0.0/8', '::1/128'] });
const urlRefusal = (policy: DestinationPolicy, url: string) => policy.refusalForUrl(new URL(url));

describe('DestinationPolicy', () => {
  describe('refusalForUrl', () => {
    it.each([
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://0.0.0.0/',
      'http://0/',
      'http://localhost/',
      'http://LocalHost./',
      'http://a.b.localhost/',
    ])('refuses %s as not public', (url) => {
      expect(urlRefusal(nothingListed, url)).toMatchObject({ kind: 'not-public' });
    });

    it.each(['https://relay.example.com/sms', 'http://8.8.8.8/', 'http://[2001:4860:4860::8888]/', 'http://localhost.example.com/', 'http://mylocalhost/'])('accepts %s', (url) => {
      expect(urlRefusal(nothingListed, url)).toBeUndefined();
    });

    it('refuses credentials and other schemes whatever is listed', () => {
      expect(urlRefusal(listed, 'http://user:pw@10.0.0.1/')).toMatchObject({ kind: 'credentials' });
      expect(urlRefusal(listed, 'https://user@relay.example.com/')).toMatchObject({ kind: 'credentials' });
      expect(urlRefusal(listed, 'ftp://relay.example.com/')).toEqual({ kind: 'scheme', reason: 'the endpoint must be an http:// or https:// URL, not ftp:' });
    });

    it('accepts what is listed, and nothing next to it', () => {
      for (const url of ['http://10.9.8.7/', 'http://167772161/', 'http://[::1]:8080/', 'http://SMS-GW.corp.example./', 'http://gw.localhost/']) {
        expect({ url, refusal: urlRefusal(listed, url) }).toEqual({ url, refusal: undefined });
      }
      for (const url of ['http://172.16.0.1/', 'http://[::2]/', 'http://127.0.0.1/', 'http://other.localhost/']) {
        expect(urlRefusal(listed, url)).toMatchObject({ kind: 'not-public' });
      }
    });

    it('names the host and address only, never the path or query', () => {
      const refusal = urlRefusal(nothingListed, 'http://[::ffff:a9fe:a9fe]/secret-path?token=abc');
      expect(refusal?.reason).toBe("the endpoint's address 169.254.169.254 is a link-local address, not a public address");
    });
  });

  describe('refusalForAddress', () => {
    it('refuses a name that resolved to a non-public address, unless the name or the range is listed', () => {
      expect(nothingListed.refusalForAddress('rebind.example.com', '127.0.0.1')?.reason).toBe(
        'rebind.example.com resolves to 127.0.0.1, which is a loopback address, not a public address',
      );
      expect(nothingListed.refusalForAddress('rebind.example.com', '::ffff:192.168.0.1')?.reason).toMatch(/resolves to 192\.168\.0\.1, which is a private/);
      expect(listed.refusalForAddress('sms-gw.corp.example', '192.168.0.1')).toBeUndefined();
      expect(listed.refusalForAddress('other.example.com', '10.1.1.1')).toBeUndefined();
      expect(listed.refusalForAddress('other.example.com', '::ffff:10.1.1.1')).toBeUndefined();
      expect(listed.refusalForAddress('other.example.com', '192.168.0.1')).toMatchObject({ kind: 'not-public' });
    });

    it('accepts public addresses', () => {
      expect(nothingListed.refusalForAddress('relay.example.com', '93.184.215.14')).toBeUndefined();
      expect(nothingListed.refusalForAddress('relay.example.com', '2606:2800:21f:cb07:6820:80da:af6b:8b2c')).toBeUndefined();
    });
  });
});
