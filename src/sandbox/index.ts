// The rule/action sandbox (DESIGN.md §3, §6; security.md §5): tenants' Auth0 Rules and post-login Actions run
// in isolated-vm isolates inside a pool of unprivileged child processes, with data in and out as JSON copies.
// It records what scripts ask for; it never applies it and never lets tenant code touch the host.

export { createSandbox } from './sandbox.js';
export { DEFAULT_LIMITS, MAX_LOG_LINE_CHARS, MAX_LOG_LINES } from './limits.js';
export {
  ACTION_COMMAND_KINDS,
  SAML_RESPONSE_SETTER_NAMES,
  SAML_RESPONSE_SETTERS,
  validateActionCommand,
  validateMetadataCommand,
} from './commands.js';
export type {
  ActionCommand,
  MetadataCommand,
  RulesCommand,
  SamlResponseSetCommand,
  SamlResponseSetter,
  SamlResponseSetterValue,
} from './commands.js';
export { parseUntrustedJson } from './json.js';
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';
export { SANDBOX_FAILURES } from './types.js';
export type {
  ActionSource,
  ActionsOutcome,
  ActionsRun,
  RuleSource,
  RulesOutcome,
  RulesRun,
  Sandbox,
  SandboxFailure,
  SandboxLimits,
  SandboxLog,
  SandboxOptions,
  SandboxProcessStats,
  SandboxStats,
} from './types.js';
