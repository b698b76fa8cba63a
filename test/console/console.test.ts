import { CreateActivityCommand, CreateStateMachineCommand, GetActivityTaskCommand, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, ROLE_ARN, uniqueName } from '../support/sfn.js';
import { launchBrowser, openPage, screenshot } from './browser.js';

// The console against real api and worker processes. Every wait is on a condition the page
// shows (a state's data-status, the execution's badge); an activity holds an execution RUNNING
// for exactly as long as a test needs, so nothing depends on how fast a loaded machine is.

let redis: TestRedis;
let api: AppProcess & { endpoint: string };
let worker: AppProcess;
let sfn: SFNClient;
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** How long a page may take to show what the execution did (it polls every second). */
const SHOWN = { timeout: 20_000 };

beforeAll(async () => {
  redis = await startTestRedis();
  [api, worker, browser] = await Promise.all([startApiProcess(redis.url, redis.env), startWorkerProcess(redis.url, redis.env), launchBrowser()]);
  sfn = client(api.endpoint);
});

afterAll(async () => {
  await browser?.close();
  sfn?.destroy();
  await Promise.all([api?.kill(), worker?.kill()]);
  await redis?.stop();
});

afterEach(async () => {
  await page?.close();
  expect(errors, 'errors in the page').toEqual([]);
});

/** Waits until the locator's element shows `text` (the page updates itself; so must the check). */
async function expectText(locator: Locator, text: string) {
  await locator.filter({ hasText: text }).first().waitFor(SHOWN);
}

const state = (name: string) => page.locator(`svg.graph [data-state-name="${name}"]`);

async function expectStatus(name: string, status: string) {
  await page.locator(`svg.graph [data-state-name="${name}"][data-status="${status}"]`).waitFor(SHOWN);
}

/** Takes the activity's next task and completes it with `output`. */
async function completeActivityTask(activityArn: string, output: object): Promise<void> {
  for (;;) {
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'console-test' }));
    if (task.taskToken) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify(output) }));
      return;
    }
  }
}

async function activityMachine(prefix: string) {
  const activity = await sfn.send(new CreateActivityCommand({ name: uniqueName(`${prefix}-act`) }));
  const definition = {
    Comment: 'Prepare, ask a person, finish',
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Result: { order: 42 }, ResultPath: '$.prepared', Next: 'Approve' },
      Approve: { Type: 'Task', Resource: activity.activityArn!, ResultPath: '$.approval', Next: 'Finish' },
      Finish: { Type: 'Pass', OutputPath: '$.approval', End: true },
    },
  };
  return { activityArn: activity.activityArn!, definition };
}

