// What an OS-specific scheduled installation is made of: the spec the user chose, the files and directories it lays down, and the commands that activate, query and remove it.
import type { CommandResult } from './command-runner.ts';

export type TargetOs = 'linux' | 'windows';

/** How the scheduled runs authenticate: a SAS kept in a root/SYSTEM-only file, or the VM's managed identity. */
export type ScheduleCredential = { kind: 'sas-file' } | { kind: 'managed-identity'; clientId?: string };

export interface ScheduleSpec {
  /** The container URL without a query string (checked: never carries a SAS). */
  containerUrl: string;
  credential: ScheduleCredential;
  intervalSeconds: number;
  /** When the installation is made: the first Windows collection is due 5 minutes later. */
  now: Date;
  /** Tool version and commit written into config.json. */
  toolVersion: string;
}

/** A path relative to the system root, `/`-separated: `etc/cse-preserve/sas`, `C/Program Files/cse-preserve/cse-preserve.exe`. */
export type RelPath = string;

/** What is copied in: the binary to run, and the SAS token (only with the sas-file credential). */
export interface InstallInputs {
  binary: string;
  sas: Buffer | null;
}

export interface PlannedFile {
  path: RelPath;
  mode: number;
  /** The bytes to write, or the file to copy (the binary). */
  content: Buffer | { copyFrom: string };
  /** The SAS: never shown, hashed or recorded by content; written 0600 from the start and ACL-restricted on Windows. */
  secret?: boolean;
  /** How content is shown in a dry run when it is not plain UTF-8 text (the UTF-16 task XML). */
  textEncoding?: 'utf8' | 'utf16le';
}

export interface PlannedDir {
  path: RelPath;
  mode: number;
  /** Holds the secret or evidence copies: on Windows its ACL is reset to SYSTEM and Administrators before anything is written into it. */
  protect?: boolean;
}

export interface Command {
  file: string;
  args: string[];
}

export interface ServiceQuery {
  /** A unit or task name. */
  name: string;
  /** What is asked: `active`, `enabled`, `task`. */
  property: string;
  command: Command;
  /** The answer in a word (`active`, `enabled`, `Ready`) read from the command's result, and whether it is what a working installation answers. */
  read(result: CommandResult): { value: string; ok: boolean };
}

export interface ScheduleTarget {
  os: TargetOs;
  /** installed.json: every path the installation created. */
  recordPath: RelPath;
  /** The directories the tool owns (parents of its files and the watcher's state), created when missing. */
  dirs: readonly PlannedDir[];
  files(spec: ScheduleSpec, inputs: InstallInputs): PlannedFile[];
  /** The path as the running system names it: `/etc/cse-preserve/sas`, `C:\ProgramData\cse-preserve\sas`. */
  livePath(rel: RelPath): string;
  /** The first bytes of a binary this OS can execute: ELF or a `#!` script on Linux, `MZ` on Windows. */
  looksExecutable(head: Buffer): boolean;
  /** Registers and starts the schedule; `host` maps a relative path to where it was written. */
  activate(host: (rel: RelPath) => string): Command[];
  /** Stops and unregisters the schedule before its files are removed. */
  deactivate(): Command[];
  /** Run after the files are removed (systemd forgets the deleted units). */
  afterRemoval(): Command[];
  /** Restricts who can read a file or directory holding the secret (Windows ACLs; nothing on Linux, where modes do it). */
  protect(hostPath: string, kind: 'dir' | 'file'): Command[];
  /** What `status` asks the service manager. */
  queries(): ServiceQuery[];
}
