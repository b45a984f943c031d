// IAM role and SAML provider answers on the wire, read back by botocore's own parser (plus the IAM
// policy decoding the AWS CLI applies): member names, list encoding, timestamps and the URL-encoded
// policy documents are proven against the real client, not against our own reading of the model.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpAnswer } from '../../src/http/api.js';
import { createManagedPolicy, idpMetadata, roleArnOf, tagParams } from '../support/iam-callers.js';
import { createTestServices, type TestServices } from '../support/services.js';

const HELPER = resolve(import.meta.dirname, '..', 'support', 'botocore-codec.py');

/** A trust policy whose text needs both XML escaping and URL encoding (`&`, `<`, quotes, non-ASCII, spaces). */
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'SamlFederation',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::013823792818:saml-provider/Auth0' },
      Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
      Condition: {
        StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
        StringLike: { 'aws:RequestTag/team': ["R&D <core> 'ops' (x) é*", 'a+b=c/d?e%f'] },
      },
    },
  ],
});
const INLINE = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:StopInstances', Resource: '*', Condition: { StringEquals: { 'ec2:ResourceTag/CostCenter': '${aws:PrincipalTag/CostCenter}' } } }] });

interface Rendered {
  readonly name: string;
  readonly operation: string;
  readonly answer: HttpAnswer;
}

type Parsed = Record<string, unknown>;
interface Result {
  exception?: string;
  parsed?: Parsed;
  requestId?: string;
  error?: Record<string, string>;
}

let t: TestServices;
let boundary: string;
const rendered: Rendered[] = [];
const results = new Map<string, Result>();

