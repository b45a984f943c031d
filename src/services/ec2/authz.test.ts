import { describe, expect, it } from 'vitest';
import { RequestContext } from '../../policy/index.js';
import { instanceState } from '../../store/port.js';
import type { Instance, Tag } from '../../store/port.js';
import { authorizationFacts, imageArn, instanceContext, requestTagContext } from './authz.js';

function instance(tags: Tag[]): Instance {
  return {
    instanceId: 'i-0123456789abcdef0',
    reservationId: 'r-0123456789abcdef0',
    amiLaunchIndex: 0,
    imageId: 'ami-12345678',
    instanceType: 't3.micro',
    state: instanceState('running'),
    stateTransitionReason: '',
    launchTime: new Date(0),
    availabilityZone: 'us-east-1a',
    privateIpAddress: '172.31.0.4',
    privateDnsName: 'ip-172-31-0-4.ec2.internal',
    tags,
  };
}

describe('the instance authorization context', () => {
  it('holds the instance keys and every tag under aws:ResourceTag and ec2:ResourceTag', () => {
    const ctx = instanceContext(instance([{ key: 'CostCenter', value: 'marketing' }]));
    expect(ctx).toMatchObject({
      'ec2:InstanceID': 'i-0123456789abcdef0',
      'ec2:InstanceType': 't3.micro',
      'ec2:AvailabilityZone': 'us-east-1a',
      'ec2:Tenancy': 'default',
      'ec2:RootDeviceType': 'ebs',
      'aws:ResourceTag/CostCenter': 'marketing',
      'ec2:ResourceTag/CostCenter': 'marketing',
    });
    expect(ctx).not.toHaveProperty('ec2:InstanceProfile');
    expect(ctx).not.toHaveProperty('ec2:PlacementGroup');
  });

  it('enters tag keys that differ only in case as one multi-valued key, which single-valued operators refuse', () => {
    const ctx = instanceContext(instance([{ key: 'CostCenter', value: 'marketing' }, { key: 'costcenter', value: 'engineering' }]));
    const entry = RequestContext.from(ctx).get('aws:resourcetag/costcenter');
    expect(entry?.multi).toBe(true);
    expect(entry?.values).toEqual(['marketing', 'engineering']);
  });

  it('puts request tags and their keys, and nothing at all for no tags', () => {
    expect(requestTagContext([{ key: 'a', value: '1' }, { key: 'b', value: '' }])).toEqual({ 'aws:RequestTag/a': '1', 'aws:RequestTag/b': '', 'aws:TagKeys': ['a', 'b'] });
    expect(requestTagContext([])).toEqual({});
  });

  it('changes its facts when a tag changes', () => {
    expect(authorizationFacts(instance([{ key: 'a', value: '1' }]))).not.toBe(authorizationFacts(instance([{ key: 'a', value: '2' }])));
  });

  it('writes image ARNs without an account', () => {
    expect(imageArn('us-east-1', 'ami-12345678')).toBe('arn:aws:ec2:us-east-1::image/ami-12345678');
  });
});
