/**
 * Privilege escalation methods: what a principal holding these permissions can turn into more
 * permissions. Transcribed from Rhino Security Labs' "AWS IAM Privilege Escalation – Methods and
 * Mitigation" (parts 1 and 2, Spencer Gietzen) and Bishop Fox's iam-vulnerable list of supported
 * paths (README, "Supported Privilege Escalation Paths"). ECS is in neither list, so it is not here.
 *
 * `kind` says where the new power comes from:
 * - `iam`: rewriting IAM itself (policies, credentials, trust) -- needs `iam:` actions.
 * - `pass-role`: handing an existing role to a new compute resource the principal controls.
 * - `existing-resource`: taking over an existing resource that already runs with a role (a
 *   function's code, a dev endpoint, an instance, a role that trusts the account); no `iam:`
 *   action needed.
 */

export type EscalationKind = 'iam' | 'pass-role' | 'existing-resource';

export interface EscalationMethod {
  /** Stable id, used by rules, suppressions and reports. */
  readonly id: string;
  readonly name: string;
  readonly kind: EscalationKind;
  /** Every one of these must be allowed (on every resource of its type; iam:PassRole on some role). */
  readonly actions: readonly string[];
  /**
   * `pass-role` methods: the service principals the role is passed to. An iam:PassRole grant
   * whose `iam:PassedToService` condition names none of them does not open the method.
   */
  readonly passedTo?: readonly string[];
  readonly source: string;
}

const RHINO = 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/';
const RHINO_2 = 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/';
const BISHOP_FOX = 'https://github.com/BishopFox/iam-vulnerable#supported-privilege-escalation-paths';

