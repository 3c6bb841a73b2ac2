import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { DestinationPolicy } from './destination-policy';
import { DestinationRefusedError, destinationRefusalOf, guardedAgent } from './guarded-agent';
import { HostResolver, ResolvedAddress } from './host-resolver';

class FixedResolver extends HostResolver {
  constructor(private readonly names: Record<string, ResolvedAddress[]>) {
    super();
  }
  resolve(hostName: string): Promise<ResolvedAddress[]> {
    const found = this.names[hostName];
    return found ? Promise.resolve(found) : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostName}`), { code: 'ENOTFOUND' }));
  }
}

/** A real socket on 127.0.0.1: what reaches it was connected to. */
describe('guardedAgent', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  const resolver = new FixedResolver({
    'rebind.test': [{ address: '127.0.0.1', family: 4 }],
    'mixed.test': [
      { address: '93.184.215.14', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
  });

  beforeAll(async () => {
    server = createServer((_request, response) => {
      hits++;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (hits = 0));

  const attempt = async (policy: DestinationPolicy, url: string): Promise<number | DestinationRefusedError | Error> => {
    const agent = guardedAgent(policy, resolver);
    try {
      return (await fetch(url, { dispatcher: agent })).status;
    } catch (error) {
      return destinationRefusalOf(error) ?? (error as Error);
    } finally {
      await agent.close();
    }
  };

  it('does not connect to a name that resolves to loopback, to a loopback literal, or to a name with any loopback address', async () => {
    const policy = new DestinationPolicy({ hostNames: [], ranges: [] });
    for (const host of ['rebind.test', 'mixed.test', '127.0.0.1', '[::ffff:127.0.0.1]']) {
      const outcome = await attempt(policy, `http://${host}:${port}/`);
      expect(outcome).toBeInstanceOf(DestinationRefusedError);
    }
    expect(((await attempt(policy, `http://rebind.test:${port}/`)) as Error).message).toBe(
      'rebind.test resolves to 127.0.0.1, which is a loopback address, not a public address',
    );
    expect(hits).toBe(0);
  });

  it('connects through the resolver to what the policy lists', async () => {
    const byRange = new DestinationPolicy({ hostNames: [], ranges: ['127.0.0.0/8'] });
    expect(await attempt(byRange, `http://rebind.test:${port}/`)).toBe(200);
    expect(await attempt(byRange, `http://127.0.0.1:${port}/`)).toBe(200);
    const byName = new DestinationPolicy({ hostNames: ['rebind.test'], ranges: [] });
    expect(await attempt(byName, `http://rebind.test:${port}/`)).toBe(200);
    expect(await attempt(byName, `http://127.0.0.1:${port}/`)).toBeInstanceOf(DestinationRefusedError);
    expect(hits).toBe(3);
  });

  it('passes a failed resolution on as it is', async () => {
    const outcome = await attempt(new DestinationPolicy({ hostNames: [], ranges: [] }), `http://unknown.test:${port}/`);
    expect(outcome).not.toBeInstanceOf(DestinationRefusedError);
    expect(((outcome as Error).cause as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});
