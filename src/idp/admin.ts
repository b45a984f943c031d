// The IdP's service-layer admin API (Auth0's Management API, reference/auth0.md §8.1, in-process):
// users of the database connection (passwords hashed here), applications with the SAML2 add-on
// (settings validated as Auth0 validates them), rules, the rules configuration and post-login Actions
// (values sealed here), trigger bindings, the tenant log. Used by tests, the scenario loader and the
// CLI. It validates before the store sees anything, and never returns or logs a secret in clear.

import { createHash } from 'node:crypto';
import type { Clock } from '../kernel/index.js';
import { certificateToDer } from '../saml/keys.js';
import type { Sealer } from '../services/sealer.js';
import {
  isIdpStoreError,
  isStoreError,
  type Action,
  type ActionRuntime,
  type Application,
  type ApplicationUpdate,
  type IdpUser,
  type IdpUserUpdate,
  type JsonObject,
  type Page,
  type PageRequest,
  type Rule,
  type RuleUpdate,
  type Store,
  type Tenant,
  type TenantLogEntry,
} from '../store/index.js';
import { hashPassword, PasswordPolicyError } from './password.js';
import { addonSettingsToJson, parseAddonSettings } from './saml/index.js';
import { IdpError, invalid, type IdpIssue } from './errors.js';
import { newActionId, newClientId, newRuleId, newUserId } from './ids.js';
import { MAX_EMAIL_LENGTH } from './limits.js';
import type { TenantLog } from './log.js';
import { SEAL_AAD, sealValue } from './secrets.js';
import { DATABASE_CONNECTION } from './tenant.js';

/** Auth0: a rule or an Action is at most 100 kB (S-bp, S-lim); the sandbox refuses more too. */
export const MAX_SCRIPT_CHARS = 100_000;
/** Auth0 Actions limits (S-lim): ≤ 30 secrets, name ≤ 128 characters, value ≤ 4096. */
export const MAX_ACTION_SECRETS = 30;
export const MAX_SECRET_NAME_CHARS = 128;
export const MAX_SECRET_VALUE_CHARS = 4096;
/** Rules configuration values, as Action secrets. */
export const MAX_RULES_CONFIG_VALUE_CHARS = 4096;
/** Auth0's rule name pattern (Management API `POST /rules`). */
const RULE_NAME = /^[^-\s][a-zA-Z0-9-\s]+[^-\s]$/;
/** Auth0's rules-configs key pattern. */
const RULES_CONFIG_KEY = /^[A-Za-z0-9_\-@*+:]{1,127}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const CLIENT_ID = /^[A-Za-z0-9]{1,64}$/;

export interface NewUserInput {
  readonly email: string;
  readonly password: string;
  readonly emailVerified?: boolean;
  readonly name?: string;
  readonly nickname?: string;
  readonly picture?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly appMetadata?: JsonObject;
  readonly userMetadata?: JsonObject;
  readonly blocked?: boolean;
  /** A fixed `auth0|…` id (imports); generated otherwise. */
  readonly userId?: string;
}

export interface UserPatch {
  readonly email?: string;
  readonly password?: string;
  readonly emailVerified?: boolean;
  readonly name?: string;
  readonly nickname?: string;
  readonly picture?: string;
  readonly givenName?: string | null;
  readonly familyName?: string | null;
  readonly appMetadata?: JsonObject;
  readonly userMetadata?: JsonObject;
  readonly blocked?: boolean;
}

export interface NewApplicationInput {
  readonly name: string;
  /** `callbacks[0]` is the add-on's Application Callback URL; every ACS must be listed (auth0.md §2.3). */
  readonly callbacks: readonly string[];
  readonly allowedLogoutUrls?: readonly string[];
  /** `samlp`: the add-on settings, as a JSON object or as the dashboard's settings text. */
  readonly addons?: { readonly samlp?: unknown };
  readonly clientMetadata?: Readonly<Record<string, string>>;
  /** A fixed client id (scenarios); 32 random alphanumerics otherwise. */
  readonly clientId?: string;
}

