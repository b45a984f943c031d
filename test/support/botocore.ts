// Loads an AWS service model from the botocore installed with the machine's Python: the wire
// contract (shapes, enums, error codes) that Tessera's tests check themselves against.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

let dataDir: string | undefined;

export function botocoreDataDir(): string {
  dataDir ??= join(
    execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' }).trim(),
    'data',
  );
  return dataDir;
}

const VERSIONS = { ec2: '2016-11-15', iam: '2010-05-08', sts: '2011-06-15' } as const;

export interface ServiceModel {
  metadata: Record<string, unknown>;
  operations: Record<string, { input?: { shape: string }; output?: { shape: string }; errors?: { shape: string }[] }>;
  shapes: Record<string, { type: string; members?: Record<string, { shape: string }>; enum?: string[]; required?: string[] } & Record<string, unknown>>;
}

/** The service-2.json of `service` (botocore ships some gzipped). */
export function serviceModel(service: keyof typeof VERSIONS): ServiceModel {
  const base = join(botocoreDataDir(), service, VERSIONS[service], 'service-2.json');
  const text = existsSync(base) ? readFileSync(base, 'utf8') : gunzipSync(readFileSync(`${base}.gz`)).toString('utf8');
  return JSON.parse(text) as ServiceModel;
}
