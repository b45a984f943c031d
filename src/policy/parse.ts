// Parses and validates an IAM policy document into the typed AST of ast.ts. It accepts exactly the
// grammar IAM accepts for the policy's kind and refuses the rest with AWS's MalformedPolicyDocument
// wording plus a JSON path. Grammar-level warnings only; validate.ts adds lint.ts's catalogue-based
// checks (Access Analyzer style). Pure: no I/O.

import {
  type ConditionNode,
  type Effect,
  POLICY_VERSIONS,
  PRINCIPAL_TYPES,
  type PolicyDocument,
  type PolicyKind,
  type PolicyVersion,
  type PrincipalNode,
  type PrincipalType,
  type StatementNode,
} from './ast.js';
import { parseOperator, operatorNames } from './condition/operators/table.js';
import { readDate } from './condition/operators/date.js';
import {
  type PolicyErrorFinding,
  type PolicyWarningFinding,
  policyError,
  policyWarning,
} from './errors.js';
import { type JsonNode, JsonSyntaxError, lineColumn, parseJson } from './json.js';
import { closest } from './suggest.js';
import { parseTemplate, type TemplateProblem } from './variables.js';

export interface ParseOptions {
  readonly kind: PolicyKind;
  /** IAM managed policies (CreatePolicy) must declare Version 2012-10-17. */
  readonly requireCurrentVersion?: boolean;
  /** Size quota in characters, whitespace outside strings not counted (IAM counts so). */
  readonly maxSize?: number;
}

export type ParseResult =
  | { readonly ok: true; readonly document: PolicyDocument; readonly warnings: readonly PolicyWarningFinding[] }
  | { readonly ok: false; readonly errors: readonly PolicyErrorFinding[]; readonly warnings: readonly PolicyWarningFinding[] };

/**
 * IAM's default character quotas (whitespace not counted), IAM User Guide "IAM and AWS STS quotas":
 * managed policy 6,144; inline policies per user 2,048, per role 10,240 (aggregate); role trust
 * policy 2,048 (raisable to 4,096); session policies 2,048 (plain text, before packing).
 */
export const POLICY_SIZE_LIMITS = {
  managed: 6144,
  userInline: 2048,
  roleInline: 10240,
  trust: 2048,
  session: 2048,
} as const;

const TOP_ELEMENTS = ['Version', 'Id', 'Statement'] as const;
const STATEMENT_ELEMENTS = [
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
] as const;
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];
/** Actions a role trust policy may name (IAM refuses others in AssumeRolePolicyDocument). */
const TRUST_ACTIONS = [
  'sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithwebidentity', 'sts:tagsession',
  'sts:setsourceidentity', 'sts:setcontext',
];

/** Counts characters as IAM's size quotas do: whitespace outside string literals is free. */
export function policySize(text: string): number {
  let size = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      size++;
      if (c === '\\') {
        size++;
        i++;
      } else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      size++;
    } else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') size++;
  }
  return size;
}

function typeName(node: JsonNode): string {
  return node.kind;
}

class Validator {
  readonly errors: PolicyErrorFinding[] = [];
  readonly warnings: PolicyWarningFinding[] = [];
  variables = false;

  constructor(
    readonly text: string,
    readonly options: ParseOptions,
  ) {}

  error(...args: Parameters<typeof policyError>): void {
    this.errors.push(policyError(...args));
  }

  warn(...args: Parameters<typeof policyWarning>): void {
    this.warnings.push(policyWarning(...args));
  }

  /** A string, or a non-empty array of strings (IAM: "brackets are optional" for one value). */
  stringList(node: JsonNode, path: string, element: string): string[] | undefined {
    if (node.kind === 'string') return [node.value];
    if (node.kind === 'array') {
      if (node.items.length === 0) {
        this.error(
          element.endsWith('Action') ? 'ERR_POLICY_ACTION_MISSING' : 'ERR_POLICY_RESOURCE_MISSING',
          path,
          `\`${element}\` is an empty list`,
        );
        return undefined;
      }
      const out: string[] = [];
      node.items.forEach((item, i) => {
        if (item.kind === 'string') out.push(item.value);
        else this.error('ERR_POLICY_STATEMENT', `${path}[${i}]`, `\`${element}\` entries must be strings, not ${typeName(item)}`);
      });
      return out;
    }
    this.error('ERR_POLICY_STATEMENT', path, `\`${element}\` must be a string or a list of strings, not ${typeName(node)}`);
    return undefined;
  }

