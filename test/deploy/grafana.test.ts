import { describe, expect, it } from 'vitest';
import { read, walk, yamlDocs } from './support.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr: string; datasource: { uid: string } }[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  tags: string[];
  templating: { list: { type: string; name: string; query: unknown; datasource?: { uid: string } }[] };
  panels: Panel[];
}

const files = walk('deploy/grafana/dashboards', (p) => p.endsWith('.json'));
const dashboards = files.map((file) => ({ file, dash: JSON.parse(read(file)) as Dashboard }));

describe('Grafana dashboards (deploy/grafana)', () => {
  it('has the four dashboards, with unique uids and titles', () => {
    expect(files.map((f) => f.split('/').pop())).toEqual([
      'redstep-activities-workers.json',
      'redstep-overview.json',
      'redstep-redis-queues.json',
      'redstep-state-machine.json',
    ]);
    expect(new Set(dashboards.map((d) => d.dash.uid)).size).toBe(4);
    expect(new Set(dashboards.map((d) => d.dash.title)).size).toBe(4);
  });

  it('matches the generator output (run node deploy/grafana/build-dashboards.mjs after editing it)', async () => {
    const { buildDashboards, render } = (await import('../../deploy/grafana/build-dashboards.mjs')) as {
      buildDashboards(): Record<string, unknown>;
      render(d: unknown): string;
    };
    const built = buildDashboards();
    expect(Object.keys(built).sort()).toEqual(files.map((f) => f.split('/').pop()).sort());
    for (const [name, dash] of Object.entries(built)) expect(read(`deploy/grafana/dashboards/${name}`), name).toBe(render(dash));
  });

  for (const { file, dash } of dashboards) {
    describe(file, () => {
      it('templates the Prometheus data source and uses it in every panel and variable', () => {
        const ds = dash.templating.list.find((v) => v.type === 'datasource');
        expect(ds).toMatchObject({ name: 'datasource', query: 'prometheus' });
        for (const v of dash.templating.list.filter((t) => t.type === 'query')) expect(v.datasource?.uid, v.name).toBe('${datasource}');
        for (const p of dash.panels.filter((x) => x.type !== 'row')) {
          expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
          expect(p.targets?.length, p.title).toBeGreaterThan(0);
          for (const t of p.targets!) expect(t.datasource.uid, p.title).toBe('${datasource}');
        }
      });

      it('has a namespace variable and filters every query by it', () => {
        expect(dash.templating.list.map((v) => v.name)).toContain('namespace');
        for (const p of dash.panels) for (const t of p.targets ?? []) expect(t.expr, p.title).toContain('namespace=~"$namespace"');
      });

      it('lays panels out on the 24-column grid without overlap, with unique ids and refIds', () => {
        const cells = new Set<string>();
        const ids = new Set<number>();
        for (const p of dash.panels) {
          expect(ids.has(p.id), `id ${p.id}`).toBe(false);
          ids.add(p.id);
          const { x, y, w, h } = p.gridPos;
          expect(x + w, p.title).toBeLessThanOrEqual(24);
          for (let i = x; i < x + w; i++) {
            for (let j = y; j < y + h; j++) {
              const key = `${i},${j}`;
              expect(cells.has(key), `${p.title} overlaps at ${key}`).toBe(false);
              cells.add(key);
            }
          }
          const refIds = (p.targets ?? []).map((t) => t.refId);
          expect(new Set(refIds).size, p.title).toBe(refIds.length);
        }
      });

      it('is tagged redstep and uses a current schema version', () => {
        expect(dash.tags).toContain('redstep');
        expect(dash.schemaVersion).toBeGreaterThanOrEqual(36);
      });
    });
  }

  it('ships every dashboard as a ConfigMap for the Grafana sidecar', () => {
    const k = yamlDocs('deploy/grafana/kustomization.yaml')[0] as {
      generatorOptions: { labels: Record<string, string> };
      configMapGenerator: { name: string; files: string[] }[];
    };
    expect(k.generatorOptions.labels.grafana_dashboard).toBe('1');
    const listed = k.configMapGenerator.flatMap((g) => g.files.map((f) => `deploy/grafana/${f}`)).sort();
    expect(listed).toEqual(files);
    for (const { file } of dashboards) expect(read(file).length, file).toBeLessThan(200 * 1024);
  });
});
