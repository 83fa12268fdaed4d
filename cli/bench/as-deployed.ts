import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../shared/paths';

/** serverless.yml's `custom.esbuild` (what serverless-esbuild builds every function with) and the functions' NODE_OPTIONS. */
interface DeployBuild {
  readonly esbuild: Record<string, unknown> & { readonly plugins?: string };
  readonly nodeOptions: readonly string[];
}

export function deployBuild(file = join(PACKAGE_ROOT, 'serverless.yml')): DeployBuild {
  const yml = parse(readFileSync(file, 'utf8')) as { custom?: { esbuild?: DeployBuild['esbuild'] }; provider?: { environment?: { NODE_OPTIONS?: string } } };
  const esbuild = yml.custom?.esbuild;
  if (!esbuild) throw new Error(`bench: ${file} has no custom.esbuild`);
  return { esbuild, nodeOptions: (yml.provider?.environment?.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean) };
}

/** The options of deployBuild() that esbuild's build() takes as they are (the rest are serverless-esbuild's own). */
const ESBUILD_OPTIONS = ['bundle', 'minify', 'keepNames', 'sourcemap', 'sourcesContent', 'target', 'platform', 'mainFields'] as const;

/** The esbuild options a function is built with, for `entry` into `outfile` (plugins are loaded by the build process). */
export function deployedBuildOptions(build: DeployBuild, entry: string, outfile: string): Record<string, unknown> {
  const picked = Object.fromEntries(ESBUILD_OPTIONS.filter((k) => build.esbuild[k] !== undefined).map((k) => [k, build.esbuild[k]]));
  return { ...picked, entryPoints: [entry], outfile, format: 'cjs', absWorkingDir: PACKAGE_ROOT, logLevel: 'warning' };
}

// Run by a node of its own: esbuild and the plugins' module (which registers tsx) stay out of the CLI's bundle.
const BUILD_SCRIPT = "const [options, plugins] = JSON.parse(process.argv[1]); require('esbuild').build({ ...options, plugins: plugins ? require(plugins) : [] }).catch(() => process.exit(1))";

/**
 * Builds `entry` (a path under the package) as `serverless package` builds a function: serverless.yml's
 * esbuild settings and plugins (the AWS SDK bundled from its tree-shaken ESM entry points), into `outfile`
 * (under the package, so its paths resolve). Returns the node flags the function runs with (its NODE_OPTIONS).
 * A bench process started from the CLI instead loads each SDK client's whole CommonJS build (EC2's alone
 * is 2 MB to parse): memory no deployed function spends.
 */
export function buildAsDeployed(entry: string, outfile: string): readonly string[] {
  const build = deployBuild();
  const plugins = build.esbuild.plugins ? join(PACKAGE_ROOT, build.esbuild.plugins) : null;
  execFileSync(process.execPath, ['-e', BUILD_SCRIPT, JSON.stringify([deployedBuildOptions(build, entry, outfile), plugins])], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return build.nodeOptions;
}
