/**
 * IAM GetAccountAuthorizationDetails for the simulator's accounts, in IAM's Query protocol as the
 * real SDK speaks it: a form-encoded POST (`Action=GetAccountAuthorizationDetails&Version=2010-05-08
 * &Filter.member.1=Role&MaxItems=1000&Marker=...`) answered with XML
 * (`<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><RoleDetailList>
 * <member>...`), lists as `<member>` elements, policy documents URL-encoded JSON, `IsTruncated` and
 * an opaque `Marker` while more items are left (roles and policies count together against
 * MaxItems, default 100, as IAM's). Errors in IAM's `<ErrorResponse><Error><Code>` shape.
 *
 * Quota: AWS publishes none for IAM's reads; the simulator holds each account to `rate` requests
 * a second (default 2) with a bucket of one second, answering `Throttling` (HTTP 400, "Rate
 * exceeded") past it, as IAM does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimDocument, SimIam, SimManagedPolicy, SimRole } from './roles.js';
import { TokenBucket } from './token-bucket.js';

export interface IamSimulatorOptions {
  /** Answer AccessDenied (the caller lacks iam:GetAccountAuthorizationDetails). */
  readonly deny?: boolean;
  /** Answer every request 500 ServiceFailure (a read that fails after every retry). */
  readonly fail?: boolean;
  /** Requests per second per account. @default 2 */
  readonly rate?: number;
  /** More scoped roles per account, unused, to make the read page (see roles.ts). @default 0 */
  readonly extraRoles?: number;
}

export interface IamContext {
  readonly iam: SimIam | undefined;
  readonly account: string;
  readonly options: IamSimulatorOptions;
  readonly buckets: Map<string, TokenBucket>;
  readonly stats: { requests: number; throttled: number; refused: number; byOperation: Record<string, number> };
}

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** Whether a request is signed for IAM (SigV4 credential scope `.../<region>/iam/aws4_request`). */
export function isIamRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && /Credential=[^/]+\/\d{8}\/[^/]+\/iam\//.test(req.headers.authorization ?? '');
}

export function handleIam(ctx: IamContext, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    ctx.stats.requests++;
    ctx.stats.byOperation[action] = (ctx.stats.byOperation[action] ?? 0) + 1;
    if (action !== 'GetAccountAuthorizationDetails' || form.get('Version') !== '2010-05-08') {
      ctx.stats.refused++;
      error(
        res,
        400,
        'InvalidAction',
        `The simulator serves GetAccountAuthorizationDetails (2010-05-08) only; got ${action || 'no Action'}`,
      );
      return;
    }
    const key = `${ctx.account}/iam`;
    let bucket = ctx.buckets.get(key);
    const rate = ctx.options.rate ?? 2;
    if (!bucket) ctx.buckets.set(key, (bucket = new TokenBucket({ rate, burstSeconds: 1 })));
    if (!bucket.take().ok) {
      ctx.stats.throttled++;
      error(res, 400, 'Throttling', 'Rate exceeded');
      return;
    }
    if (ctx.options.fail) {
      error(
        res,
        500,
        'ServiceFailure',
        'The request processing has failed because of an unknown error, exception or failure.',
        'Receiver',
      );
      return;
    }
    if (ctx.options.deny) {
      error(
        res,
        403,
        'AccessDenied',
        `User: arn:aws:sts::${ctx.account}:assumed-role/auditor/session is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: * because no identity-based policy allows the iam:GetAccountAuthorizationDetails action`,
      );
      return;
    }
    const filter = new Set([...form].filter(([k]) => /^Filter\.member\.\d+$/.test(k)).map(([, v]) => v));
    const wants = (type: string): boolean => filter.size === 0 || filter.has(type);
    const items = [
      ...(wants('Role') ? (ctx.iam?.roles ?? []).map((r) => roleXml(r)) : []),
      ...(ctx.iam?.policies ?? [])
        .filter((p) => wants(p.arn.startsWith('arn:aws:iam::aws:') ? 'AWSManagedPolicy' : 'LocalManagedPolicy'))
        .map((p) => ({ list: 'Policies' as const, xml: policyXml(p) })),
    ];
    const max = Math.min(1000, Math.max(1, Number(form.get('MaxItems') ?? 100) || 100));
    const start = decodeMarker(form.get('Marker'));
    if (start === undefined) {
      error(res, 400, 'InvalidInput', 'Invalid Marker.');
      return;
    }
    const page = items.slice(start, start + max);
    const truncated = start + max < items.length;
    const list = (name: string): string =>
      `<${name}>${page
        .filter((i) => i.list === name)
        .map((i) => i.xml)
        .join('')}</${name}>`;
    send(
      res,
      200,
      `<GetAccountAuthorizationDetailsResponse xmlns="${NS}"><GetAccountAuthorizationDetailsResult><IsTruncated>${truncated}</IsTruncated>${truncated ? `<Marker>${encodeMarker(start + max)}</Marker>` : ''}<UserDetailList/><GroupDetailList/>${list('RoleDetailList')}${list('Policies')}</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`,
    );
  });
}

