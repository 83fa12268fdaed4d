import type { z } from 'zod';
import type { Inventory, SourceId } from '../collect/inventory';
import type { Finding, Severity } from '../model';
import type { Remediation } from '../actions/types';
import type { CollectScope } from '../collect/types';

/** Closed settings schema: `settings.parse({})` must give every default. */
export type SettingsSchema = z.ZodObject<z.ZodRawShape>;

/**
 * One audit, one module (CloudSploit's plugin contract): metadata, the sources it reads, its settings with
 * defaults and validators, and a synchronous, pure evaluate(). "Now" is `inventory.collectedAt`.
 */
export interface Audit<S extends SettingsSchema = SettingsSchema> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Severity of a FAIL unless the finding says otherwise. */
  readonly severity: Severity;
  /** What a person should do about a FAIL. */
  readonly remediation: string;
  /** Collector sources this audit reads; their IAM actions become the function's role. */
  readonly sources: readonly SourceId[];
  /**
   * The fields of a source it reads, where a source can be read in part (the credential report's columns):
   * a missing one makes this audit ERROR and leaves audits not reading it alone. Absent = all of it.
   */
  readonly reads?: { readonly [K in SourceId]?: readonly string[] };
  readonly settings: S;
  evaluate(inventory: Inventory, settings: z.output<S>): Finding[];
  /** Narrows what collectors read for this audit, from its settings (merged with the run's other audits'). */
  scope?(settings: z.output<S>): Partial<CollectScope>;
  /** Automatic remediation, off unless a stage enables it. */
  readonly action?: Remediation;
}

// Every audit module loaded in this process, by id: renderers that need an audit's text (ASFF, OCSF) look it
// up here rather than in the registry, so a function's bundle holds its own audits only.
const loaded = new Map<string, Audit>();

/** Helps TypeScript infer S for each audit module while the registry holds them as Audit. */
export function defineAudit<S extends SettingsSchema>(audit: Audit<S>): Audit {
  const plain = audit as unknown as Audit;
  loaded.set(plain.id, plain);
  return plain;
}

/** A loaded audit's contract by id (every audit that ran is loaded: its module defined it). */
export function loadedAudit(id: string): Audit | undefined {
  return loaded.get(id);
}

/**
 * What validating an audit's `settings:` and `remediation:` blocks needs of it: its id and the two schemas.
 * An Audit is one; so is an entry of the catalogue (shared/audits/catalogue.ts), which loads no audit code.
 */
export interface AuditSchemas {
  readonly id: string;
  readonly settings: SettingsSchema;
  readonly action?: Pick<Remediation, 'settings'>;
}

/** An audit as an organization's aggregate merges and reports it: no evaluate code, no remediation code. */
export interface AuditDeclaration extends AuditSchemas, Pick<Audit, 'title' | 'severity' | 'sources'> {}
