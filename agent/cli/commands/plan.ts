// `plan`: lists what collect would preserve, in order, from listings only (no file content is read).
import type { Argv } from 'yargs';
import { planCollection } from '../../engine/plan.ts';
import { entryType } from '../../engine/stat-facts.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { checkedRoot, rootOption } from '../common-options.ts';
import { resolveEvidenceRoot, selectPlatform, type OsChoice } from '../select-platform.ts';

export interface PlanArgs { root: string; os: OsChoice; json: boolean }

export const planBuilder = (y: Argv) => y
  .options({ ...rootOption, json: { type: 'boolean', default: false, describe: 'One JSON object per line' } })
  .example('$0 plan --root /mnt/snapshot --os linux', 'Show what would be collected from a mounted disk');

export async function runPlan(args: PlanArgs, io: CliIo): Promise<number> {
  const checked = checkedRoot(args.root);
  const platform = selectPlatform(args.os, checked);
  const root = resolveEvidenceRoot(platform, checked);
  let order = 0;
  for await (const item of planCollection(platform, root)) {
    order += 1;
    const row = item.kind === 'missing'
      ? { order, tier: item.artifact.tier, artifact: item.artifact.id, type: 'none', size: null, path: item.glob, note: 'no match' }
      : {
        order, tier: item.artifact.tier, artifact: item.artifact.id,
        type: item.stat ? entryType(item.stat) : 'unknown', size: item.stat ? Number(item.stat.size) : null,
        path: platform.displayPath(item.segments), note: item.error ? item.error.code : item.note,
      };
    io.stdout.write(args.json ? `${JSON.stringify(row)}\n` : `${order}\tT${row.tier}\t${row.artifact}\t${row.type}\t${row.size ?? '-'}\t${row.path}${row.note ? `\t(${row.note})` : ''}\n`);
  }
  return EXIT.ok;
}
