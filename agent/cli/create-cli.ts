// The command line: parses argv with yargs, runs one command, and is the only place errors become exit codes.
import yargs from 'yargs';
import { CollectorError, UsageError } from '../errors.ts';
import { redact } from '../redact.ts';
import { TOOL_COMMIT, TOOL_NAME, TOOL_TARGET, TOOL_VERSION } from '../tool-facts.ts';
import { collectBuilder, runCollect, type CollectArgs } from './commands/collect.ts';
import { planBuilder, runPlan, type PlanArgs } from './commands/plan.ts';
import { runVerify, verifyBuilder } from './commands/verify.ts';
import { runWatch, watchBuilder, type WatchArgs } from './commands/watch.ts';
import { EXIT } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { summaryLine } from './summary.ts';

const EPILOGUE = `Exit codes: ${EXIT.ok} ok, ${EXIT.partial} partial (some evidence unreadable), ${EXIT.preservedLocally} preserved locally (upload failed), ${EXIT.failed} failed, ${EXIT.usage} usage error.
stdout ends with one JSON summary line (<= 4096 bytes, what Run Command returns).`;

/** Errors about the command line's paths: nothing was read or written, so they exit like usage errors. */
const BAD_INPUT_CODES = new Set(['CSE_ROOT_INVALID', 'CSE_OUTPUT_INVALID', 'CSE_OUTPUT_EXISTS']);

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const parser = yargs([...argv])
    .scriptName(TOOL_NAME)
    .usage('$0 <command> [options]\n\nPreserves the evidence Azure Custom Script Extension, Run Command and the guest agent leave on a VM.')
    .version(`${TOOL_VERSION} (commit ${TOOL_COMMIT}, ${TOOL_TARGET})`)
    .command('collect', 'Preserve the evidence into a hashed archive', collectBuilder, async (a) => { code = await runCollect(a as unknown as CollectArgs, io); })
    .command('plan', 'List what collect would preserve, in order, without reading content', planBuilder, async (a) => { code = await runPlan(a as unknown as PlanArgs, io); })
    .command('watch', 'Stay resident and preserve each new or changed tier-0 file as it appears', watchBuilder, async (a) => { code = await runWatch(a as unknown as WatchArgs, io); })
    .command('verify <file>', 'Recompute every hash of an archive against its manifest', verifyBuilder, async (a) => { code = await runVerify(a as unknown as { file: string }, io); })
    .command('schedule <action>', 'Install, remove or inspect continuous preservation (systemd units or Scheduled Tasks)', async (y) => (await import('./commands/schedule.ts')).scheduleBuilder(y), async (a) => { code = await (await import('./commands/schedule.ts')).runSchedule(a as unknown as import('./commands/schedule.ts').ScheduleArgs, io); })
    .demandCommand(1, 'name a command: collect, plan, verify, watch or schedule')
    .strict()
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, (io.stdout as NodeJS.WriteStream).columns ?? 100))
    .exitProcess(false)
    .fail((message, err) => { throw err ?? new UsageError(message ?? 'invalid command line', 'run with --help for the options'); });

  try {
    let printed = '';
    await parser.parseAsync([...argv], {}, (_err, _argv, output) => { printed = output; });
    if (printed) io.stdout.write(`${printed}\n`);
    return code;
  } catch (err) {
    const e = err as Error;
    const usage = e instanceof UsageError || e.name === 'YError' || (e instanceof CollectorError && BAD_INPUT_CODES.has(e.code));
    const hint = e instanceof CollectorError && e.hint ? `\n  what to do: ${e.hint}` : usage ? '\n  what to do: run with --help for the options' : '';
    io.stderr.write(redact(`${TOOL_NAME}: ${e.message}${hint}\n`));
    io.stdout.write(summaryLine({ status: 'failed', error: e.message, code: e instanceof CollectorError ? e.code : usage ? 'CSE_USAGE' : 'CSE_INTERNAL' }) + '\n');
    return usage ? EXIT.usage : EXIT.failed;
  }
}