export interface ApplicationPatch {
  readonly name?: string;
  readonly callbacks?: readonly string[];
  readonly allowedLogoutUrls?: readonly string[];
  readonly addons?: { readonly samlp?: unknown };
  readonly clientMetadata?: Readonly<Record<string, string>>;
}

export interface NewRuleInput {
  readonly name: string;
  /** `function (user, context, callback) { … }`, stored byte for byte. */
  readonly script: string;
  /** Lower runs first; absent = last (Auth0). */
  readonly order?: number;
  readonly enabled?: boolean;
}

export interface NewActionInput {
  readonly name: string;
  readonly code: string;
  readonly runtime?: ActionRuntime;
  readonly secrets?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** Bound into the post-login flow (default true: a scenario's Actions run). */
  readonly bound?: boolean;
  /** Position in the flow; absent = last. */
  readonly order?: number;
}

export interface ActionPatch {
  readonly name?: string;
  readonly code?: string;
  readonly runtime?: ActionRuntime;
  /** Replaces every secret. */
  readonly secrets?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface AdminDeps {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly tenant: Tenant;
  /** The tenant log writer, flushed before the log is read. */
  readonly log?: TenantLog;
}

/** Auth0's default picture for a database user: Gravatar with the initials fallback. */
export function defaultPicture(email: string): string {
  const md5 = createHash('md5').update(email.trim().toLowerCase(), 'utf8').digest('hex');
  const initials = email.replace(/[^A-Za-z]/g, '').slice(0, 2).toLowerCase() || 'xx';
  return `https://s.gravatar.com/avatar/${md5}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F${initials}.png`;
}

export class IdpAdmin {
  constructor(private readonly deps: AdminDeps) {}

  private get tenantId(): string {
    return this.deps.tenant.tenantId;
  }

  // ------------------------------------------------------------------ users

  /** Auth0 `POST /api/v2/users` for the database connection: name = email, nickname = local part by default. */
  async createUser(input: NewUserInput): Promise<IdpUser> {
    const issues: IdpIssue[] = [];
    const email = checkEmail(input.email, issues);
    if (input.userId !== undefined && !/^auth0\|[A-Za-z0-9_-]{1,64}$/.test(input.userId)) issues.push({ path: 'userId', message: 'must be `auth0|` followed by up to 64 letters, digits, `_` or `-`' });
    checkMetadata(input.appMetadata, 'appMetadata', issues);
    checkMetadata(input.userMetadata, 'userMetadata', issues);
    if (issues.length > 0) throw invalid(issues);
    const passwordHash = await this.hash(input.password);
    const now = this.deps.clock.now();
    try {
      return await this.deps.store.idp.idpUsers.create({
        userId: input.userId ?? newUserId(),
        tenantId: this.tenantId,
        connection: DATABASE_CONNECTION,
        email,
        emailVerified: input.emailVerified ?? false,
        passwordHash,
        name: input.name ?? email,
        nickname: input.nickname ?? email.slice(0, email.indexOf('@')),
        picture: input.picture ?? defaultPicture(email),
        ...(input.givenName === undefined ? {} : { givenName: input.givenName }),
        ...(input.familyName === undefined ? {} : { familyName: input.familyName }),
        appMetadata: input.appMetadata ?? {},
        userMetadata: input.userMetadata ?? {},
        blocked: input.blocked ?? false,
        createDate: now,
        updateDate: now,
      });
    } catch (e) {
      throw storeError(e, 'user');
    }
  }

  async getUser(userId: string): Promise<IdpUser | undefined> {
    const user = await this.deps.store.idp.idpUsers.get(userId);
    return user?.tenantId === this.tenantId ? user : undefined;
  }

  async getUserByEmail(email: string): Promise<IdpUser | undefined> {
    return this.deps.store.idp.idpUsers.getByEmail(this.tenantId, DATABASE_CONNECTION, email);
  }