  checkVariables(value: string, path: string, allowed: boolean): void {
    if (!value.includes('${')) return;
    if (!this.variables) {
      this.warn(
        'WARN_VARIABLE_LITERAL',
        path,
        `\`${value}\` contains \`\${…}\` but the policy's Version is not \`2012-10-17\`: IAM reads it as literal text`,
      );
      return;
    }
    const problems: TemplateProblem[] = [];
    const t = parseTemplate(value, true, problems);
    // In a condition a malformed variable makes the condition fail closed (condition.ts); in a
    // Resource it stays literal text, as IAM reads text that is not a variable.
    const inCondition = path.includes('.Condition.');
    for (const p of problems) {
      this.warn('WARN_VARIABLE_SYNTAX', path, inCondition ? p.message.replace(': the text stays literal', ': the condition always fails closed') : p.message);
    }
    if (t.hasVariables && !allowed) {
      this.warn('WARN_VARIABLE_POSITION', path, `policy variables are not substituted here: \`${value}\` is compared as literal text`);
    }
  }

  action(value: string, path: string): void {
    if (value === '*') return;
    const parts = value.split(':');
    if (parts.length === 1) {
      this.error('ERR_POLICY_ACTION_VENDOR', path, `action \`${value}\` has no service prefix (\`ec2:StopInstances\`)`);
      return;
    }
    if (parts.length > 2) {
      this.error('ERR_POLICY_ACTION_COLON', path, `action \`${value}\` has more than one \`:\``);
      return;
    }
    const vendor = parts[0] as string;
    if (vendor !== '*' && !/^[a-zA-Z0-9.-]+$/.test(vendor)) {
      this.error('ERR_POLICY_VENDOR_INVALID', path, `service prefix \`${vendor}\` of action \`${value}\` is not valid`, { vendor });
    }
    if (this.options.kind === 'trust') {
      const lower = value.toLowerCase();
      const ok = lower === '*' || TRUST_ACTIONS.some((a) => globLike(lower, a));
      if (!ok) this.error('ERR_POLICY_TRUST_ACTION', path, `a trust policy cannot grant \`${value}\``);
    }
  }

  resource(value: string, path: string): void {
    this.checkVariables(value, path, true);
    if (value === '*') return;
    const parts = value.split(':');
    if (parts.length < 3 || (parts[0] !== 'arn' && parts[0] !== '*')) {
      this.error('ERR_POLICY_RESOURCE_FORMAT', path, `resource \`${value}\` is neither an ARN nor \`*\``, { resource: value });
      return;
    }
    const partition = parts[1] as string;
    if (!partition.includes('*') && !partition.includes('?') && !PARTITIONS.includes(partition)) {
      this.error('ERR_POLICY_RESOURCE_PARTITION', path, `resource \`${value}\` names an unknown partition \`${partition}\``, {
        partition,
        resource: value,
      });
      return;
    }
    const service = parts[2] as string;
    if (service === '' || /[*?]/.test(service)) {
      this.error('ERR_POLICY_RESOURCE_VENDOR', path, `resource \`${value}\` must name its service without wildcards`);
      return;
    }
    if (parts.length < 6 && value.includes('::')) {
      this.error('ERR_POLICY_RESOURCE_FORMAT', path, `resource \`${value}\` has fewer than six ARN components`, { resource: value });
      return;
    }
    if (this.variables && value.includes('${')) {
      const prefix = parts.slice(0, 5).join(':');
      if (prefix.includes('${')) {
        this.warn('WARN_VARIABLE_POSITION', path, `IAM substitutes policy variables only in the resource part of an ARN: \`${value}\``);
      }
    }
  }

