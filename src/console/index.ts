// The console's transport-free layer: view models and words (EC2 rows, filters, banners), the last
// SAML assertion's view, and the "Why?" explanation of a denial. No I/O, no calls: src/http/console
// and src/http/signin make the signed calls and render what these return.

export { assertionView, parseAssertionView } from './assertion.js';
export type { AssertionView } from './assertion.js';
export {
  ACTION_WORDS,
  EMPTY_FILTERS,
  INSTANCE_ACTIONS,
  STATE_NAMES,
  describeParams,
  failureBanner,
  filtersQuery,
  instanceRows,
  isInstanceAction,
  readFilters,
  successBanner,
} from './ec2.js';
export type { Banner, InstanceAction, InstanceFilters, InstanceRow } from './ec2.js';
export { encodedMessageOf, explainDenial, keyInWords, resourceKindOf } from './why.js';
export type { ConditionWhy, StatementWhy, TagComparison, WhyView } from './why.js';
