// The login pipeline (DESIGN.md §1 steps 3–4): an authenticated user and an accepted SAML transaction
// in, the signed SAML Response Auth0 would have posted out. Steps, in order:
//   add-on settings → effective configuration (src/idp/saml) → Rules user/context (profile.ts) →
//   enabled Rules in the sandbox (configuration = the unsealed rules config) → rules' metadata
//   updates stored → post-login Actions in the sandbox (each with its unsealed secrets) → Actions'
//   metadata updates stored → precedence (rule config, then Action commands, through src/idp/saml's
//   override policy) → assertionSpec → buildResponse signed with the tenant's current key.
// A denial (UnauthorizedError, api.access.deny) or any failure — a broken rule, a sandbox fault, a
// configuration the assertion cannot be built from — fails CLOSED: a Response WITHOUT an assertion
// (auth0.md §4.4), a public message that never carries sandbox detail, and the reason in the tenant
// log. Nothing here reads HTTP; nothing here throws for tenant content.

import type { Clock } from '../kernel/index.js';
import { checkRelayState, encodePostBinding, SamlBindingError } from '../saml/bindings.js';
import { STATUS } from '../saml/ns.js';
import { STATUS_CODE } from '../saml/protocol-message.js';
import { buildErrorResponse, buildResponse, SamlBuildError, type SigningOptions } from '../saml/response.js';
import type { ActionCommand, ActionSource, JsonObject as SandboxJson, RuleSource, Sandbox, SandboxLog } from '../sandbox/index.js';
import type { Sealer } from '../services/sealer.js';
import type { Application, IdpUser, JsonObject, Store, Tenant } from '../store/index.js';
import { applyActionCommands, applyRuleConfiguration, assertionSpec, effectiveSamlConfiguration, IdpSamlError, parseAddonSettings, samlConfigurationForRules, signingOptionsFor, type AddonSettings, type SamlConfigDiagnostic, type SamlConfiguration } from './saml/index.js';
import type { TenantLog } from './log.js';
import { postLoginEvent, rulesContext, rulesUser, samlProfile, type LoginFacts, type RequestFacts } from './profile.js';
import { openValue, SEAL_AAD } from './secrets.js';
import type { LiveSession, Sessions } from './sessions.js';
import { tenantIssuer, type TenantKeys } from './tenant.js';
import type { LoginTransaction } from './transaction.js';

/** Where the pipeline stopped when it did not issue an assertion. */
export type FailureStage = 'settings' | 'rules' | 'actions' | 'assertion';

export type IssueOutcome =
  | {
      readonly ok: true;
      /** The form's action: the allow-listed ACS. */
      readonly postUrl: string;
      /** base64 of the signed Response XML. */
      readonly samlResponse: string;
      /** ≤ 80 bytes, `''` when none. */
      readonly relayState: string;
      readonly xml: string;
    }
  | {
      readonly ok: false;
      readonly stage: FailureStage;
      /** True for a denial a script decided (UnauthorizedError, api.access.deny); false for a failure. */
      readonly denied: boolean;
      /** Safe to show the user and the application: a script's own denial text, or a fixed sentence. */
      readonly publicMessage: string;
      /** The Response without an assertion, for the ACS (absent when there is no ACS to post to). */
      readonly errorResponse?: { readonly postUrl: string; readonly samlResponse: string; readonly relayState: string };
    };

export interface IssueInput {
  readonly app: Application;
  readonly live: LiveSession;
  readonly tx: Pick<LoginTransaction, 'acsUrl' | 'inResponseTo' | 'requestIssuer' | 'relayState'>;
  readonly request: RequestFacts;
  /** An existing SSO session was reused. */
  readonly sso: boolean;
}

export interface PipelineDeps {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly sandbox: Sandbox;
  readonly clock: Clock;
  readonly tenant: Tenant;
  readonly keys: TenantKeys;
  readonly log: TenantLog;
  readonly sessions: Sessions;
}

