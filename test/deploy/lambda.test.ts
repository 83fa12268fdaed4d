import { buildDeployment } from '../../shared/deploy/template';
import { configProblem as problem } from '../builders';

const operator = { targets: { staging: { instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', tokenParameter: '/opsbots/staging/token' } } };
const sizing = (stage: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(buildDeployment('t', stage).functions).map(([k, f]) => [k, { memorySize: (f as { memorySize: number }).memorySize, timeout: (f as { timeout: number }).timeout }]));

describe('deploy: memory and timeout per stage and per function (lambda:)', () => {
  it('gives audit functions 512 MB / 300 s and operator endpoints their own 256 MB / 15 s by default', () => {
    const s = sizing({ audits: { 'iam-console-mfa': {} }, operator });
    expect(s.iamConsoleMfa).toEqual({ memorySize: 512, timeout: 300 });
    expect(s.operatorStagingStart).toEqual({ memorySize: 256, timeout: 15 });
  });

  it('applies the stage values to audit functions and a function\'s own entry over everything', () => {
    const s = sizing({
      audits: { 'iam-console-mfa': {}, 'iam-root-mfa': {} },
      operator,
      lambda: { memorySize: 1024, timeout: 600, functions: { iamRootMfa: { memorySize: 2048 }, operatorStagingStart: { memorySize: 512, timeout: 29 } } },
    });
    expect(s.iamConsoleMfa).toEqual({ memorySize: 1024, timeout: 600 });
    expect(s.iamRootMfa).toEqual({ memorySize: 2048, timeout: 600 });
    expect(s.operatorStagingStart).toEqual({ memorySize: 512, timeout: 29 });
    expect(s.operatorStagingStop).toEqual({ memorySize: 256, timeout: 15 });
  });

  it('rejects a key that is no function of the stage, naming the deployed ones', () => {
    expect(problem(() => buildDeployment('t', { audits: { 'iam-console-mfa': {} }, lambda: { functions: { iamConsoleMFA: { memorySize: 1024 } } } }))).toMatch(/lambda\.functions\.iamConsoleMFA: no function "iamConsoleMFA" in this stage \(deployed: iamConsoleMfa\)/);
  });

  it('rejects an endpoint timeout API Gateway would not wait for', () => {
    expect(problem(() => buildDeployment('t', { operator, lambda: { functions: { operatorStagingState: { timeout: 60 } } } }))).toMatch(/lambda\.functions\.operatorStagingState\.timeout: 60 s is more than API Gateway waits/);
  });

  it('rejects values outside Lambda\'s limits and unknown keys, naming the field', () => {
    expect(problem(() => buildDeployment('t', { lambda: { memorySize: 64 } }))).toMatch(/lambda\.memorySize/);
    expect(problem(() => buildDeployment('t', { lambda: { timeout: 901 } }))).toMatch(/lambda\.timeout/);
    expect(problem(() => buildDeployment('t', { lambda: { memory: 1024 } }))).toMatch(/lambda\.memory: unknown key/);
    expect(problem(() => buildDeployment('t', { audits: { 'iam-console-mfa': {} }, lambda: { functions: { iamConsoleMfa: { memorySize: 100 } } } }))).toMatch(/lambda\.functions\.iamConsoleMfa\.memorySize/);
  });
});
