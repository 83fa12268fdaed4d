import { benchIdentity } from './bench/identity';
import { benchIdentityRequests } from './bench/identity-requests';
import { benchCertificates } from './bench/certificates';
import { benchInstances } from './bench/instances';
import { benchSecurityGroups } from './bench/security-groups';
import { benchReportSize } from './bench/report';
import { benchWarmer } from './bench/warmer';
import { benchSampleRun } from './bench/sample-run';

export interface BenchOptions {
  readonly users: readonly number[];
  readonly print: (s: string) => void;
}

/** Every area's benchmark; adding one = one module under cli/bench/ + one line here. */
const BENCHES: readonly { name: string; run: (o: BenchOptions) => Promise<unknown> }[] = [
  { name: 'identity evaluation', run: (o) => benchIdentity(o) },
  { name: 'identity collector: AWS requests', run: (o) => benchIdentityRequests(o) },
  { name: 'certificate evaluation', run: (o) => benchCertificates(o) },
  { name: 'EC2 instances (ec2-required-tags)', run: (o) => benchInstances(o) },
  { name: 'security groups', run: (o) => benchSecurityGroups(o) },
  { name: 'email rendering and size fitting', run: (o) => benchReportSize(o) },
  { name: 'warmer fan-out', run: (o) => benchWarmer(o) },
  { name: 'run all on the sample account (dry run): requests and phases', run: (o) => benchSampleRun(o) },
];

/** `npm run bench`: timings, peak memory and AWS request counts. Figures, not pass/fail. */
export async function bench(opts: BenchOptions): Promise<number> {
  for (const b of BENCHES) {
    opts.print(`== ${b.name}`);
    await b.run(opts);
  }
  return 0;
}
