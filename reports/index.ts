import type { Report } from '../shared/report';
import { findingsCsv, findingsJson } from './csv';
import { renderHtml } from './html';
import { renderText } from './text';
import { subject } from './subject';

export interface Rendered {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly csv: string;
  /** The findings as a JSON array (the CLI's `--json` shape). */
  readonly json: string;
}

/** Pure: Report -> every rendering. Never touches AWS. */
export function render(report: Report): Rendered {
  return { subject: subject(report), html: renderHtml(report), text: renderText(report), csv: findingsCsv(report.findings), json: findingsJson(report.findings) };
}
