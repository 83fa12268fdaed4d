import * as z from 'zod';
import { scheduleSchema } from '../config/schemas';

const ACCOUNT_ID = /^\d{12}$/;

/**
 * A 12-digit AWS account id. YAML reads an unquoted id as a number: one of 12 digits is taken as written; a
 * shorter one lost its leading zeros, so it is refused with the fix.
 */
export const accountIdSchema = z.preprocess(
  (v) => (typeof v === 'number' && ACCOUNT_ID.test(String(v)) ? String(v) : v),
  z.string({ error: 'not an AWS account id (12 digits; quote it in YAML, e.g. "012345678901", or its leading zeros are lost)' }).regex(ACCOUNT_ID, 'not an AWS account id (12 digits)'),
);

/** An organizational unit id (`ou-xxxx-xxxxxxxx`) or the root (`r-xxxx`): an OU includes all its children. */
export const ouIdSchema = z.string().regex(/^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/, 'not an OU id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)');

/** IAM role names: letters, digits and `+=,.@_-`, at most 64 characters (no path: the ARN is built from it). */
export const roleNameSchema = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name: letters, digits and +=,.@_- only, at most 64 characters');

/** STS ExternalId: 2-1224 characters of `\w+=,.@:/-`. Not a secret (AWS says so), but never logged either. */
export const externalIdSchema = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'an ExternalId: 2-1224 characters of letters, digits and +=,.@:/-');

/** `Key: value` or `Key: [v1, v2]`: the account's tag must hold one of the values. */
const tagFilterSchema = z.record(z.string().min(1).max(128), z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v)));

const accountList = z.array(accountIdSchema).min(1, 'at least one account id, or "all"');

/** `all` or a list of ids; a bad list names each bad entry (a plain union would only say "Invalid input"). */
const accountsSchema = z
  .union([z.literal('all'), z.array(z.unknown())], { error: '"all" or a list of 12-digit account ids' })
  .default('all')
  .transform((v, ctx): 'all' | string[] => {
    if (v === 'all') return v;
    const r = accountList.safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as (string | number)[] });
    return z.NEVER;
  });

/** An AWS Organizations id: `o-` and 10-32 lowercase letters or digits. */
export const organizationIdSchema = z.string().regex(/^o-[a-z0-9]{10,32}$/, 'an organization id: o- and 10 to 32 lowercase letters or digits (aws organizations describe-organization)');

export const DEFAULT_MEMBER_ROLE = 'OpsbotsAudit';
/** STS's cap on a chained role session (a Lambda's own credentials are a role, so chaining applies). */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/**
 * The stage's `organization` block: which accounts of the AWS Organization a run audits and how it reaches
 * them. Closed: an unknown key is rejected by name. An account is in scope when it is in `accounts`
 * (`all` = every account of the organization), and, when `includeOus` or `includeAccounts` is given, under
 * one of those OUs or listed there; `excludeOus`, `excludeAccounts`, the tag filters and the management
 * account rule then take accounts out.
 */
export const organizationSchema = z.strictObject({
  /**
   * The organization's id (`o-xxxxxxxxxx`). Required to deploy the state machine: the account Lambda may assume
   * the member role only in accounts of this organization (IAM condition aws:ResourceOrgID).
   */
  id: organizationIdSchema.optional(),
  /** When the deployed state machine runs (EventBridge); `false`: deployed, started by hand only. */
  schedule: z.union([scheduleSchema, z.literal(false)]).default('rate(1 day)'),
  accounts: accountsSchema,
  includeOus: z.array(ouIdSchema).default([]),
  excludeOus: z.array(ouIdSchema).default([]),
  includeAccounts: z.array(accountIdSchema).default([]),
  excludeAccounts: z.array(accountIdSchema).default([]),
  /** Every key must be present on the account with one of its values (organizations:ListTagsForResource). */
  includeTags: tagFilterSchema.default({}),
  /** An account holding any of these keys with one of its values is left out. */
  excludeTags: tagFilterSchema.default({}),
  /** The audit role in each member account (`opsbots member-role` prints its template). */
  roleName: roleNameSchema.default(DEFAULT_MEMBER_ROLE),
  externalId: externalIdSchema.optional(),
  /** Member accounts audited at once (the state machine's MaxConcurrency). */
  accountConcurrency: z.number().int().min(1).max(50).default(10),
  /** StackSets never deploy to the management account: audit it only when asked (and give it the role by a plain stack). */
  includeManagementAccount: z.boolean().default(false),
  /**
   * `true`: each account's work is split into Map items: its global sources (IAM, credential report) in one
   * item, each region of `regions` in its own item (each its own Lambda invocation and time budget), merged
   * back into the account's result by the aggregation; a part not read is named (`region X of account Y not
   * read`). Needs an explicit `regions` list; `accountConcurrency` then bounds parts at once, not accounts.
   */
  splitRegions: z.boolean().default(false),
  /** Member session length; a run outliving it re-assumes the role. Within STS's 1-hour role-chaining cap. */
  sessionSeconds: z.number().int().min(900).max(ROLE_CHAINING_MAX_SECONDS).default(ROLE_CHAINING_MAX_SECONDS),
});

export type OrganizationSettings = z.output<typeof organizationSchema>;
export type OrganizationInput = z.input<typeof organizationSchema>;

/** The defaults, for a CLI `--org` run on a stage without an `organization` block. */
export function defaultOrganization(): OrganizationSettings {
  return organizationSchema.parse({});
}
