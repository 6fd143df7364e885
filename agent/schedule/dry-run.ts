// `schedule install --dry-run`: every file the installation would write, with its content (the SAS never), and the commands it would run.
import { stat } from 'node:fs/promises';
import type { HostPath } from './host-paths.ts';
import type { InstallPlan } from './install.ts';
import { octal } from './install-record.ts';
import type { PlannedFile } from './schedule-target.ts';
import { decodeTaskXml } from './task-xml.ts';

async function shown(f: PlannedFile): Promise<string> {
  if (f.secret) return `<SAS, ${octal(f.mode)}, not shown>\n`;
  if (!Buffer.isBuffer(f.content)) {
    const size = await stat(f.content.copyFrom).then((s) => `${s.size} bytes`, () => 'unreadable');
    return `<copy of ${f.content.copyFrom}, ${size}>\n`;
  }
  const text = f.textEncoding === 'utf16le' ? decodeTaskXml(f.content).replace(/\r\n/g, '\n') : f.content.toString('utf8');
  return text.endsWith('\n') ? text : `${text}\n`;
}

export async function renderDryRun(plan: InstallPlan, host: HostPath, recordPath: string): Promise<string> {
  const out: string[] = [];
  if (plan.existing) out.push(`# would first remove the existing installation of ${plan.existing.installedAt} (--force)\n`);
  for (const d of plan.dirs) out.push(`# directory ${host(d.path)} (${octal(d.mode)}${d.protect ? ', SYSTEM and Administrators only' : ''})\n`);
  for (const f of plan.files) {
    const note = f.textEncoding === 'utf16le' ? ', UTF-16 LE with BOM' : '';
    out.push(`# file ${host(f.path)} (${octal(f.mode)}${note})\n${await shown(f)}`);
  }
  out.push(`# file ${host(recordPath)} (0644): the record of every file above and each directory that did not exist\n`);
  for (const c of plan.commands) out.push(`# would run: ${c}\n`);
  if (plan.commands.length === 0) out.push('# would run no command (--no-start, or --system-root is not the running system)\n');
  return out.join('');
}
