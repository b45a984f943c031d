// The closed catalogue of policy findings: validation errors (the document is refused, with AWS's
// MalformedPolicyDocument wording) and warnings (accepted, but probably not what the author meant).
// docs/policy-findings.md documents each code; a test keeps the two in sync.

export const POLICY_ERROR_CODES = [
  'ERR_POLICY_JSON',
  'ERR_POLICY_TOP_ELEMENT',
  'ERR_POLICY_VERSION',
  'ERR_POLICY_VERSION_REQUIRED',
  'ERR_POLICY_ID',
  'ERR_POLICY_STATEMENT',
  'ERR_POLICY_ELEMENT',
  'ERR_POLICY_EFFECT',
  'ERR_POLICY_EFFECT_CASE',
  'ERR_POLICY_SID',
  'ERR_POLICY_SID_DUPLICATE',
  'ERR_POLICY_ACTION_MISSING',
  'ERR_POLICY_ACTION_VENDOR',
  'ERR_POLICY_ACTION_COLON',
  'ERR_POLICY_VENDOR_INVALID',
  'ERR_POLICY_RESOURCE_MISSING',
  'ERR_POLICY_RESOURCE_FORMAT',
  'ERR_POLICY_RESOURCE_PARTITION',
  'ERR_POLICY_RESOURCE_VENDOR',
  'ERR_POLICY_RESOURCE_PROHIBITED',
  'ERR_POLICY_PRINCIPAL_MISSING',
  'ERR_POLICY_PRINCIPAL_PROHIBITED',
  'ERR_POLICY_PRINCIPAL_INVALID',
  'ERR_POLICY_NOT_PRINCIPAL_PROHIBITED',
  'ERR_POLICY_CONDITION',
  'ERR_POLICY_CONDITION_OPERATOR',
  'ERR_POLICY_DATE_VALUE',
  'ERR_POLICY_TRUST_ACTION',
  'ERR_POLICY_SIZE',
] as const;

export const POLICY_WARNING_CODES = [
  'WARN_TEMPLATE_ARTEFACT',
  'WARN_UNKNOWN_GLOBAL_KEY',
  'WARN_UNKNOWN_SERVICE_KEY',
  'WARN_KEY_NOT_PROVIDED',
  'WARN_RESOURCE_SERVICE_MISMATCH',
  'WARN_UNKNOWN_ACTION',
  'WARN_OPERATOR_VALUE',
  'WARN_SET_OPERATOR_SINGLE_VALUED',
  'WARN_MULTIVALUED_WITHOUT_SET_OPERATOR',
  'WARN_FOR_ALL_VALUES_ALLOW',
  'WARN_VARIABLE_LITERAL',
  'WARN_VARIABLE_POSITION',
  'WARN_VARIABLE_MULTIVALUED',
  'WARN_VARIABLE_SYNTAX',
  'WARN_NULL_IF_EXISTS',
] as const;

export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];
export type PolicyWarningCode = (typeof POLICY_WARNING_CODES)[number];

/** An error refuses the document; a warning is advice, as IAM Access Analyzer's policy checks give. */
export type PolicyFinding =
  | {
      readonly severity: 'error';
      readonly code: PolicyErrorCode;
      /** JSON path of the offending element, e.g. `Statement[1].Condition.StringEquals`. */
      readonly path: string;
      /** Tessera's precise explanation (lowercase, values in backticks). */
      readonly message: string;
      /** The AWS error code the API returns for it. */
      readonly awsCode: 'MalformedPolicyDocument' | 'LimitExceeded';
      /** AWS's own message wording for the API error. */
      readonly awsMessage: string;
    }
  | {
      readonly severity: 'warning';
      readonly code: PolicyWarningCode;
      readonly path: string;
      readonly message: string;
    };

export type PolicyErrorFinding = Extract<PolicyFinding, { severity: 'error' }>;
export type PolicyWarningFinding = Extract<PolicyFinding, { severity: 'warning' }>;

/** AWS's MalformedPolicyDocument wording per error code (as IAM returns them). */
export const AWS_MESSAGES: Readonly<Record<PolicyErrorCode, string>> = {
  ERR_POLICY_JSON: 'Syntax errors in policy.',
  ERR_POLICY_TOP_ELEMENT: 'Syntax errors in policy.',
  ERR_POLICY_VERSION: 'Syntax errors in policy.',
  ERR_POLICY_VERSION_REQUIRED: 'Policy document must be version 2012-10-17 or greater.',
  ERR_POLICY_ID: 'Syntax errors in policy.',
  ERR_POLICY_STATEMENT: 'Syntax errors in policy.',
  ERR_POLICY_ELEMENT: 'Syntax errors in policy.',
  ERR_POLICY_EFFECT: 'Syntax errors in policy.',
  ERR_POLICY_EFFECT_CASE: 'The policy failed legacy parsing',
  ERR_POLICY_SID:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  ERR_POLICY_SID_DUPLICATE: 'Statement IDs (SID) in a single policy must be unique.',
  ERR_POLICY_ACTION_MISSING: 'Policy statement must contain actions.',
  ERR_POLICY_ACTION_VENDOR: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  ERR_POLICY_ACTION_COLON: 'Actions/Condition can contain only one colon.',
  ERR_POLICY_VENDOR_INVALID: 'Vendor {vendor} is not valid',
  ERR_POLICY_RESOURCE_MISSING: 'Policy statement must contain resources.',
  ERR_POLICY_RESOURCE_FORMAT: 'Resource {resource} must be in ARN format or "*".',
  ERR_POLICY_RESOURCE_PARTITION: 'Partition "{partition}" is not valid for resource "{resource}".',
  ERR_POLICY_RESOURCE_VENDOR: 'Resource vendor must be fully qualified and cannot contain regexes.',
  ERR_POLICY_RESOURCE_PROHIBITED: 'Has prohibited field Resource.',
  ERR_POLICY_PRINCIPAL_MISSING: 'Missing required field Principal',
  ERR_POLICY_PRINCIPAL_PROHIBITED: 'Policy document should not specify a principal.',
  ERR_POLICY_PRINCIPAL_INVALID: 'Invalid principal in policy: {principal}',
  ERR_POLICY_NOT_PRINCIPAL_PROHIBITED: 'Syntax errors in policy.',
  ERR_POLICY_CONDITION: 'Syntax errors in policy.',
  ERR_POLICY_CONDITION_OPERATOR: 'Syntax errors in policy.',
  ERR_POLICY_DATE_VALUE: 'The policy failed legacy parsing',
  ERR_POLICY_TRUST_ACTION:
    'Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity',
  ERR_POLICY_SIZE: 'Cannot exceed quota for PolicySize: {limit}',
};

export function policyError(
  code: PolicyErrorCode,
  path: string,
  message: string,
  fill: Readonly<Record<string, string>> = {},
): PolicyErrorFinding {
  let awsMessage = AWS_MESSAGES[code];
  for (const [k, v] of Object.entries(fill)) awsMessage = awsMessage.replace(`{${k}}`, v);
  return {
    severity: 'error',
    code,
    path,
    message,
    awsCode: code === 'ERR_POLICY_SIZE' ? 'LimitExceeded' : 'MalformedPolicyDocument',
    awsMessage,
  };
}

export function policyWarning(code: PolicyWarningCode, path: string, message: string): PolicyWarningFinding {
  return { severity: 'warning', code, path, message };
}
