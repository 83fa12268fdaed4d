import type { Finding } from '../shared/model';

/**
 * The AWS console page of a finding's resource, or null when there is none: a source error, or an IAM
 * server certificate (IAM has no console page for them; they are listed and deleted with the CLI/API only,
 * and a link to a page that does not exist, or to docs labelled "console", would mislead the reader).
 */
export function consoleLink(f: Finding): string | null {
  const host = (region: string) => `https://${region}.console.aws.amazon.com`;
  const id = encodeURIComponent(f.resourceId);
  switch (f.resourceType) {
    case 'AWS::IAM::User':
    case 'AWS::IAM::AccessKey':
      return `https://console.aws.amazon.com/iam/home#/users/details/${encodeURIComponent(f.resource.split('/').pop() ?? f.resourceId)}?section=security_credentials`;
    case 'AWS::::Account':
      return 'https://console.aws.amazon.com/iam/home#/security_credentials';
    case 'AWS::ACM::Certificate':
      return `${host(f.region)}/acm/home?region=${f.region}#/certificates/${encodeURIComponent(f.resource.split('/').pop() ?? '')}`;
    case 'AWS::EC2::Instance':
      return `${host(f.region)}/ec2/home?region=${f.region}#InstanceDetails:instanceId=${id}`;
    case 'AWS::EC2::SecurityGroup':
      return `${host(f.region)}/ec2/home?region=${f.region}#SecurityGroup:groupId=${id}`;
    default:
      return null;
  }
}
