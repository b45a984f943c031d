// The wire codec against botocore itself: botocore's own serializer writes each sample request and
// decodeInput must read back exactly the sample; encodeResult's XML, read by botocore's own parser
// (plus the IAM policy decoding the AWS CLI applies), must give back exactly the sample output; and
// encodeError's documents must parse to the right code and message. One python3 process per run.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeError, encodeResult } from '../src/http/protocol/encode.js';
import { AwsError } from '../src/services/errors.js';
import { MODEL as EC2 } from '../src/services/ec2/model.js';
import type { DescribeInstancesResult, InstanceStateName, Reservation } from '../src/services/ec2/types.js';
import { MODEL as IAM } from '../src/services/iam/model.js';
import type { CreateRoleResponse, SimulatePolicyResponse } from '../src/services/iam/types.js';
import { decodeInput } from '../src/services/model/decode.js';
import type { ServiceModel } from '../src/services/model/types.js';
import { MODEL as STS } from '../src/services/sts/model.js';
import type { AssumeRoleWithSAMLResponse } from '../src/services/sts/types.js';

const HELPER = resolve(import.meta.dirname, 'support', 'botocore-codec.py');
const MODELS = { iam: IAM, sts: STS, ec2: EC2 } as const satisfies Record<string, ServiceModel>;
type Service = keyof typeof MODELS;

interface Case {
  readonly service: Service;
  readonly operation: string;
  readonly sample: Record<string, unknown>;
  /** Test-name suffix when an operation has more than one sample. */
  readonly label?: string;
}

// --- Samples ------------------------------------------------------------------------------------------

const ACCOUNT = '123456789012';
const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` },
      Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
      Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    },
  ],
});
/** Characters URL- and XML-encoding must both get right: space, +, %, &, <, >, quotes, é, newline. */
const tricky = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'a b+c%d&e<f>g é', Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalTag/team': "o'neil \"x\"\n" } } }],
});
const metadata = `<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/">${'<!-- padding -->'.repeat(70)}</EntityDescriptor>`;
const roleArn = `arn:aws:iam::${ACCOUNT}:role/Engineer`;
const policyArn = `arn:aws:iam::${ACCOUNT}:policy/ProjectAccess`;
const providerArn = `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`;
const userArn = `arn:aws:iam::${ACCOUNT}:user/alice`;
const tags = [
  { Key: 'Project', Value: 'Alpha' },
  { Key: 'cost-center', Value: 'a b+c/=:@' },
];
const t0 = new Date('2019-11-01T20:26:47Z');
const t1 = new Date('2024-02-29T23:59:59Z');
const tEc2 = new Date('2024-05-06T07:08:09.123Z');

