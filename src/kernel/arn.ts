// ARN text: build and split the ARNs the control plane mints. Pure string work; no validation of
// policy patterns (that is src/policy/arn.ts).

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits on the first five colons; undefined when `text` is not an ARN. */
export function parseArn(text: string): Arn | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  if (partition === '' || service === '') return undefined;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

export function iamArn(account: string, resource: string): string {
  return `arn:aws:iam::${account}:${resource}`;
}

export function rootArn(account: string): string {
  return iamArn(account, 'root');
}

export function instanceArn(region: string, account: string, instanceId: string): string {
  return `arn:aws:ec2:${region}:${account}:instance/${instanceId}`;
}

export function assumedRoleArn(account: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}
