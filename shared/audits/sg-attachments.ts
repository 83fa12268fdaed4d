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

const NO_ATTACHMENTS: readonly Attachment[] = Object.freeze([]);

/**
 * The interfaces that attach each security group id (see attaches()), in interface order: the audit names a
 * group's attachments (attachmentOf) as it judges the group, instead of holding a record per interface for
 * the whole evaluation. A group one interface attaches keeps that interface, not a list (most groups); two
 * make an exact pair; only more grow a pushed list.
 */
export class GroupInterfaces {
  private readonly byGroup = new Map<string, NetworkInterface | NetworkInterface[]>();

  constructor(interfaces: readonly NetworkInterface[]) {
    for (const eni of interfaces) {
      if (!attaches(eni)) continue;
      for (const g of eni.groupIds) {
        const held = this.byGroup.get(g);
        if (held === undefined) this.byGroup.set(g, eni);
        else if (Array.isArray(held)) held.push(eni);
        else this.byGroup.set(g, [held, eni]);
      }
    }
  }

  /** What attaches `groupId` (attachmentOf each of its interfaces), in interface order. */
  attachments(groupId: string): readonly Attachment[] {
    const held = this.byGroup.get(groupId);
    // Every interface held attaches (the constructor keeps only those): attachmentOf never gives null here.
    if (held === undefined) return NO_ATTACHMENTS;
    return Array.isArray(held) ? held.map((eni) => attachmentOf(eni) as Attachment) : [attachmentOf(held) as Attachment];
  }
}