const inputs: Case[] = [
  // IAM — SAML providers
  { service: 'iam', operation: 'CreateSAMLProvider', sample: { SAMLMetadataDocument: metadata, Name: 'Okta', Tags: tags, AssertionEncryptionMode: 'Allowed' } },
  { service: 'iam', operation: 'GetSAMLProvider', sample: { SAMLProviderArn: providerArn } },
  { service: 'iam', operation: 'ListSAMLProviders', sample: {} },
  { service: 'iam', operation: 'UpdateSAMLProvider', sample: { SAMLProviderArn: providerArn, SAMLMetadataDocument: metadata, AssertionEncryptionMode: 'Required', RemovePrivateKey: 'ABCDEFGHIJKLMNOPQRSTUV12' } },
  { service: 'iam', operation: 'DeleteSAMLProvider', sample: { SAMLProviderArn: providerArn } },
  // IAM — roles
  { service: 'iam', operation: 'CreateRole', sample: { Path: '/teams/alpha/', RoleName: 'Engineer', AssumeRolePolicyDocument: trust, Description: 'Engineers & <friends>', MaxSessionDuration: 43200, PermissionsBoundary: policyArn, Tags: tags } },
  { service: 'iam', operation: 'CreateRole', label: 'a tricky policy document, no tags', sample: { RoleName: 'Tricky', AssumeRolePolicyDocument: tricky } },
  { service: 'iam', operation: 'GetRole', sample: { RoleName: 'Engineer' } },
  { service: 'iam', operation: 'ListRoles', sample: { PathPrefix: '/teams/', Marker: 'opaque marker', MaxItems: 100 } },
  { service: 'iam', operation: 'UpdateRole', sample: { RoleName: 'Engineer', Description: 'updated', MaxSessionDuration: 3600 } },
  { service: 'iam', operation: 'UpdateAssumeRolePolicy', sample: { RoleName: 'Engineer', PolicyDocument: tricky } },
  { service: 'iam', operation: 'DeleteRole', sample: { RoleName: 'Engineer' } },
  { service: 'iam', operation: 'TagRole', sample: { RoleName: 'Engineer', Tags: tags } },
  { service: 'iam', operation: 'UntagRole', sample: { RoleName: 'Engineer', TagKeys: ['Project', 'cost-center'] } },
  { service: 'iam', operation: 'ListRoleTags', sample: { RoleName: 'Engineer', MaxItems: 5 } },
  // IAM — managed policies
  { service: 'iam', operation: 'CreatePolicy', sample: { PolicyName: 'ProjectAccess', Path: '/', PolicyDocument: trust, Description: 'project access', Tags: [] } },
  { service: 'iam', operation: 'GetPolicy', sample: { PolicyArn: policyArn } },
  { service: 'iam', operation: 'GetPolicyVersion', sample: { PolicyArn: policyArn, VersionId: 'v2' } },
  { service: 'iam', operation: 'ListPolicies', sample: { Scope: 'Local', OnlyAttached: true, PathPrefix: '/', PolicyUsageFilter: 'PermissionsBoundary', MaxItems: 10 } },
  { service: 'iam', operation: 'ListPolicyVersions', sample: { PolicyArn: policyArn, Marker: 'm', MaxItems: 1000 } },
  { service: 'iam', operation: 'SetDefaultPolicyVersion', sample: { PolicyArn: policyArn, VersionId: 'v3' } },
  { service: 'iam', operation: 'CreatePolicyVersion', sample: { PolicyArn: policyArn, PolicyDocument: tricky, SetAsDefault: false } },
  { service: 'iam', operation: 'DeletePolicyVersion', sample: { PolicyArn: policyArn, VersionId: 'v1' } },
  { service: 'iam', operation: 'DeletePolicy', sample: { PolicyArn: policyArn } },
  { service: 'iam', operation: 'AttachRolePolicy', sample: { RoleName: 'Engineer', PolicyArn: policyArn } },
  { service: 'iam', operation: 'DetachRolePolicy', sample: { RoleName: 'Engineer', PolicyArn: policyArn } },
  { service: 'iam', operation: 'ListAttachedRolePolicies', sample: { RoleName: 'Engineer', PathPrefix: '/' } },
  // IAM — inline policies and boundaries
  { service: 'iam', operation: 'PutRolePolicy', sample: { RoleName: 'Engineer', PolicyName: 'inline', PolicyDocument: trust } },
  { service: 'iam', operation: 'GetRolePolicy', sample: { RoleName: 'Engineer', PolicyName: 'inline' } },
  { service: 'iam', operation: 'ListRolePolicies', sample: { RoleName: 'Engineer' } },
  { service: 'iam', operation: 'DeleteRolePolicy', sample: { RoleName: 'Engineer', PolicyName: 'inline' } },
  { service: 'iam', operation: 'PutRolePermissionsBoundary', sample: { RoleName: 'Engineer', PermissionsBoundary: policyArn } },
  { service: 'iam', operation: 'DeleteRolePermissionsBoundary', sample: { RoleName: 'Engineer' } },
  // IAM — users and keys
  { service: 'iam', operation: 'CreateUser', sample: { Path: '/', UserName: 'alice', PermissionsBoundary: policyArn, Tags: tags } },
  { service: 'iam', operation: 'GetUser', sample: { UserName: 'alice' } },
  { service: 'iam', operation: 'GetUser', label: 'the caller (no UserName)', sample: {} },
  { service: 'iam', operation: 'ListUsers', sample: { PathPrefix: '/', MaxItems: 2 } },
  { service: 'iam', operation: 'DeleteUser', sample: { UserName: 'alice' } },
  { service: 'iam', operation: 'CreateAccessKey', sample: { UserName: 'alice' } },
  { service: 'iam', operation: 'DeleteAccessKey', sample: { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' } },
  { service: 'iam', operation: 'ListAccessKeys', sample: { UserName: 'alice' } },
  { service: 'iam', operation: 'UpdateAccessKey', sample: { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' } },
  { service: 'iam', operation: 'AttachUserPolicy', sample: { UserName: 'alice', PolicyArn: policyArn } },
  { service: 'iam', operation: 'DetachUserPolicy', sample: { UserName: 'alice', PolicyArn: policyArn } },
  { service: 'iam', operation: 'ListAttachedUserPolicies', sample: { UserName: 'alice', MaxItems: 20 } },
  { service: 'iam', operation: 'PutUserPolicy', sample: { UserName: 'alice', PolicyName: 'inline', PolicyDocument: tricky } },
  { service: 'iam', operation: 'GetUserPolicy', sample: { UserName: 'alice', PolicyName: 'inline' } },
  { service: 'iam', operation: 'ListUserPolicies', sample: { UserName: 'alice', Marker: 'x' } },
  { service: 'iam', operation: 'DeleteUserPolicy', sample: { UserName: 'alice', PolicyName: 'inline' } },
  // IAM — simulation: lists of strings, lists of structures holding lists, enums, integers
  {
    service: 'iam',
    operation: 'SimulateCustomPolicy',
    sample: {
      PolicyInputList: [trust, tricky],
      PermissionsBoundaryPolicyInputList: [trust],
      ActionNames: ['ec2:StartInstances', 'ec2:StopInstances'],
      ResourceArns: ['arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0'],
      ResourcePolicy: trust,
      ResourceOwner: `arn:aws:iam::${ACCOUNT}:root`,
      CallerArn: userArn,
      ContextEntries: [
        { ContextKeyName: 'aws:PrincipalTag/Project', ContextKeyValues: ['Alpha'], ContextKeyType: 'string' },
        { ContextKeyName: 'aws:TagKeys', ContextKeyValues: ['Project', 'Team'], ContextKeyType: 'stringList' },
      ],
      ResourceHandlingOption: 'EC2-VPC-Default',
      MaxItems: 50,
      Marker: 'page-2',
    },
  },
  { service: 'iam', operation: 'SimulatePrincipalPolicy', sample: { PolicySourceArn: userArn, ActionNames: ['iam:GetRole'], ContextEntries: [{ ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyValues: ['true'], ContextKeyType: 'boolean' }] } },
  // STS
  {
    service: 'sts',
    operation: 'AssumeRoleWithSAML',
    sample: { RoleArn: roleArn, PrincipalArn: providerArn, SAMLAssertion: 'PHNhbWxwOlJlc3BvbnNlLz4=', PolicyArns: [{ arn: policyArn }], Policy: trust, DurationSeconds: 3600 },
  },
  { service: 'sts', operation: 'GetCallerIdentity', sample: {} },
  { service: 'sts', operation: 'DecodeAuthorizationMessage', sample: { EncodedMessage: 'opaque+/=message' } },
  // EC2: always-flattened lists, nested structures, booleans, integers, enums
  {
    service: 'ec2',
    operation: 'RunInstances',
    sample: {
      ImageId: 'ami-0abcdef1234567890',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 2,
      KeyName: 'deployer',
      SecurityGroupIds: ['sg-1', 'sg-2'],
      SubnetId: 'subnet-1',
      UserData: 'IyEvYmluL3NoCmVjaG8gaGk=',
      Monitoring: { Enabled: true },
      Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: false } }],
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'Project', Value: 'Alpha' }, { Key: 'Name', Value: 'web 1' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'Project', Value: 'Alpha' }] },
      ],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      DisableApiTermination: false,
      InstanceInitiatedShutdownBehavior: 'terminate',
      ClientToken: 'token-1',
      DryRun: true,
    },
  },
  { service: 'ec2', operation: 'DescribeInstances', sample: { InstanceIds: ['i-1', 'i-2', 'i-3'], DryRun: false } },
  {
    service: 'ec2',
    operation: 'DescribeInstances',
    label: 'filters and paging',
    sample: { Filters: [{ Name: 'tag:Project', Values: ['Alpha', 'Beta'] }, { Name: 'instance-state-name', Values: ['running'] }], MaxResults: 5, NextToken: 'tok' },
  },
  { service: 'ec2', operation: 'StartInstances', sample: { InstanceIds: ['i-1'], AdditionalInfo: 'x', DryRun: true } },
  { service: 'ec2', operation: 'StopInstances', sample: { InstanceIds: ['i-1', 'i-2'], Hibernate: true, Force: false } },
  { service: 'ec2', operation: 'TerminateInstances', sample: { InstanceIds: ['i-1'] } },
  { service: 'ec2', operation: 'CreateTags', sample: { Resources: ['i-1', 'vol-1'], Tags: [{ Key: 'Project', Value: 'Alpha' }, { Key: 'Empty', Value: 'x y' }], DryRun: false } },
  { service: 'ec2', operation: 'DeleteTags', sample: { Resources: ['i-1'], Tags: [{ Key: 'Project' }, { Key: 'Team', Value: 'A' }] } },
  { service: 'ec2', operation: 'DescribeTags', sample: { Filters: [{ Name: 'resource-id', Values: ['i-1'] }], MaxResults: 100 } },
  { service: 'ec2', operation: 'DescribeRegions', sample: { RegionNames: ['us-east-1', 'eu-west-1'], AllRegions: true } },
];

