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

/**
 * A report's renderings around the given bodies. The CSV (default: every finding) and the JSON are built
 * when first read, then kept: a large report's JSON is only built if something needs it (a file, the
 * email's attachment), never just because the report was rendered.
 */
export function renderedWith(report: Report, bodies: Pick<Rendered, 'html' | 'text'>, csv: () => string = () => findingsCsv(report.findings, report.actions)): Rendered {
  let csvText: string | undefined;
  let json: string | undefined;
  return {
    subject: subject(report),
    html: bodies.html,
    text: bodies.text,
    get csv() {
      return (csvText ??= csv());
    },
    get json() {
      return (json ??= findingsJson(report));
    },
  };
}

/** Pure: Report -> every rendering. Never touches AWS. Options default to a full report without a changes section. */
export function render(report: Report, opts: RenderOptions = {}): Rendered {
  return renderedWith(report, { html: renderHtml(report, opts), text: renderText(report, opts) });
}
