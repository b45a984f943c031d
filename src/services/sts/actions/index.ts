// STS's action table, alphabetised; test/services/action-tables.test.ts keeps it complete.

import { AssumeRoleWithSAML } from './AssumeRoleWithSAML.js';
import { DecodeAuthorizationMessage } from './DecodeAuthorizationMessage.js';
import { GetCallerIdentity } from './GetCallerIdentity.js';

export const STS_ACTIONS = {
  AssumeRoleWithSAML,
  DecodeAuthorizationMessage,
  GetCallerIdentity,
} as const;
