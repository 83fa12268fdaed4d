import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import type { Metafile, Plugin } from 'esbuild';

/** AWS SDK v3 client schema modules (`dist-es/schemas/schemas_0.js`): one module holds every shape of the service. */
const SDK_SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * Rewrites `{ [_xN]: _ZI }` to `{ "xmlName": _ZI }` where `_xN` is one of the module's own top-level
 * `const _xN = "xmlName"` strings. The value is the same object; but esbuild treats a computed key as
 * possibly side-effecting, so every shape holding one (most of EC2's ~3,400) stayed in every bundle, used
 * or not. With literal keys only the shapes a command reaches are kept (EC2: 1.5 MB -> 0.3 MB minified).
 * test/deploy/bundle.test.ts checks the rewritten module exports the same values as the original.
 */
export function literalSchemaKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const m of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) strings.set(m[1] ?? '', m[2] ?? '');
  return source.replace(/\[(_\w+)\]:/g, (all, id: string) => {
    const literal = strings.get(id);
    // A literal `"__proto__":` would set the prototype where the computed key makes an own property.
    return literal === undefined || literal === '"__proto__"' ? all : `${literal}:`;
  });
}

/**
 * Clients whose errors opsbots matches by name only (errorCode(): the token store's and the webhook URLs'
 * GetParameter): SSM models ~140 errors and its schema module registers every one, class and shape, at load
 * (66 KB, a tenth of an operator function's cold start), for the one call those functions make.
 */
const ERRORS_BY_NAME = /[\\/]@aws-sdk[\\/]client-ssm[\\/]/;

/**
 * Drops a schema module's modeled-error registrations (`n0_registry.registerError(X$, X);`), keeping the
 * service's base exception (`_s_registry`). An error response then takes the SDK's own path for an error it
 * has no class for: the base exception (SSMServiceException) named by the error code, with its message,
 * $fault and $metadata; only `instanceof ParameterNotFound` is lost, which opsbots never asks.
 * test/deploy/bundle.test.ts sends through a client built so and checks the error's name and message.
 */
export function withoutModeledErrors(source: string): string {
  return source.replace(/^(?!_s_registry\.)\w+_registry\.registerError\(\w+\$, \w+\);\n/gm, '');
}

export const sdkSchemaKeys: Plugin = {
  name: 'opsbots-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMAS }, (args) => {
      const keys = literalSchemaKeys(readFileSync(args.path, 'utf8'));
      return { contents: ERRORS_BY_NAME.test(args.path) ? withoutModeledErrors(keys) : keys, loader: 'js' };
    });
  },
};

/**
 * Writes each bundle's esbuild metafile to `dir` as `<entry name>.json` (what went into it, module by
 * module): the proof test/deploy/bundle.test.ts and the bench read, from the very build that was packaged.
 */
export function metafileWriter(dir: string): Plugin {
  return {
    name: 'opsbots-metafile',
    setup(build) {
      build.initialOptions.metafile = true;
      build.onEnd((result) => {
        if (!result.metafile) return;
        const entries = build.initialOptions.entryPoints;
        const entry = Array.isArray(entries) ? String(entries[0]) : '';
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${basename(entry, extname(entry))}.json`), JSON.stringify(result.metafile));
      });
    },
  };
}

export interface SourceMap {
  readonly version: number;
  readonly sources: readonly string[];
  readonly names: readonly string[];
  readonly mappings: string;
  readonly [key: string]: unknown;
}

/** Our own code: what a stack trace must name by file and line. Dependencies keep their (kept) names only. */
export const isOwnSource = (source: string): boolean => !/(^|[\\/])node_modules[\\/]/.test(source);

/**
 * Keeps only the mappings into sources `keep` accepts (and the sources and names they use). A bundle's map
 * is mostly the SDK's: mapping our code alone is what a CloudWatch stack trace needs (frames in shared/,
 * functions/, reports/ get their .ts file and line; SDK frames keep their function names through keepNames),
 * at a third of the size.
 */
export function trimSourceMap(map: SourceMap, keep: (source: string) => boolean = isOwnSource): SourceMap {
  const sources = new Map<number, number>();
  const names = new Map<number, number>();
  const index = (table: Map<number, number>, i: number) => {
    let j = table.get(i);
    if (j === undefined) table.set(i, (j = table.size));
    return j;
  };
  const lines = decode(map.mappings).map((line) =>
    line.flatMap((seg): SourceMapSegment[] => {
      if (seg.length === 1 || !keep(map.sources[seg[1]] ?? '')) return [];
      const [col, src, srcLine, srcCol] = seg;
      return seg.length === 5 ? [[col, index(sources, src), srcLine, srcCol, index(names, seg[4])]] : [[col, index(sources, src), srcLine, srcCol]];
    }),
  );
  const pick = (table: Map<number, number>, from: readonly string[]) => [...table.entries()].sort((a, b) => a[1] - b[1]).map(([i]) => from[i] ?? '');
  return { ...map, sources: pick(sources, map.sources), names: pick(names, map.names), mappings: encode(lines) };
}

/** Trims every source map the build wrote (see trimSourceMap). */
export const ownSourceMaps: Plugin = {
  name: 'opsbots-own-source-maps',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      for (const file of Object.keys(result.metafile?.outputs ?? {}).filter((f) => f.endsWith('.map'))) {
        const path = join(build.initialOptions.absWorkingDir ?? process.cwd(), file);
        writeFileSync(path, JSON.stringify(trimSourceMap(JSON.parse(readFileSync(path, 'utf8')) as SourceMap)));
      }
    });
  },
};

/** Where the SDK clients of a deployed bundle take their default credentials from (see shared/aws/lambda-credentials.ts). */
export const LAMBDA_CREDENTIALS = join(__dirname, '..', 'aws', 'lambda-credentials.ts');

/** Bundles resolve `@aws-sdk/credential-provider-node` (the SDK clients' default chain) to the Lambda's environment and container providers. */
export const lambdaCredentials: Plugin = {
  name: 'opsbots-lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: LAMBDA_CREDENTIALS }));
  },
};

/** The plugins serverless.yml gives serverless-esbuild (config/esbuild-plugins.js). */
export function bundlePlugins(env: NodeJS.ProcessEnv): Plugin[] {
  return [sdkSchemaKeys, lambdaCredentials, ownSourceMaps, ...(env.OPSBOTS_METAFILE_DIR ? [metafileWriter(env.OPSBOTS_METAFILE_DIR)] : [])];
}

/** The input modules of a metafile's one output (the bundle), with the bytes each put in it. */
export function bundleInputs(meta: Metafile): Record<string, number> {
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('.js'));
  if (!output) throw new Error('metafile has no .js output');
  return Object.fromEntries(Object.entries(output[1].inputs).map(([path, v]) => [path, v.bytesInOutput]));
}
