import { join } from 'node:path';
import { CONFIG_DIR, readStageFile } from '../../shared/config/load';
import { buildDeployment } from '../../shared/deploy/template';
import { functionKey } from '../../shared/deploy/names';
import { SAMPLE_DIR } from '../../shared/paths';

/**
 * For the describe block around it: `start(auditId)` sets the environment the sample stage's function for
 * that audit starts with in Lambda (its OPSBOTS_CONFIG as serverless.yml hands it over), its AWS calls
 * answered from the sample account's recordings; the environment is restored after the block.
 */
export function useSampleFunctionEnv(): (auditId: string) => void {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });
  return (auditId) => {
    const { functions } = buildDeployment('sample', readStageFile(join(CONFIG_DIR, 'sample.yml')));
    process.env.OPSBOTS_STAGE = 'sample';
    process.env.OPSBOTS_CONFIG = (functions[functionKey(auditId)] as { environment: { OPSBOTS_CONFIG: string } }).environment.OPSBOTS_CONFIG;
    process.env.OPSBOTS_REPLAY = SAMPLE_DIR;
  };
}