  principal(node: JsonNode, path: string, negated: boolean): PrincipalNode | undefined {
    if (node.kind === 'string') {
      if (node.value === '*') return { negated, wildcard: true, entries: [] };
      this.error('ERR_POLICY_PRINCIPAL_INVALID', path, `principal \`${node.value}\` must be \`*\` or an object such as \`{"AWS": …}\``, {
        principal: node.value,
      });
      return undefined;
    }
    if (node.kind !== 'object' || node.entries.length === 0) {
      this.error('ERR_POLICY_PRINCIPAL_INVALID', path, 'a principal must be `*` or a non-empty object', { principal: this.text.slice(node.start, node.end) });
      return undefined;
    }
    const entries: { type: PrincipalType; value: string }[] = [];
    for (const e of node.entries) {
      const p = `${path}.${e.key}`;
      if (!(PRINCIPAL_TYPES as readonly string[]).includes(e.key)) {
        this.error('ERR_POLICY_PRINCIPAL_INVALID', p, `unknown principal type \`${e.key}\` (expected AWS, Federated, Service or CanonicalUser)`, {
          principal: `"${e.key}"`,
        });
        continue;
      }
      const type = e.key as PrincipalType;
      const values = this.stringList(e.value, p, `${path.split('.').pop() ?? 'Principal'}.${type}`);
      if (values === undefined) continue;
      values.forEach((v, i) => {
        const vp = e.value.kind === 'array' ? `${p}[${i}]` : p;
        const problem = principalProblem(type, v);
        if (problem !== undefined) {
          this.error('ERR_POLICY_PRINCIPAL_INVALID', vp, `principal \`${type}\` \`${v}\` ${problem}`, { principal: `"${type}":"${v}"` });
        } else entries.push({ type, value: v });
      });
    }
    return { negated, wildcard: false, entries };
  }

