import { join } from 'node:path';

/**
 * The package's root folder. This file sits one level below it, and so do the CLI's compiled bundles in
 * dist/: the same `..` is right from the TypeScript sources (tests, tsx) and from the compiled CLI, where
 * every module shares the bundle's `__dirname`.
 */
export const PACKAGE_ROOT = join(__dirname, '..');

/** Per-stage settings (config/<stage>.yml). */
export const CONFIG_DIR = join(PACKAGE_ROOT, 'config');

/** The bundled sample account: recorded AWS API responses. */
export const SAMPLE_DIR = join(PACKAGE_ROOT, 'sample');

/** The `opsbots` command (package bin), which runs the compiled CLI. */
export const CLI_BIN = join(PACKAGE_ROOT, 'cli', 'opsbots.js');
