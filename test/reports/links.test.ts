import { consoleLink } from '../../reports/links';
import { f, sourceErrorFinding } from './fixtures';

describe('reports: console links', () => {
  it('links an ACM certificate to its page in its own region, by certificate id', () => {
    const acm = f({ auditId: 'certificate-expiry', resource: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc', resourceId: 'www.example.com', resourceType: 'AWS::ACM::Certificate', region: 'eu-west-1' });
    expect(consoleLink(acm)).toBe('https://eu-west-1.console.aws.amazon.com/acm/home?region=eu-west-1#/certificates/0f1e2d3c-aaaa-bbbb-cccc-123456789abc');
  });

  it('gives no link for an IAM server certificate: IAM has no console page for them', () => {
    const iam = f({ auditId: 'certificate-expiry', resource: 'arn:aws:iam::123456789012:server-certificate/legacy/old-elb', resourceId: 'old-elb', resourceType: 'AWS::IAM::ServerCertificate', region: 'global' });
    expect(consoleLink(iam)).toBeNull();
  });

  it('links an instance and a security group to their EC2 pages in their own region, id URL-encoded', () => {
    const instance = f({ resource: 'arn:aws:ec2:ap-southeast-2:123456789012:instance/i-0abc', resourceId: 'i-0abc', resourceType: 'AWS::EC2::Instance', region: 'ap-southeast-2' });
    expect(consoleLink(instance)).toBe('https://ap-southeast-2.console.aws.amazon.com/ec2/home?region=ap-southeast-2#InstanceDetails:instanceId=i-0abc');
    const group = f({ resource: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-1', resourceId: 'sg-1&x', resourceType: 'AWS::EC2::SecurityGroup', region: 'us-east-1' });
    expect(consoleLink(group)).toBe('https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:groupId=sg-1%26x');
  });

  it('links an IAM user to its security credentials tab and gives no link for a source error', () => {
    expect(consoleLink(f({}))).toBe('https://console.aws.amazon.com/iam/home#/users/details/bob?section=security_credentials');
    expect(consoleLink(sourceErrorFinding('certificate-expiry', 'acm.certificates', 'ap-southeast-2'))).toBeNull();
  });
});
