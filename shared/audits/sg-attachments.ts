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

/** Whether an interface exposes its groups: a detached one (status available) exposes nothing until attached. */
export function attaches(eni: NetworkInterface): boolean {
  return eni.status !== 'available';
}

const attachment = (eni: NetworkInterface, kind: AttachmentKind, label: string): Attachment => ({ interfaceId: eni.id, kind, label });

/**
 * Who uses an interface, from its type, description and requester (ELB writes "ELB app/<name>/<id>" on ALB
 * interfaces, whose type is plain "interface"). null for a detached interface (see attaches()).
 */
export function attachmentOf(eni: NetworkInterface): Attachment | null {
  if (!attaches(eni)) return null;
  const d = eni.description;
  if (LOAD_BALANCER_TYPES.has(eni.type) || d.startsWith('ELB ') || eni.requesterId === 'amazon-elb') return attachment(eni, 'load-balancer', `ELB ${d.replace(/^ELB /, '')}`.trim());
  if (eni.instanceId) return attachment(eni, 'instance', eni.instanceId);
  if (eni.type === 'lambda' || d.startsWith('AWS Lambda VPC ENI')) return attachment(eni, 'lambda', d || 'Lambda function');
  if (d === 'RDSNetworkInterface' || eni.requesterId === 'amazon-rds') return attachment(eni, 'rds', `RDS (${eni.id})`);
  if (eni.type === 'nat_gateway') return attachment(eni, 'nat-gateway', d || `NAT gateway (${eni.id})`);
  if (ENDPOINT_TYPES.has(eni.type)) return attachment(eni, 'vpc-endpoint', d || `VPC endpoint (${eni.id})`);
  return attachment(eni, 'other', `${eni.type}: ${d || eni.id}`);
}

/**
 * The interfaces that attach each security group id (see attaches()), in interface order: the audit names a
 * group's attachments (attachmentOf) as it judges the group, instead of holding a record per interface for
 * the whole evaluation. Each list is allocated at its final length (counted first): pushed lists keep room
 * for 17, which on tens of thousands of groups is megabytes held while the audit runs.
 */
export function interfacesByGroup(interfaces: readonly NetworkInterface[]): Map<string, NetworkInterface[]> {
  const remaining = new Map<string, number>();
  for (const eni of interfaces) if (attaches(eni)) for (const g of eni.groupIds) remaining.set(g, (remaining.get(g) ?? 0) + 1);
  const out = new Map<string, NetworkInterface[]>();
  for (const eni of interfaces) {
    if (!attaches(eni)) continue;
    for (const g of eni.groupIds) {
      const left = remaining.get(g) as number;
      let list = out.get(g);
      if (!list) out.set(g, (list = new Array<NetworkInterface>(left)));
      list[list.length - left] = eni;
      remaining.set(g, left - 1);
    }
  }
  return out;
}
