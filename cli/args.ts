import { ConfigError } from '../shared/errors';
import { regionSchema } from '../shared/config/schemas';

/** `--set auditId.setting=VALUE`: VALUE is JSON, or a plain string when it does not parse. */
export function parseSet(values: readonly string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    const dot = item.indexOf('.');
    if (eq < 0 || dot < 1 || dot > eq - 2) throw new ConfigError(`--set ${item}: expected auditId.setting=VALUE`, [{ field: '--set', message: 'expected auditId.setting=VALUE' }]);
    const audit = item.slice(0, dot);
    const key = item.slice(dot + 1, eq);
    const raw = item.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw; // a plain string, as documented
    }
    out[audit] = { ...out[audit], [key]: value };
  }
  return out;
}

export function parseRegions(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const regions = value.split(',').map((r) => r.trim()).filter(Boolean);
  if (regions.length === 0) throw new ConfigError('--regions: empty list', [{ field: '--regions', message: 'empty' }]);
  for (const r of regions) {
    const parsed = regionSchema.safeParse(r);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? '';
      throw new ConfigError(`--regions: ${why.startsWith('"') ? why : `"${r}" is ${why}`}`, [{ field: '--regions', message: `bad region ${r}` }]);
    }
  }
  return regions;
}