  condition(node: JsonNode, path: string): ConditionNode[] {
    if (node.kind !== 'object') {
      this.error('ERR_POLICY_CONDITION', path, `\`Condition\` must be an object, not ${typeName(node)}`);
      return [];
    }
    const out: ConditionNode[] = [];
    for (const opEntry of node.entries) {
      const opPath = `${path}.${opEntry.key}`;
      const parsed = parseOperator(opEntry.key);
      if (parsed === undefined) {
        const hint = closest(opEntry.key.replace(/^For(All|Any)Values?:/, '').replace(/IfExists$/, ''), operatorNames());
        this.error(
          'ERR_POLICY_CONDITION_OPERATOR',
          opPath,
          `unknown condition operator \`${opEntry.key}\`${hint === undefined ? '' : `: did you mean \`${hint}\`?`}`,
        );
        continue;
      }
      if (opEntry.value.kind !== 'object') {
        this.error('ERR_POLICY_CONDITION', opPath, `condition operator \`${opEntry.key}\` must map keys to values, not ${typeName(opEntry.value)}`);
        continue;
      }
      for (const keyEntry of opEntry.value.entries) {
        const keyPath = `${opPath}.${keyEntry.key}`;
        const key = keyEntry.key;
        if (!key.includes(':')) {
          this.error('ERR_POLICY_ACTION_VENDOR', keyPath, `condition key \`${key}\` has no service prefix (\`aws:\`, \`ec2:\`…)`);
          continue;
        }
        const values = this.conditionValues(keyEntry.value, keyPath);
        if (values === undefined) continue;
        const family = parsed.spec.positive.family;
        values.forEach((v, i) => {
          const vp = keyEntry.value.kind === 'array' ? `${keyPath}[${i}]` : keyPath;
          this.checkVariables(v, vp, parsed.spec.positive.variables);
          if (family === 'Date' && readDate(v) === undefined) {
            this.error('ERR_POLICY_DATE_VALUE', vp, `\`${v}\` is not a date IAM reads (ISO 8601 or epoch seconds)`);
            return;
          }
          const compiled = parsed.spec.positive.compile(parseTemplate(v, this.variables && parsed.spec.positive.variables));
          if ('error' in compiled) {
            this.warn('WARN_OPERATOR_VALUE', vp, `\`${opEntry.key}\` cannot read ${compiled.error}: the condition always fails closed`);
          }
        });
        out.push({ operator: opEntry.key, key, values, path: keyPath });
      }
    }
    return out;
  }

  conditionValues(node: JsonNode, path: string): string[] | undefined {
    const scalar = (n: JsonNode): string | undefined => {
      if (n.kind === 'string') return n.value;
      if (n.kind === 'number') return n.raw;
      if (n.kind === 'boolean') return String(n.value);
      return undefined;
    };
    if (node.kind === 'array') {
      const out: string[] = [];
      for (let i = 0; i < node.items.length; i++) {
        const v = scalar(node.items[i] as JsonNode);
        if (v === undefined) {
          this.error('ERR_POLICY_CONDITION', `${path}[${i}]`, 'condition values must be strings, numbers or booleans');
          return undefined;
        }
        out.push(v);
      }
      return out;
    }
    const v = scalar(node);
    if (v === undefined) {
      this.error('ERR_POLICY_CONDITION', path, `a condition value must be a string, number, boolean or a list of them, not ${typeName(node)}`);
      return undefined;
    }
    return [v];
  }

  statement(node: JsonNode, index: number, path: string): StatementNode | undefined {
    if (node.kind !== 'object') {
      this.error('ERR_POLICY_STATEMENT', path, `a statement must be an object, not ${typeName(node)}`);
      return undefined;
    }
    const kind = this.options.kind;
    const field = new Map<string, JsonNode>();
    for (const e of node.entries) {
      if (!(STATEMENT_ELEMENTS as readonly string[]).includes(e.key)) {
        const hint = closest(e.key, STATEMENT_ELEMENTS);
        this.error('ERR_POLICY_ELEMENT', `${path}.${e.key}`, `unknown statement element \`${e.key}\`${hint === undefined ? '' : `: did you mean \`${hint}\`?`}`);
      } else field.set(e.key, e.value);
    }
    const errorsBefore = this.errors.length;
    for (const [a, b] of [['Action', 'NotAction'], ['Resource', 'NotResource'], ['Principal', 'NotPrincipal']] as const) {
      if (field.has(a) && field.has(b)) this.error('ERR_POLICY_ELEMENT', path, `a statement cannot have both \`${a}\` and \`${b}\``);
    }

    let sid: string | undefined;
    const sidNode = field.get('Sid');
    if (sidNode !== undefined) {
      if (sidNode.kind !== 'string') this.error('ERR_POLICY_STATEMENT', `${path}.Sid`, '`Sid` must be a string');
      else {
        sid = sidNode.value;
        // IAM identity-based policies allow only ASCII letters and digits in Sid.
        if ((kind === 'identity' || kind === 'boundary' || kind === 'session') && !/^[0-9A-Za-z]*$/.test(sid)) {
          this.error('ERR_POLICY_SID', `${path}.Sid`, `statement id \`${sid}\` may contain only letters and digits`);
        }
      }
    }

    let effect: Effect | undefined;
    const effectNode = field.get('Effect');
    if (effectNode === undefined) this.error('ERR_POLICY_EFFECT', path, 'statement has no `Effect`');
    else if (effectNode.kind !== 'string') this.error('ERR_POLICY_EFFECT', `${path}.Effect`, '`Effect` must be `Allow` or `Deny`');
    else if (effectNode.value === 'Allow' || effectNode.value === 'Deny') effect = effectNode.value;
    else if (/^(allow|deny)$/i.test(effectNode.value)) {
      // IAM: "The Effect element is case sensitive".
      this.error('ERR_POLICY_EFFECT_CASE', `${path}.Effect`, `\`Effect\` is case-sensitive: write \`${effectNode.value[0]?.toUpperCase()}${effectNode.value.slice(1).toLowerCase()}\`, not \`${effectNode.value}\``);
    } else this.error('ERR_POLICY_EFFECT', `${path}.Effect`, `\`Effect\` must be \`Allow\` or \`Deny\`, not \`${effectNode.value}\``);

    let principal: PrincipalNode | undefined;
    const pNode = field.get('Principal') ?? field.get('NotPrincipal');
    const pName = field.has('Principal') ? 'Principal' : 'NotPrincipal';
    if (pNode !== undefined) {
      if (kind === 'identity' || kind === 'session' || kind === 'boundary') {
        this.error('ERR_POLICY_PRINCIPAL_PROHIBITED', `${path}.${pName}`, `a ${kind} policy cannot name a principal: \`${pName}\` belongs in resource-based and trust policies`);
      } else if (pName === 'NotPrincipal' && kind === 'trust') {
        this.error('ERR_POLICY_NOT_PRINCIPAL_PROHIBITED', `${path}.NotPrincipal`, 'a role trust policy cannot use `NotPrincipal`');
      } else if (pName === 'NotPrincipal' && effect === 'Allow') {
        // IAM: "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is
        // not supported." Accepting it would grant every caller not listed, anonymous ones included.
        this.error('ERR_POLICY_NOT_PRINCIPAL_PROHIBITED', `${path}.NotPrincipal`, '`NotPrincipal` can only be used with `"Effect": "Deny"`');
      } else principal = this.principal(pNode, `${path}.${pName}`, pName === 'NotPrincipal');
    } else if (kind === 'resource' || kind === 'trust') {
      this.error('ERR_POLICY_PRINCIPAL_MISSING', path, `a ${kind === 'trust' ? 'trust' : 'resource-based'} policy statement must name a \`Principal\``);
    }

    let action: StatementNode['action'] | undefined;
    const aName = field.has('Action') ? 'Action' : 'NotAction';
    const aNode = field.get(aName);
    if (aNode === undefined) this.error('ERR_POLICY_ACTION_MISSING', path, 'statement has neither `Action` nor `NotAction`');
    else {
      const patterns = this.stringList(aNode, `${path}.${aName}`, aName);
      if (patterns !== undefined) {
        patterns.forEach((a, i) => this.action(a, aNode.kind === 'array' ? `${path}.${aName}[${i}]` : `${path}.${aName}`));
        action = { negated: aName === 'NotAction', patterns };
      }
    }

    let resource: StatementNode['resource'];
    const rName = field.has('Resource') ? 'Resource' : 'NotResource';
    const rNode = field.get(rName);
    if (kind === 'trust') {
      if (rNode !== undefined) this.error('ERR_POLICY_RESOURCE_PROHIBITED', `${path}.${rName}`, `a trust policy cannot name a \`${rName}\`: the role itself is the resource`);
    } else if (rNode === undefined) {
      this.error('ERR_POLICY_RESOURCE_MISSING', path, 'statement has neither `Resource` nor `NotResource`');
    } else {
      const patterns = this.stringList(rNode, `${path}.${rName}`, rName);
      if (patterns !== undefined) {
        patterns.forEach((r, i) => this.resource(r, rNode.kind === 'array' ? `${path}.${rName}[${i}]` : `${path}.${rName}`));
        resource = { negated: rName === 'NotResource', patterns };
      }
    }

    const cNode = field.get('Condition');
    const conditions = cNode === undefined ? [] : this.condition(cNode, `${path}.Condition`);

    if (this.errors.length > errorsBefore || effect === undefined || action === undefined) return undefined;
    return { index, path, sid, effect, principal, action, resource, conditions, span: { start: node.start, end: node.end } };
  }

  document(root: JsonNode): PolicyDocument | undefined {
    if (root.kind !== 'object') {
      this.error('ERR_POLICY_JSON', '', `a policy must be a JSON object, not ${typeName(root)}`);
      return undefined;
    }
    const top = new Map<string, JsonNode>();
    for (const e of root.entries) {
      if (!(TOP_ELEMENTS as readonly string[]).includes(e.key)) {
        const hint = closest(e.key, TOP_ELEMENTS);
        this.error('ERR_POLICY_TOP_ELEMENT', e.key, `unknown policy element \`${e.key}\`${hint === undefined ? '' : `: did you mean \`${hint}\`?`}`);
      } else top.set(e.key, e.value);
    }
    let version: PolicyVersion | undefined;
    const vNode = top.get('Version');
    if (vNode !== undefined) {
      if (vNode.kind === 'string' && (POLICY_VERSIONS as readonly string[]).includes(vNode.value)) version = vNode.value as PolicyVersion;
      else this.error('ERR_POLICY_VERSION', 'Version', `\`Version\` must be \`2012-10-17\` or \`2008-10-17\`, not \`${vNode.kind === 'string' ? vNode.value : this.text.slice(vNode.start, vNode.end)}\``);
    }
    if (this.options.requireCurrentVersion === true && version !== '2012-10-17' && vNode?.kind !== 'string') {
      this.error('ERR_POLICY_VERSION_REQUIRED', 'Version', 'a managed policy must declare `"Version": "2012-10-17"`');
    } else if (this.options.requireCurrentVersion === true && version === '2008-10-17') {
      this.error('ERR_POLICY_VERSION_REQUIRED', 'Version', 'a managed policy must declare `"Version": "2012-10-17"`, not `2008-10-17`');
    }
    this.variables = version === '2012-10-17';
    let id: string | undefined;
    const idNode = top.get('Id');
    if (idNode !== undefined) {
      if (idNode.kind === 'string') id = idNode.value;
      else this.error('ERR_POLICY_ID', 'Id', '`Id` must be a string');
    }
    const sNode = top.get('Statement');
    const statements: StatementNode[] = [];
    if (sNode === undefined) this.error('ERR_POLICY_STATEMENT', '', 'policy has no `Statement`');
    else if (sNode.kind === 'object') {
      const s = this.statement(sNode, 0, 'Statement');
      if (s !== undefined) statements.push(s);
    } else if (sNode.kind === 'array') {
      if (sNode.items.length === 0) this.error('ERR_POLICY_STATEMENT', 'Statement', '`Statement` is an empty list');
      sNode.items.forEach((item, i) => {
        const s = this.statement(item, i, `Statement[${i}]`);
        if (s !== undefined) statements.push(s);
      });
    } else this.error('ERR_POLICY_STATEMENT', 'Statement', `\`Statement\` must be an object or a list of objects, not ${typeName(sNode)}`);

    const sids = new Map<string, number>();
    for (const s of statements) {
      if (s.sid === undefined || s.sid === '') continue;
      if (sids.has(s.sid)) this.error('ERR_POLICY_SID_DUPLICATE', `${s.path}.Sid`, `statement id \`${s.sid}\` is also used by statement ${(sids.get(s.sid) as number) + 1}`);
      else sids.set(s.sid, s.index);
    }
    if (this.errors.length > 0) return undefined;
    return { kind: this.options.kind, version, id, statements, source: this.text };
  }
}