  /** Auth0 `PATCH /api/v2/users/{id}`; a new password or a block ends the user's sessions (C4). */
  async updateUser(userId: string, patch: UserPatch): Promise<IdpUser> {
    await this.requireUser(userId);
    const issues: IdpIssue[] = [];
    const email = patch.email === undefined ? undefined : checkEmail(patch.email, issues);
    checkMetadata(patch.appMetadata, 'appMetadata', issues);
    checkMetadata(patch.userMetadata, 'userMetadata', issues);
    if (issues.length > 0) throw invalid(issues);
    const passwordHash = patch.password === undefined ? undefined : await this.hash(patch.password);
    const update: IdpUserUpdate = {
      ...(email === undefined ? {} : { email }),
      ...(passwordHash === undefined ? {} : { passwordHash }),
      ...(patch.emailVerified === undefined ? {} : { emailVerified: patch.emailVerified }),
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.nickname === undefined ? {} : { nickname: patch.nickname }),
      ...(patch.picture === undefined ? {} : { picture: patch.picture }),
      ...(patch.givenName === undefined ? {} : { givenName: patch.givenName }),
      ...(patch.familyName === undefined ? {} : { familyName: patch.familyName }),
      ...(patch.appMetadata === undefined ? {} : { appMetadata: patch.appMetadata }),
      ...(patch.userMetadata === undefined ? {} : { userMetadata: patch.userMetadata }),
      ...(patch.blocked === undefined ? {} : { blocked: patch.blocked }),
      updateDate: this.deps.clock.now(),
    };
    try {
      const user = await this.deps.store.idp.idpUsers.update(userId, update);
      if (passwordHash !== undefined || patch.blocked === true) await this.deps.store.idp.idpSessions.deleteByUser(userId);
      return user;
    } catch (e) {
      throw storeError(e, 'user');
    }
  }

  async deleteUser(userId: string): Promise<void> {
    await this.requireUser(userId);
    await this.deps.store.idp.idpUsers.delete(userId);
  }

  async listUsers(request?: PageRequest): Promise<Page<IdpUser>> {
    return this.deps.store.idp.idpUsers.list(this.tenantId, request);
  }

  // ------------------------------------------------------------------ applications

  /** Auth0 `POST /api/v2/clients` with `addons.samlp` (auth0.md §2.3, §8.1). */
  async createApplication(input: NewApplicationInput): Promise<Application> {
    const issues: IdpIssue[] = [];
    if (input.clientId !== undefined && !CLIENT_ID.test(input.clientId)) issues.push({ path: 'clientId', message: 'must be 1 to 64 letters and digits' });
    const name = checkName(input.name, issues);
    const callbacks = checkUrls(input.callbacks, 'callbacks', issues);
    const allowedLogoutUrls = checkUrls(input.allowedLogoutUrls ?? [], 'allowedLogoutUrls', issues);
    const samlp = checkAddon(input.addons?.samlp, issues);
    if (samlp !== undefined && Array.isArray(input.callbacks) && input.callbacks.length === 0) issues.push({ path: 'callbacks', message: 'the SAML2 add-on needs an Application Callback URL (`callbacks[0]`)' });
    const clientMetadata = checkClientMetadata(input.clientMetadata ?? {}, issues);
    if (issues.length > 0) throw invalid(issues);
    const now = this.deps.clock.now();
    try {
      return await this.deps.store.idp.applications.create({
        clientId: input.clientId ?? newClientId(),
        tenantId: this.tenantId,
        name,
        callbacks,
        allowedLogoutUrls,
        addons: samlp === undefined ? {} : { samlp },
        clientMetadata,
        createDate: now,
        updateDate: now,
      });
    } catch (e) {
      throw storeError(e, 'application');
    }
  }

  async getApplication(clientId: string): Promise<Application | undefined> {
    const app = await this.deps.store.idp.applications.get(clientId);
    return app?.tenantId === this.tenantId ? app : undefined;
  }

