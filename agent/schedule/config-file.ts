// config.json: what an installation was told (container, identity, interval, paths) — never the secret itself.
import { intervalLabel } from './interval.ts';
import type { ScheduleSpec, TargetOs } from './schedule-target.ts';

export function configJson(os: TargetOs, spec: ScheduleSpec, paths: { binary: string; sasFile: string; stateFile: string; queueDir: string }): Buffer {
  const config = {
    tool: 'cse-preserve',
    toolVersion: spec.toolVersion,
    os,
    containerUrl: spec.containerUrl,
    credential: spec.credential.kind,
    ...(spec.credential.kind === 'managed-identity' ? { managedIdentityClientId: spec.credential.clientId ?? null } : { sasFile: paths.sasFile }),
    interval: intervalLabel(spec.intervalSeconds),
    intervalSeconds: spec.intervalSeconds,
    binary: paths.binary,
    stateFile: paths.stateFile,
    queueDir: paths.queueDir,
  };
  return Buffer.from(`${JSON.stringify(config, null, 2)}\n`);
}
