/** `/console/`: state machines (with their running executions) and activities; creating either. */
import { useState } from 'preact/hooks';
import { call, callAll } from '../api.js';
import { ErrorNote, Link, formatDate, navigate, useLoad } from '../ui.js';

interface MachineItem {
  stateMachineArn: string;
  name: string;
  type: string;
  creationDate: number;
}

interface ActivityItem {
  activityArn: string;
  name: string;
  creationDate: number;
}

const SAMPLE = JSON.stringify(
  { Comment: 'A first state machine', StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: 'world', End: true } } },
  null,
  2,
);

/** Counts RUNNING executions, up to 1,000 (shown as 1000+ past that). */
async function runningCount(stateMachineArn: string): Promise<string> {
  const page = await call<{ executions: unknown[]; nextToken?: string }>('ListExecutions', { stateMachineArn, statusFilter: 'RUNNING', maxResults: 1000 });
  return page.nextToken ? `${page.executions.length}+` : String(page.executions.length);
}

function RunningCell({ arn }: { arn: string }) {
  const count = useLoad(() => runningCount(arn), [arn]);
  return <td class="num" data-running={count.data ?? ''}>{count.data ?? (count.error ? '?' : '…')}</td>;
}

function CreateMachine({ onCreated }: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [type, setType] = useState('STANDARD');
  const [definition, setDefinition] = useState(SAMPLE);
  const [roleArn, setRoleArn] = useState('arn:aws:iam::123456789012:role/redstep');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  if (!open)
    return (
      <button type="button" class="primary" onClick={() => setOpen(true)}>
        Create state machine
      </button>
    );
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await call<{ stateMachineArn: string }>('CreateStateMachine', { name, type, definition, roleArn });
      onCreated();
      navigate({ page: 'state-machine', arn: res.stateMachineArn });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel form" onSubmit={(e) => void submit(e)} aria-label="Create state machine">
      <h3>New state machine</h3>
      <label>
        Name
        <input name="name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} autoFocus />
      </label>
      <label>
        Type
        <select name="type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}>
          <option value="STANDARD">STANDARD</option>
          <option value="EXPRESS">EXPRESS</option>
        </select>
      </label>
      <label>
        Role ARN
        <input name="roleArn" value={roleArn} onInput={(e) => setRoleArn((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Definition (Amazon States Language)
        <textarea name="definition" rows={14} spellcheck={false} value={definition} onInput={(e) => setDefinition((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Create
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CreateActivity({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<Error>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await call('CreateActivity', { name });
      setName('');
      setError(undefined);
      onCreated();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form class="inline-form" onSubmit={(e) => void submit(e)} aria-label="Create activity">
      <input placeholder="new activity name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} aria-label="Activity name" />
      <button type="submit">Create activity</button>
      <ErrorNote error={error} />
    </form>
  );
}

export function Home() {
  const machines = useLoad(() => callAll<MachineItem>('ListStateMachines', { maxResults: 1000 }, 'stateMachines'), []);
  const activities = useLoad(() => callAll<ActivityItem>('ListActivities', { maxResults: 1000 }, 'activities'), []);
  const [filter, setFilter] = useState('');
  const shown = (machines.data ?? []).filter((m) => m.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <main>
      <section>
        <div class="section-head">
          <h2>State machines</h2>
          <input type="search" placeholder="Filter by name" value={filter} onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)} aria-label="Filter state machines" />
          <button type="button" onClick={machines.reload}>
            Refresh
          </button>
        </div>
        <CreateMachine onCreated={machines.reload} />
        <ErrorNote error={machines.error} />
        <table class="list" aria-label="State machines">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Created</th>
              <th class="num">Running</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr key={m.stateMachineArn} data-arn={m.stateMachineArn}>
                <td>
                  <Link to={{ page: 'state-machine', arn: m.stateMachineArn }}>{m.name}</Link>
                </td>
                <td>{m.type}</td>
                <td>{formatDate(m.creationDate)}</td>
                <RunningCell arn={m.stateMachineArn} />
              </tr>
            ))}
            {machines.data && shown.length === 0 ? (
              <tr>
                <td colSpan={4} class="empty">
                  No state machines{filter ? ' match' : ' yet'}.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
      <section>
        <div class="section-head">
          <h2>Activities</h2>
        </div>
        <CreateActivity onCreated={activities.reload} />
        <ErrorNote error={activities.error} />
        <table class="list" aria-label="Activities">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {(activities.data ?? []).map((a) => (
              <tr key={a.activityArn}>
                <td>
                  <Link to={{ page: 'activity', arn: a.activityArn }}>{a.name}</Link>
                </td>
                <td>{formatDate(a.creationDate)}</td>
              </tr>
            ))}
            {activities.data?.length === 0 ? (
              <tr>
                <td colSpan={2} class="empty">
                  No activities yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
    </main>
  );
}