  async listApplications(): Promise<readonly Application[]> {
    return this.deps.store.idp.applications.list(this.tenantId);
  }

  async updateApplication(clientId: string, patch: ApplicationPatch): Promise<Application> {
    const current = await this.getApplication(clientId);
    if (current === undefined) throw new IdpError('ERR_IDP_NOT_FOUND', `application \`${clientId}\` not found`);
    const issues: IdpIssue[] = [];
    const update: Record<string, unknown> = { updateDate: this.deps.clock.now() };
    if (patch.name !== undefined) update['name'] = checkName(patch.name, issues);
    if (patch.callbacks !== undefined) update['callbacks'] = checkUrls(patch.callbacks, 'callbacks', issues);
    if (patch.allowedLogoutUrls !== undefined) update['allowedLogoutUrls'] = checkUrls(patch.allowedLogoutUrls, 'allowedLogoutUrls', issues);
    if (patch.addons !== undefined) {
      const samlp = checkAddon(patch.addons.samlp, issues);
      update['addons'] = samlp === undefined ? {} : { samlp };
    }
    if (patch.clientMetadata !== undefined) update['clientMetadata'] = checkClientMetadata(patch.clientMetadata, issues);
    const callbacks = (update['callbacks'] as readonly string[] | undefined) ?? current.callbacks;
    const addons = (update['addons'] as Application['addons'] | undefined) ?? current.addons;
    if (addons.samlp !== undefined && callbacks.length === 0) issues.push({ path: 'callbacks', message: 'the SAML2 add-on needs an Application Callback URL (`callbacks[0]`)' });
    if (issues.length > 0) throw invalid(issues);
    try {
      return await this.deps.store.idp.applications.update(clientId, update as unknown as ApplicationUpdate);
    } catch (e) {
      throw storeError(e, 'application');
    }
  }

  async deleteApplication(clientId: string): Promise<void> {
    if ((await this.getApplication(clientId)) === undefined) throw new IdpError('ERR_IDP_NOT_FOUND', `application \`${clientId}\` not found`);
    await this.deps.store.idp.applications.delete(clientId);
  }

  // ------------------------------------------------------------------ rules

  /** Auth0 `POST /api/v2/rules`. The script is not compiled here: a broken rule fails the logins it runs in (fail closed). */
  async createRule(input: NewRuleInput): Promise<Rule> {
    const issues: IdpIssue[] = [];
    checkRuleName(input.name, issues);
    checkScript(input.script, 'script', issues);
    if (input.order !== undefined && (!Number.isSafeInteger(input.order) || input.order < 0)) issues.push({ path: 'order', message: 'must be a non-negative integer' });
    if (issues.length > 0) throw invalid(issues);
    const now = this.deps.clock.now();
    try {
      return await this.deps.store.idp.rules.create({
        id: newRuleId(),
        tenantId: this.tenantId,
        name: input.name,
        ...(input.order === undefined ? {} : { order: input.order }),
        enabled: input.enabled ?? true,
        script: input.script,
        createDate: now,
        updateDate: now,
      });
    } catch (e) {
      throw storeError(e, 'rule');
    }
  }

  async updateRule(id: string, patch: Omit<RuleUpdate, 'updateDate'>): Promise<Rule> {
    const rule = await this.deps.store.idp.rules.get(id);
    if (rule?.tenantId !== this.tenantId) throw new IdpError('ERR_IDP_NOT_FOUND', `rule \`${id}\` not found`);
    const issues: IdpIssue[] = [];
    if (patch.name !== undefined) checkRuleName(patch.name, issues);
    if (patch.script !== undefined) checkScript(patch.script, 'script', issues);
    if (patch.order !== undefined && (!Number.isSafeInteger(patch.order) || patch.order < 0)) issues.push({ path: 'order', message: 'must be a non-negative integer' });
    if (issues.length > 0) throw invalid(issues);
    try {
      return await this.deps.store.idp.rules.update(id, { ...patch, updateDate: this.deps.clock.now() });
    } catch (e) {
      throw storeError(e, 'rule');
    }
  }

