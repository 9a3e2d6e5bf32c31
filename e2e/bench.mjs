// `promplay bench` inside Chromium: serves dist/, loads the engine module in a headless page
// and runs the seed's query set through its `bench` export (the same table as the native
// CLI, timed with performance.now()). Prints the table; with --tsv, only the rows that
// scripts/bench-vs-prometheus.sh reads; with --rules, the seed's rule evaluation over the
// whole dataset instead (`promplay bench --rules`).
//
//   node e2e/bench.mjs [--dataset ml-platform] [--runs 15] [--tsv | --rules]

import { launch, serveSite } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dataset = option('--dataset', 'ml-platform');
const rules = args.includes('--rules');
const runs = Number(option('--runs', rules ? '5' : '15'));

const site = await serveSite();
const browser = await launch();
try {
  const page = await browser.page();
  await page.goto(site.url);
  const out = await page.evaluate(
    async ({ dataset, runs, rules }) => {
      const base = document.baseURI.replace(/[^/]*$/, '');
      // Rule evaluation is in the labs' build of the engine module only.
      const engine = rules ? 'promql-engine-labs' : 'promql-engine';
      const m = await import(`${base}${engine}.js`);
      await m.default({ module_or_path: `${base}${engine}_bg.wasm` });
      return rules ? m.bench_rules(dataset, runs) : m.bench(dataset, runs);
    },
    { dataset, runs, rules },
  );
  if (out.startsWith('error:')) throw new Error(out);
  if (rules) {
    process.stdout.write(`${dataset} in Chromium's engine module\n${out}`);
  } else {
    const [table, tsv] = out.split('\nid\t');
    process.stdout.write(args.includes('--tsv') ? `id\t${tsv}` : `${dataset} in Chromium's engine module; median of ${runs} runs\n${table}`);
  }
} finally {
  await browser.close();
  await site.close();
}
