// Windows artifact catalog: every path of the Windows collection checklist (azure-artifacts.md §4–§7, §10) as typed data.
import type { Catalog } from '../catalog/types.ts';

const REF = 'shared/reference/azure-artifacts.md';
const PLUGINS = 'C:/Packages/Plugins';
const CSE = `${PLUGINS}/Microsoft.Compute.CustomScriptExtension`;
const RC1 = `${PLUGINS}/Microsoft.CPlat.Core.RunCommandWindows`;
const RC2 = `${PLUGINS}/Microsoft.CPlat.Core.RunCommandHandlerWindows`;
const EVTX = 'C:/Windows/System32/winevt/Logs';
const MIB = 1024 * 1024;
// Plugin directories are <Publisher.Type>\<version>\; every installed version is collected (`*`).

export const windowsCatalog = [
  // ---- tier 0: deleted by the platform on its own (extension delete or upgrade removes the whole plugin folder)
  {
    id: 'WindowsCseDownloadDirectory',
    description: 'Custom Script Extension Downloads\\<n>\\: fileUris payloads (container path kept) and the working directory of commandToExecute, so files the script wrote; removed with the plugin folder on delete.',
    os: 'windows', tier: 0, mode: 'copy',
    globs: [`${CSE}/*/Downloads/**`],
    references: [`${REF} §4`],
  },
  {
    id: 'WindowsCseRuntimeSettingsFile',
    description: 'CSE RuntimeSettings\\<n>.settings: publicSettings in plaintext (commandToExecute, fileUris), protectedSettings encrypted to the CRP certificate.',
    os: 'windows', tier: 0, mode: 'copy',
    globs: [`${CSE}/*/RuntimeSettings/*.settings`],
    references: [`${REF} §4`],
  },
  {
    id: 'WindowsCseStatusFile',
    description: 'CSE Status\\<n>.status with the StdOut/StdErr substatus (last 4,096 bytes of each run) and Status\\HeartBeat.Json.',
    os: 'windows', tier: 0, mode: 'copy',
    globs: [`${CSE}/*/Status/*.status`, `${CSE}/*/Status/HeartBeat.Json`],
    references: [`${REF} §4`],
  },
  {
    id: 'WindowsRunCommandV1DownloadDirectory',
    description: 'Action Run Command v1 Downloads\\: script<N>.ps1 (the script itself) and files the script wrote with relative paths (its working directory).',
    os: 'windows', tier: 0, mode: 'copy',
    globs: [`${RC1}/*/Downloads/**`],
    references: [`${REF} §5.1`],
  },
  {
    id: 'WindowsRunCommandV1StateDirectory',
    description: 'Run Command v1 RuntimeSettings\\<seq>.settings (the script lines in plaintext publicSettings) and Status\\ (<seq>.status, HeartBeat.Json).',
    os: 'windows', tier: 0, mode: 'copy',
    globs: [`${RC1}/*/RuntimeSettings/**`, `${RC1}/*/Status/**`],
    references: [`${REF} §5.1`],
  },
  {
    id: 'WindowsRunCommandV2DownloadDirectory',
    description: 'Managed Run Command v2 Downloads\\: the scripts and the files they wrote (working directory).',
    os: 'windows', tier: 0, mode: 'copy',
    globs: [`${RC2}/*/Downloads/**`],
    references: [`${REF} §5.2`],
  },
  {
    id: 'WindowsRunCommandV2StateDirectory',
    description: 'Run Command v2 RuntimeSettings\\ and Status\\ (per run-command settings and status, HeartBeat.Json).',
    os: 'windows', tier: 0, mode: 'copy',
    globs: [`${RC2}/*/RuntimeSettings/**`, `${RC2}/*/Status/**`],
    references: [`${REF} §5.2`],
  },

  // ---- tier 1: handler and agent state
  {
    id: 'WindowsExtensionHandlerStateFile',
    description: 'Per-plugin state of every installed extension version: HandlerEnvironment.json (log, config and status folders), HandlerManifest.json, mrseq, PackageInformation.txt, config.txt.',
    os: 'windows', tier: 1, mode: 'copy',
    globs: [
      `${PLUGINS}/*/*/HandlerEnvironment.json`, `${PLUGINS}/*/*/HandlerManifest.json`, `${PLUGINS}/*/*/mrseq`,
      `${PLUGINS}/*/*/PackageInformation.txt`, `${PLUGINS}/*/*/config.txt`,
    ],
    references: [`${REF} §4`, `${REF} §6.3`],
  },
  {
    id: 'WindowsExtensionSettingsAndStatusFile',
    description: 'RuntimeSettings\\*.settings and Status\\*.status / HeartBeat.Json of every other extension (Microsoft collects these for all plugins too).',
    os: 'windows', tier: 1, mode: 'copy',
    globs: [`${PLUGINS}/*/*/RuntimeSettings/*.settings`, `${PLUGINS}/*/*/Status/*.status`, `${PLUGINS}/*/*/Status/HeartBeat.Json`],
    references: [`${REF} §6.3`],
  },
  {
    id: 'WindowsExtensionHandlerBinaryFile',
    description: 'Handler executables and libraries of CSE and Run Command v1/v2 (CustomScriptHandler.exe, RunCommandExtension.exe, *.dll): always hashed, copied up to 16 MiB each.',
    os: 'windows', tier: 1, mode: 'copy-small', limits: { maxCopyBytes: 16 * MIB },
    globs: [`${CSE}/*/**/*.{exe,dll}`, `${RC1}/*/**/*.{exe,dll}`, `${RC2}/*/**/*.{exe,dll}`],
    references: [`${REF} §4`, `${REF} §5.1`],
  },
  {
    id: 'WindowsPluginDirectory',
    description: 'Everything else under C:\\Packages\\Plugins (every extension, every version): listed and hashed; files up to 1 MiB copied.',
    os: 'windows', tier: 1, mode: 'copy-small', limits: { maxCopyBytes: 1 * MIB },
    globs: [`${PLUGINS}/**`],
    references: [`${REF} §10`],
  },
  {
    id: 'WindowsAzureGoalStateConfigFile',
    description: 'Goal-state configuration C:\\WindowsAzure\\config\\*.xml: the extensions configuration with publicSettings and encrypted protectedSettings.',
    os: 'windows', tier: 1, mode: 'copy',
    globs: ['C:/WindowsAzure/config/*.xml'],
    references: [`${REF} §6.1`, `${REF} §6.3`],
  },
  {
    id: 'WindowsCollectGuestLogsArchiveFile',
    description: "CollectGuestLogs.exe output left on disk (<guid>.zip, VMAgentLogs.zip): the agent's own log bundle, including WireServerRoleExtensionsConfig with protectedSettings; overwritten by the next run.",
    os: 'windows', tier: 1, mode: 'copy',
    globs: ['C:/WindowsAzure/CollectGuestLogsTemp/*', 'D:/CollectGuestLogsTemp/*'],
    references: [`${REF} §6.1`],
  },

  // ---- tier 2: logs (kept by the platform; rotated)
  {
    id: 'WindowsAzureLogDirectory',
    description: 'C:\\WindowsAzure\\Logs\\**: WaAppAgent.log, TransparentInstaller.log, AggregateStatus snapshots (StdOut/StdErr tails), Plugins\\<ext>\\<ver>\\CustomScriptHandler.log / RunCommandExtension.log (the full command and script text), CommandExecution.log.',
    os: 'windows', tier: 2, mode: 'copy',
    globs: ['C:/WindowsAzure/Logs/**'],
    references: [`${REF} §4`, `${REF} §5`, `${REF} §6.1`],
  },
  {
    id: 'WindowsEventLogFile',
    description: 'Event logs: Azure Status/Plugins (event 7 plugin install/removal, 9 failures), guest agent channels, Security 4688 process creation, PowerShell 4104 script blocks and 400/403/600/800, System and Application service events. Exported with wevtutil when the EventLog service holds them.',
    os: 'windows', tier: 2, mode: 'copy',
    globs: [
      `${EVTX}/Microsoft-WindowsAzure-Status%4Plugins.evtx`,
      `${EVTX}/Microsoft-WindowsAzure-Status%4GuestAgent.evtx`,
      `${EVTX}/Microsoft-WindowsAzure-Diagnostics%4GuestAgent.evtx`,
      `${EVTX}/Security.evtx`,
      `${EVTX}/Microsoft-Windows-PowerShell%4Operational.evtx`,
      `${EVTX}/Windows PowerShell.evtx`,
      `${EVTX}/System.evtx`,
      `${EVTX}/Application.evtx`,
    ],
    references: [`${REF} §6.2`, `${REF} §7`],
  },
] as const satisfies Catalog;
