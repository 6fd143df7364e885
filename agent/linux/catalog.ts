// Linux artifact catalog: every path of the Linux collection checklist (azure-artifacts.md §10) as typed data.
import type { Catalog } from '../catalog/types.ts';

const REF = 'shared/reference/azure-artifacts.md';
const WAAGENT = '/var/lib/waagent';
// Handler directories are <Publisher.Type>-<version> (agent regex ^([^-]+)-(\d+(?:\.\d+)*)$); the data dirs custom-script/, run-command/ are not.

export const linuxCatalog = [
  // ---- tier 0: deleted by the platform on its own (CSE cleanup, uninstall, upgrade, agent consumption)
  {
    id: 'LinuxCseDownloadDirectory',
    description: 'Custom Script Extension work dirs download/<seq>/: script.sh, fileUris payloads, stdout, stderr; all but the latest seq are deleted after each run (CSE >= 2.1.8), the whole tree on uninstall or upgrade.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: [`${WAAGENT}/custom-script/download/**`],
    references: [`${REF} §2.1`, `${REF} §2.3`, 'Azure/custom-script-extension-linux main/cmds.go writeTempScript'],
  },
  {
    id: 'LinuxRunCommandV1DownloadDirectory',
    description: 'Action Run Command v1 work dirs download/<seq>/ with script.sh, stdout, stderr; removed on uninstall or upgrade.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: [`${WAAGENT}/run-command/download/**`],
    references: [`${REF} §3.1`],
  },
  {
    id: 'LinuxRunCommandV2DownloadDirectory',
    description: 'Managed Run Command v2 work dirs download/<name>/<seq>/ and immediateDownload/<name>/<seq>/ with the script, artifacts, stdout, stderr; older seqs deleted after each run.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: [`${WAAGENT}/run-command-handler/download/**`, `${WAAGENT}/run-command-handler/immediateDownload/**`],
    references: [`${REF} §3.2`],
  },
  {
    id: 'LinuxRunCommandV2RunAsCopies',
    description: 'Copies of Run Command v2 scripts made for runAsUser under each home directory; pruned after each run.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: ['/home/*/waagent/run-command-handler-runas/**'],
    references: [`${REF} §3.2`],
  },
  {
    id: 'LinuxExtensionConfigDirectory',
    description: 'Handler config/: <seq>.settings (publicSettings in plaintext, protectedSettings encrypted; older ones truncated to 0 bytes, their mtime/ctime still date each run), HandlerState, HandlerStatus.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: [`${WAAGENT}/*-[0-9]*/config/**`],
    references: [`${REF} §1.3`, `${REF} §1.4`, `${REF} §2.3`],
  },
  {
    id: 'LinuxExtensionStatusDirectory',
    description: 'Handler status/<seq>.status: the last 4 KiB of stdout/stderr of every run; the current one is overwritten by disable/update.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: [`${WAAGENT}/*-[0-9]*/status/**`],
    references: [`${REF} §1.6`, `${REF} §2.5`, `${REF} §2.6`],
  },
  {
    id: 'LinuxExtensionPidstartFile',
    description: 'Run Command pidstart / <name>.pidstart: PID and start time of a script still running; deleted when the script ends.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: [`${WAAGENT}/*-[0-9]*/pidstart`, `${WAAGENT}/*-[0-9]*/*.pidstart`],
    references: [`${REF} §1.3`, `${REF} §3.1`, `${REF} §3.2`],
  },
  {
    id: 'LinuxWaagentTelemetryEventFile',
    description: 'Telemetry events (*.tld) written by extensions (CSE scenario: public/protected commandToExecute or script); consumed and deleted by the agent within minutes.',
    os: 'linux', tier: 0, mode: 'copy',
    globs: [`${WAAGENT}/events/**`],
    references: [`${REF} §1.2`, `${REF} §2.1`],
  },

  // ---- tier 1: agent and extension state, goal-state history
  {
    id: 'LinuxExtensionHandlerStateFile',
    description: 'Per-handler state: HandlerManifest.json, HandlerEnvironment.json, heartbeat.log, mrseq / <name>.mrseq (last sequence number run), package_validated.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [
      `${WAAGENT}/*-[0-9]*/HandlerManifest.json`, `${WAAGENT}/*-[0-9]*/HandlerEnvironment.json`, `${WAAGENT}/*-[0-9]*/heartbeat.log`,
      `${WAAGENT}/*-[0-9]*/mrseq`, `${WAAGENT}/*-[0-9]*/*.mrseq`, `${WAAGENT}/*-[0-9]*/package_validated`,
    ],
    references: [`${REF} §1.3`],
  },
  {
    id: 'LinuxExtensionHandlerBinaryFile',
    description: 'Handler package contents under bin/, including custom-script-shim (shows exactly how the handler is invoked) and the handler binaries.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/*-[0-9]*/bin/**`],
    references: [`${REF} §1.3`, `${REF} §2.1`],
  },
  {
    id: 'LinuxExtensionHandlerDirectory',
    description: 'Everything else in every installed handler directory (every version of CSE, Run Command v1/v2 and the agent itself); the whole directory is removed on uninstall and upgrade.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/*-[0-9]*/**`],
    references: [`${REF} §1.3`, `${REF} §1.7`],
  },
  {
    id: 'LinuxCseDataDirectory',
    description: 'The rest of the CSE data dir /var/lib/waagent/custom-script (legacy seqnum file, files the script wrote); removed on uninstall.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/custom-script/**`],
    references: [`${REF} §2.1`],
  },
  {
    id: 'LinuxRunCommandDataDirectory',
    description: 'The rest of the Run Command v1 and v2 data dirs; removed on uninstall.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/run-command/**`, `${WAAGENT}/run-command-handler/**`],
    references: [`${REF} §3.1`, `${REF} §3.2`],
  },
  {
    id: 'LinuxWaagentHistoryDirectory',
    description: 'Goal-state history (directories and zips, 50 newest kept): ExtensionsConfig.xml / VmSettings.json with publicSettings in plaintext, waagent_status.json with stdout/stderr tails; survives extension deletion.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/history/**`],
    references: [`${REF} §1.11`],
  },
  {
    id: 'LinuxWaagentLogCollectorDirectory',
    description: "The agent's own hourly log collection: logs.zip, results.txt, truncated/; overwritten each hour.",
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/logcollector/**`],
    references: [`${REF} §1.12`],
  },
  {
    id: 'LinuxWaagentGoalStateFile',
    description: 'Goal-state and agent state files in the lib dir: *.xml, *.json (including legacy ExtensionsConfig.<n>.xml, waagent_status*.json, ManagedIdentity-*.json), Incarnation, *.agentsManifest, provisioned.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/*.xml`, `${WAAGENT}/*.json`, `${WAAGENT}/Incarnation`, `${WAAGENT}/*.agentsManifest`, `${WAAGENT}/provisioned`],
    references: [`${REF} §1.2`, `${REF} §1.11`],
  },
  {
    id: 'LinuxWaagentCertificateFile',
    description: 'Tenant and transport certificates (public parts): <THUMB>.crt, TransportCert.pem, Certificates.p7m; identify which key decrypts a protectedSettings blob.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: [`${WAAGENT}/*.crt`, `${WAAGENT}/TransportCert.pem`, `${WAAGENT}/Certificates.p7m`],
    references: [`${REF} §1.2`, `${REF} §1.5`],
  },
  {
    id: 'LinuxWaagentPrivateKeyFile',
    description: 'Plaintext private keys: <THUMB>.prv, Certificates.pem, TransportPrivate.pem. They decrypt every surviving protectedSettings blob; recorded with hashes but copied only with --include-keys.',
    os: 'linux', tier: 1, mode: 'hash-only', sensitive: true,
    globs: [`${WAAGENT}/*.prv`, `${WAAGENT}/Certificates.pem`, `${WAAGENT}/TransportPrivate.pem`],
    references: [`${REF} §1.5`],
  },
  {
    id: 'LinuxWaagentConfigurationFile',
    description: 'Agent configuration /etc/waagent.conf (log and lib dirs, auto-update, log collection settings).',
    os: 'linux', tier: 1, mode: 'copy',
    globs: ['/etc/waagent.conf'],
    references: [`${REF} §10`],
  },
  {
    id: 'LinuxManagedRunCommandServiceFile',
    description: 'systemd unit installed by Run Command v2 installAsService.',
    os: 'linux', tier: 1, mode: 'copy',
    globs: ['/etc/systemd/system/managedruncommand.service', '/usr/local/lib/systemd/system/managedruncommand.service'],
    references: [`${REF} §3.2`],
  },

  // ---- tier 2: logs (kept by the platform; rotated by logrotate)
  {
    id: 'LinuxWaagentLogFile',
    description: 'Agent log /var/log/waagent.log and every rotation (.gz included): goal states, "Executing command ... with environment variables", extension output.',
    os: 'linux', tier: 2, mode: 'copy',
    globs: ['/var/log/waagent.log*'],
    references: [`${REF} §1.9`],
  },
  {
    id: 'LinuxAzureExtensionLogDirectory',
    description: 'Extension logs /var/log/azure/**: handler.log (CSE, Run Command v1/v2; v2 logs RunAs command lines), CommandExecution*.log, events/, rotated *.gz; never deleted by the agent.',
    os: 'linux', tier: 2, mode: 'copy',
    globs: ['/var/log/azure/**'],
    references: [`${REF} §1.10`, `${REF} §2.4`, `${REF} §3`],
  },
  {
    id: 'LinuxSyslogFile',
    description: 'syslog / messages and rotations: a second copy of every waagent.log line, with its own retention.',
    os: 'linux', tier: 2, mode: 'copy',
    globs: ['/var/log/syslog*', '/var/log/messages*'],
    references: [`${REF} §1.9`],
  },
  {
    id: 'LinuxSystemdJournalFile',
    description: 'systemd journal files (persistent and volatile): walinuxagent/waagent unit output.',
    os: 'linux', tier: 2, mode: 'copy',
    globs: ['/var/log/journal/**', '/run/log/journal/**'],
    references: [`${REF} §1.9`, `${REF} §10`],
  },
] as const satisfies Catalog;
