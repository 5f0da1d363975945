/**
 * Child-process and port plumbing shared by the emulators and the Lambda runtime: every process the local stack starts
 * is registered here so it dies with its owner, even when the owner exits without calling `stop()`.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { Server } from 'node:http';

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Registers a child so it is killed (SIGKILL) when this process exits, and forgotten once it exits on its own.
 * Only `exit` is hooked: adding SIGINT/SIGTERM listeners would change the parent's own signal behaviour; children
 * started through {@link deathSignalPrefix} also die when the parent is killed outright.
 *
 * @example
 * ```ts
 * const child = spawn('java', args);
 * killWithParent(child);
 * ```
 */
export function killWithParent(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) {
        try {
          c.kill('SIGKILL');
        } catch {
          // Already gone: nothing to do on the way out.
        }
      }
    });
  }
}

let setprivAvailable: boolean | undefined;

/**
 * The command prefix that makes a child receive SIGKILL when its parent dies, however it dies (Linux
 * `PR_SET_PDEATHSIG` through util-linux `setpriv`, which then execs the real command in the same pid). Empty where
 * `setpriv` is missing (macOS): the `exit` hook of {@link killWithParent} still covers normal exits there.
 *
 * @example
 * ```ts
 * const [cmd, ...args] = [...deathSignalPrefix(), 'java', '-version'];
 * ```
 */
export function deathSignalPrefix(): string[] {
  if (setprivAvailable === undefined) {
    const probe = spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true'], { stdio: 'ignore' });
    setprivAvailable = probe.status === 0;
  }
  return setprivAvailable ? ['setpriv', '--pdeathsig', 'KILL', '--'] : [];
}

/**
 * Asks the kernel for a port that is free on every interface right now. Another process may take it before the
 * caller binds it, so callers that pass the port to a child retry on "address in use".
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    // Loopback, where every server of the local stack listens (DynamoDB Local too, through its launcher).
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether something accepts TCP connections on `127.0.0.1:port`.
 *
 * @example
 * ```ts
 * expect(await isPortOpen(stack.dynamoDbPort)).toBe(false);
 * ```
 */
export async function isPortOpen(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Sends SIGTERM, escalates to SIGKILL after `graceMs`, and resolves once the process has exited.
 *
 * @example
 * ```ts
 * await terminate(child, 2_000);
 * ```
 */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const escalation = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(escalation);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Whether a process with this pid exists (signal 0 probes without sending anything).
 *
 * @example
 * ```ts
 * expect(isProcessAlive(pid)).toBe(false);
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An HTTP server of the local stack, listening on a loopback port. */
export interface LoopbackServer {
  readonly endpoint: string;
  readonly port: number;
  /** Closes the server and its open connections; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `server` on a free 127.0.0.1 port (every server of the local stack listens on loopback only).
 *
 * @example
 * ```ts
 * const { endpoint, stop } = await listenOnLoopback(createServer(handler));
 * ```
 */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
