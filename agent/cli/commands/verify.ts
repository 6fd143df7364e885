// `verify FILE`: recomputes every hash from the archive alone; exit 0 only when everything matches and the archive is whole.
import type { Argv } from 'yargs';
import { verifyArchive } from '../../verify/verify-archive.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { summaryLine } from '../summary.ts';

export const verifyBuilder = (y: Argv) => y
  .positional('file', { type: 'string', demandOption: true, describe: 'Archive to verify (.tar.gz or .tar); FILE.sha256 is checked too when present' })
  .example('$0 verify evidence.tar.gz', 'Check an archive against its own manifest');

export async function runVerify(args: { file: string }, io: CliIo): Promise<number> {
  const report = await verifyArchive(args.file);
  for (const e of report.errors) io.stderr.write(`verify: ${e}\n`);
  io.stdout.write(summaryLine({ status: report.ok ? 'ok' : 'failed', ...report, errors: report.errors }) + '\n');
  return report.ok ? EXIT.ok : EXIT.failed;
}