describe('console', () => {
  test('serves its pages without a signature; POST / stays the API', async () => {
    const root = await fetch(`${api.endpoint}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const deep = await fetch(`${api.endpoint}/console/executions/arn:aws:states:us-east-1:123456789012:execution:m:e`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('/console/assets/app.js');
    const js = await fetch(`${api.endpoint}/console/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const missing = await fetch(`${api.endpoint}/console/assets/nothing.js`);
    expect(missing.status).toBe(404);
  });

  test('creates a machine, starts an execution and watches its states turn succeeded live', async () => {
    page = await openPage(browser, errors);
    const { activityArn, definition } = await activityMachine('live');
    const name = uniqueName('console-live');
    await page.goto(`${api.endpoint}/console/`);
    await page.getByRole('button', { name: 'Create state machine' }).click();
    const form = page.getByRole('form', { name: 'Create state machine' });
    await form.locator('input[name="name"]').fill(name);
    await form.locator('textarea[name="definition"]').fill(JSON.stringify(definition, null, 2));
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/console\/state-machines\/arn:aws:states:[^/]+:stateMachine:/, SHOWN);
    await page.getByRole('heading', { name, level: 1 }).waitFor(SHOWN);
    // The definition graph: one SVG, every state a node with its name and (no execution) not-run.
    for (const s of ['Prepare', 'Approve', 'Finish']) await expectStatus(s, 'not-run');
    expect(await page.locator('svg.graph').count()).toBe(1);

    const start = page.getByRole('form', { name: 'Start execution' });
    await start.locator('input[name="executionName"]').fill('first-run');
    await start.locator('textarea[name="input"]').fill('{"customer": "ada"}');
    await start.getByRole('button', { name: 'Start execution' }).click();
    await page.waitForURL(/\/console\/executions\/arn:aws:states:[^/]+:execution:[^:]+:first-run$/, SHOWN);
    await expectStatus('Prepare', 'succeeded');
    await expectStatus('Approve', 'running');
    await expectStatus('Finish', 'not-run');
    await expectText(page.locator('.page-head .badge'), 'RUNNING');

    // The worker answers; the open page turns the rest green without a reload.
    await completeActivityTask(activityArn, { approved: true });
    await expectStatus('Approve', 'succeeded');
    await expectStatus('Finish', 'succeeded');
    await page.locator('.page-head .badge', { hasText: 'SUCCEEDED' }).waitFor(SHOWN);

    // The inspector: Approve's data flow, with the input it got and the ResultPath it applied.
    await state('Approve').click();
    const inspector = page.locator('.inspector');
    await expectText(inspector.getByTestId('step-status'), 'succeeded');
    await expectText(inspector.locator('.flow'), 'ResultPath');
    await expectText(inspector.locator('.flow'), '$.approval');
    await expectText(inspector.locator('.flow'), '"customer": "ada"');
    // The event table: filtered by type.
    await page.getByLabel('Event type').selectOption('ActivitySucceeded');
    await expectText(page.getByTestId('event-count'), '1 of ');
    expect(await page.locator('.events-table tbody tr[data-event-type]').count()).toBe(1);
    await screenshot(page, 'execution');

    await page.getByRole('link', { name }).first().click();
    await page.getByRole('heading', { name, level: 1 }).waitFor(SHOWN);
    await page.getByRole('link', { name: 'first-run' }).waitFor(SHOWN);
    await screenshot(page, 'state-machine', true);
    await page.getByRole('link', { name: 'State machines' }).click();
    await page.locator(`tr:has(a:text-is("${name}"))`).waitFor(SHOWN);
  });

  test('a failed execution shows the failed state and its error; a caught one shows caught', async () => {
    page = await openPage(browser, errors);
    // No LAMBDA_ENDPOINT: every Lambda Task fails with Lambda.SdkClientException.
    const lambda = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'missing', 'Payload.$': '$' } };
    const definition = {
      StartAt: 'Try',
      States: {
        Try: { ...lambda, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }], Next: 'Recover' },
        Recover: { Type: 'Pass', Next: 'Charge' },
        Charge: { ...lambda, Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }], End: true },
      },
    };
    const m = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('console-fail'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
    const x = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"amount": 5}' }));
    await page.goto(`${api.endpoint}/console/executions/${x.executionArn}`);
    await expectStatus('Charge', 'failed');
    await expectStatus('Try', 'caught');
    await expectStatus('Recover', 'succeeded');
    await page.locator('.page-head .badge', { hasText: 'FAILED' }).waitFor(SHOWN);
    await expectText(page.getByTestId('execution-error'), 'Lambda.SdkClientException');

    await state('Charge').focus();
    await page.keyboard.press('Enter');
    const inspector = page.locator('.inspector');
    await expectText(inspector.getByTestId('step-status'), 'failed');
    await expectText(inspector.getByTestId('step-errors'), 'Lambda.SdkClientException');
    await expectText(inspector, '2 (1 retry)');
    await screenshot(page, 'execution-failed');
    // The dark theme, as a system that prefers it gets it.
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'execution-failed-dark');
  });

  test('stops a running execution and redrives it from the page', async () => {
    page = await openPage(browser, errors);
    const { activityArn, definition } = await activityMachine('stop');
    const m = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('console-stop'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
    const x = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{}' }));
    await page.goto(`${api.endpoint}/console/executions/${x.executionArn}`);
    await expectStatus('Approve', 'running');

    await page.getByRole('button', { name: 'Stop execution' }).click();
    await page.getByRole('button', { name: 'Confirm stop' }).click();
    await page.locator('.page-head .badge', { hasText: 'ABORTED' }).waitFor(SHOWN);
    await expectStatus('Approve', 'failed');
    await expectStatus('Prepare', 'succeeded');

    await page.getByRole('button', { name: 'Redrive' }).click();
    await page.locator('.page-head .badge', { hasText: 'RUNNING' }).waitFor(SHOWN);
    await expectStatus('Approve', 'running');
    await completeActivityTask(activityArn, { approved: 'after redrive' });
    await page.locator('.page-head .badge', { hasText: 'SUCCEEDED' }).waitFor(SHOWN);
    await expectStatus('Finish', 'succeeded');
    await expectText(page.locator('.facts'), 'Redriven');
  });

  test('a Map shows one iteration at a time, picked in the picker; a Distributed Map shows its Map Run and child executions', async () => {
    page = await openPage(browser, errors);
    const processor = (mode: string) => ({
      ProcessorConfig: mode === 'DISTRIBUTED' ? { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } : { Mode: 'INLINE' },
      StartAt: `Check${mode}`,
      States: {
        [`Check${mode}`]: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: `Bad${mode}` }], Default: `Ok${mode}` },
        [`Ok${mode}`]: { Type: 'Pass', End: true },
        [`Bad${mode}`]: { Type: 'Fail', Error: 'Two', Cause: 'two is not allowed' },
      },
    });
    const definition = {
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: processor('INLINE'), Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Fleet' }], Next: 'Fleet' },
        Fleet: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: processor('DISTRIBUTED'), ToleratedFailurePercentage: 100, ResultPath: null, End: true },
      },
    };
    const m = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('console-map'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
    const x = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"items": [1, 2, 3]}' }));
    await page.goto(`${api.endpoint}/console/executions/${x.executionArn}`);
    await page.locator('.page-head .badge', { hasText: 'SUCCEEDED' }).waitFor(SHOWN);
    await expectStatus('Each', 'caught');
    // The first failed iteration is shown first: index 1, item 2.
    await expectText(page.locator('.group-caption'), 'iteration 1 of 3');
    await expectStatus('BadINLINE', 'failed');
    await expectStatus('OkINLINE', 'not-run');
    await page.getByRole('button', { name: 'Previous iteration' }).click();
    await expectText(page.locator('.group-caption'), 'iteration 0 of 3');
    await expectStatus('OkINLINE', 'succeeded');
    await expectStatus('BadINLINE', 'not-run');

    // The Distributed Map: its Map Run, with what its iterations did, and its child executions.
    await expectStatus('Fleet', 'succeeded');
    const runs = page.getByRole('region', { name: 'Map runs' });
    await expectText(runs, '2 succeeded, 1 failed');
    const children = runs.getByRole('table', { name: 'Child executions' }).locator('tbody tr[data-arn]');
    await children.filter({ has: page.locator('.badge', { hasText: 'FAILED' }) }).waitFor(SHOWN);
    expect(await children.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')).sort())).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(await runs.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    // Filtered by status: only the failed child (item 2) is left.
    await runs.getByLabel('Child status filter').selectOption('FAILED');
    await children.filter({ has: page.locator('.badge', { hasText: 'SUCCEEDED' }) }).first().waitFor({ state: 'detached', ...SHOWN });
    expect(await children.count()).toBe(1);

    // The failed child: its graph is the Map's ItemProcessor (and nothing else), with links up to its parent and map run.
    await children.getByRole('link').click();
    await page.locator('.page-head .badge', { hasText: 'FAILED' }).waitFor(SHOWN);
    // The child's own history colours its graph: the path item 2 took.
    await expectStatus('CheckDISTRIBUTED', 'succeeded');
    await expectStatus('BadDISTRIBUTED', 'failed');
    await expectStatus('OkDISTRIBUTED', 'not-run');
    expect(await page.getByTestId('states-unrecorded').count()).toBe(0);
    expect(JSON.parse(await page.locator('.side pre.code').first().innerText())).toBe(2);
    await state('BadDISTRIBUTED').click();
    await expectText(page.getByTestId('step-status'), 'failed');
    expect(await state('Fleet').count()).toBe(0);
    await expectText(page.getByTestId('execution-error'), 'Two');

    // Up to the map run's own page (every child listed there too), then to the parent execution.
    await page.getByTestId('map-run').getByRole('link').click();
    await page.locator('h1', { hasText: 'Map Run Fleet' }).waitFor(SHOWN);
    await expectText(page.locator('.map-run-counts'), '2 succeeded, 1 failed');
    await page.getByRole('table', { name: 'Child executions' }).locator('tbody tr[data-arn]').nth(2).waitFor(SHOWN);
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: x.executionArn!.split(':').pop()! }).click();
    await expectStatus('Fleet', 'succeeded');
    expect(new URL(page.url()).pathname).toBe(`/console/executions/${x.executionArn}`);
  });

  test("a Map Run's child executions page Newer and Older, 20 at a time, on its own page", async () => {
    page = await openPage(browser, errors);
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, ResultPath: null, End: true },
      },
    };
    const m = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('console-fan'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
    const x = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: JSON.stringify(Array.from({ length: 45 }, (_, i) => i)) }));
    await page.goto(`${api.endpoint}/console/executions/${x.executionArn}`);
    await page.locator('.page-head .badge', { hasText: 'SUCCEEDED' }).waitFor(SHOWN);
    const runs = page.getByRole('region', { name: 'Map runs' });
    await expectText(runs, '45 succeeded, 0 failed');
    await runs.getByRole('heading').getByRole('link').click();
    await page.locator('h1', { hasText: 'Map Run Fan' }).waitFor(SHOWN);
    const rows = page.getByRole('table', { name: 'Child executions' }).locator('tbody tr[data-arn]');
    const pager = page.locator('.map-run-children .pager');
    const older = pager.getByRole('button', { name: 'Older →' });
    const newer = pager.getByRole('button', { name: 'Newer' });
    /** The rows of the page the pager names, once they have replaced the page before. */
    const readPage = async (n: number, before: string[]) => {
      await expectText(pager, `Page ${n}`);
      if (before.length > 0) await rows.and(page.locator(`[data-arn="${before[0]}"]`)).waitFor({ state: 'detached', ...SHOWN });
      await rows.first().waitFor(SHOWN);
      return rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-arn')!));
    };
    const first = await readPage(1, []);
    expect(first).toHaveLength(20);
    expect(await newer.isDisabled()).toBe(true);
    await older.click();
    const second = await readPage(2, first);
    await older.click();
    const third = await readPage(3, second);
    expect([second.length, third.length]).toEqual([20, 5]);
    await older.waitFor(SHOWN);
    expect(await older.isDisabled()).toBe(true);
    expect(new Set([...first, ...second, ...third]).size).toBe(45);
    expect(await rows.evaluateAll((els) => els.every((e) => e.getAttribute('data-status') === 'SUCCEEDED'))).toBe(true);
    await newer.click();
    expect(await readPage(2, third)).toEqual(second);
  });

  test('the state machines page counts the RUNNING executions of each machine', async () => {
    page = await openPage(browser, errors);
    const { definition } = await activityMachine('count');
    const m = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('console-busy'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
    // Two wait on the activity (nobody answers), one is stopped: two RUNNING.
    const started = await Promise.all([1, 2, 3].map(() => sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{}' }))));
    await sfn.send(new StopExecutionCommand({ executionArn: started[2]!.executionArn }));
    await page.goto(`${api.endpoint}/console/`);
    await page.locator(`tr[data-arn="${m.stateMachineArn}"] td[data-running="2"]`).waitFor(SHOWN);
    await screenshot(page, 'state-machines');
  });
});
