import type { z } from 'zod';
import type { Clients } from '../aws/clients';
import type { Log } from '../logger';
import type { Finding } from '../model';
import type { Inventory, SourceId } from '../collect/inventory';
import type { Undo } from './undo';

export const ACTION_OUTCOMES = ['done', 'dry-run', 'marked', 'unmarked', 'skipped', 'refused', 'failed'] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

/** Outcomes of steps that attempted nothing, so have nothing to undo. */
export const NOTHING_ATTEMPTED: ReadonlySet<ActionOutcome> = new Set(['skipped', 'refused']);

/** What happened to one resource. `detail` holds what is needed to undo it (e.g. the revoked rule). */
export interface ActionResult {
  readonly auditId: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceId: string;
  readonly region: string;
  readonly outcome: ActionOutcome;
  readonly message: string;
  /** On `failed`: the AWS error code. */
  readonly code?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  /**
   * How to reverse the change: set on every step that was made (`done`, `marked`, `unmarked`), would have
   * been made (`dry-run`: what the undo would be) or was attempted (`failed`: in case AWS applied it anyway).
   * Absent where nothing was attempted (`skipped`, `refused`).
   */
  readonly undo?: Undo;
}

export interface ActionContext {
  readonly clients: Clients;
  readonly inventory: Inventory;
  readonly dryRun: boolean;
  readonly log: Log;
  readonly now: Date;
  /**
   * Every finding of the remediation's audit after exemptions (PASS, WARN and suppressed included), for
   * remediations that also undo their own earlier steps, e.g. removing a mark-for-op tag from a resource
   * that became compliant. Optional so callers built before it keep working; the engine always sets it.
   */
  readonly allFindings?: readonly Finding[];
}

/**
 * A remediation: the only code that changes audited resources. `iamActions` (write) are granted only in
 * stages that enable it. `run` acts on the unsuppressed FAIL findings of its audit and never throws for a
 * single resource: failures come back as `failed` results.
 */
export interface Remediation<S extends z.ZodObject<z.ZodRawShape> = z.ZodObject<z.ZodRawShape>> {
  readonly id: string;
  /** What it changes, in one sentence for people (`opsbots list`, the README). */
  readonly description: string;
  readonly iamActions: readonly string[];
  /**
   * The inventory sources run() reads from ctx.inventory, which holds only these; absent: all of its audit's.
   * The engine lets every other source go before acting (a large account's inventory is most of a run's memory).
   */
  readonly sources?: readonly SourceId[];
  /**
   * The write actions a stage needs for these (normalised) settings, when they depend on them (terminate
   * only where configured). Optional: without it the deploy grants `iamActions`.
   */
  iamActionsFor?(settings: z.output<S>): readonly string[];
  /** Closed schema for the stage's `remediation` block (without `enabled`), defaults included. */
  readonly settings: S;
  run(ctx: ActionContext, findings: readonly Finding[], settings: z.output<S>): Promise<ActionResult[]>;
}