  async deleteRule(id: string): Promise<void> {
    const rule = await this.deps.store.idp.rules.get(id);
    if (rule?.tenantId !== this.tenantId) throw new IdpError('ERR_IDP_NOT_FOUND', `rule \`${id}\` not found`);
    await this.deps.store.idp.rules.delete(id);
  }

  async listRules(): Promise<readonly Rule[]> {
    return this.deps.store.idp.rules.list(this.tenantId);
  }

  /** Auth0 `PUT /api/v2/rules-configs/{key}`: the value is sealed before the store sees it. */
  async setRulesConfig(key: string, value: string): Promise<void> {
    const issues: IdpIssue[] = [];
    if (typeof key !== 'string' || !RULES_CONFIG_KEY.test(key)) issues.push({ path: 'key', message: 'must be 1 to 127 of letters, digits and `_-@*+:`' });
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RULES_CONFIG_VALUE_CHARS) {
      issues.push({ path: 'value', message: `must be a string of 1 to ${MAX_RULES_CONFIG_VALUE_CHARS} characters` });
    }
    if (issues.length > 0) throw invalid(issues);
    await this.deps.store.idp.rulesConfig.set(this.tenantId, { key, valueSealed: sealValue(this.deps.sealer, SEAL_AAD.rulesConfig(this.tenantId, key), value) });
  }

  async deleteRulesConfig(key: string): Promise<void> {
    try {
      await this.deps.store.idp.rulesConfig.delete(this.tenantId, key);
    } catch (e) {
      throw storeError(e, 'rules configuration key');
    }
  }

  /** Keys only, as Auth0's `GET /rules-configs`. */
  async listRulesConfigKeys(): Promise<readonly string[]> {
    return this.deps.store.idp.rulesConfig.listKeys(this.tenantId);
  }

  // ------------------------------------------------------------------ actions

  /** Auth0 `POST /api/v2/actions/actions` (+ deploy + binding, by default): secrets sealed per Action. */
  async createAction(input: NewActionInput): Promise<Action> {
    const issues: IdpIssue[] = [];
    checkName(input.name, issues);
    checkScript(input.code, 'code', issues);
    if (input.order !== undefined && (!Number.isSafeInteger(input.order) || input.order < 1)) issues.push({ path: 'order', message: 'must be a positive integer' });
    const bound = input.bound ?? true;
    if (input.order !== undefined && !bound) issues.push({ path: 'order', message: 'only a bound Action has an order' });
    checkSecrets(input.secrets ?? [], issues);
    if (issues.length > 0) throw invalid(issues);
    const id = newActionId();
    const now = this.deps.clock.now();
    try {
      return await this.deps.store.idp.actions.create({
        id,
        tenantId: this.tenantId,
        name: input.name,
        code: input.code,
        runtime: input.runtime ?? 'node22',
        secrets: this.sealSecrets(id, input.secrets ?? []),
        bound,
        ...(input.order === undefined ? {} : { order: input.order }),
        createDate: now,
        updateDate: now,
      });
    } catch (e) {
      throw storeError(e, 'action');
    }
  }

