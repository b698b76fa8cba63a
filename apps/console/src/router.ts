/**
 * The console's routes. They are part of its interface (bookmarks, tests, links from logs):
 *   /console/                          state machines and activities
 *   /console/state-machines/<arn>      one state machine (a version or alias ARN too)
 *   /console/executions/<arn>          one execution (a map run's child execution too)
 *   /console/map-runs/<arn>            one Distributed Map run and its child executions
 *   /console/activities/<arn>          one activity
 * ARNs stand in the path as they are; an encoded one is accepted too.
 */
export const BASE = '/console/';

export type Route =
  | { page: 'home' }
  | { page: 'state-machine'; arn: string }
  | { page: 'execution'; arn: string }
  | { page: 'map-run'; arn: string }
  | { page: 'activity'; arn: string }
  | { page: 'not-found'; path: string };

const PAGES = ['state-machines', 'executions', 'map-runs', 'activities'] as const;

export function parseRoute(pathname: string): Route {
  if (pathname === BASE || pathname === '/console' || pathname === `${BASE}index.html`) return { page: 'home' };
  if (!pathname.startsWith(BASE)) return { page: 'not-found', path: pathname };
  const rest = pathname.slice(BASE.length);
  const slash = rest.indexOf('/');
  const kind = slash < 0 ? rest : rest.slice(0, slash);
  let arn = slash < 0 ? '' : rest.slice(slash + 1);
  try {
    arn = decodeURIComponent(arn);
  } catch {
    // Keep it as it came: a literal % in an ARN is not possible, the lookup answers not found.
  }
  if (arn === '' || !(PAGES as readonly string[]).includes(kind)) return { page: 'not-found', path: pathname };
  if (kind === 'state-machines') return { page: 'state-machine', arn };
  if (kind === 'executions') return { page: 'execution', arn };
  if (kind === 'map-runs') return { page: 'map-run', arn };
  return { page: 'activity', arn };
}

/** The path of a resource page; ARN characters that are not safe in a path are encoded. */
export function pathOf(route: Route): string {
  const enc = (arn: string) => encodeURI(arn).replace(/[?#]/g, encodeURIComponent);
  switch (route.page) {
    case 'home':
      return BASE;
    case 'state-machine':
      return `${BASE}state-machines/${enc(route.arn)}`;
    case 'execution':
      return `${BASE}executions/${enc(route.arn)}`;
    case 'map-run':
      return `${BASE}map-runs/${enc(route.arn)}`;
    case 'activity':
      return `${BASE}activities/${enc(route.arn)}`;
    case 'not-found':
      return route.path;
    default: {
      const never: never = route;
      return never;
    }
  }
}
