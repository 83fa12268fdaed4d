import { figure, peakRssMiB } from './figure';
import { benchScale } from './scale';

// The scale scenario's process when the bench judges it: this file is built as serverless.yml builds a
// function (cli/bench/as-deployed.ts), so the process loads the code a deployed function would load.
const print = (s: string) => process.stdout.write(`${s}\n`);
benchScale({ print }).then(
  (code) => {
    print(figure("peak RSS of this scenario's process", peakRssMiB(), 'MiB'));
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