  async updateAction(id: string, patch: ActionPatch): Promise<Action> {
    const action = await this.deps.store.idp.actions.get(id);
    if (action?.tenantId !== this.tenantId) throw new IdpError('ERR_IDP_NOT_FOUND', `action \`${id}\` not found`);
    const issues: IdpIssue[] = [];
    if (patch.name !== undefined) checkName(patch.name, issues);
    if (patch.code !== undefined) checkScript(patch.code, 'code', issues);
    if (patch.secrets !== undefined) checkSecrets(patch.secrets, issues);
    if (issues.length > 0) throw invalid(issues);
    try {
      return await this.deps.store.idp.actions.update(id, {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.code === undefined ? {} : { code: patch.code }),
        ...(patch.runtime === undefined ? {} : { runtime: patch.runtime }),
        ...(patch.secrets === undefined ? {} : { secrets: this.sealSecrets(id, patch.secrets) }),
        updateDate: this.deps.clock.now(),
      });
    } catch (e) {
      throw storeError(e, 'action');
    }
  }

  /** Auth0 `PATCH /actions/triggers/post-login/bindings`: exactly these Actions run, in this order. */
  async setPostLoginBindings(actionIds: readonly string[]): Promise<readonly Action[]> {
    if (new Set(actionIds).size !== actionIds.length) throw invalid([{ path: 'bindings', message: 'an Action is bound twice' }]);
    try {
      return await this.deps.store.idp.actions.setBindings(this.tenantId, actionIds, this.deps.clock.now());
    } catch (e) {
      throw storeError(e, 'action');
    }
  }

  async deleteAction(id: string): Promise<void> {
    const action = await this.deps.store.idp.actions.get(id);
    if (action?.tenantId !== this.tenantId) throw new IdpError('ERR_IDP_NOT_FOUND', `action \`${id}\` not found`);
    await this.deps.store.idp.actions.delete(id);
  }

  async listActions(): Promise<readonly Action[]> {
    return this.deps.store.idp.actions.list(this.tenantId);
  }

  // ------------------------------------------------------------------ logs

  /** Newest first (Auth0 `GET /api/v2/logs`). */
  async logs(request?: PageRequest): Promise<Page<TenantLogEntry>> {
    await this.deps.log?.flush();
    return this.deps.store.idp.tenantLogs.list(this.tenantId, request);
  }

  // ------------------------------------------------------------------ helpers

  private async requireUser(userId: string): Promise<IdpUser> {
    const user = await this.getUser(userId);
    if (user === undefined) throw new IdpError('ERR_IDP_NOT_FOUND', `user \`${userId}\` not found`);
    return user;
  }

  private async hash(password: string): Promise<string> {
    if (typeof password !== 'string') throw invalid([{ path: 'password', message: 'must be a string' }]);
    try {
      return await hashPassword(password);
    } catch (e) {
      if (e instanceof PasswordPolicyError) throw invalid([{ path: 'password', message: e.message }]);
      throw e;
    }
  }

  private sealSecrets(actionId: string, secrets: ReadonlyArray<{ readonly name: string; readonly value: string }>) {
    return secrets.map((s) => ({ name: s.name, valueSealed: sealValue(this.deps.sealer, SEAL_AAD.actionSecret(actionId, s.name), s.value) }));
  }
}

// ------------------------------------------------------------------ validation

function checkEmail(email: unknown, issues: IdpIssue[]): string {
  if (typeof email !== 'string' || email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    issues.push({ path: 'email', message: 'must be an email address' });
    return '';
  }
  return email;
}

function checkName(name: unknown, issues: IdpIssue[]): string {
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 256 || /[\u0000-\u001f\u007f]/.test(name)) {
    issues.push({ path: 'name', message: 'must be 1 to 256 printable characters' });
    return '';
  }
  return name;
}

function checkRuleName(name: unknown, issues: IdpIssue[]): void {
  if (typeof name !== 'string' || name.length > 256 || !RULE_NAME.test(name)) {
    issues.push({ path: 'name', message: 'must be letters, digits, spaces and `-`, not starting or ending with a space or `-` (Auth0)' });
  }
}

function checkScript(script: unknown, path: string, issues: IdpIssue[]): void {
  if (typeof script !== 'string' || script.length === 0 || script.length > MAX_SCRIPT_CHARS) {
    issues.push({ path, message: `must be a string of 1 to ${MAX_SCRIPT_CHARS} characters` });
  }
}

function checkMetadata(value: unknown, path: string, issues: IdpIssue[]): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path, message: 'must be a JSON object' });
    return;
  }
  // Auth0 (S-meta): metadata keys may not contain `.` or `$` (dot paths in mappings stay unambiguous).
  for (const key of Object.keys(value)) {
    if (key.includes('.') || key.includes('$') || key === '__proto__') issues.push({ path: `${path}.${key}`, message: 'a metadata key may not contain `.` or `$`' });
  }
}

