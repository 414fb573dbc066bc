/**
 * Peak resident memory of this process in bytes. Linux's ru_maxrss (process.resourceUsage) keeps
 * the high-water mark of the process that forked it across exec, so a child of the 1 GB bench
 * harness reports 1 GB whatever it used; VmHWM in /proc/self/status belongs to this process's
 * own address space. Elsewhere ru_maxrss is the best there is.
 */
import { readFileSync } from "node:fs";

export function peakMemoryBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match !== null) return Number(match[1]) * 1024;
  } catch {
    // No /proc: not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}
