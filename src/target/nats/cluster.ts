import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsBinary } from './binary.js';
import { serverConfigText, type ServerSpec } from './config-text.js';
import { monitorGet } from './monitor.js';
import { freePorts } from './ports.js';
import { ExitBackstop } from './process-backstop.js';

/** Limits of the cluster's life cycle; every wait below is bounded by one of them. */
export const CLUSTER_LIMITS = {
  /** All servers healthy (JetStream up, meta leader known and current) within this. */
  readyTimeoutMs: 45_000,
  readyPollMs: 100,
  /** Attempts with fresh ports when a server dies while starting (a port taken in between). */
  startAttempts: 3,
  /** SIGTERM, then SIGKILL after this. */
  stopGraceMs: 10_000,
  killWaitMs: 5_000,
  stderrBytesMax: 8192,
} as const;

/** A server that refused to become ready, or died. */
export class ClusterStartError extends Error {
  override readonly name = 'ClusterStartError';
}

export interface RunningServer extends ServerSpec {
  readonly child: ChildProcess;
  /** The server's stderr so far (bounded), for error messages. */
  stderr(): string;
  /** Null while running. */
  exitCode(): number | null | 'signal';
}

/**
 * A 3-server (or n-server) JetStream cluster of real nats-server processes on loopback ports, in a
 * private temp dir holding the configs, stores and logs. start() either returns a cluster whose
 * every server answers a full /healthz with 200, or stops what it started and throws. stop() is
 * idempotent and always leaves no process and no directory, whatever state the servers are in.
 */
export class NatsCluster {
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly binary: NatsBinary,
    /** The private temp dir; removed by stop(). */
    readonly dir: string,
    readonly servers: readonly RunningServer[],
    private readonly backstop: ExitBackstop,
  ) {}

  static async start(binary: NatsBinary, size: number, parentDir = tmpdir(), signal?: AbortSignal): Promise<NatsCluster> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= CLUSTER_LIMITS.startAttempts; attempt++) {
      const dir = await mkdtemp(join(parentDir, 'raftrace-nats-'));
      const backstop = new ExitBackstop(dir);
      const servers: RunningServer[] = [];
      const cluster = new NatsCluster(binary, dir, servers, backstop);
      try {
        await cluster.launch(size, servers);
        await cluster.waitReady(signal);
        return cluster;
      } catch (e) {
        lastError = e;
        await cluster.stop();
        // Only a server that died while starting (e.g. a port taken between freePorts and bind) is retried.
        if (signal?.aborted || !(e instanceof ClusterStartError) || !servers.some((s) => s.exitCode() !== null)) throw e;
      }
    }
    throw lastError;
  }

  private async launch(size: number, out: RunningServer[]): Promise<void> {
    const ports = await freePorts(size * 3);
    const specs: ServerSpec[] = Array.from({ length: size }, (_, i) => ({
      name: `s${i}`,
      ports: { client: ports[i * 3]!, cluster: ports[i * 3 + 1]!, http: ports[i * 3 + 2]! },
      storeDir: join(this.dir, `s${i}`, 'store'),
      logFile: join(this.dir, `s${i}`, 'server.log'),
    }));
    for (const [i, spec] of specs.entries()) {
      await mkdir(spec.storeDir, { recursive: true });
      const conf = join(this.dir, `s${i}`, 'server.conf');
      await writeFile(conf, serverConfigText(i, specs));
      out.push(this.spawnServer(spec, conf));
    }
  }

  private spawnServer(spec: ServerSpec, conf: string): RunningServer {
    const child = spawn(this.binary.path, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.backstop.track(child.pid);
    let stderr = '';
    let exit: number | null | 'signal' = null;
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < CLUSTER_LIMITS.stderrBytesMax) stderr += d;
    });
    child.on('exit', (code) => {
      exit = code ?? 'signal';
      this.backstop.untrack(child.pid);
    });
    child.on('error', (e) => {
      stderr += `spawn error: ${e.message}\n`;
      exit ??= -1;
    });
    return { ...spec, child, stderr: () => stderr, exitCode: () => exit };
  }

  /** Polls every server's full /healthz (2.9.10: JetStream on, meta leader known, current, assets current). */
  private async waitReady(signal?: AbortSignal): Promise<void> {
    const deadline = performance.now() + CLUSTER_LIMITS.readyTimeoutMs;
    const pending = new Set(this.servers);
    while (pending.size > 0) {
      for (const s of pending) {
        const dead = s.exitCode();
        if (dead !== null) throw new ClusterStartError(`nats-server ${s.name} exited while starting (${dead}): ${s.stderr().trim().split('\n').slice(-2).join(' | ') || 'no stderr'}`);
        const r = await monitorGet(s.ports.http, '/healthz', 2_000).catch(() => null);
        if (r?.status === 200) pending.delete(s);
      }
      if (pending.size === 0) return;
      if (signal?.aborted) throw new ClusterStartError('interrupted while the cluster was starting');
      if (performance.now() > deadline) throw new ClusterStartError(`cluster not ready within ${CLUSTER_LIMITS.readyTimeoutMs} ms (waiting for ${[...pending].map((s) => s.name).join(', ')})`);
      await sleep(CLUSTER_LIMITS.readyPollMs);
    }
  }

  /** Client URLs, for the NATS clients. */
  urls(): string[] {
    return this.servers.map((s) => `nats://127.0.0.1:${s.ports.client}`);
  }

  /** SIGTERM every server, SIGKILL the ones still up after the grace, wait, remove the dir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    try {
      await Promise.all(this.servers.map((s) => stopProcess(s.child)));
    } finally {
      await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      this.backstop.fire(); // kills nothing if all exited; disarms
    }
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(CLUSTER_LIMITS.stopGraceMs, false, { ref: false })]);
  if (graceful) return;
  child.kill('SIGKILL');
  await Promise.race([exited, sleep(CLUSTER_LIMITS.killWaitMs, undefined, { ref: false })]);
}