function checkUrls(urls: unknown, path: string, issues: IdpIssue[]): string[] {
  if (!Array.isArray(urls)) {
    issues.push({ path, message: 'must be a list of URLs' });
    return [];
  }
  const out: string[] = [];
  urls.forEach((u, i) => {
    let ok = false;
    if (typeof u === 'string' && u.length <= 2048) {
      try {
        const url = new URL(u);
        // S45: the auto-post form's action and every redirect target must be http(s): no `javascript:`.
        ok = (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
      } catch {
        ok = false;
      }
    }
    if (ok) out.push(u as string);
    else issues.push({ path: `${path}[${i}]`, message: 'must be an absolute http or https URL without credentials' });
  });
  return out;
}

function checkClientMetadata(value: unknown, issues: IdpIssue[]): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    issues.push({ path: 'clientMetadata', message: 'must map strings to strings' });
    return {};
  }
  return { ...(value as Record<string, string>) };
}

/** The add-on settings as Auth0 validates them (src/idp/saml), stored as JSON; a text is stored normalised. */
function checkAddon(samlp: unknown, issues: IdpIssue[]): JsonObject | undefined {
  if (samlp === undefined) return undefined;
  const parsed = parseAddonSettings(samlp);
  if (!parsed.ok) {
    for (const e of parsed.errors) issues.push({ path: e.path === '' ? 'addons.samlp' : `addons.samlp.${e.path}`, message: e.message });
    return undefined;
  }
  if (parsed.settings.signingCert !== undefined) {
    try {
      certificateToDer(parsed.settings.signingCert);
    } catch {
      issues.push({ path: 'addons.samlp.signingCert', message: 'must be a PEM or base64 DER certificate' });
    }
  }
  const json = typeof samlp === 'string' ? addonSettingsToJson(parsed.settings) : samlp;
  return JSON.parse(JSON.stringify(json)) as JsonObject;
}

function checkSecrets(secrets: unknown, issues: IdpIssue[]): void {
  if (!Array.isArray(secrets)) {
    issues.push({ path: 'secrets', message: 'must be a list of `{name, value}`' });
    return;
  }
  if (secrets.length > MAX_ACTION_SECRETS) issues.push({ path: 'secrets', message: `at most ${MAX_ACTION_SECRETS} secrets` });
  const seen = new Set<string>();
  secrets.forEach((s: unknown, i) => {
    const secret = s as { name?: unknown; value?: unknown } | null;
    const name = secret?.name;
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_SECRET_NAME_CHARS || ['__proto__', 'constructor', 'prototype'].includes(name)) {
      issues.push({ path: `secrets[${i}].name`, message: `must be a string of 1 to ${MAX_SECRET_NAME_CHARS} characters` });
    } else if (seen.has(name)) issues.push({ path: `secrets[${i}].name`, message: `duplicate secret \`${name}\`` });
    else seen.add(name);
    if (typeof secret?.value !== 'string' || secret.value.length > MAX_SECRET_VALUE_CHARS) {
      issues.push({ path: `secrets[${i}].value`, message: `must be a string of at most ${MAX_SECRET_VALUE_CHARS} characters` });
    }
  });
}

/** Store conflicts and not-founds in Auth0's words; anything else goes up unchanged. */
function storeError(e: unknown, noun: string): unknown {
  if (isIdpStoreError(e, 'ERR_STORE_CONFLICT')) {
    const field = e.field ?? 'id';
    return new IdpError('ERR_IDP_CONFLICT', `a ${noun} with the same ${field} already exists`);
  }
  if (isStoreError(e) && e.code === 'ERR_STORE_NOT_FOUND') return new IdpError('ERR_IDP_NOT_FOUND', e.message);
  if (isStoreError(e) && e.code === 'ERR_STORE_INVALID_INPUT') return invalid([{ path: '', message: e.message }]);
  return e;
}
