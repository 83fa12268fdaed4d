import { EC2Client, paginateGetManagedPrefixListEntries } from '@aws-sdk/client-ec2';
import { mapLimit } from '../concurrency';
import { capture, type Outcome } from './outcome';

/** GetManagedPrefixListEntries accepts at most 100 per page. */
export const PREFIX_LIST_PAGE_SIZE = 100;
export const PREFIX_LIST_ACTIONS = ['ec2:GetManagedPrefixListEntries'] as const;
/** Prefix lists read at once within one region. */
const PREFIX_LIST_CONCURRENCY = 4;

/**
 * Managed prefix lists resolved to their CIDRs, each list read once per region however many rules reference
 * it. A list that cannot be read is a failed Outcome for that list only (its rules stay unevaluated).
 */
export class PrefixListCache {
  private readonly entries = new Map<string, Promise<Outcome<readonly string[]>>>();

  /** Number of lists actually requested (for tests and stats). */
  get size(): number {
    return this.entries.size;
  }

  private one(ec2: EC2Client, region: string, id: string): Promise<Outcome<readonly string[]>> {
    const key = `${region}/${id}`;
    let hit = this.entries.get(key);
    if (!hit) {
      hit = capture('ec2.prefixLists', region, async () => {
        const cidrs: string[] = [];
        for await (const page of paginateGetManagedPrefixListEntries({ client: ec2, pageSize: PREFIX_LIST_PAGE_SIZE }, { PrefixListId: id })) {
          for (const e of page.Entries ?? []) if (e.Cidr) cidrs.push(e.Cidr);
        }
        return cidrs;
      });
      this.entries.set(key, hit);
    }
    return hit;
  }

  async resolve(ec2: EC2Client, region: string, ids: readonly string[]): Promise<Record<string, Outcome<readonly string[]>>> {
    const outcomes = await mapLimit(ids, PREFIX_LIST_CONCURRENCY, (id) => this.one(ec2, region, id));
    return Object.fromEntries(ids.map((id, i) => [id, outcomes[i] as Outcome<readonly string[]>]));
  }
}
