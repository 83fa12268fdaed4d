import type { Call, Reply } from './fake-aws';

/** AWS wire formats for the loopback endpoint: each service answers in its own protocol. */

const QUERY_NS: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
// SES v2 signs as `ses`.
const JSON_TYPES: Record<string, string> = { acm: 'application/x-amz-json-1.1', ses: 'application/json' };

/** A successful answer to `call`: `result` is the XML inside the result element, or the JSON body. */
export function ok(call: Call, result: string | object): Reply {
  const a = call.action;
  if (typeof result === 'object') return { status: 200, body: JSON.stringify(result), headers: { 'content-type': JSON_TYPES[call.service] ?? 'application/json' } };
  if (call.service === 'ec2') return { status: 200, body: `<${a}Response xmlns="${EC2_NS}"><requestId>r</requestId>${result}</${a}Response>` };
  return { status: 200, body: `<${a}Response xmlns="${QUERY_NS[call.service] ?? ''}"><${a}Result>${result}</${a}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${a}Response>` };
}

/** An AWS error answer with `code`, in the protocol of `call`'s service. */
export function fault(call: Call, code: string, status: number): Reply {
  const message = `${code} (injected by the fault suite)`;
  if (call.service in JSON_TYPES) {
    return { status, body: JSON.stringify({ __type: code, message }), headers: { 'content-type': JSON_TYPES[call.service] ?? 'application/json', 'x-amzn-errortype': code } };
  }
  if (call.service === 'ec2') return { status, body: `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r</RequestID></Response>` };
  return { status, body: `<ErrorResponse xmlns="${QUERY_NS[call.service] ?? ''}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>` };
}

/** What each service answers when the caller may not call it. */
export function denied(call: Call): Reply {
  if (call.service === 'ec2') return fault(call, 'UnauthorizedOperation', 403);
  if (call.service in JSON_TYPES) return fault(call, 'AccessDeniedException', 400);
  return fault(call, 'AccessDenied', 403);
}

/** What each service answers when it throttles. */
export function throttled(call: Call): Reply {
  if (call.service === 'ec2') return fault(call, 'RequestLimitExceeded', 503);
  if (call.service in JSON_TYPES) return fault(call, 'ThrottlingException', 400);
  return fault(call, 'Throttling', 400);
}

/** A server-side failure (retried by the SDK). */
export function unavailable(call: Call): Reply {
  if (call.service === 'ec2') return fault(call, 'InternalError', 500);
  if (call.service in JSON_TYPES) return fault(call, 'InternalFailure', 500);
  return fault(call, 'ServiceUnavailable', 503);
}

/** A 200 whose body is not what the protocol promises (cut off mid-document). */
export function garbled(call: Call): Reply {
  if (call.service in JSON_TYPES) return { status: 200, body: '{"CertificateSummaryList": [{"CertificateArn": ', headers: { 'content-type': JSON_TYPES[call.service] ?? 'application/json' } };
  return { status: 200, body: `<${call.action}Response><${call.action}Result><Users><member><UserName>` };
}
