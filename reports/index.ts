import type { Report } from '../shared/report';
import { findingsCsv } from './csv';
import { findingsJson } from './envelope';
import { renderHtml } from './html';
import { renderText } from './text';
import { subject } from './subject';
import type { RenderOptions } from './layout';

export type { RenderOptions, AttachmentCut } from './layout';

export interface Rendered {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly csv: string;
  /** The findings envelope (schemas/findings.schema.json): the CLI's `--json`, findings.json, the email's JSON attachment. */
  readonly json: string;
}

/** Pure: Report -> every rendering. Never touches AWS. Options default to a full report without a changes section. */
export function render(report: Report, opts: RenderOptions = {}): Rendered {
  return { subject: subject(report), html: renderHtml(report, opts), text: renderText(report, opts), csv: findingsCsv(report.findings), json: findingsJson(report) };
}
