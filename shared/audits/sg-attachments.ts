import type { NetworkInterface } from '../collect/ec2-network-interfaces';

export const ATTACHMENT_KINDS = ['load-balancer', 'instance', 'lambda', 'rds', 'nat-gateway', 'vpc-endpoint', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export interface Attachment {
  readonly interfaceId: string;
  readonly kind: AttachmentKind;
  /** What a person recognises: instance id, load balancer name, function... */
  readonly label: string;
}

const LOAD_BALANCER_TYPES = new Set(['network_load_balancer', 'gateway_load_balancer']);
const ENDPOINT_TYPES = new Set(['vpc_endpoint', 'gateway_load_balancer_endpoint']);

/**
 * Who uses an interface, from its type, description and requester (ELB writes "ELB app/<name>/<id>" on ALB
 * interfaces, whose type is plain "interface"). null for a detached interface (status available): it
 * exposes nothing until attached.
 */
export function attachmentOf(eni: NetworkInterface): Attachment | null {
  if (eni.status === 'available') return null;
  const base = { interfaceId: eni.id };
  const d = eni.description;
  if (LOAD_BALANCER_TYPES.has(eni.type) || d.startsWith('ELB ') || eni.requesterId === 'amazon-elb') return { ...base, kind: 'load-balancer', label: `ELB ${d.replace(/^ELB /, '')}`.trim() };
  if (eni.instanceId) return { ...base, kind: 'instance', label: eni.instanceId };
  if (eni.type === 'lambda' || d.startsWith('AWS Lambda VPC ENI')) return { ...base, kind: 'lambda', label: d || 'Lambda function' };
  if (d === 'RDSNetworkInterface' || eni.requesterId === 'amazon-rds') return { ...base, kind: 'rds', label: `RDS (${eni.id})` };
  if (eni.type === 'nat_gateway') return { ...base, kind: 'nat-gateway', label: d || `NAT gateway (${eni.id})` };
  if (ENDPOINT_TYPES.has(eni.type)) return { ...base, kind: 'vpc-endpoint', label: d || `VPC endpoint (${eni.id})` };
  return { ...base, kind: 'other', label: `${eni.type}: ${d || eni.id}` };
}

/**
 * Attachments per security group id, in interface order. Each list is allocated at its final length (counted
 * first): pushed lists keep room for 17, which on tens of thousands of groups is megabytes held while the
 * audit runs.
 */
export function attachmentsByGroup(interfaces: readonly NetworkInterface[]): Map<string, Attachment[]> {
  const attachments = interfaces.map(attachmentOf);
  const remaining = new Map<string, number>();
  for (let i = 0; i < interfaces.length; i++) {
    if (!attachments[i]) continue;
    for (const g of (interfaces[i] as NetworkInterface).groupIds) remaining.set(g, (remaining.get(g) ?? 0) + 1);
  }
  const out = new Map<string, Attachment[]>();
  for (let i = 0; i < interfaces.length; i++) {
    const a = attachments[i];
    if (!a) continue;
    for (const g of (interfaces[i] as NetworkInterface).groupIds) {
      const left = remaining.get(g) as number;
      let list = out.get(g);
      if (!list) out.set(g, (list = new Array<Attachment>(left)));
      list[list.length - left] = a;
      remaining.set(g, left - 1);
    }
  }
  return out;
}
