import type { IncomingMessage } from 'node:http';
import { Clients } from '../../shared/aws/clients';
import { collectInventory } from '../../shared/collect/run';
import { MemoryLog } from '../../shared/logger';
import { localEndpoint } from '../aws/local-endpoint';

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** The service and region a request was signed for. */
function scope(req: IncomingMessage): { service: string; region: string } {
  const m = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
  return { region: m?.[1] ?? '?', service: m?.[2] ?? '?' };
}

describe('collect: each region fails on its own, through the real SDK clients', () => {
  const saved = process.env.AWS_ENDPOINT_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });

  it('captures denied, throttled-out, unreachable and malformed regions apart, and still reads the healthy one', async () => {
    const seen: Record<string, number> = {};
    const server = await localEndpoint((req) => {
      const { service, region } = scope(req);
      if (service === 'sts') return { status: 200, body: '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a</Arn><UserId>A</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>' };
      seen[region] = (seen[region] ?? 0) + 1;
      switch (region) {
        case 'us-east-1':
          return { status: 200, body: `<DescribeInstancesResponse xmlns="${EC2_NS}"><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>` };
        case 'eu-west-1':
          return { status: 403, body: '<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>denied</Message></Error></Errors><RequestID>r</RequestID></Response>' };
        case 'eu-central-1':
          return { status: 503, body: '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r</RequestID></Response>' };
        case 'sa-east-1':
          return { status: 200, body: '<DescribeInstancesResponse><reservationSet><item>' };
        default:
          return null; // ap-southeast-2: the connection drops, every attempt
      }
    });
    process.env.AWS_ENDPOINT_URL = server.url;
    try {
      const clients = new Clients({ maxAttempts: 2 });
      const regions = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1'];
      const inventory = await collectInventory({ clients, sources: ['ec2.instances'], regions, concurrency: 5, log: new MemoryLog(), accountAlias: 'x' });
      expect(inventory.account.id).toBe('123456789012');
      const errors = Object.fromEntries(inventory.errors.map((e) => [`${e.source}@${e.region}`, e]));
      expect(Object.keys(errors).sort()).toEqual(['ec2.instances@ap-southeast-2', 'ec2.instances@eu-central-1', 'ec2.instances@eu-west-1', 'ec2.instances@sa-east-1']);
      expect(errors['ec2.instances@eu-west-1']?.code).toBe('UnauthorizedOperation');
      expect(errors['ec2.instances@eu-central-1']?.code).toBe('RequestLimitExceeded');
      expect(errors['ec2.instances@ap-southeast-2']?.message).toMatch(/socket hang up/);
      expect(errors['ec2.instances@sa-east-1']).toMatchObject({ code: 'MalformedResponse', message: expect.stringMatching(/XML parse error/) });
      expect(inventory.sources['ec2.instances']?.['us-east-1']).toEqual({ ok: true, value: expect.anything() });
      // Throttling and dropped connections are retried up to maxAttempts; a denial is not.
      expect(seen).toEqual({ 'us-east-1': 1, 'eu-west-1': 1, 'eu-central-1': 2, 'ap-southeast-2': 2, 'sa-east-1': 1 });
    } finally {
      await server.close();
    }
  });
});