/** Fixed public texts: a failure never shows rule code, stack traces or sandbox reasons. */
export const PUBLIC_MESSAGES = {
  settings: 'The application’s SAML configuration is invalid. Your administrator has been told (tenant log).',
  rules: 'A login rule failed, so access was not granted. Your administrator can see why in the tenant log.',
  actions: 'A login action failed, so access was not granted. Your administrator can see why in the tenant log.',
  assertion: 'The SAML response for this application could not be built. Your administrator can see why in the tenant log.',
  denied: 'Access denied.',
} as const;

/** A denial text a script chose is public (Auth0 returns it to the application), within this length. */
const MAX_PUBLIC_MESSAGE_CHARS = 256;
/** Lines of a script's console output kept with the log entry. */
const MAX_LOGGED_LINES = 20;

type Failure = { stage: FailureStage; denied: boolean; publicMessage: string; reason: string; script?: string; logs?: readonly SandboxLog[] };

export class LoginPipeline {
  private readonly addonCache = new Map<string, { readonly updated: number; readonly settings: AddonSettings | undefined; readonly errors: string }>();

  constructor(private readonly deps: PipelineDeps) {}

  /**
   * Runs the whole pipeline for one login. Never throws for anything a tenant controls (settings,
   * scripts, profile values); store and key failures propagate (the endpoint answers 500).
   */
  async issue(input: IssueInput): Promise<IssueOutcome> {
    const { app, tx } = input;
    const now = this.deps.clock.now();
    const tenantIssuerValue = tenantIssuer(this.deps.tenant);
    let user = input.live.user;
    const logBase = { clientId: app.clientId, clientName: app.name, userId: user.userId, userName: user.email, ip: input.request.ip };
    // The destination of an error Response: the ACS accepted with the request, else the callback URL.
    const fallbackAcs = tx.acsUrl ?? app.callbacks[0];
    const fail = async (f: Failure, config?: SamlConfiguration): Promise<IssueOutcome> => {
      await this.deps.log.write({
        type: 'f',
        description: f.denied ? 'Access denied by a rule or action' : `Failed login: ${f.stage}`,
        ...logBase,
        details: {
          stage: f.stage,
          reason: f.reason,
          ...(f.script === undefined ? {} : { script: f.script }),
          ...(f.logs === undefined || f.logs.length === 0 ? {} : { console: f.logs.slice(0, MAX_LOGGED_LINES).map((l) => `${l.source}: ${l.line}`) }),
          ...(config === undefined ? {} : { diagnostics: diagnosticsJson(config.diagnostics) }),
        },
      });
      const postUrl = config?.acsUrl ?? fallbackAcs;
      const errorResponse = postUrl === undefined ? undefined : await this.errorResponse(postUrl, config?.issuer ?? tenantIssuerValue, tx, f);
      return { ok: false, stage: f.stage, denied: f.denied, publicMessage: f.publicMessage, ...(errorResponse === undefined ? {} : { errorResponse }) };
    };

    // 1. The add-on settings (validated at save time; checked again: the store may hold older data).
    const addon = this.addonSettings(app);
    if (addon.settings === undefined) return fail({ stage: 'settings', denied: false, publicMessage: PUBLIC_MESSAGES.settings, reason: addon.errors });
    let config: SamlConfiguration;
    try {
      config = effectiveSamlConfiguration(addon.settings, {
        tenantIssuer: tenantIssuerValue,
        callbackUrl: app.callbacks[0] ?? '',
        callbacks: app.callbacks,
        ...(tx.acsUrl === undefined ? {} : { requestAcsUrl: tx.acsUrl }),
        ...(tx.requestIssuer === undefined ? {} : { requestIssuer: tx.requestIssuer }),
        ...(tx.relayState === undefined ? {} : { relayState: tx.relayState }),
      });
    } catch (e) {
      if (e instanceof IdpSamlError) return fail({ stage: 'settings', denied: false, publicMessage: PUBLIC_MESSAGES.settings, reason: `${e.code}: ${e.message}` });
      throw e;
    }

    const facts: LoginFacts = {
      tenant: this.deps.tenant,
      app,
      user,
      session: input.live.session,
      sessionId: input.live.publicId,
      sso: input.sso,
      request: input.request,
      acsUrl: config.acsUrl,
      relayState: tx.relayState,
      inResponseTo: tx.inResponseTo,
    };

    // 2. Rules (auth0.md §6): enabled, in order, one pipeline in the tenant's isolate.
    const sentUser = rulesUser(user);
    let profile: Record<string, unknown> = samlProfile(sentUser, sentUser);
    const rules = await this.deps.store.idp.rules.listEnabledInOrder(this.deps.tenant.tenantId);
    const executedRules: string[] = [];
    let ruleLogs: readonly SandboxLog[] = [];
    if (rules.length > 0) {
      const sources: RuleSource[] = rules.map((r) => ({ id: r.id, name: r.name, script: r.script }));
      const outcome = await this.deps.sandbox.runRules({
        tenant: this.deps.tenant.tenantId,
        rules: sources,
        user: sentUser,
        context: rulesContext(facts, samlConfigurationForRules(config)),
        configuration: await this.rulesConfiguration(),
      });
      if (!outcome.ok) {
        const denied = outcome.failure === 'unauthorized';
        return fail(
          {
            stage: 'rules',
            denied,
            publicMessage: denied ? publicText(outcome.publicMessage) : PUBLIC_MESSAGES.rules,
            reason: `${outcome.failure}: ${outcome.reason}`,
            ...(outcome.rule === undefined ? {} : { script: outcome.rule }),
            logs: outcome.logs,
          },
          config,
        );
      }
      executedRules.push(...rules.map((r) => r.id));
      ruleLogs = outcome.logs;
      profile = samlProfile(outcome.user, sentUser);
      config = applyRuleConfiguration(config, outcome.context['samlConfiguration']);
      // auth0.users.updateAppMetadata/updateUserMetadata: persisted now, so Actions see them (§6.2, §7.4).
      user = await this.persistMetadata(user, outcome.commands);
    }

    // 3. Post-login Actions (§7): bound ones, in order, after every rule.
    const actions = await this.deps.store.idp.actions.listBoundInOrder(this.deps.tenant.tenantId);
    const idTokenClaims: Record<string, unknown> = {};
    let actionLogs: readonly SandboxLog[] = [];
    if (actions.length > 0) {
      const sources: ActionSource[] = actions.map((a) => ({ id: a.id, name: a.name, code: a.code, secrets: this.actionSecrets(a.id, a.secrets) }));
      const outcome = await this.deps.sandbox.runActions({
        tenant: this.deps.tenant.tenantId,
        actions: sources,
        event: postLoginEvent({ ...facts, user }),
        executedRules,
      });
      if (!outcome.ok) {
        return fail({ stage: 'actions', denied: false, publicMessage: PUBLIC_MESSAGES.actions, reason: `${outcome.failure}: ${outcome.reason}`, ...(outcome.action === undefined ? {} : { script: outcome.action }), logs: outcome.logs }, config);
      }
      actionLogs = outcome.logs;
      const samlCommands: ActionCommand[] = [];
      const metadata: ActionCommand[] = [];
      let deny: string | undefined;
      for (const c of outcome.commands) {
        switch (c.kind) {
          case 'access.deny':
            deny = c.reason;
            break;
          case 'samlResponse.set':
          case 'samlResponse.setAttribute':
            samlCommands.push(c);
            break;
          case 'user.setAppMetadata':
          case 'user.setUserMetadata':
            metadata.push(c);
            break;
          case 'idToken.setCustomClaim':
            // C-141501: ID-token custom claims are mappable in the add-on (claims.ts turns `.` into `;`).
            idTokenClaims[c.name] = c.value;
            break;
          case 'accessToken.setCustomClaim':
            break; // no access token in a SAML login
          default: {
            const never: never = c;
            throw new Error(`unhandled action command ${JSON.stringify(never)}`);
          }
        }
      }
      // §7.1: a denial stops the flow, but metadata side effects are still applied.
      user = await this.persistMetadata(user, metadata);
      if (deny !== undefined) {
        return fail({ stage: 'actions', denied: true, publicMessage: publicText(deny), reason: `api.access.deny: ${deny}`, logs: outcome.logs }, config);
      }
      config = applyActionCommands(config, samlCommands);
    }

    // 4. The assertion (§3, §4): precedence applied, then planned, signed, encoded.
    let xml: string;
    let relayState: string;
    let diagnostics: readonly SamlConfigDiagnostic[];
    try {
      const plan = assertionSpec(profile, config, {
        now,
        ...(tx.inResponseTo === undefined ? {} : { inResponseTo: tx.inResponseTo }),
        clientId: app.clientId,
        ...(Object.keys(idTokenClaims).length === 0 ? {} : { idTokenClaims }),
      });
      relayState = checkRelayState(plan.relayState);
      xml = buildResponse(plan.spec, await this.signingOptions(plan.signing), plan.encryption);
      diagnostics = plan.diagnostics;
    } catch (e) {
      if (e instanceof IdpSamlError || e instanceof SamlBuildError || e instanceof SamlBindingError) {
        return fail({ stage: 'assertion', denied: false, publicMessage: PUBLIC_MESSAGES.assertion, reason: `${e.code}: ${e.message}` }, config);
      }
      throw e;
    }

    await this.deps.sessions.use(input.live, app.clientId);
    const consoleLines = [...ruleLogs, ...actionLogs];
    await this.deps.log.write({
      type: 's',
      ...logBase,
      details: {
        sso: input.sso,
        ...(tx.inResponseTo === undefined ? {} : { inResponseTo: tx.inResponseTo }),
        acs: config.acsUrl,
        rules: rules.map((r) => r.name),
        actions: actions.map((a) => a.name),
        ...(diagnostics.length === 0 ? {} : { diagnostics: diagnosticsJson(diagnostics) }),
        ...(consoleLines.length === 0 ? {} : { console: consoleLines.slice(0, MAX_LOGGED_LINES).map((l) => `${l.source}: ${l.line}`) }),
      },
    });
    return { ok: true, postUrl: config.acsUrl, samlResponse: encodePostBinding(xml), relayState, xml };
  }

