/**
 * The sources read region by region, as data: the engine attributes a failed region discovery to the audits
 * reading one of these without loading every collector (test/registry.test.ts checks it against each
 * collector's `regional`).
 */
export const REGIONAL_SOURCES: ReadonlySet<string> = new Set(['acm.certificates', 'ec2.instances', 'ec2.securityGroups', 'ec2.networkInterfaces']);

/** The source named in the error when the region list itself could not be read. */
export const REGION_SOURCE = 'ec2.regions';