beforeAll(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00.250Z') });
  boundary = await createManagedPolicy(t, 'AbacBoundary');
  const setup: [string, Record<string, string>][] = [
    ['CreateRole', { RoleName: 'access-session-tags', Path: '/abac/', AssumeRolePolicyDocument: TRUST, Description: 'ABAC <role> & co', MaxSessionDuration: '7200', PermissionsBoundary: boundary, ...tagParams([['CostCenter', '1234'], ['team', '']]) }],
    ['CreateRole', { RoleName: 'plain', AssumeRolePolicyDocument: TRUST }],
    ['PutRolePolicy', { RoleName: 'plain', PolicyName: 'stop-by-cost-center', PolicyDocument: INLINE }],
    ['CreateSAMLProvider', { Name: 'Auth0', SAMLMetadataDocument: idpMetadata(), ...tagParams([['Dept', 'HR']]) }],
  ];
  for (const [action, params] of setup) {
    const outcome = await t.call('iam', action, params);
    if (!outcome.ok) throw new Error(`${action}: ${outcome.error.code} ${outcome.error.message}`);
  }
  const calls: [string, string, Record<string, string>][] = [
    ['create', 'CreateRole', { RoleName: 'created-here', AssumeRolePolicyDocument: TRUST, ...tagParams([['k', 'v']]) }],
    ['get', 'GetRole', { RoleName: 'access-session-tags' }],
    ['get-plain', 'GetRole', { RoleName: 'plain' }],
    ['list', 'ListRoles', {}],
    ['list-page', 'ListRoles', { MaxItems: '1' }],
    ['role-policy', 'GetRolePolicy', { RoleName: 'plain', PolicyName: 'stop-by-cost-center' }],
    ['role-policies', 'ListRolePolicies', { RoleName: 'plain' }],
    ['role-tags', 'ListRoleTags', { RoleName: 'access-session-tags' }],
    ['saml', 'GetSAMLProvider', { SAMLProviderArn: 'arn:aws:iam::013823792818:saml-provider/Auth0' }],
    ['saml-list', 'ListSAMLProviders', {}],
    ['missing', 'GetRole', { RoleName: 'ghost' }],
  ];
  for (const [name, operation, params] of calls) rendered.push({ name, operation, answer: await t.http('iam', operation, params) });

  const cases = rendered.map((r) =>
    r.answer.status === 200
      ? { kind: 'parse', service: 'iam', operation: r.operation, xml: r.answer.body }
      : { kind: 'error', service: 'iam', status: r.answer.status, xml: r.answer.body },
  );
  const run = spawnSync('/usr/bin/env', ['python3', HELPER], { input: JSON.stringify({ cases }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`botocore-codec.py failed (is botocore installed for python3?): ${run.stderr}`);
  const out = (JSON.parse(run.stdout) as { results: Result[] }).results;
  rendered.forEach((r, i) => results.set(r.name, out[i] ?? { exception: 'no result' }));
});

afterAll(async () => {
  await t.close();
});

function parsed(name: string): Parsed {
  const r = results.get(name);
  if (r === undefined || r.exception !== undefined || r.parsed === undefined) throw new Error(`${name}: ${r?.exception ?? 'no parse'}`);
  return r.parsed;
}

function raw(name: string): string {
  const r = rendered.find((x) => x.name === name);
  if (r === undefined) throw new Error(name);
  return r.answer.body;
}

const date = (iso: string) => ({ $date: iso });

describe('IAM roles on the wire, read by botocore', () => {
  it('GetRole: every member, the trust policy URL-encoded on the wire and decoded by botocore', () => {
    const role = parsed('get').Role as Parsed;
    expect(role).toEqual({
      Path: '/abac/',
      RoleName: 'access-session-tags',
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      Arn: roleArnOf('access-session-tags', '/abac/'),
      // IAM answers whole seconds (aws.md §8.1).
      CreateDate: date('2026-03-01T10:00:00.000Z'),
      AssumeRolePolicyDocument: { $json: JSON.parse(TRUST) },
      Description: 'ABAC <role> & co',
      MaxSessionDuration: 7200,
      PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary },
      Tags: [
        { Key: 'CostCenter', Value: '1234' },
        { Key: 'team', Value: '' },
      ],
      RoleLastUsed: {},
    });
    const body = raw('get');
    expect(body).toContain('<AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22');
    expect(body).not.toContain('"Version"');
    expect(body).toContain('<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>');
    expect(body).toContain('<Tags><member><Key>CostCenter</Key><Value>1234</Value></member>');
    expect(parsed('get-plain').Role).not.toHaveProperty('Tags');
    expect(results.get('get')?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('CreateRole: the create-time member set', () => {
    const role = parsed('create').Role as Parsed;
    expect(Object.keys(role).sort()).toEqual(['Arn', 'AssumeRolePolicyDocument', 'CreateDate', 'Path', 'RoleId', 'RoleName', 'Tags']);
    expect(role.AssumeRolePolicyDocument).toEqual({ $json: JSON.parse(TRUST) });
  });

  it('ListRoles: members, list encoding and paging as botocore reads them', () => {
    const list = parsed('list');
    expect(list.IsTruncated).toBe(false);
    const roles = list.Roles as Parsed[];
    expect(roles.map((r) => r.RoleName)).toEqual(['access-session-tags', 'created-here', 'plain']);
    expect(roles[0]).toEqual({
      Path: '/abac/',
      RoleName: 'access-session-tags',
      RoleId: expect.stringMatching(/^AROA/),
      Arn: roleArnOf('access-session-tags', '/abac/'),
      CreateDate: date('2026-03-01T10:00:00.000Z'),
      AssumeRolePolicyDocument: { $json: JSON.parse(TRUST) },
      Description: 'ABAC <role> & co',
      MaxSessionDuration: 7200,
    });
    const page = parsed('list-page');
    expect(page.IsTruncated).toBe(true);
    expect(typeof page.Marker).toBe('string');
    expect((page.Roles as Parsed[]).map((r) => r.RoleName)).toEqual(['access-session-tags']);
  });

  it('GetRolePolicy, ListRolePolicies and ListRoleTags', () => {
    expect(parsed('role-policy')).toEqual({ RoleName: 'plain', PolicyName: 'stop-by-cost-center', PolicyDocument: { $json: JSON.parse(INLINE) } });
    expect(parsed('role-policies')).toEqual({ PolicyNames: ['stop-by-cost-center'], IsTruncated: false });
    expect(parsed('role-tags')).toEqual({
      Tags: [
        { Key: 'CostCenter', Value: '1234' },
        { Key: 'team', Value: '' },
      ],
      IsTruncated: false,
    });
  });

  it('GetSAMLProvider and ListSAMLProviders', () => {
    expect(parsed('saml')).toEqual({
      SAMLProviderUUID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      SAMLMetadataDocument: idpMetadata(),
      CreateDate: date('2026-03-01T10:00:00.000Z'),
      ValidUntil: date('2126-03-01T10:00:00.000Z'),
      Tags: [{ Key: 'Dept', Value: 'HR' }],
      AssertionEncryptionMode: 'Allowed',
      PrivateKeyList: [],
    });
    expect(parsed('saml-list')).toEqual({
      SAMLProviderList: [
        { Arn: 'arn:aws:iam::013823792818:saml-provider/Auth0', CreateDate: date('2026-03-01T10:00:00.000Z'), ValidUntil: date('2126-03-01T10:00:00.000Z') },
      ],
    });
  });

  it('NoSuchEntity as botocore reads the error', () => {
    expect(rendered.find((r) => r.name === 'missing')?.answer.status).toBe(404);
    expect(results.get('missing')?.error).toEqual({ Type: 'Sender', Code: 'NoSuchEntity', Message: 'The role with name ghost cannot be found.' });
  });
});
