/** The step inspector: what one state did (in the Map iterations picked), its data flow and errors. */
import { dataFlow } from '../history/dataflow.js';
import type { StepRecord } from '../history/status.js';
import { pretty } from '../ui.js';

export interface InspectorProps {
  name: string;
  def: Record<string, unknown>;
  record: StepRecord | undefined;
  queryLanguage?: string;
  /** The history keeps no states (a map run's child): what this one did is not known. */
  unrecorded?: boolean;
  onShowEvents: (record: StepRecord) => void;
}

export function Inspector({ name, def, record, queryLanguage, unrecorded = false, onShowEvents }: InspectorProps) {
  const flow = dataFlow(def, record, queryLanguage);
  const retries = record ? Math.max(0, record.attempts - 1) : 0;
  return (
    <div class="inspector" aria-label={`Step ${name}`}>
      <h3>
        {name} <span class="muted">{String(def['Type'] ?? '')}</span>
      </h3>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-testid="step-status">{record?.status ?? (unrecorded ? 'unrecorded' : 'not-run')}</dd>
        {record?.scope ? (
          <>
            <dt>Iteration</dt>
            <dd class="mono">{record.scope}</dd>
          </>
        ) : null}
        {record && record.visits > 1 ? (
          <>
            <dt>Entered</dt>
            <dd>{record.visits} times (the last is shown)</dd>
          </>
        ) : null}
        {record && record.attempts > 0 ? (
          <>
            <dt>Attempts</dt>
            <dd>
              {record.attempts} ({retries} {retries === 1 ? 'retry' : 'retries'})
            </dd>
          </>
        ) : null}
      </dl>
      {record && record.errors.length > 0 ? (
        <div class="errors" data-testid="step-errors">
          <h4>Errors</h4>
          <ol>
            {record.errors.map((e) => (
              <li key={e.eventId}>
                <strong class="error-name">{e.error ?? e.type}</strong> <span class="muted">({e.type}, event {e.eventId})</span>
                {e.cause ? <pre class="code">{pretty(e.cause)}</pre> : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      <h4>Data flow</h4>
      <ol class="flow">
        {flow.map((s) => (
          <li key={s.field} class={s.defaulted ? 'defaulted' : ''}>
            <span class="flow-field">{s.field}</span>
            {s.expression !== undefined ? <code class="flow-expr">{s.expression}</code> : null}
            {s.defaulted ? <span class="muted"> (default)</span> : null}
            {s.value !== undefined ? <pre class="code">{pretty(s.value)}</pre> : null}
          </li>
        ))}
      </ol>
      {record ? (
        <button type="button" onClick={() => onShowEvents(record)}>
          Show its {record.eventIds.length} events
        </button>
      ) : null}
      <details>
        <summary>Definition</summary>
        <pre class="code">{JSON.stringify(def, null, 2)}</pre>
      </details>
    </div>
  );
}
