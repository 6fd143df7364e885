// Progress on a terminal: files, bytes, rate and ETA on one stderr line, at most five times a second; silent when stderr is not a TTY.
import type { Progress } from '../engine/collect.ts';

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

export function terminalProgress(stream: NodeJS.WriteStream): ((p: Progress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  const started = Date.now();
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? p.bytes / seconds : 0;
    const left = Math.max(0, p.plannedBytes - p.bytes);
    const eta = rate > 0 ? `${Math.ceil(left / rate)}s` : '?';
    const name = p.path.length > 40 ? `…${p.path.slice(-39)}` : p.path;
    stream.write(`\r${p.files} files  ${mib(p.bytes)}/${mib(p.plannedBytes)}  ${mib(rate)}/s  ETA ${eta}  ${name}\x1b[K`);
  };
}