function globLike(value: string, target: string): boolean {
  // Does the action pattern `value` (with * and ?) cover `target`? Small inputs; no RegExp.
  const m = (i: number, j: number): boolean => {
    if (i === value.length) return j === target.length;
    const c = value[i];
    if (c === '*') return m(i + 1, j) || (j < target.length && m(i, j + 1));
    if (j === target.length) return false;
    return (c === '?' || c === target[j]) && m(i + 1, j + 1);
  };
  return m(0, 0);
}

const ACCOUNT = /^\d{12}$/;
const AWS_PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:(?:iam::\d{12}:(?:root|user\/.+|role\/.+|federated-user\/.+)|sts::\d{12}:(?:assumed-role\/[^/]+\/.+|federated-user\/.+))$/;
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;
const FEDERATED_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(?:saml-provider|oidc-provider)\/.+$/;
const DOMAIN = /^[a-z0-9][a-z0-9.-]*[a-z0-9](?:\/[\x21-\x7e]+)?$/i;

/** Why a principal entry is not valid, or undefined. IAM refuses partial wildcards in principals. */
function principalProblem(type: PrincipalType, v: string): string | undefined {
  switch (type) {
    case 'AWS':
      if (v === '*' || ACCOUNT.test(v) || UNIQUE_ID.test(v)) return undefined;
      if (v.includes('*') || v.includes('?')) return 'uses a wildcard: only a lone `*` is allowed';
      return AWS_PRINCIPAL_ARN.test(v) ? undefined : 'is not an account id, or a user, role, session or root ARN';
    case 'Federated':
      if (v.includes('*')) return 'uses a wildcard';
      return FEDERATED_ARN.test(v) || (DOMAIN.test(v) && !v.startsWith('arn:')) ? undefined : 'is not a SAML or OIDC provider ARN or an identity provider domain';
    case 'Service':
      return v !== '*' && DOMAIN.test(v) ? undefined : 'is not a service principal such as `ec2.amazonaws.com`';
    case 'CanonicalUser':
      return /^[0-9a-f]{64}$/i.test(v) ? undefined : 'is not a 64-character canonical user id';
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** Parses and validates `text` as an IAM policy of `options.kind`. */
export function parsePolicy(text: string, options: ParseOptions): ParseResult {
  const v = new Validator(text, options);
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const at = lineColumn(text, e.offset);
    v.error('ERR_POLICY_JSON', '', `invalid JSON at line ${at.line} column ${at.column}: ${e.message}`);
    return { ok: false, errors: v.errors, warnings: v.warnings };
  }
  if (options.maxSize !== undefined) {
    const size = policySize(text);
    if (size > options.maxSize) {
      v.error('ERR_POLICY_SIZE', '', `policy is ${size} characters (whitespace not counted), over the quota of ${options.maxSize}`, {
        limit: String(options.maxSize),
      });
    }
  }
  const document = v.document(root);
  if (document === undefined || v.errors.length > 0) return { ok: false, errors: v.errors, warnings: v.warnings };
  return { ok: true, document, warnings: v.warnings };
}