/** Sorted by id. */
export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  {
    id: 'cloudformation-update-stack',
    name: 'Update an existing CloudFormation stack that runs with a privileged service role',
    kind: 'existing-resource',
    actions: ['cloudformation:UpdateStack'],
    source: BISHOP_FOX,
  },
  {
    id: 'ec2-instance-connect',
    name: 'Push an SSH key to an existing instance (EC2 Instance Connect) and use its role',
    kind: 'existing-resource',
    actions: ['ec2-instance-connect:SendSSHPublicKey'],
    source: BISHOP_FOX,
  },
  {
    id: 'glue-update-dev-endpoint',
    name: 'Add an SSH key to an existing Glue development endpoint and use its role',
    kind: 'existing-resource',
    actions: ['glue:UpdateDevEndpoint'],
    source: RHINO,
  },
  {
    id: 'iam-add-user-to-group',
    name: 'Add a user to a more privileged group',
    kind: 'iam',
    actions: ['iam:AddUserToGroup'],
    source: RHINO,
  },
  {
    id: 'iam-attach-group-policy',
    name: 'Attach any managed policy to a group',
    kind: 'iam',
    actions: ['iam:AttachGroupPolicy'],
    source: RHINO,
  },
  {
    id: 'iam-attach-role-policy',
    name: 'Attach any managed policy to a role',
    kind: 'iam',
    actions: ['iam:AttachRolePolicy'],
    source: RHINO,
  },
  {
    id: 'iam-attach-user-policy',
    name: 'Attach any managed policy to a user',
    kind: 'iam',
    actions: ['iam:AttachUserPolicy'],
    source: RHINO,
  },
  {
    id: 'iam-create-access-key',
    name: 'Create an access key for another user',
    kind: 'iam',
    actions: ['iam:CreateAccessKey'],
    source: RHINO,
  },
  {
    id: 'iam-create-login-profile',
    name: 'Set a console password for a user that has none',
    kind: 'iam',
    actions: ['iam:CreateLoginProfile'],
    source: RHINO,
  },
  {
    id: 'iam-create-policy-version',
    name: 'Write a new default version of a managed policy',
    kind: 'iam',
    actions: ['iam:CreatePolicyVersion'],
    source: RHINO,
  },
  {
    id: 'iam-put-group-policy',
    name: 'Write an inline policy on a group',
    kind: 'iam',
    actions: ['iam:PutGroupPolicy'],
    source: RHINO,
  },
  {
    id: 'iam-put-role-policy',
    name: 'Write an inline policy on a role',
    kind: 'iam',
    actions: ['iam:PutRolePolicy'],
    source: RHINO,
  },
  {
    id: 'iam-put-user-policy',
    name: 'Write an inline policy on a user',
    kind: 'iam',
    actions: ['iam:PutUserPolicy'],
    source: RHINO,
  },
  {
    id: 'iam-set-default-policy-version',
    name: 'Make an older, more permissive policy version the default',
    kind: 'iam',
    actions: ['iam:SetDefaultPolicyVersion'],
    source: RHINO,
  },
  {
    id: 'iam-update-assume-role-policy',
    name: "Rewrite a role's trust policy and assume the role",
    kind: 'iam',
    actions: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
    source: RHINO,
  },
  {
    id: 'iam-update-login-profile',
    name: "Change another user's console password",
    kind: 'iam',
    actions: ['iam:UpdateLoginProfile'],
    source: RHINO,
  },
  {
    id: 'lambda-update-function-code',
    name: "Replace an existing function's code and run it with the function's role",
    kind: 'existing-resource',
    actions: ['lambda:UpdateFunctionCode'],
    source: RHINO,
  },
  {
    id: 'passrole-cloudformation',
    name: 'Pass a role to a new CloudFormation stack',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'cloudformation:CreateStack'],
    passedTo: ['cloudformation.amazonaws.com'],
    source: RHINO,
  },
  {
    id: 'passrole-codebuild',
    name: 'Pass a role to a new CodeBuild project and start a build',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild'],
    passedTo: ['codebuild.amazonaws.com'],
    source: BISHOP_FOX,
  },
  {
    id: 'passrole-datapipeline',
    name: 'Pass a role to a new Data Pipeline with a definition that runs commands',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
    passedTo: ['datapipeline.amazonaws.com', 'elasticmapreduce.amazonaws.com', 'ec2.amazonaws.com'],
    source: RHINO,
  },
  {
    id: 'passrole-ec2',
    name: 'Pass a role to a new EC2 instance (instance profile) and read its credentials',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'ec2:RunInstances'],
    passedTo: ['ec2.amazonaws.com'],
    source: RHINO,
  },
  {
    id: 'passrole-glue',
    name: 'Pass a role to a new Glue development endpoint',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'glue:CreateDevEndpoint'],
    passedTo: ['glue.amazonaws.com'],
    source: RHINO,
  },
  {
    id: 'passrole-lambda',
    name: 'Pass a role to a new Lambda function and invoke it',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
    passedTo: ['lambda.amazonaws.com'],
    source: RHINO,
  },
  {
    id: 'passrole-lambda-event-source',
    name: 'Pass a role to a new Lambda function and trigger it with an event source mapping',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
    passedTo: ['lambda.amazonaws.com'],
    source: RHINO,
  },
  {
    id: 'passrole-sagemaker-notebook',
    name: 'Pass a role to a new SageMaker notebook instance and open it',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'sagemaker:CreateNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl'],
    passedTo: ['sagemaker.amazonaws.com'],
    source: RHINO_2,
  },
  {
    id: 'passrole-sagemaker-processing',
    name: 'Pass a role to a new SageMaker processing job',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'sagemaker:CreateProcessingJob'],
    passedTo: ['sagemaker.amazonaws.com'],
    source: BISHOP_FOX,
  },
  {
    id: 'passrole-sagemaker-training',
    name: 'Pass a role to a new SageMaker training job',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'sagemaker:CreateTrainingJob'],
    passedTo: ['sagemaker.amazonaws.com'],
    source: BISHOP_FOX,
  },
  {
    id: 'sagemaker-presigned-notebook-url',
    name: 'Open an existing SageMaker notebook instance and use its role',
    kind: 'existing-resource',
    actions: ['sagemaker:CreatePresignedNotebookInstanceUrl'],
    source: RHINO_2,
  },
  {
    id: 'ssm-send-command',
    name: 'Run commands on an existing managed instance and use its role',
    kind: 'existing-resource',
    actions: ['ssm:SendCommand'],
    source: BISHOP_FOX,
  },
  {
    id: 'ssm-start-session',
    name: 'Open a shell on an existing managed instance and use its role',
    kind: 'existing-resource',
    actions: ['ssm:StartSession'],
    source: BISHOP_FOX,
  },
  {
    id: 'sts-assume-role',
    name: 'Assume any role whose trust policy lets this account in',
    kind: 'existing-resource',
    actions: ['sts:AssumeRole'],
    source: BISHOP_FOX,
  },
];

