export * from './types.js';
export { step, closeFromOutside, MAX_PAYLOAD_BYTES, STEP_SLICE_MS } from './step.js';
export { errorMatches, decideRetry } from './errors.js';
export { redriveCursor } from './redrive.js';
export { fanoutCounts } from './states/fanout.js';
export { isActivityResource, integrationOf, taskEventNames } from './states/task.js';
export { testState, TEST_STATE_NAME } from './test-state.js';
export type { TestStateRequest, TestStateEnvironment, TestStateResult, TestStatus, InspectionData, InspectionLevel } from './test-state.js';
export { ObjectStoreError, type ObjectStore, type ListedObject } from './s3/object-store.js';
