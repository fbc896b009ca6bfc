// `npm run simulate -- SCENARIO.json [--out RESULT.json]`: one synthetic athlete through the local runtime on a
// virtual clock (lib/local/simulator.ts). Prints the day table and the change log; exits 1 when a rule the
// scenario expects did not fire, 2 on a bad scenario.
import { readFileSync, writeFileSync } from 'node:fs';
import { dayTable, simulate } from '#lib/local/simulator';
import { Scenario } from '#lib/local/scenario';
import { localDateOf } from '#shared/domain/dates';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : undefined;
const file = args.find((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
if (!file || (outAt >= 0 && !out)) {
  console.error('usage: npm run simulate -- SCENARIO.json [--out RESULT.json]');
  process.exit(2);
}
const parsed = Scenario.safeParse(JSON.parse(readFileSync(file, 'utf8')));
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  process.exit(2);
}
const scenario = parsed.data;
const started = performance.now();
const result = await simulate(scenario);
if (scenario.description) console.log(scenario.description);
console.log(dayTable(result));
console.log('\nchange log (newest first):');
for (const c of result.changes)
  console.log(`  v${c.version} ${localDateOf(c.at, scenario.timeZone)} ${c.trigger}/${c.reason.code}: ${c.reason.message} (${c.changes.length} workouts)`);
console.log(`\n${scenario.days} days in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (out) writeFileSync(out, `${JSON.stringify({ days: result.days, changes: result.changes }, null, 2)}\n`);
for (const f of result.failures) console.error(`FAILED: ${f}`);
process.exit(result.failures.length > 0 ? 1 : 0);
