import { describe, expect, it } from 'vitest';
import {
  actionInfo,
  actionsOf,
  arnServicesOf,
  globalKey,
  globalKeys,
  isCatalogued,
  keyPatternMatches,
  keysProvidedBy,
  knownServices,
  matchActions,
  resourceTypesOf,
  serviceConditionKey,
  serviceKnown,
} from './index.js';

describe('services', () => {
  it('knows every service prefix, case-insensitively', () => {
    expect(knownServices().length).toBeGreaterThan(400);
    expect(serviceKnown('ec2')).toBe(true);
    expect(serviceKnown('S3')).toBe(true);
    expect(serviceKnown('ec3')).toBe(false);
  });

  it('catalogues ec2, iam and sts in full and nothing else', () => {
    expect(['ec2', 'iam', 'sts'].every(isCatalogued)).toBe(true);
    expect(isCatalogued('s3')).toBe(false);
    expect(actionsOf('s3')).toEqual([]);
    expect(actionsOf('ec2').length).toBeGreaterThan(500);
  });

  it('knows which other services\' ARNs a service acts on', () => {
    expect(arnServicesOf('sts')).toContain('iam');
    expect(arnServicesOf('ec2')[0]).toBe('ec2');
  });
});

describe('actions', () => {
  it('finds an action by its lowercased name and keeps the exact spelling', () => {
    const a = actionInfo('ec2', 'stopinstances');
    expect(a?.name).toBe('StopInstances');
    expect(a?.resourceTypes.map((r) => [r.resourceType.name, r.required])).toEqual([['instance', true]]);
    expect(a?.resourceTypes[0]?.resourceType.arn).toBe('arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}');
    expect(actionInfo('ec2', 'StopInstances')).toBeUndefined();
  });

  it('expands wildcard action names', () => {
    expect(matchActions('ec2', 'st*instances')?.map((a) => a.name)).toEqual(['StartInstances', 'StopInstances']);
    expect(matchActions('s3', '*')).toBeUndefined();
  });

  it('lists the keys an action provides: its own and its resource types\'', () => {
    const stop = keysProvidedBy('ec2', 'StopInstances');
    expect(stop).toContain('ec2:Region');
    expect(stop).toContain('ec2:ResourceTag/${TagKey}');
    expect(stop).toContain('aws:ResourceTag/${TagKey}');
    expect(stop).not.toContain('aws:RequestTag/${TagKey}');
    expect(keysProvidedBy('ec2', 'DescribeInstances')).toEqual(['ec2:Region']);
  });

  it('takes the resource types table\'s keys where the action row lists none', () => {
    expect(keysProvidedBy('sts', 'AssumeRole')).toContain('iam:ResourceTag/${TagKey}');
    expect(resourceTypesOf('sts').find((r) => r.name === 'role')?.conditionKeys).toContain('aws:ResourceTag/${TagKey}');
  });
});

describe('condition keys', () => {
  it('matches tag-key patterns case-insensitively and requires a tag key', () => {
    expect(keyPatternMatches('aws:ResourceTag/${TagKey}', 'aws:resourcetag/costcenter')).toBe(true);
    expect(keyPatternMatches('aws:ResourceTag/${TagKey}', 'AWS:RESOURCETAG/CostCenter')).toBe(true);
    expect(keyPatternMatches('aws:ResourceTag/${TagKey}', 'aws:resourcetag/')).toBe(false);
    expect(keyPatternMatches('aws:ResourceTag/${TagKey}', 'aws:requesttag/costcenter')).toBe(false);
  });

  it('types service keys and tells who defines them', () => {
    expect(serviceConditionKey('ec2:resourcetag/costcenter')).toMatchObject({ name: 'ec2:ResourceTag/${TagKey}', type: 'String', multiValued: false, service: 'ec2' });
    expect(serviceConditionKey('iam:ResourceTag/Team')?.service).toBe('iam');
    expect(serviceConditionKey('saml:aud')?.service).toBe('sts');
    expect(serviceConditionKey('sts:TransitiveTagKeys')?.multiValued).toBe(true);
    expect(serviceConditionKey('s3:prefix')).toBeUndefined();
  });

  it('marks the tag keys as provided only by some actions, the rest as global', () => {
    expect(globalKey('aws:resourcetag/costcenter')).toMatchObject({ name: 'aws:ResourceTag/${TagKey}', availability: 'action' });
    expect(globalKey('aws:RequestTag/x')?.availability).toBe('action');
    expect(globalKey('aws:TagKeys')).toMatchObject({ type: 'ArrayOfString', multiValued: true, availability: 'action' });
    expect(globalKey('AWS:SourceIP')).toMatchObject({ type: 'IPAddress', multiValued: false, availability: 'global' });
    expect(globalKey('aws:PrincipalTag/CostCenter')?.category).toBe('principal');
    expect(globalKey('aws:PrincipalTags/CostCenter')).toBeUndefined();
  });

  it('holds every global key the IAM User Guide lists', () => {
    const documented = [
      'aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalOrgPaths', 'aws:PrincipalOrgID', 'aws:PrincipalTag/x',
      'aws:PrincipalIsAWSService', 'aws:PrincipalServiceName', 'aws:PrincipalServiceNamesList', 'aws:PrincipalType',
      'aws:userid', 'aws:username', 'aws:FederatedProvider', 'aws:TokenIssueTime', 'aws:MultiFactorAuthAge',
      'aws:MultiFactorAuthPresent', 'aws:Ec2InstanceSourceVpc', 'aws:Ec2InstanceSourcePrivateIPv4', 'aws:SourceIdentity',
      'ec2:RoleDelivery', 'ec2:SourceInstanceArn', 'glue:RoleAssumedBy', 'glue:CredentialIssuingService',
      'lambda:SourceFunctionArn', 'ssm:SourceInstanceArn', 'identitystore:UserId', 'aws:SourceIp', 'aws:SourceVpc',
      'aws:SourceVpcArn', 'aws:SourceVpce', 'aws:VpcSourceIp', 'aws:VpceAccount', 'aws:VpceOrgID', 'aws:VpceOrgPaths',
      'aws:SourceArn', 'aws:SourceAccount', 'aws:SourceOrgPaths', 'aws:SourceOrgID', 'aws:ResourceAccount',
      'aws:ResourceOrgID', 'aws:ResourceOrgPaths', 'aws:ResourceTag/x', 'aws:RequestTag/x', 'aws:TagKeys',
      'aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast', 'aws:ViaAWSService', 'aws:CurrentTime',
      'aws:EpochTime', 'aws:referer', 'aws:RequestedRegion', 'aws:SecureTransport', 'aws:UserAgent',
      'aws:IsMcpServiceAction', 'aws:AssumedRoot', 'aws:ChatbotSourceArn', 'aws:CalledViaAWSMCP', 'aws:ViaAWSMCPService',
    ];
    expect(documented.filter((k) => globalKey(k) === undefined)).toEqual([]);
    const multi = globalKeys().filter((k) => k.multiValued).map((k) => k.name);
    expect(multi.every((k) => globalKey(k)?.type === 'ArrayOfString')).toBe(true);
    expect(multi).toContain('aws:CalledVia');
  });
});
