/** Task `Resource` ARNs: which ones Step Functions recognises, and which an EXPRESS machine refuses. */
import { at } from './diagnostics.js';
import type { StateCheck } from './context.js';

type Suffix = '' | '.sync' | '.sync:2' | '.waitForTaskToken';
const WFT: Suffix[] = ['', '.waitForTaskToken'];
const SYNC: Suffix[] = ['', '.sync'];
const SYNC_WFT: Suffix[] = ['', '.sync', '.waitForTaskToken'];
const PLAIN: Suffix[] = [''];

// Optimized integrations: service -> action -> allowed suffixes.
const OPTIMIZED: Record<string, Record<string, Suffix[]>> = {
  lambda: { invoke: WFT },
  sns: { publish: WFT },
  sqs: { sendMessage: WFT },
  events: { putEvents: WFT },
  apigateway: { invoke: WFT },
  http: { invoke: PLAIN },
  dynamodb: { getItem: PLAIN, putItem: PLAIN, updateItem: PLAIN, deleteItem: PLAIN },
  s3: { getObject: PLAIN, putObject: PLAIN, listObjectsV2: PLAIN },
  states: { startExecution: ['', '.sync', '.sync:2', '.waitForTaskToken'] },
  ecs: { runTask: SYNC_WFT },
  batch: { submitJob: SYNC_WFT },
  glue: { startJobRun: SYNC_WFT, startCrawler: PLAIN },
  databrew: { startJobRun: SYNC },
  athena: { startQueryExecution: SYNC, stopQueryExecution: PLAIN, getQueryExecution: PLAIN, getQueryResults: PLAIN, startQueryExecutionWithWait: PLAIN },
  codebuild: { startBuild: SYNC, stopBuild: PLAIN, batchDeleteBuilds: PLAIN, batchGetReports: PLAIN, startBuildBatch: SYNC },
  mediaconvert: { createJob: SYNC },
  bedrock: { invokeModel: PLAIN, createModelCustomizationJob: SYNC },
  eks: { createCluster: SYNC, deleteCluster: SYNC, createFargateProfile: SYNC, deleteFargateProfile: SYNC, createNodegroup: SYNC, deleteNodegroup: SYNC, runJob: SYNC, call: PLAIN },
  elasticmapreduce: { createCluster: SYNC, terminateCluster: SYNC, addStep: SYNC, cancelStep: PLAIN, setClusterTerminationProtection: PLAIN, modifyInstanceFleetByName: PLAIN, modifyInstanceGroupByName: PLAIN },
  'emr-containers': { startJobRun: SYNC, createVirtualCluster: PLAIN, deleteVirtualCluster: SYNC },
  'emr-serverless': { createApplication: SYNC, startApplication: SYNC, stopApplication: SYNC, deleteApplication: SYNC, startJobRun: SYNC, cancelJobRun: SYNC },
  sagemaker: {
    createTrainingJob: SYNC, createTransformJob: SYNC, createHyperParameterTuningJob: SYNC, createLabelingJob: SYNC, createProcessingJob: SYNC,
    createModel: PLAIN, createEndpoint: PLAIN, createEndpointConfig: PLAIN, updateEndpoint: PLAIN,
  },
};

const ACTIVITY = /^arn:aws[\w-]*:states:[^:]+:[^:]+:activity:[^:]+$/;
const LAMBDA_FUNCTION = /^arn:aws[\w-]*:lambda:[^:]+:[^:]+:function:[^:]+(:[^:]+)?$/;
const INTEGRATION = /^arn:aws[\w-]*:states:::(.+)$/;

type Kind = { kind: 'activity' } | { kind: 'function' } | { kind: 'integration'; suffix: Suffix } | { kind: 'unknown' };

function classify(resource: string): Kind {
  if (ACTIVITY.test(resource)) return { kind: 'activity' };
  if (LAMBDA_FUNCTION.test(resource)) return { kind: 'function' };
  const m = INTEGRATION.exec(resource);
  if (!m) return { kind: 'unknown' };
  const suffixMatch = /(\.sync:2|\.sync|\.waitForTaskToken)$/.exec(m[1] as string);
  const suffix = (suffixMatch?.[1] ?? '') as Suffix;
  const body = (m[1] as string).slice(0, (m[1] as string).length - suffix.length);
  if (body.startsWith('aws-sdk:')) {
    const ok = /^aws-sdk:[\w-]+:\w+$/.test(body) && (suffix === '' || suffix === '.waitForTaskToken');
    return ok ? { kind: 'integration', suffix } : { kind: 'unknown' };
  }
  const [service, action, extra] = body.split(':');
  const allowed = service !== undefined && action !== undefined && extra === undefined ? OPTIMIZED[service]?.[action] : undefined;
  return allowed?.includes(suffix) ? { kind: 'integration', suffix } : { kind: 'unknown' };
}

export function checkResource(check: StateCheck): void {
  const { d, machineType } = check.walk;
  const resource = check.state['Resource'];
  const location = at(check.location, 'Resource');
  if (typeof resource !== 'string') return d.schema("Expected value of type String at field 'Resource'", location);
  const kind = classify(resource);
  switch (kind.kind) {
    case 'activity':
      if (machineType === 'EXPRESS') d.schema('Express state machine does not support Activity ARN', location);
      return;
    case 'function':
      return;
    case 'integration':
      if (machineType !== 'EXPRESS') return;
      if (kind.suffix === '.sync' || kind.suffix === '.sync:2') d.schema("Express state machine does not support '.sync' service integration", location);
      // AWS's own text for this one ends with a space.
      if (kind.suffix === '.waitForTaskToken') d.schema("Express state machine does not support '.waitForTaskToken' service integration ", location);
      return;
    case 'unknown':
      d.schema(`The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`, location);
      return;
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown resource kind ${JSON.stringify(unreachable)}`);
    }
  }
}
