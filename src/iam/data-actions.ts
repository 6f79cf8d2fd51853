/**
 * Data actions: the reads and writes of the data a service holds (not its configuration). A role
 * allowed one of them on every resource of its service (`*`, `arn:aws:s3:::*`,
 * `arn:aws:dynamodb:*:*:table/*`) reaches all of that data, whatever the function needs.
 */

export interface DataService {
  /** The IAM service prefix. */
  readonly service: string;
  readonly actions: readonly string[];
  /**
   * A resource of the service, `{p}` partition, `{r}` region, `{a}` account, `{x}` a name no
   * real resource has: used when a `NotResource` Allow grants the action (src/iam/analyse.ts).
   */
  readonly probe: string;
}

/** Sorted by service. */
export const DATA_SERVICES: readonly DataService[] = [
  {
    service: 'dynamodb',
    actions: [
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PartiQLSelect',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ],
    probe: 'arn:{p}:dynamodb:{r}:{a}:table/{x}',
  },
  {
    service: 'kinesis',
    actions: ['kinesis:GetRecords', 'kinesis:PutRecord', 'kinesis:PutRecords'],
    probe: 'arn:{p}:kinesis:{r}:{a}:stream/{x}',
  },
  { service: 'kms', actions: ['kms:Decrypt'], probe: 'arn:{p}:kms:{r}:{a}:key/{x}' },
  {
    service: 's3',
    actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
    probe: 'arn:{p}:s3:::{x}/{x}',
  },
  {
    service: 'secretsmanager',
    actions: ['secretsmanager:GetSecretValue'],
    probe: 'arn:{p}:secretsmanager:{r}:{a}:secret:{x}',
  },
  { service: 'sns', actions: ['sns:Publish'], probe: 'arn:{p}:sns:{r}:{a}:{x}' },
  {
    service: 'sqs',
    actions: ['sqs:ReceiveMessage', 'sqs:SendMessage'],
    probe: 'arn:{p}:sqs:{r}:{a}:{x}',
  },
  {
    service: 'ssm',
    actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
    probe: 'arn:{p}:ssm:{r}:{a}:parameter/{x}',
  },
];
