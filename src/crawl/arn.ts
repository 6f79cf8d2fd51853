/** `arn:aws:lambda:us-east-1:123456789012:function:name[:qualifier]` */
export interface LambdaArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
  readonly qualifier?: string;
}

const pattern = /^arn:(aws[a-zA-Z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_.-]+)(?::([A-Za-z0-9$_-]+))?$/;

export function parseLambdaArn(arn: string): LambdaArn | undefined {
  const m = pattern.exec(arn);
  if (!m) return undefined;
  const [, partition = 'aws', region = '', account = '', name = '', qualifier] = m;
  return { partition, region, account, name, ...(qualifier === undefined ? {} : { qualifier }) };
}
