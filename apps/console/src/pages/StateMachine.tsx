/** `/console/state-machines/<arn>`: definition graph, versions and aliases, executions, start. */
import { useMemo, useState } from 'preact/hooks';
import { call, callAll } from '../api.js';
import { Graph } from '../graph/Graph.js';
import { useLayout } from '../graph/use-layout.js';
import { definitionGraph } from '../graph/model.js';
import { ExecutionList } from '../components/ExecutionList.js';
import { ErrorNote, Link, arnName, formatDate, navigate, useLoad } from '../ui.js';

interface MachineDescription {
  stateMachineArn: string;
  name: string;
  type: string;
  status?: string;
  definition: string;
  roleArn: string;
  creationDate: number;
  revisionId?: string;
  description?: string;
}

function Executions({ arn }: { arn: string }) {
  return (
    <section aria-label="Executions">
      <ExecutionList of={{ stateMachineArn: arn }} title="Executions" filterLabel="Status filter" />
    </section>
  );
}

function StartExecution({ arn }: { arn: string }) {
  const [name, setName] = useState('');
  const [input, setInput] = useState('{}');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const parseError = useMemo(() => {
    try {
      JSON.parse(input);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }, [input]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (parseError) return;
    setBusy(true);
    try {
      const res = await call<{ executionArn: string }>('StartExecution', { stateMachineArn: arn, input, ...(name ? { name } : {}) });
      navigate({ page: 'execution', arn: res.executionArn });
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return (
    <form class="panel form" onSubmit={(e) => void submit(e)} aria-label="Start execution">
      <h3>Start an execution</h3>
      <label>
        Name (optional: a UUID when empty)
        <input name="executionName" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Input (JSON)
        <textarea name="input" rows={6} spellcheck={false} value={input} onInput={(e) => setInput((e.currentTarget as HTMLTextAreaElement).value)} aria-invalid={parseError ? 'true' : 'false'} />
      </label>
      {parseError ? <p class="hint bad">Not JSON: {parseError}</p> : null}
      <button
        type="button"
        onClick={() => {
          try {
            setInput(JSON.stringify(JSON.parse(input), null, 2));
          } catch {
            // The hint above already says why.
          }
        }}
      >
        Format
      </button>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || parseError !== undefined}>
          Start execution
        </button>
      </div>
    </form>
  );
}

function VersionsAndAliases({ arn }: { arn: string }) {
  const base = arn.split(':').slice(0, 7).join(':');
  const versions = useLoad(() => callAll<{ stateMachineVersionArn: string; creationDate: number }>('ListStateMachineVersions', { stateMachineArn: base, maxResults: 1000 }, 'stateMachineVersions', 5), [base]);
  const aliases = useLoad(() => callAll<{ stateMachineAliasArn: string; creationDate: number }>('ListStateMachineAliases', { stateMachineArn: base, maxResults: 100 }, 'stateMachineAliases', 5), [base]);
  return (
    <section aria-label="Versions and aliases" class="two-col">
      <div>
        <h3>Versions</h3>
        <ErrorNote error={versions.error} />
        <ul class="plain">
          {(versions.data ?? []).map((v) => (
            <li key={v.stateMachineVersionArn}>
              <Link to={{ page: 'state-machine', arn: v.stateMachineVersionArn }}>Version {v.stateMachineVersionArn.split(':').pop()}</Link> <span class="muted">{formatDate(v.creationDate)}</span>
            </li>
          ))}
          {versions.data?.length === 0 ? <li class="muted">No versions published.</li> : null}
        </ul>
      </div>
      <div>
        <h3>Aliases</h3>
        <ErrorNote error={aliases.error} />
        <ul class="plain">
          {(aliases.data ?? []).map((a) => (
            <li key={a.stateMachineAliasArn}>
              <Link to={{ page: 'state-machine', arn: a.stateMachineAliasArn }}>{a.stateMachineAliasArn.split(':').pop()}</Link> <span class="muted">{formatDate(a.creationDate)}</span>
            </li>
          ))}
          {aliases.data?.length === 0 ? <li class="muted">No aliases.</li> : null}
        </ul>
      </div>
    </section>
  );
}

export function StateMachine({ arn }: { arn: string }) {
  const isAlias = /:stateMachine:[^:]+:[^:0-9][^:]*$/.test(arn);
  /** A version number or an alias name, when the ARN names one. */
  const qualifier = arn.split(':')[7];
  const machine = useLoad(async () => {
    if (!isAlias) return call<MachineDescription>('DescribeStateMachine', { stateMachineArn: arn });
    const alias = await call<{ routingConfiguration: { stateMachineVersionArn: string; weight: number }[] }>('DescribeStateMachineAlias', { stateMachineAliasArn: arn });
    const target = alias.routingConfiguration[0]?.stateMachineVersionArn ?? arn;
    return call<MachineDescription>('DescribeStateMachine', { stateMachineArn: target });
  }, [arn]);
  const graph = useLayout(machine.data?.definition);
  const [selected, setSelected] = useState<string>();
  const m = machine.data;
  const selectedDef = useMemo(() => {
    if (!selected || !m) return undefined;
    try {
      const all = definitionGraph(m.definition);
      const find = (g: typeof all): Record<string, unknown> | undefined => {
        for (const n of g.nodes) {
          if (n.name === selected) return n.def;
          for (const b of n.branches) {
            const f = find(b);
            if (f) return f;
          }
        }
        return undefined;
      };
      return find(all);
    } catch {
      return undefined;
    }
  }, [selected, m]);
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: 'home' }}>State machines</Link> / <span>{arnName(arn)}</span>
      </nav>
      <ErrorNote error={machine.error} />
      {m ? (
        <>
          <header class="page-head">
            <h1>
              {m.name}
              {qualifier ? <span class="badge">{/^\d+$/.test(qualifier) ? `version ${qualifier}` : `alias ${qualifier}`}</span> : null}
            </h1>
            <dl class="facts">
              <dt>Type</dt>
              <dd>{m.type}</dd>
              <dt>Created</dt>
              <dd>{formatDate(m.creationDate)}</dd>
              <dt>ARN</dt>
              <dd class="mono">{arn}</dd>
              <dt>Role</dt>
              <dd class="mono">{m.roleArn}</dd>
            </dl>
          </header>
          <section aria-label="Definition" class="graph-section">
            <h2>Definition</h2>
            <ErrorNote error={graph.error} />
            <div class="graph-with-side">
              {graph.layout ? <Graph layout={graph.layout} label={`Definition of ${m.name}`} selected={selected} onSelect={setSelected} /> : null}
              <aside class="side panel">
                {selectedDef ? (
                  <>
                    <h3>{selected}</h3>
                    <pre class="code">{JSON.stringify(selectedDef, null, 2)}</pre>
                  </>
                ) : (
                  <>
                    <h3>Definition</h3>
                    <pre class="code tall">{JSON.stringify(JSON.parse(m.definition), null, 2)}</pre>
                  </>
                )}
              </aside>
            </div>
          </section>
          <StartExecution arn={arn} />
          <Executions arn={arn} />
          <VersionsAndAliases arn={arn} />
        </>
      ) : null}
    </main>
  );
}
