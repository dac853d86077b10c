// One results table per scenario: printed as it grows, written to bench/results/<date>-<commit><suffix>.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function createReport(scenario) {
  const rows = [];
  const notes = [];
  return {
    scenario,
    /** A figure: numbers get 2 decimals under 10, none above. */
    row(section, what, value, unit = '') {
      rows.push([section, what, typeof value === 'number' ? value.toFixed(Math.abs(value) < 10 ? 2 : 0) : String(value), unit]);
      console.log(`${scenario} | ${section} | ${what}: ${rows[rows.length - 1][2]} ${unit}`);
    },
    /** A line under the heading: settings, conditions, what overlapped. */
    note(text) {
      notes.push(text);
      console.log(`${scenario} | note: ${text}`);
    },
    get empty() {
      return rows.length === 0;
    },
    /** Writes the table; `suffix` ends the file name ('' for the comparison run, '-noisy', …). */
    write(root, { suffix, mode }) {
      const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
      const date = new Date().toISOString().slice(0, 10);
      const heading = `# bench ${date} ${commit}${scenario === 'compare' ? '' : ` ${scenario}`}${mode ? ` (${mode})` : ''}`;
      const table = ['| section | measure | value | unit |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
      const text = [heading, '', ...(notes.length > 0 ? [...notes.map((n) => `- ${n}`), ''] : []), ...table].join('\n');
      console.log(`\n${text}`);
      const file = join(root, 'bench/results', `${date}-${commit}${suffix}.md`);
      writeFileSync(file, `${text}\n`);
      return file;
    },
  };
}
