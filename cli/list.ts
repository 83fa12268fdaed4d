import * as z from 'zod';
import { AUDITS, readActions } from '../shared/audits/index';
import type { Audit } from '../shared/audits/types';
import { COLLECTORS } from '../shared/collect/index';
import type { SourceId } from '../shared/collect/inventory';
import type { Severity } from '../shared/model';

/** People's names for the collector sources; typed over SourceId, so a new source without a name does not compile. */
export const SOURCE_NAMES: { readonly [K in SourceId]: string } = {
  'iam.credentialReport': 'IAM credential report',
  'iam.users': 'IAM users (login profiles, MFA devices)',
  'iam.accessKeys': 'IAM access keys and their last use',
  'iam.serverCertificates': 'IAM server certificates',
  'acm.certificates': 'ACM certificates',
  'ec2.instances': 'EC2 instances',
  'ec2.securityGroups': 'EC2 security groups and their rules',
  'ec2.networkInterfaces': 'EC2 network interfaces (what a security group is attached to)',
};

/** One setting: its default and what it does (the schema's `.describe()`). */
export interface SettingListing {
  readonly default: unknown;
  readonly description: string;
}

export type SettingsListing = Readonly<Record<string, SettingListing>>;

/** What a remediation's `enabled` does: every action has it, outside its own schema (shared/config/audits.ts). */
export const enabledDescription = (auditId: string): string => `Turn this remediation on (audits.${auditId}.remediation.enabled in the stage file); a dry run still changes nothing.`;

/**
 * Each key of a closed settings schema with its default (the schema parsed empty) and its description; a key
 * without `.describe()` lists an empty description (a test refuses that).
 */
export function settingsListing(schema: z.ZodType): SettingsListing {
  const defaults = schema.parse({}) as Record<string, unknown>;
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  return Object.fromEntries(Object.keys(shape).map((key) => [key, { default: defaults[key], description: shape[key]?.description ?? '' }]));
}

export interface AuditListing {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  /** What a person should do about a FAIL (the report's fix text). */
  readonly fix: string;
  readonly reads: readonly { readonly source: SourceId; readonly name: string; readonly regional: boolean; readonly iamActions: readonly string[] }[];
  /** Every read action its function's role gets (the account alias and region discovery included). */
  readonly iamActions: readonly string[];
  /** Each setting with its default (the audit's own schema, parsed empty) and its description. */
  readonly settings: SettingsListing;
  /** Null when the audit has no automatic remediation; off until a stage enables it. */
  readonly remediation: { readonly id: string; readonly does: string; readonly iamActions: readonly string[]; readonly settings: SettingsListing } | null;
}

export function listing(audit: Audit): AuditListing {
  const action = audit.action;
  return {
    id: audit.id,
    title: audit.title,
    severity: audit.severity,
    description: audit.description,
    fix: audit.remediation,
    reads: audit.sources.map((source) => ({ source, name: SOURCE_NAMES[source], regional: COLLECTORS[source].regional !== false, iamActions: COLLECTORS[source].iamActions })),
    iamActions: readActions(audit),
    settings: settingsListing(audit.settings),
    remediation: action ? { id: action.id, does: action.description, iamActions: action.iamActions, settings: { enabled: { default: false, description: enabledDescription(audit.id) }, ...settingsListing(action.settings) } } : null,
  };
}

/** Every registered audit, in report order. */
export function listAudits(): AuditListing[] {
  return AUDITS.map(listing);
}

const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
/** `key: default`, its description on the next line. */
const settingLines = (settings: SettingsListing, indent: string) => Object.entries(settings).flatMap(([k, v]) => [`${indent}${k}: ${value(v.default)}`, `${indent}  ${v.description}`]);

/** `opsbots list`: one block per audit. */
export function listText(audits: readonly AuditListing[]): string {
  return audits
    .map((a) => [
      `${a.id}  [${a.severity}]  ${a.title}`,
      `  ${a.description}`,
      `  reads: ${a.reads.map((r) => `${r.name}${r.regional ? ' (per region)' : ''}`).join('; ')}`,
      `  IAM: ${a.iamActions.join(', ')}`,
      ...(Object.keys(a.settings).length > 0 ? ['  settings (default):', ...settingLines(a.settings, '    ')] : ['  settings: none']),
      `  fix: ${a.fix}`,
      ...(a.remediation
        ? [`  remediation (off unless the stage enables it): ${a.remediation.does}`, `    IAM when enabled: ${a.remediation.iamActions.join(', ')}`, '    settings (default):', ...settingLines(a.remediation.settings, '      ')]
        : ['  remediation: none']),
    ].join('\n'))
    .join('\n\n');
}
