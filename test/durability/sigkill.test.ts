// Durability: concurrent writers (CreateRole, CreatePolicy, RunInstances, CreateTags) against a real
// `tessera up`, SIGKILL in mid-stream, restart on the same data directory — every write that was
// acknowledged (HTTP 200) must be there, the generated admin key must still be the one kept in the
// store, and the SQLite file must pass its integrity check. Writes that never got an answer may or
// may not have happened; whatever is there must be whole.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseXml, removeTempDirs, signedCall, sleep, startTessera, tempDir, xmlAll, xmlText } from '../support/server.js';
import type { RunningTessera } from '../support/server.js';

const CLIENTS = 4;
/** How long the writers run before the kill; long enough for a few hundred acknowledged writes. */
const WRITE_MS = 1_500;

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::013823792818:saml-provider/durable' }, Action: 'sts:AssumeRoleWithSAML' }],
});
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }] });

interface Acked {
  roles: string[];
  policies: string[];
  instances: Map<string, string>; // instance id → the writer's Seq tag
  tags: Map<string, string>; // instance id → the value of the Touched tag acknowledged last
}

/** One writer: a loop of the four writes until the server stops answering. Records what was acknowledged. */
async function writer(server: RunningTessera, client: number, acked: Acked, stopAt: number): Promise<number> {
  let sent = 0;
  const own: string[] = [];
  for (let i = 0; Date.now() < stopAt; i++) {
    const name = `dur-c${client}-${i}`;
    const step = i % 4;
    let ok = false;
    let body = '';
    try {
      sent++;
      const r =
        step === 0
          ? await signedCall(server, 'iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST, Description: `writer ${client}` }, { timeoutMs: 5000 })
          : step === 1
            ? await signedCall(server, 'iam', 'CreatePolicy', { PolicyName: name, PolicyDocument: POLICY }, { timeoutMs: 5000 })
            : step === 2
              ? await signedCall(
                  server,
                  'ec2',
                  'RunInstances',
                  {
                    ImageId: 'ami-0abcdef1234567890',
                    MinCount: '1',
                    MaxCount: '1',
                    'TagSpecification.1.ResourceType': 'instance',
                    'TagSpecification.1.Tag.1.Key': 'Seq',
                    'TagSpecification.1.Tag.1.Value': name,
                  },
                  { timeoutMs: 5000 },
                )
              : own.length === 0
                ? undefined
                : await signedCall(
                    server,
                    'ec2',
                    'CreateTags',
                    { 'ResourceId.1': own[own.length - 1] as string, 'Tag.1.Key': 'Touched', 'Tag.1.Value': name },
                    { timeoutMs: 5000 },
                  );
      if (r === undefined) continue;
      ok = r.status === 200;
      body = r.body;
      if (!ok) throw new Error(`writer ${client}: ${name} step ${step} answered ${r.status}: ${r.body.slice(0, 300)}`);
    } catch (e) {
      // After the kill every call fails at the socket; before it, any refusal is a test failure.
      if (ok || (e as Error).message.startsWith('writer ')) throw e;
      return sent;
    }
    if (step === 0) acked.roles.push(name);
    else if (step === 1) acked.policies.push(name);
    else if (step === 2) {
      const id = xmlAll(parseXml(body), 'instanceId')[0] as string;
      own.push(id);
      acked.instances.set(id, name);
    } else acked.tags.set(own[own.length - 1] as string, name);
  }
  return sent;
}

afterAll(removeTempDirs);

describe('SIGKILL while clients write', () => {
  it('keeps every acknowledged write, the stored admin key, and a clean store', async () => {
    const dataDir = tempDir('tessera-durability-');
    const first = await startTessera({ dataDir, admin: null });
    expect(first.stdout()).toContain('generated now and kept in');
    const admin = first.admin;
    const acked: Acked = { roles: [], policies: [], instances: new Map(), tags: new Map() };

    const stopAt = Date.now() + WRITE_MS + 3_000;
    const writers = Array.from({ length: CLIENTS }, (_, c) => writer(first, c, acked, stopAt));
    // Kill while the writers are mid-flight: after WRITE_MS, whatever is in progress.
    await sleep(WRITE_MS);
    const killed = await first.kill();
    expect(killed.signal).toBe('SIGKILL');
    await Promise.all(writers);
    const total = acked.roles.length + acked.policies.length + acked.instances.size + acked.tags.size;
    if (process.env['DURABILITY_VERBOSE'] === '1') console.log({ roles: acked.roles.length, policies: acked.policies.length, instances: acked.instances.size, tags: acked.tags.size });
    expect(total, 'the writers got writes acknowledged before the kill').toBeGreaterThan(20);

    // Restart on the same directory with no credentials in the environment: the stored key.
    const second = await startTessera({ dataDir, admin: null });
    try {
      expect(second.stdout()).toContain(`Admin credentials (kept in ${dataDir})`);
      expect(second.admin).toEqual(admin);
      const who = await signedCall(second, 'sts', 'GetCallerIdentity');
      expect(who.status).toBe(200);

      const missing: string[] = [];
      for (const name of acked.roles) {
        const r = await signedCall(second, 'iam', 'GetRole', { RoleName: name });
        if (r.status !== 200) missing.push(`role ${name}: ${r.status}`);
        else if (xmlText(parseXml(r.body), 'GetRoleResult', 'Role', 'Description') !== `writer ${name.split('-')[1]?.slice(1)}`) missing.push(`role ${name}: description lost`);
      }
      for (const name of acked.policies) {
        const r = await signedCall(second, 'iam', 'GetPolicy', { PolicyArn: `arn:aws:iam::013823792818:policy/${name}` });
        if (r.status !== 200) missing.push(`policy ${name}: ${r.status}`);
        else {
          const v = await signedCall(second, 'iam', 'GetPolicyVersion', { PolicyArn: `arn:aws:iam::013823792818:policy/${name}`, VersionId: 'v1' });
          const doc = v.status === 200 ? xmlText(parseXml(v.body), 'GetPolicyVersionResult', 'PolicyVersion', 'Document') : undefined;
          if (doc === undefined || JSON.parse(decodeURIComponent(doc)).Statement[0].Action !== 'ec2:DescribeInstances') missing.push(`policy ${name}: document lost`);
        }
      }
      const ids = [...acked.instances.keys()];
      const seen = new Map<string, Map<string, string>>();
      for (let i = 0; i < ids.length; i += 100) {
        const params: Record<string, string> = {};
        ids.slice(i, i + 100).forEach((id, j) => (params[`InstanceId.${j + 1}`] = id));
        const r = await signedCall(second, 'ec2', 'DescribeInstances', params);
        if (r.status !== 200) {
          missing.push(`DescribeInstances: ${r.status} ${r.body.slice(0, 200)}`);
          continue;
        }
        const doc = parseXml(r.body);
        const items = doc.getElementsByTagName('instancesSet');
        for (let k = 0; k < items.length; k++) {
          for (let n = items.item(k)?.firstChild ?? null; n !== null; n = n.nextSibling) {
            if (n.nodeType !== 1) continue;
            const el = n as Element;
            const id = xmlText(el, 'instanceId') as string;
            const tags = new Map<string, string>();
            const tagSet = el.getElementsByTagName('tagSet').item(0);
            for (let t = tagSet?.firstChild ?? null; t !== null; t = t.nextSibling) {
              if (t.nodeType === 1) tags.set(xmlText(t as Element, 'key') ?? '', xmlText(t as Element, 'value') ?? '');
            }
            seen.set(id, tags);
          }
        }
      }
      for (const [id, seq] of acked.instances) {
        const tags = seen.get(id);
        if (tags === undefined) missing.push(`instance ${id} (${seq})`);
        else if (tags.get('Seq') !== seq) missing.push(`instance ${id}: tag Seq=${tags.get('Seq')} ≠ ${seq}`);
      }
      for (const [id, value] of acked.tags) {
        if (seen.get(id)?.get('Touched') !== value) missing.push(`instance ${id}: tag Touched=${seen.get(id)?.get('Touched')} ≠ ${value}`);
      }
      expect(missing, `of ${total} acknowledged writes`).toEqual([]);

      // Whatever the killed server had written but not acknowledged is whole: every listed role reads back.
      const list = await signedCall(second, 'iam', 'ListRoles', { MaxItems: '1000' });
      expect(list.status).toBe(200);
      const listed = xmlAll(parseXml(list.body), 'RoleName').filter((n) => n.startsWith('dur-'));
      for (const name of acked.roles) expect(listed).toContain(name);
      for (const name of listed.filter((n) => !acked.roles.includes(n))) {
        expect((await signedCall(second, 'iam', 'GetRole', { RoleName: name })).status, name).toBe(200);
      }
      // And the restarted server takes writes again.
      expect((await signedCall(second, 'iam', 'CreateRole', { RoleName: 'after-restart', AssumeRolePolicyDocument: TRUST })).status).toBe(200);
    } finally {
      expect(await second.stop()).toEqual({ code: 0, signal: null });
    }

    const db = new Database(join(dataDir, 'tessera.db'), { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
