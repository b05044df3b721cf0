import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {stableRows, stableStringify} from '../../runner/src/model/stable-json.js';
import type {SegmentationModel} from '../../runner/src/model/types.js';
import type {KMeansInput} from './read-segments.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One plot: a Vega-Lite spec that reads `<name>.data.json` beside it. */
interface Plot {
  readonly name: string;
  readonly spec: Record<string, unknown>;
  readonly data: readonly Record<string, unknown>[];
}

/**
 * Writes the evaluate plots into `dir`: silhouette by k, cluster sizes, PC1/PC2 scatter coloured
 * by cluster, and cluster profiles (each feature's cluster mean in training standard deviations
 * from the overall mean), as `<name>.json` specs with `<name>.data.json` data.
 */
export async function writePlots(
  dir: string,
  model: SegmentationModel,
  input: KMeansInput,
  sweep: readonly {k: number; silhouette: number}[],
): Promise<string[]> {
  await mkdir(dir, {recursive: true});
  const names = model.clusters.map((c) => `${c.id}: ${c.name}`);
  const clusterColor = {
    field: 'cluster',
    type: 'nominal',
    title: 'cluster',
    scale: {domain: names},
  };
  const plots: Plot[] = [
    {
      name: 'silhouette-by-k',
      data: sweep.map((s) => ({k: s.k, silhouette: s.silhouette, chosen: s.k === model.kmeans.k})),
      spec: {
        title: 'Silhouette by number of clusters',
        layer: [
          {mark: {type: 'line', point: true}},
          {
            mark: {type: 'point', size: 120, filled: true, color: '#d62728'},
            transform: [{filter: 'datum.chosen'}],
          },
        ],
        encoding: {
          x: {field: 'k', type: 'ordinal', title: 'k', axis: {labelAngle: 0}},
          y: {field: 'silhouette', type: 'quantitative', title: 'mean silhouette'},
        },
      },
    },
    {
      name: 'cluster-sizes',
      data: model.clusters.map((c, i) => ({cluster: names[i], size: c.size})),
      spec: {
        title: 'Customers per cluster (outliers excluded)',
        // Horizontal bars: generated cluster names are long and must stay readable.
        width: 360,
        encoding: {
          y: {field: 'cluster', type: 'nominal', sort: null, title: null},
          x: {field: 'size', type: 'quantitative', title: 'customers'},
        },
        layer: [
          {mark: 'bar', encoding: {color: {...clusterColor, legend: null}}},
          {mark: {type: 'text', align: 'left', dx: 4}, encoding: {text: {field: 'size'}}},
        ],
      },
    },
    {
      name: 'pca-scatter',
      data: Array.from(input.all.cluster, (c, i) => ({
        PC1: input.all.pc1[i],
        PC2: input.all.pc2[i],
        cluster: names[c] ?? String(c),
        outlier: input.all.isOutlier[i] === 1,
      })),
      spec: {
        title: 'Customers on the first two principal components',
        mark: {type: 'point', filled: true, size: 12, opacity: 0.6},
        encoding: {
          x: {field: 'PC1', type: 'quantitative'},
          y: {field: 'PC2', type: 'quantitative'},
          color: clusterColor,
          shape: {
            field: 'outlier',
            type: 'nominal',
            scale: {domain: [false, true], range: ['circle', 'cross']},
          },
        },
      },
    },
    {
      name: 'cluster-profiles',
      data: model.clusters.flatMap((c, i) =>
        model.features.map((feature, j) => {
          const std = model.scaler.std[j] as number;
          const mean = c.means[feature] as number;
          const centre = model.scaler.mean[j] as number;
          return {
            cluster: names[i],
            feature,
            mean,
            deviation:
              std > 0 && model.scaler.standardize.includes(feature) ? (mean - centre) / std : 0,
          };
        }),
      ),
      spec: {
        title: 'Cluster profiles (mean, in standard deviations from the overall mean)',
        mark: 'rect',
        encoding: {
          x: {field: 'feature', type: 'nominal', sort: null, title: null},
          y: {field: 'cluster', type: 'nominal', sort: null, title: null},
          color: {
            field: 'deviation',
            type: 'quantitative',
            scale: {scheme: 'redblue', domainMid: 0, reverse: true},
          },
          tooltip: [
            {field: 'feature'},
            {field: 'mean', format: '.4g'},
            {field: 'deviation', format: '.2f'},
          ],
        },
      },
    },
  ];
  const written: string[] = [];
  for (const plot of plots) {
    const dataFile = `${plot.name}.data.json`;
    const spec = {$schema: SCHEMA, ...plot.spec, data: {url: dataFile}};
    await writeFile(path.join(dir, dataFile), stableRows(plot.data));
    await writeFile(path.join(dir, `${plot.name}.json`), stableStringify(spec));
    written.push(`${plot.name}.json`);
  }
  return written;
}