const iamTag = (Key: string, Value: string) => ({ Key, Value });
const role = {
  Path: '/teams/alpha/',
  RoleName: 'Engineer',
  RoleId: 'AROAEXAMPLEID1234567',
  Arn: roleArn,
  CreateDate: t0,
  AssumeRolePolicyDocument: trust,
  Description: 'Engineers & <friends>',
  MaxSessionDuration: 3600,
  PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: policyArn },
  Tags: [iamTag('Project', 'Alpha')],
  RoleLastUsed: { LastUsedDate: t1, Region: 'us-east-1' },
} satisfies CreateRoleResponse['Role'];
const policy = {
  PolicyName: 'ProjectAccess',
  PolicyId: 'ANPAEXAMPLEID1234567',
  Arn: policyArn,
  Path: '/',
  DefaultVersionId: 'v1',
  AttachmentCount: 0,
  PermissionsBoundaryUsageCount: 2,
  IsAttachable: true,
  Description: 'project access',
  CreateDate: t0,
  UpdateDate: t1,
  Tags: [],
};
const user = { Path: '/', UserName: 'alice', UserId: 'AIDAEXAMPLEID1234567', Arn: userArn, CreateDate: t0, PasswordLastUsed: t1, Tags: [iamTag('Team', 'A')] };
const attached = { AttachedPolicies: [{ PolicyName: 'ProjectAccess', PolicyArn: policyArn }], IsTruncated: true, Marker: 'next' };
const simulation = {
  EvaluationResults: [
    {
      EvalActionName: 'ec2:StartInstances',
      EvalResourceName: '*',
      EvalDecision: 'explicitDeny',
      MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'user', StartPosition: { Line: 1, Column: 2 }, EndPosition: { Line: 3, Column: 40 } }],
      MissingContextValues: ['aws:PrincipalTag/Project'],
      EvalDecisionDetails: { PermissionsBoundaryPolicy: 'allowed', 'IAM Policy': 'explicitDeny' },
      PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: true },
      ResourceSpecificResults: [{ EvalResourceName: '*', EvalResourceDecision: 'implicitDeny', MissingContextValues: [] }],
    },
  ],
  IsTruncated: false,
} satisfies SimulatePolicyResponse;
const state = (Code: number, Name: InstanceStateName) => ({ Code, Name });
const reservation = {
  ReservationId: 'r-0123456789abcdef0',
  OwnerId: ACCOUNT,
  Groups: [],
  Instances: [
    {
      InstanceId: 'i-0123456789abcdef0',
      ImageId: 'ami-0abcdef1234567890',
      State: state(16, 'running'),
      PrivateDnsName: 'ip-10-0-0-1.ec2.internal',
      InstanceType: 't3.micro',
      LaunchTime: tEc2,
      Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' },
      Monitoring: { State: 'disabled' },
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      PrivateIpAddress: '10.0.0.1',
      Architecture: 'x86_64',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { AttachTime: tEc2, DeleteOnTermination: true, Status: 'attached', VolumeId: 'vol-1' } }],
      EbsOptimized: false,
      SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'default' }],
      SourceDestCheck: true,
      Tags: [{ Key: 'Project', Value: 'Alpha & <Beta>' }],
      AmiLaunchIndex: 0,
      ProductCodes: [],
      MetadataOptions: { State: 'applied', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    },
  ],
} satisfies Reservation;

