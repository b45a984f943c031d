// EC2's action table, alphabetised; test/services/action-tables.test.ts keeps it complete.

import { CreateTags } from './CreateTags.js';
import { DeleteTags } from './DeleteTags.js';
import { DescribeInstances } from './DescribeInstances.js';
import { DescribeRegions } from './DescribeRegions.js';
import { DescribeTags } from './DescribeTags.js';
import { RunInstances } from './RunInstances.js';
import { StartInstances } from './StartInstances.js';
import { StopInstances } from './StopInstances.js';
import { TerminateInstances } from './TerminateInstances.js';

export const EC2_ACTIONS = {
  CreateTags,
  DeleteTags,
  DescribeInstances,
  DescribeRegions,
  DescribeTags,
  RunInstances,
  StartInstances,
  StopInstances,
  TerminateInstances,
} as const;
