// Figures the bench computes from raw observations: rates from arrival times, quantiles, process CPU and memory.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sustained deliveries/s from the receiver's arrival times: the middle 80 % of the arrivals over the time
 * they took, so start-up (JIT, first fetch) and the drain at the end weigh on no system's figure.
 */
export function sustainedRate(arrivalTimes) {
  const times = [...arrivalTimes].sort((a, b) => a - b);
  if (times.length < 10) return NaN;
  const lo = Math.floor(times.length * 0.1);
  const hi = Math.floor(times.length * 0.9);
  return ((hi - lo) / Math.max(1, times[hi] - times[lo])) * 1000;
}

/** Arrivals per second from the first arrival to the last (the whole drain). */
export function wholeRate(arrivalTimes) {
  const times = [...arrivalTimes].sort((a, b) => a - b);
  if (times.length < 2) return NaN;
  return ((times.length - 1) / Math.max(1, times[times.length - 1] - times[0])) * 1000;
}

/** The most arrivals within any window of `windowMs` (how bursty the arrivals are). */
export function maxInWindow(arrivalTimes, windowMs) {
  const times = [...arrivalTimes].sort((a, b) => a - b);
  let most = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= windowMs) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

/** The p-quantile of an ascending array (nearest rank below). */
export const quantile = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);

/** "p50 / p95 / p99 / max" of ascending latencies, in whole ms. */
export const latencySummary = (sorted) => [0.5, 0.95, 0.99, 1].map((p) => fmtMs(quantile(sorted, p))).join(' / ');

const fmtMs = (ms) => (Number.isFinite(ms) ? String(Math.round(ms)) : 'lost');

/** CPU seconds used so far, and peak and current resident memory in MB, of a process (Linux /proc). */
export function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
    return { cpu: (Number(stat[11]) + Number(stat[12])) / 100, peakMb: kb('VmHWM'), rssMb: kb('VmRSS') };
  } catch {
    return { cpu: 0, peakMb: 0, rssMb: 0 };
  }
}

export const pidsOf = (pattern) => {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').map(Number);
  } catch {
    return [];
  }
};

/** The machine's 1-minute load average: this machine is shared, and the figures move with it. */
export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