/**
 * A concrete resource of each action's type, `{p}` partition, `{r}` region, `{a}` account, `{x}` a
 * name no real resource has: an Allow that matches it covers every resource of that type (in that
 * account). Actions without resource-level permissions use `*`, which only `*` covers.
 */
export const PROBE_RESOURCES: Readonly<Record<string, string>> = {
  'cloudformation:createstack': 'arn:{p}:cloudformation:{r}:{a}:stack/{x}/{x}',
  'cloudformation:updatestack': 'arn:{p}:cloudformation:{r}:{a}:stack/{x}/{x}',
  'codebuild:createproject': 'arn:{p}:codebuild:{r}:{a}:project/{x}',
  'codebuild:startbuild': 'arn:{p}:codebuild:{r}:{a}:project/{x}',
  'datapipeline:createpipeline': '*',
  'datapipeline:putpipelinedefinition': '*',
  'ec2-instance-connect:sendsshpublickey': 'arn:{p}:ec2:{r}:{a}:instance/{x}',
  'ec2:runinstances': 'arn:{p}:ec2:{r}:{a}:instance/{x}',
  'glue:createdevendpoint': 'arn:{p}:glue:{r}:{a}:devEndpoint/{x}',
  'glue:updatedevendpoint': 'arn:{p}:glue:{r}:{a}:devEndpoint/{x}',
  'iam:addusertogroup': 'arn:{p}:iam::{a}:group/{x}',
  'iam:attachgrouppolicy': 'arn:{p}:iam::{a}:group/{x}',
  'iam:attachrolepolicy': 'arn:{p}:iam::{a}:role/{x}',
  'iam:attachuserpolicy': 'arn:{p}:iam::{a}:user/{x}',
  'iam:createaccesskey': 'arn:{p}:iam::{a}:user/{x}',
  'iam:createloginprofile': 'arn:{p}:iam::{a}:user/{x}',
  'iam:createpolicyversion': 'arn:{p}:iam::{a}:policy/{x}',
  'iam:passrole': 'arn:{p}:iam::{a}:role/{x}',
  'iam:putgrouppolicy': 'arn:{p}:iam::{a}:group/{x}',
  'iam:putrolepolicy': 'arn:{p}:iam::{a}:role/{x}',
  'iam:putuserpolicy': 'arn:{p}:iam::{a}:user/{x}',
  'iam:setdefaultpolicyversion': 'arn:{p}:iam::{a}:policy/{x}',
  'iam:updateassumerolepolicy': 'arn:{p}:iam::{a}:role/{x}',
  'iam:updateloginprofile': 'arn:{p}:iam::{a}:user/{x}',
  'lambda:createeventsourcemapping': '*',
  'lambda:createfunction': 'arn:{p}:lambda:{r}:{a}:function:{x}',
  'lambda:invokefunction': 'arn:{p}:lambda:{r}:{a}:function:{x}',
  'lambda:updatefunctioncode': 'arn:{p}:lambda:{r}:{a}:function:{x}',
  'sagemaker:createnotebookinstance': 'arn:{p}:sagemaker:{r}:{a}:notebook-instance/{x}',
  'sagemaker:createpresignednotebookinstanceurl': 'arn:{p}:sagemaker:{r}:{a}:notebook-instance/{x}',
  'sagemaker:createprocessingjob': 'arn:{p}:sagemaker:{r}:{a}:processing-job/{x}',
  'sagemaker:createtrainingjob': 'arn:{p}:sagemaker:{r}:{a}:training-job/{x}',
  'ssm:sendcommand': 'arn:{p}:ec2:{r}:{a}:instance/{x}',
  'ssm:startsession': 'arn:{p}:ec2:{r}:{a}:instance/{x}',
  'sts:assumerole': 'arn:{p}:iam::{a}:role/{x}',
};
