// `promplay bench` inside Chromium: serves dist/, loads the engine module in a headless page
// and runs the seed's query set through its `bench` export (the same table as the native
// CLI, timed with performance.now()). Prints the table; with --tsv, only the rows that
// scripts/bench-vs-prometheus.sh reads; with --rules, the seed's rule evaluation over the
// whole dataset instead (`promplay bench --rules`).
//
// Chromium first runs a module's functions as compiled by its baseline compiler and swaps in
// optimised code for the hot ones in the background, so the queries measured first would
// time the slower code. The query set therefore runs once before it is measured (as the
// native bench warms up each query); that first pass's total is printed too, since it is
// what a learner's very first queries cost.
//
//   node e2e/bench.mjs [--dataset ml-platform] [--runs 15] [--tsv | --rules] [--dist DIR]
//
// --dist serves another build of the site than dist/ (to compare two builds' engine modules).

import { resolve } from 'node:path';

import { launch, serveSite } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dataset = option('--dataset', 'ml-platform');
const rules = args.includes('--rules');
const runs = Number(option('--runs', rules ? '5' : '15'));

const dist = option('--dist', '');
const site = await serveSite(dist ? { dist: resolve(dist) } : {});
const browser = await launch();
try {
  const page = await browser.page();
  await page.goto(site.url);
  const out = await page.evaluate(
    async ({ dataset, runs, rules }) => {
      const base = document.baseURI.replace(/[^/]*$/, '');
      // The playground's build of the engine module runs the queries; rule evaluation is in
      // the labs' build only.
      const engine = rules ? 'promql-engine-labs' : 'promql-engine-play';
      const m = await import(`${base}${engine}.js`);
      await m.default({ module_or_path: `${base}${engine}_bg.wasm` });
      if (rules) return { out: m.bench_rules(dataset, runs) };
      const t0 = performance.now();
      const first = m.bench(dataset, 1);
      const firstMs = performance.now() - t0;
      // Give the background compiler a moment to install what the first pass made hot.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { out: m.bench(dataset, runs), first, firstMs };
    },
    { dataset, runs, rules },
  );
  const { out: report, first, firstMs } = out;
  for (const text of [report, first ?? '']) {
    if (text.startsWith('error:')) throw new Error(text);
  }
  if (rules) {
    process.stdout.write(`${dataset} in Chromium's engine module\n${report}`);
  } else {
    const [table, tsv] = report.split('\nid\t');
    const firstTotal = first.match(/^total ([0-9.]+) ms/m)?.[1];
    process.stdout.write(
      args.includes('--tsv')
        ? `id\t${tsv}`
        : `${dataset} in Chromium's engine module; median of ${runs} runs, after a first pass\n${table}` +
            `first pass (each query once to warm up, once timed), before the browser optimised the code: ${firstTotal} ms timed, ${firstMs.toFixed(0)} ms in all with the dataset's generation\n`,
    );
  }
} finally {
  await browser.close();
  await site.close();
}
