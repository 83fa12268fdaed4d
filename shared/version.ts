import pkg from '../package.json';

/** The tool's name and version (package.json), written into every output that names its producer. */
export const TOOL = Object.freeze({ name: pkg.name, version: pkg.version });
