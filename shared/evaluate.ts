import type { Audit } from './audits/types';
import type { Inventory, SourceId } from './collect/inventory';
import type { SourceError } from './collect/outcome';
import { REGION_SOURCE, REGIONAL_SOURCES } from './collect/regional-sources';
import { finding, type Finding } from './model';

/** The account identity (GetCallerIdentity): without it no finding can name its account, so every audit has a gap. */
const IDENTITY_SOURCE = 'sts.callerIdentity';

/**
 * The source errors that leave part of `audit` unevaluated. An error about some fields of a source only
 * (a credential-report column) concerns the audits that read one of them (Audit.reads; an audit that
 * declares nothing for that source is taken to read all of it).
 */
export function auditGaps(audit: Audit, inventory: Inventory): SourceError[] {
  // Region discovery is a prerequisite of regional sources: its failure blocks those too.
  const regional = audit.sources.some((s) => REGIONAL_SOURCES.has(s));
  const reads = (e: SourceError) => {
    const declared = audit.reads?.[e.source as SourceId];
    return !e.fields || !declared || e.fields.some((f) => declared.includes(f));
  };
  return inventory.errors.filter((e) => ((audit.sources as readonly string[]).includes(e.source) && reads(e)) || (regional && e.source === REGION_SOURCE) || e.source === IDENTITY_SOURCE);
}

/** One ERROR finding per unread source and region, naming exactly what was not evaluated. */
export function gapFindings(audit: Audit, inventory: Inventory): Finding[] {
  return auditGaps(audit, inventory).map((e) =>
    finding({
      auditId: audit.id,
      status: 'ERROR',
      severity: audit.severity,
      resource: `source:${e.source}`,
      resourceId: e.source,
      resourceType: 'opsbots::Source',
      region: e.region,
      account: inventory.account.id,
      reason: `not evaluated: ${e.source} in ${e.region} could not be read (${e.code}: ${e.message})`,
      evidence: { source: e.source, region: e.region, code: e.code, message: e.message, ...(e.resources ? { resources: e.resources } : {}), ...(e.fields ? { fields: e.fields } : {}) },
    }),
  );
}

/**
 * Runs one audit: its gaps as ERROR findings plus what evaluate() found. A crash inside evaluate() is an
 * ERROR too (the audit was not evaluated), never a silent empty list.
 */
export function evaluateAudit(audit: Audit, inventory: Inventory, settings: Readonly<Record<string, unknown>>): Finding[] {
  const gaps = gapFindings(audit, inventory);
  // A field the audit reads is missing for every resource: judging would read a default, so it does not.
  if (auditGaps(audit, inventory).some((e) => e.fields)) return gaps;
  try {
    return [...gaps, ...audit.evaluate(inventory, settings)];
  } catch (error) {
    return [
      ...gaps,
      finding({
        auditId: audit.id,
        status: 'ERROR',
        severity: audit.severity,
        resource: `audit:${audit.id}`,
        resourceId: audit.id,
        resourceType: 'opsbots::Audit',
        region: 'global',
        account: inventory.account.id,
        reason: `not evaluated: the audit failed (${error instanceof Error ? error.message : String(error)})`,
        evidence: {},
      }),
    ];
  }
}
