// Kconfig fragments (linux.config, busybox.config): reading one, applying it to a busybox .config
// (busybox has no merge_config.sh), and checking that a final .config kept every option it asked for.
import { readFileSync, writeFileSync } from 'node:fs';

/** Parses a kconfig fragment: Map of CONFIG_NAME -> value ('n' for "is not set"). */
export function parseFragment(text) {
  const map = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m = line.match(/^(CONFIG_\w+)=(.*)$/);
    if (m) map.set(m[1], m[2]);
    else if ((m = line.match(/^# (CONFIG_\w+) is not set$/))) map.set(m[1], 'n');
  }
  return map;
}

/** Lists the fragment options whose values did not make it into a final .config. */
export function configMismatches(fragment, finalConfig) {
  const final = parseFragment(finalConfig);
  const bad = [];
  for (const [k, v] of fragment) {
    const got = final.get(k) ?? 'n';
    if (got !== v) bad.push(`${k}: wanted ${v}, got ${final.has(k) ? got : 'unset'}`);
  }
  return bad;
}

/** Applies a fragment to a busybox .config in place (busybox has no merge_config.sh). */
export function applyFragment(configPath, fragment) {
  const lines = readFileSync(configPath, 'utf8').split('\n');
  const seen = new Set();
  const out = lines.map((line) => {
    const m = line.match(/^(CONFIG_\w+)=/) ?? line.match(/^# (CONFIG_\w+) is not set$/);
    if (!m || !fragment.has(m[1])) return line;
    seen.add(m[1]);
    const v = fragment.get(m[1]);
    return v === 'n' ? `# ${m[1]} is not set` : `${m[1]}=${v}`;
  });
  for (const [k, v] of fragment) if (!seen.has(k)) out.push(v === 'n' ? `# ${k} is not set` : `${k}=${v}`);
  writeFileSync(configPath, out.join('\n'));
}
