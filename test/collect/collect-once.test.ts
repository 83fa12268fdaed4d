import { join } from 'node:path';
import { Clients } from '../../shared/aws/clients';
import { RecordingStore, recordedAt } from '../../shared/aws/recording';
import { loadConfig } from '../../shared/config/load';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample');

describe('collect once, evaluate many: run all on the sample account', () => {
  it('never asks the same read call twice, however many audits read its source', async () => {
    const asked: string[] = [];
    const original = RecordingStore.prototype.find;
    const find = jest.spyOn(RecordingStore.prototype, 'find').mockImplementation(function (this: RecordingStore, service, region, operation, input) {
      asked.push(`${service} ${region} ${operation} ${JSON.stringify(input)}`);
      return original.call(this, service, region, operation, input);
    });
    try {
      const config = loadConfig({ stage: 'sample', file: join(ROOT, 'config', 'sample.yml') });
      const report = await runAudits({ config, auditIds: ['all'], clients: new Clients({ replayDir: SAMPLE, maxAttempts: 1 }), log: new MemoryLog(), dryRun: true, now: recordedAt(SAMPLE) });
      expect(report.audits.length).toBeGreaterThan(1);
    } finally {
      find.mockRestore();
    }
    const reads = asked.filter((a) => / (Describe|List|Get|Generate)\w* /.test(a));
    expect(reads.length).toBeGreaterThan(10);
    expect(reads.filter((a, i) => reads.indexOf(a) !== i)).toEqual([]);
  });
});
