// The services Tessera serves: each one's wire model (generated from botocore) and its
// alphabetised action table. Adding an operation = a file in <svc>/actions/ plus a line in its table.

import { EC2_ACTIONS } from './ec2/actions/index.js';
import { MODEL as EC2_MODEL } from './ec2/model.js';
import { IAM_ACTIONS } from './iam/actions/index.js';
import { MODEL as IAM_MODEL } from './iam/model.js';
import type { ServiceModel } from './model/types.js';
import { STS_ACTIONS } from './sts/actions/index.js';
import { MODEL as STS_MODEL } from './sts/model.js';
import type { ActionDefinition, ServiceName } from './types.js';

export interface ServiceEntry {
  readonly model: ServiceModel;
  // Each action's input and output types differ; the model-driven decoder is what types the input.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly actions: Readonly<Record<string, ActionDefinition<any, any>>>;
}

export const SERVICES: Readonly<Record<ServiceName, ServiceEntry>> = {
  iam: { model: IAM_MODEL, actions: IAM_ACTIONS },
  sts: { model: STS_MODEL, actions: STS_ACTIONS },
  ec2: { model: EC2_MODEL, actions: EC2_ACTIONS },
};