  /** The Response without an assertion (§4.4), signed over the Response with the tenant's key. */
  private async errorResponse(postUrl: string, issuer: string, tx: IssueInput['tx'], f: Failure): Promise<{ postUrl: string; samlResponse: string; relayState: string }> {
    const key = await this.deps.keys.current();
    let relayState = '';
    try {
      relayState = checkRelayState(tx.relayState);
    } catch {
      relayState = '';
    }
    const xml = buildErrorResponse(
      {
        issuer,
        destination: postUrl,
        ...(tx.inResponseTo === undefined ? {} : { inResponseTo: tx.inResponseTo }),
        // A script's denial is the IdP refusing (Responder/RequestDenied, as node-samlp's sendError
        // uses Responder); any other failure is the IdP's own (Responder). auth0.md §11 Q4 is open.
        statusCode: STATUS.responder,
        ...(f.denied ? { subStatusCode: STATUS_CODE.requestDenied } : {}),
        statusMessage: f.publicMessage,
        now: this.deps.clock.now(),
      },
      { privateKey: key.privateKey, certificate: key.certificatePem, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' },
    );
    return { postUrl, samlResponse: encodePostBinding(xml), relayState };
  }

  private async signingOptions(signing: Parameters<typeof signingOptionsFor>[0]): Promise<SigningOptions> {
    if (signing.keyPair !== undefined) {
      // Rules `cert`+`key` / Actions `setCert`+`setKey` (S-sign-old, S-api-obj): the pair signs.
      return signingOptionsFor(signing, { privateKeyPem: signing.keyPair.privateKey, certificatePem: signing.keyPair.certificate });
    }
    const key = await this.deps.keys.current();
    return {
      privateKey: key.privateKey,
      certificate: key.certificatePem,
      signatureAlgorithm: signing.signatureAlgorithm,
      digestAlgorithm: signing.digestAlgorithm,
      signResponse: signing.signResponse,
    };
  }

  /** Parsed add-on settings per application version (parsing is pure; the store row is the truth). */
  private addonSettings(app: Application): { settings: AddonSettings | undefined; errors: string } {
    const updated = app.updateDate.getTime();
    const cached = this.addonCache.get(app.clientId);
    if (cached !== undefined && cached.updated === updated) return cached;
    const parsed = app.addons.samlp === undefined ? undefined : parseAddonSettings(app.addons.samlp);
    const entry =
      parsed === undefined
        ? { updated, settings: undefined, errors: 'the application has no SAML2 Web App add-on' }
        : parsed.ok
          ? { updated, settings: parsed.settings, errors: '' }
          : { updated, settings: undefined, errors: parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ') };
    if (this.addonCache.size > 1000) this.addonCache.clear();
    this.addonCache.set(app.clientId, entry);
    return entry;
  }

  /** The `configuration` global (§6.2): every rules-config value, unsealed; one that no longer opens is left out and logged. */
  private async rulesConfiguration(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const entry of await this.deps.store.idp.rulesConfig.getAll(this.deps.tenant.tenantId)) {
      const value = openValue(this.deps.sealer, SEAL_AAD.rulesConfig(this.deps.tenant.tenantId, entry.key), entry.valueSealed);
      if (value === undefined) {
        await this.deps.log.write({ type: 'w', description: `rules configuration \`${entry.key}\` does not open with this master key: left out` });
        continue;
      }
      out[entry.key] = value;
    }
    return out;
  }

  private actionSecrets(actionId: string, secrets: readonly { readonly name: string; readonly valueSealed: Uint8Array }[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const s of secrets) {
      const value = openValue(this.deps.sealer, SEAL_AAD.actionSecret(actionId, s.name), s.valueSealed);
      if (value !== undefined) out[s.name] = value;
    }
    return out;
  }

  /** Metadata commands (validated by the sandbox's schema) merged the Management API way: root keys replace, null deletes. */
  private async persistMetadata(user: IdpUser, commands: readonly ActionCommand[]): Promise<IdpUser> {
    const app: Record<string, SandboxJson[string]> = {};
    const usr: Record<string, SandboxJson[string]> = {};
    for (const c of commands) {
      if (c.kind === 'user.setAppMetadata') app[c.key] = c.value;
      else if (c.kind === 'user.setUserMetadata') usr[c.key] = c.value;
    }
    const hasApp = Object.keys(app).length > 0;
    const hasUser = Object.keys(usr).length > 0;
    if (!hasApp && !hasUser) return user;
    return this.deps.store.idp.idpUsers.mergeMetadata(user.userId, {
      ...(hasApp ? { appMetadata: app as JsonObject } : {}),
      ...(hasUser ? { userMetadata: usr as JsonObject } : {}),
      updateDate: this.deps.clock.now(),
    });
  }
}

function publicText(text: string | undefined): string {
  if (text === undefined || text.trim() === '') return PUBLIC_MESSAGES.denied;
  return text.length > MAX_PUBLIC_MESSAGE_CHARS ? `${text.slice(0, MAX_PUBLIC_MESSAGE_CHARS - 1)}…` : text;
}

function diagnosticsJson(diagnostics: readonly SamlConfigDiagnostic[]): unknown[] {
  return diagnostics.slice(0, 50).map((d) => ({ code: d.code, source: d.source, path: d.path, message: d.message }));
}
