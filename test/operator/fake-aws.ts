import { localEndpoint } from '../aws/local-endpoint';

/** EC2 state codes, as the query API reports them next to the name. */
const CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const stateXml = (tag: string, s: string) => `<${tag}><code>${CODES[s]}</code><name>${s}</name></${tag}>`;

/**
 * A loopback stand-in for EC2 (query protocol, XML) holding one instance: StartInstances moves stopped ->
 * pending, StopInstances running -> stopping; a transitional state settles (running / stopped) after
 * `settleAfter` DescribeInstances calls have seen it.
 */
export async function fakeEc2(instanceId: string, initial = 'stopped', settleAfter = 1) {
  let state = initial;
  let seen = 0;
  const launchTime = '2026-11-23T08:00:00.000Z';
  const actions: string[] = [];
  const endpoint = await localEndpoint((_req, body) => {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    actions.push(action);
    if (form.get('InstanceId.1') !== instanceId) {
      return { status: 400, body: `<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID '${form.get('InstanceId.1')}' does not exist</Message></Error></Errors><RequestID>r</RequestID></Response>` };
    }
    if (action === 'DescribeInstances') {
      if (state === 'pending' || state === 'stopping') {
        if (seen >= settleAfter) {
          state = state === 'pending' ? 'running' : 'stopped';
          seen = 0;
        } else seen += 1;
      }
      const xml = `<instancesSet><item><instanceId>${instanceId}</instanceId>${stateXml('instanceState', state)}<launchTime>${launchTime}</launchTime></item></instancesSet>`;
      return { status: 200, body: `<DescribeInstancesResponse xmlns="${NS}"><requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId>${xml}</item></reservationSet></DescribeInstancesResponse>` };
    }
    if (action === 'StartInstances' || action === 'StopInstances') {
      const previous = state;
      state = action === 'StartInstances' ? 'pending' : 'stopping';
      seen = 0;
      const tag = action === 'StartInstances' ? 'StartInstancesResponse' : 'StopInstancesResponse';
      return { status: 200, body: `<${tag} xmlns="${NS}"><requestId>r</requestId><instancesSet><item><instanceId>${instanceId}</instanceId>${stateXml('currentState', state)}${stateXml('previousState', previous)}</item></instancesSet></${tag}>` };
    }
    return { status: 400, body: `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors></Response>` };
  });
  const setState = (s: string) => {
    state = s;
    seen = 0;
  };
  return { ...endpoint, actions, state: () => state, setState };
}

/** A loopback stand-in for SSM (JSON 1.1) answering GetParameter for one SecureString. */
export async function fakeSsm(name: string, value: string) {
  const reads: unknown[] = [];
  const endpoint = await localEndpoint((req, body) => {
    const input = JSON.parse(body) as { Name?: string; WithDecryption?: boolean };
    reads.push(input);
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter' || input.Name !== name) {
      return { status: 400, headers: json, body: JSON.stringify({ __type: 'ParameterNotFound', message: 'not found' }) };
    }
    return { status: 200, headers: json, body: JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: input.WithDecryption ? value : 'AQICAHencrypted', Version: 1 } }) };
  });
  return { ...endpoint, reads };
}
