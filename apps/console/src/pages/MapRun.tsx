/** `/console/map-runs/<arn>`: one Distributed Map run, its counts and its child executions. */
import type { ComponentChildren } from 'preact';
import { call } from '../api.js';
import { machineOfExecution, mapRunLabel } from '../arns.js';
import { MapRun, type MapRunDescription } from '../components/MapRuns.js';
import { ErrorNote, Link, arnName, useLoad } from '../ui.js';

/** State machines / machine / parent execution / Map Run, then `children` (the child's name). */
export function MapRunCrumbs({ mapRunArn, parentArn, children }: { mapRunArn: string; parentArn: string | undefined; children?: ComponentChildren }) {
  const label = `Map Run ${mapRunLabel(mapRunArn)}`;
  return (
    <nav class="crumbs" aria-label="Breadcrumbs">
      <Link to={{ page: 'home' }}>State machines</Link> /{' '}
      {parentArn ? (
        <>
          <Link to={{ page: 'state-machine', arn: machineOfExecution(parentArn) }}>{arnName(machineOfExecution(parentArn))}</Link> /{' '}
          <Link to={{ page: 'execution', arn: parentArn }}>{parentArn.split(':').pop()}</Link> /{' '}
        </>
      ) : (
        '… / '
      )}
      {children ? (
        <>
          <Link to={{ page: 'map-run', arn: mapRunArn }}>{label}</Link> / {children}
        </>
      ) : (
        <span>{label}</span>
      )}
    </nav>
  );
}

/** The parent execution of a map run (DescribeMapRun), or nothing for no map run. */
export function useMapRunParent(mapRunArn: string | undefined): { parentArn?: string; error?: Error } {
  const run = useLoad(() => (mapRunArn ? call<MapRunDescription>('DescribeMapRun', { mapRunArn }) : Promise.resolve(undefined)), [mapRunArn]);
  return { parentArn: run.data?.executionArn, error: run.error };
}

export function MapRunPage({ arn }: { arn: string }) {
  const { parentArn, error } = useMapRunParent(arn);
  return (
    <main>
      <MapRunCrumbs mapRunArn={arn} parentArn={parentArn} />
      <header class="page-head">
        <h1>Map Run {mapRunLabel(arn)}</h1>
        <dl class="facts">
          {parentArn ? (
            <>
              <dt>Parent execution</dt>
              <dd>
                <Link to={{ page: 'execution', arn: parentArn }}>{parentArn.split(':').pop()}</Link>
              </dd>
            </>
          ) : null}
          <dt>ARN</dt>
          <dd class="mono">{arn}</dd>
        </dl>
      </header>
      <ErrorNote error={error} />
      {error ? null : <MapRun mapRunArn={arn} refresh={0} linked={false} />}
    </main>
  );
}
