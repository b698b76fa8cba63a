/** `/console/activities/<arn>`: an activity, and how a worker takes its tasks. */
import { call } from '../api.js';
import { ErrorNote, Link, arnName, formatDate, useLoad } from '../ui.js';

export function Activity({ arn }: { arn: string }) {
  const activity = useLoad(() => call<{ activityArn: string; name: string; creationDate: number }>('DescribeActivity', { activityArn: arn }), [arn]);
  const a = activity.data;
  return (
    <main>
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: 'home' }}>Activities</Link> / <span>{arnName(arn)}</span>
      </nav>
      <ErrorNote error={activity.error} />
      {a ? (
        <header class="page-head">
          <h1>{a.name}</h1>
          <dl class="facts">
            <dt>Created</dt>
            <dd>{formatDate(a.creationDate)}</dd>
            <dt>ARN</dt>
            <dd class="mono">{a.activityArn}</dd>
          </dl>
          <p class="hint">
            Workers take this activity's tasks with <code>GetActivityTask</code> on this ARN and answer with <code>SendTaskSuccess</code>, <code>SendTaskFailure</code> and{' '}
            <code>SendTaskHeartbeat</code>; a state machine calls it with a Task state whose <code>Resource</code> is the ARN.
          </p>
        </header>
      ) : null}
    </main>
  );
}