function roleXml(role: SimRole): { list: 'RoleDetailList'; xml: string } {
  const name = role.name;
  const path = role.arn.slice(role.arn.indexOf(':role') + 5, role.arn.length - name.length) || '/';
  const inline = role.inline
    .map(
      (p) =>
        `<member><PolicyName>${x(p.name)}</PolicyName><PolicyDocument>${encodeDocument(p.document)}</PolicyDocument></member>`,
    )
    .join('');
  const attached = role.managed
    .map(
      (arn) =>
        `<member><PolicyName>${x(arn.slice(arn.lastIndexOf('/') + 1))}</PolicyName><PolicyArn>${x(arn)}</PolicyArn></member>`,
    )
    .join('');
  const boundary =
    role.boundary === undefined
      ? ''
      : `<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>${x(role.boundary)}</PermissionsBoundaryArn></PermissionsBoundary>`;
  return {
    list: 'RoleDetailList',
    xml: `<member><Path>${x(path)}</Path><RoleName>${x(name)}</RoleName><RoleId>AROA${id(role.arn)}</RoleId><Arn>${x(role.arn)}</Arn><CreateDate>2025-06-01T12:00:00Z</CreateDate><AssumeRolePolicyDocument>${encodeDocument(role.trust)}</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList>${inline}</RolePolicyList><AttachedManagedPolicies>${attached}</AttachedManagedPolicies>${boundary}<Tags/><RoleLastUsed/></member>`,
  };
}

function policyXml(policy: SimManagedPolicy): string {
  const versions = policy.versions
    .map(
      (v) =>
        `<member><Document>${encodeDocument(v.document)}</Document><VersionId>${v.id}</VersionId><IsDefaultVersion>${v.id === policy.defaultVersion}</IsDefaultVersion><CreateDate>2025-06-01T12:00:00Z</CreateDate></member>`,
    )
    .join('');
  const path = policy.arn.slice(policy.arn.indexOf(':policy') + 7, policy.arn.length - policy.name.length) || '/';
  return `<member><PolicyName>${x(policy.name)}</PolicyName><PolicyId>ANPA${id(policy.arn)}</PolicyId><Arn>${x(policy.arn)}</Arn><Path>${x(path)}</Path><DefaultVersionId>${policy.defaultVersion}</DefaultVersionId><AttachmentCount>1</AttachmentCount><PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable><CreateDate>2025-06-01T12:00:00Z</CreateDate><UpdateDate>2025-06-01T12:00:00Z</UpdateDate><PolicyVersionList>${versions}</PolicyVersionList></member>`;
}

/** As IAM sends documents: URL-encoded JSON (RFC 3986). */
function encodeDocument(document: SimDocument): string {
  return encodeURIComponent(JSON.stringify(document));
}

function encodeMarker(offset: number): string {
  return Buffer.from(`sim-iam:${offset}`).toString('base64');
}

function decodeMarker(marker: string | null): number | undefined {
  if (marker === null || marker === '') return 0;
  const m = /^sim-iam:(\d+)$/.exec(Buffer.from(marker, 'base64').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

function id(arn: string): string {
  let h = 0;
  for (const c of arn) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h.toString(16).toUpperCase().padStart(17, '0');
}

function x(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function error(res: ServerResponse, status: number, code: string, message: string, type = 'Sender'): void {
  send(
    res,
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${x(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
  );
}

function send(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed) return;
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

let counter = 0;
function requestId(): string {
  counter = (counter + 1) % 0xffffffff;
  return `00000000-0000-4000-9000-${counter.toString(16).padStart(12, '0')}`;
}
