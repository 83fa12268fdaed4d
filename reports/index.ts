import type { Report } from '../shared/report';
import { csvChunks, findingsCsv } from './csv';
import { findingsJson, findingsJsonChunks } from './envelope';
import { renderHtml } from './html';
import { renderText } from './text';
import { subject } from './subject';
import { layout, type Layout, type RenderOptions } from './layout';

export type { RenderOptions, AttachmentCut } from './layout';

export interface Rendered {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly csv: string;
  /** The findings envelope (schemas/findings.schema.json): the CLI's `--json`, findings.json, the email's JSON attachment. */
  readonly json: string;
  /** `csv` as a stream of chunks, never held whole: what files are written from. */
  csvChunks(): Iterable<Buffer>;
  /** `json` as a stream of chunks, never held whole. */
  jsonChunks(): Iterable<string>;
}

export type Bodies = Pick<Rendered, 'html' | 'text'>;

/**
 * A report's renderings around the given bodies. The CSV and the JSON (always every finding) are built
 * when first read, then kept: a large report's are only built whole if something reads them whole; files
 * and attachments are written from their chunks.
 */
export function renderedWith(report: Report, bodies: Bodies): Rendered {
  let csvText: string | undefined;
  let json: string | undefined;
  return {
    subject: subject(report),
    html: bodies.html,
    text: bodies.text,
    get csv() {
      return (csvText ??= findingsCsv(report.findings, report.actions));
    },
    get json() {
      return (json ??= findingsJson(report));
    },
    csvChunks: () => csvChunks(report.findings, report.actions),
    jsonChunks: () => findingsJsonChunks(report),
  };
}

/**
 * Both bodies from one layout (the text follows the HTML's order); `l` defaults to layout(report, opts),
 * which depends on the findings and `topPerAudit` only: a caller rendering several cuts passes it once.
 */
export function renderBodies(report: Report, opts: RenderOptions = {}, l: Layout | undefined = report.organization ? undefined : layout(report, opts)): Bodies {
  return { html: renderHtml(report, opts, l), text: renderText(report, opts, l) };
}

/** Pure: Report -> every rendering. Never touches AWS. Options default to a full report without a changes section. */
export function render(report: Report, opts: RenderOptions = {}): Rendered {
  return renderedWith(report, renderBodies(report, opts));
}