const outputs: Case[] = [
  { service: 'iam', operation: 'CreateSAMLProvider', sample: { SAMLProviderArn: providerArn, Tags: tags } },
  { service: 'iam', operation: 'GetSAMLProvider', sample: { SAMLProviderUUID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', SAMLMetadataDocument: metadata, CreateDate: t0, ValidUntil: t1, Tags: tags, AssertionEncryptionMode: 'Allowed', PrivateKeyList: [{ KeyId: 'ABCDEFGHIJKLMNOPQRSTUV12', Timestamp: t1 }] } },
  { service: 'iam', operation: 'ListSAMLProviders', sample: { SAMLProviderList: [{ Arn: providerArn, ValidUntil: t1, CreateDate: t0 }] } },
  { service: 'iam', operation: 'UpdateSAMLProvider', sample: { SAMLProviderArn: providerArn } },
  { service: 'iam', operation: 'CreateRole', sample: { Role: role } },
  { service: 'iam', operation: 'GetRole', sample: { Role: { ...role, AssumeRolePolicyDocument: tricky } } },
  { service: 'iam', operation: 'ListRoles', sample: { Roles: [role, { Path: '/', RoleName: 'B', RoleId: 'AROAEXAMPLEID7654321', Arn: `arn:aws:iam::${ACCOUNT}:role/B`, CreateDate: t1 }], IsTruncated: true, Marker: 'm&<>' } },
  { service: 'iam', operation: 'UpdateRole', sample: {} },
  { service: 'iam', operation: 'ListRoleTags', sample: { Tags: tags, IsTruncated: false } },
  { service: 'iam', operation: 'CreatePolicy', sample: { Policy: policy } },
  { service: 'iam', operation: 'GetPolicy', sample: { Policy: policy } },
  { service: 'iam', operation: 'GetPolicyVersion', sample: { PolicyVersion: { Document: tricky, VersionId: 'v2', IsDefaultVersion: false, CreateDate: t0 } } },
  { service: 'iam', operation: 'ListPolicies', sample: { Policies: [policy, { ...policy, PolicyName: 'Other' }], IsTruncated: false } },
  { service: 'iam', operation: 'ListPolicyVersions', sample: { Versions: [{ Document: trust, VersionId: 'v1', IsDefaultVersion: true, CreateDate: t0 }, { VersionId: 'v2', IsDefaultVersion: false, CreateDate: t1 }], IsTruncated: false } },
  { service: 'iam', operation: 'CreatePolicyVersion', sample: { PolicyVersion: { Document: trust, VersionId: 'v3', IsDefaultVersion: true, CreateDate: t1 } } },
  { service: 'iam', operation: 'ListAttachedRolePolicies', sample: attached },
  { service: 'iam', operation: 'GetRolePolicy', sample: { RoleName: 'Engineer', PolicyName: 'inline', PolicyDocument: tricky } },
  { service: 'iam', operation: 'ListRolePolicies', sample: { PolicyNames: ['a', 'b'], IsTruncated: false } },
  { service: 'iam', operation: 'CreateUser', sample: { User: user } },
  { service: 'iam', operation: 'GetUser', sample: { User: user } },
  { service: 'iam', operation: 'ListUsers', sample: { Users: [user], IsTruncated: false } },
  { service: 'iam', operation: 'CreateAccessKey', sample: { AccessKey: { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Active', SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', CreateDate: t0 } } },
  { service: 'iam', operation: 'ListAccessKeys', sample: { AccessKeyMetadata: [{ UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive', CreateDate: t0 }], IsTruncated: false } },
  { service: 'iam', operation: 'ListAttachedUserPolicies', sample: attached },
  { service: 'iam', operation: 'GetUserPolicy', sample: { UserName: 'alice', PolicyName: 'inline', PolicyDocument: trust } },
  { service: 'iam', operation: 'ListUserPolicies', sample: { PolicyNames: [], IsTruncated: false } },
  { service: 'iam', operation: 'SimulateCustomPolicy', sample: simulation },
  { service: 'iam', operation: 'SimulatePrincipalPolicy', sample: { ...simulation, IsTruncated: true, Marker: 'next' } },
  {
    service: 'sts',
    operation: 'AssumeRoleWithSAML',
    sample: {
      Credentials: { AccessKeyId: 'ASIAEXAMPLEKEYID1234', SecretAccessKey: 'secret/+=', SessionToken: 'FwoGZXIvYXdzEXAMPLE//token==', Expiration: t1 },
      AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLEID1234567:alice@example.com', Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/alice@example.com` },
      PackedPolicySize: 6,
      Subject: 'alice@example.com',
      SubjectType: 'persistent',
      Issuer: 'https://idp.example.com/',
      Audience: 'https://signin.aws.amazon.com/saml',
      NameQualifier: 'SbdGOnUkh1i4+EXAMPLExL/jEvs=',
      SourceIdentity: 'alice',
    } satisfies AssumeRoleWithSAMLResponse,
  },
  { service: 'sts', operation: 'GetCallerIdentity', sample: { UserId: 'AIDAEXAMPLEID1234567', Account: ACCOUNT, Arn: userArn } },
  { service: 'sts', operation: 'DecodeAuthorizationMessage', sample: { DecodedMessage: JSON.stringify({ allowed: false, context: { action: 'ec2:StartInstances' } }) } },
  { service: 'ec2', operation: 'RunInstances', sample: reservation },
  { service: 'ec2', operation: 'DescribeInstances', sample: { Reservations: [reservation, { ...reservation, ReservationId: 'r-2', Instances: [] }], NextToken: 'tok' } satisfies DescribeInstancesResult },
  { service: 'ec2', operation: 'StartInstances', sample: { StartingInstances: [{ InstanceId: 'i-1', CurrentState: state(0, 'pending'), PreviousState: state(80, 'stopped') }] } },
  { service: 'ec2', operation: 'StopInstances', sample: { StoppingInstances: [{ InstanceId: 'i-1', CurrentState: state(64, 'stopping'), PreviousState: state(16, 'running') }] } },
  { service: 'ec2', operation: 'TerminateInstances', sample: { TerminatingInstances: [{ InstanceId: 'i-1', CurrentState: state(32, 'shutting-down'), PreviousState: state(16, 'running') }, { InstanceId: 'i-2', CurrentState: state(48, 'terminated'), PreviousState: state(48, 'terminated') }] } },
  { service: 'ec2', operation: 'DescribeTags', sample: { Tags: [{ Key: 'Project', ResourceId: 'i-1', ResourceType: 'instance', Value: 'Alpha' }, { Key: 'Empty', ResourceId: 'vol-1', ResourceType: 'volume', Value: 'x' }], NextToken: 'n' } },
  { service: 'ec2', operation: 'DescribeRegions', sample: { Regions: [{ RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' }] } },
];

const errors: { service: Service; error: AwsError }[] = [
  { service: 'iam', error: new AwsError('NoSuchEntity', 'The role with name Engineer & <co> cannot be found.', 404) },
  { service: 'sts', error: new AwsError('InvalidIdentityToken', 'SAML assertion signature is invalid', 400) },
  { service: 'sts', error: new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500) },
  { service: 'ec2', error: new AwsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403) },
  { service: 'ec2', error: new AwsError('MissingParameter', 'The request must contain the parameter InstanceId', 400) },
];

// --- The oracle ---------------------------------------------------------------------------------------

type Tagged = unknown;

/** Dates and blobs travel to Python tagged; everything else is plain JSON. */
function tag(v: unknown): Tagged {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (v instanceof Uint8Array) return { $blob: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map(tag);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tag(x)]));
  return v;
}

/** The reverse; a policy document botocore JSON-decoded comes back as the JSON text it was. */
function untag(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untag);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$date') return new Date(o.$date as string);
    if (keys.length === 1 && keys[0] === '$blob') return new Uint8Array(Buffer.from(o.$blob as string, 'base64'));
    if (keys.length === 1 && keys[0] === '$json') return JSON.stringify(o.$json);
    return Object.fromEntries(keys.map((k) => [k, untag(o[k])]));
  }
  return v;
}

type Result = { exception?: string; body?: string; parsed?: unknown; requestId?: string; error?: Record<string, string> };

const REQUEST_ID = 'c0ffee00-1111-2222-3333-444455556666';
const oracleCases = [
  ...inputs.map((c) => ({ kind: 'serialize', service: c.service, operation: c.operation, params: tag(c.sample) })),
  ...outputs.map((c) => ({ kind: 'parse', service: c.service, operation: c.operation, xml: encodeResult(MODELS[c.service], c.operation, c.sample, REQUEST_ID) })),
  ...errors.map((c) => ({ kind: 'error', service: c.service, status: c.error.httpStatus, xml: encodeError(MODELS[c.service], c.error, REQUEST_ID).body })),
];
let results: Result[] = [];

beforeAll(() => {
  const run = spawnSync('/usr/bin/env', ['python3', HELPER], { input: JSON.stringify({ cases: oracleCases }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`botocore-codec.py failed (is botocore installed for python3?): ${run.stderr}`);
  results = (JSON.parse(run.stdout) as { results: Result[] }).results;
  expect(results).toHaveLength(oracleCases.length);
});

function result(i: number): Result {
  const r = results[i];
  if (!r) throw new Error(`no oracle result ${i}`);
  if (r.exception) throw new Error(`botocore: ${r.exception}`);
  return r;
}

const name = (c: Case) => `${c.service} ${c.operation}${c.label ? ` (${c.label})` : ''}`;

describe('every served operation has a sample', () => {
  for (const [service, model] of Object.entries(MODELS)) {
    it(`${service}: an input for every operation, an output for every operation with one`, () => {
      for (const op of Object.values(model.operations)) {
        expect(inputs.some((c) => c.service === service && c.operation === op.name), `input sample for ${op.name}`).toBe(true);
        // UpdateRoleResponse and friends have members only where the model gives them some.
        if (op.output !== undefined) expect(outputs.some((c) => c.service === service && c.operation === op.name), `output sample for ${op.name}`).toBe(true);
      }
    });
  }
});

describe('decodeInput reads what botocore serializes', () => {
  inputs.forEach((c, i) => {
    it(name(c), () => {
      const body = result(i).body;
      expect(typeof body).toBe('string');
      const params = new Map(new URLSearchParams(body));
      expect(params.get('Action')).toBe(c.operation);
      expect(decodeInput(MODELS[c.service], c.operation, params)).toEqual(c.sample);
    });
  });
});

describe('botocore parses what encodeResult writes', () => {
  outputs.forEach((c, i) => {
    it(name(c), () => {
      const r = result(inputs.length + i);
      expect(r.requestId).toBe(REQUEST_ID);
      expect(untag(r.parsed)).toEqual(c.sample);
    });
  });
  it('operations without output: awsQuery has only ResponseMetadata, EC2 says <return>true</return>', () => {
    const iam = encodeResult(IAM, 'AttachRolePolicy', undefined, REQUEST_ID);
    expect(iam).not.toContain('AttachRolePolicyResult');
    expect(iam).toContain(`<ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></AttachRolePolicyResponse>`);
    expect(encodeResult(EC2, 'CreateTags', undefined, REQUEST_ID)).toContain(`<requestId>${REQUEST_ID}</requestId><return>true</return></CreateTagsResponse>`);
  });
});

describe('botocore reads the code and message of encodeError', () => {
  errors.forEach((c, i) => {
    it(`${c.service} ${c.error.code} (${c.error.httpStatus})`, () => {
      const r = result(inputs.length + outputs.length + i);
      expect(r.error?.Code).toBe(c.error.code);
      expect(r.error?.Message).toBe(c.error.message);
      if (c.service !== 'ec2') expect(r.error?.Type).toBe(c.error.fault);
      expect(r.requestId).toBe(REQUEST_ID);
    });
  });
});
