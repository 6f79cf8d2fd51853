/**
 * EC2 DescribeSubnets and DescribeSecurityGroups (security-groups.ts) for the simulator's fleet, in EC2's Query protocol as the real SDK speaks it:
 * a form-encoded POST (`Action=DescribeSubnets&Filter.1.Name=subnet-id&Filter.1.Value.1=...`) and
 * an XML answer (`<DescribeSubnetsResponse><subnetSet><item>...`). Errors are EC2's
 * `<Response><Errors><Error><Code>` shape. The subnets are those the fleet's functions name; each
 * sits in a zone chosen from its id, so a function with several subnets may still sit in one zone.
 * Quota: 20 requests/s per account-region and per action with a bucket of 100, as EC2 documents
 * for non-mutating actions (each API has its own bucket); throttled requests get
 * `RequestLimitExceeded` (HTTP 503).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet, SimFunction } from './fleet.js';
import { fleetGroups, groupItem } from './security-groups.js';
import { TokenBucket } from './token-bucket.js';

export interface Ec2SimulatorOptions {
  /** Answer every DescribeSubnets with UnauthorizedOperation (the caller lacks ec2:DescribeSubnets). */
  readonly deny?: boolean;
  /** Answer every DescribeSecurityGroups with UnauthorizedOperation. */
  readonly denySecurityGroups?: boolean;
  /** Zone letters subnets are spread over. @default ['a', 'b', 'c'] */
  readonly zones?: readonly string[];
}

export interface Ec2Context {
  readonly fleets: ReadonlyMap<string, Fleet>;
  readonly account: string;
  readonly region: string;
  readonly options: Ec2SimulatorOptions;
  readonly buckets: Map<string, TokenBucket>;
  readonly stats: { requests: number; throttled: number; byOperation: Record<string, number> };
}

/** Whether a request is signed for EC2 (SigV4 credential scope `.../<region>/ec2/aws4_request`). */
export function isEc2Request(req: IncomingMessage): boolean {
  return req.method === 'POST' && /Credential=[^/]+\/\d{8}\/[^/]+\/ec2\//.test(req.headers.authorization ?? '');
}

/** The Availability Zone the simulator puts a subnet in (stable for an id). */
export function simulatedZone(region: string, subnetId: string, zones: readonly string[] = ['a', 'b', 'c']): string {
  const h = createHash('sha256').update(subnetId).digest().readUInt32BE(0);
  return `${region}${zones[h % zones.length] ?? 'a'}`;
}

export function handleEc2(ctx: Ec2Context, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    ctx.stats.requests++;
    ctx.stats.byOperation[action] = (ctx.stats.byOperation[action] ?? 0) + 1;
    if (action !== 'DescribeSubnets' && action !== 'DescribeSecurityGroups') {
      error(
        res,
        400,
        'InvalidAction',
        `The simulator serves DescribeSubnets and DescribeSecurityGroups only; got ${action || 'no Action'}`,
      );
      return;
    }
    // One bucket per action: EC2 evaluates each API's request rate on its own.
    const key = `${ctx.account}/${ctx.region}/ec2/${action}`;
    let bucket = ctx.buckets.get(key);
    if (!bucket) ctx.buckets.set(key, (bucket = new TokenBucket({ rate: 20, burstSeconds: 5 })));
    if (!bucket.take().ok) {
      ctx.stats.throttled++;
      error(res, 503, 'RequestLimitExceeded', 'Request limit exceeded.');
      return;
    }
    if (action === 'DescribeSecurityGroups' ? ctx.options.denySecurityGroups : ctx.options.deny) {
      error(
        res,
        403,
        'UnauthorizedOperation',
        'You are not authorized to perform this operation. User: arn:aws:sts::' +
          `${ctx.account}:assumed-role/auditor/session is not authorized to perform: ec2:${action}`,
      );
      return;
    }
    if (action === 'DescribeSecurityGroups') {
      describeSecurityGroups(ctx, form, res);
      return;
    }
    const wanted = idFilter(form, 'subnet-id', 'SubnetId');
    const known = fleetSubnets(ctx.fleets.get(ctx.account)?.get(ctx.region));
    const items = [...known.entries()]
      .filter(([id]) => wanted === undefined || wanted.has(id))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, vpc]) => {
        const zone = simulatedZone(ctx.region, id, ctx.options.zones);
        return `<item><subnetId>${id}</subnetId><subnetArn>arn:aws:ec2:${ctx.region}:${ctx.account}:subnet/${id}</subnetArn><state>available</state><vpcId>${vpc}</vpcId><ownerId>${ctx.account}</ownerId><availabilityZone>${zone}</availabilityZone><cidrBlock>10.0.0.0/24</cidrBlock><availableIpAddressCount>250</availableIpAddressCount><defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch></item>`;
      });
    send(
      res,
      200,
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId()}</requestId><subnetSet>${items.join('')}</subnetSet></DescribeSubnetsResponse>`,
    );
  });
}

/**
 * DescribeSecurityGroups: the groups the filter names that the fleet has. With `GroupId.N`, an
 * unknown id fails the call with InvalidGroup.NotFound, as EC2 does (the crawler uses the filter).
 */
function describeSecurityGroups(ctx: Ec2Context, form: URLSearchParams, res: ServerResponse): void {
  const known = fleetGroups(ctx.fleets.get(ctx.account)?.get(ctx.region));
  const named = [...form].filter(([n]) => /^GroupId\.\d+$/.test(n)).map(([, v]) => v);
  const missing = named.find((id) => !known.has(id));
  if (missing !== undefined) {
    error(res, 400, 'InvalidGroup.NotFound', `The security group '${missing}' does not exist`);
    return;
  }
  const wanted = idFilter(form, 'group-id', 'GroupId');
  const items = [...known.entries()]
    .filter(([id]) => wanted === undefined || wanted.has(id))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, vpc]) => groupItem(ctx.account, ctx.region, id, vpc));
  send(
    res,
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId()}</requestId><securityGroupInfo>${items.join('')}</securityGroupInfo></DescribeSecurityGroupsResponse>`,
  );
}

/** The `<filter>` filter's values or `<param>.N` parameters; undefined means every resource. */
function idFilter(form: URLSearchParams, filter: string, param: string): Set<string> | undefined {
  const ids = new Set<string>();
  let filtered = false;
  for (const [name, value] of form) {
    const f = /^Filter\.(\d+)\.Name$/.exec(name);
    if (f && value === filter) {
      filtered = true;
      for (const [n, v] of form) if (n.startsWith(`Filter.${f[1]}.Value.`)) ids.add(v);
    }
    if (name.startsWith(`${param}.`) && /^\d+$/.test(name.slice(param.length + 1))) {
      filtered = true;
      ids.add(value);
    }
  }
  return filtered ? ids : undefined;
}

/** subnet id -> VPC id, for every subnet a function of this account-region names. */
function fleetSubnets(functions: ReadonlyMap<string, SimFunction> | undefined): Map<string, string> {
  const subnets = new Map<string, string>();
  for (const fn of functions?.values() ?? []) {
    const vpc = fn.configuration.VpcConfig;
    for (const id of vpc?.SubnetIds ?? []) subnets.set(id, vpc?.VpcId ?? 'vpc-unknown');
    // Lambda Managed Instances: the capacity provider's subnets (managed.ts).
    for (const id of fn.managed?.provider?.VpcConfig?.SubnetIds ?? []) subnets.set(id, 'vpc-0capacity');
  }
  return subnets;
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  send(
    res,
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
  );
}

function send(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

let counter = 0;
function requestId(): string {
  counter = (counter + 1) % 0xffffffff;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}
