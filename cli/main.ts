/**
 * The `sundial` command line: finds the command, parses its options with the global ones, runs it with a context
 * (output for people or `--json`, the deployment, the library), and turns errors into one line and an exit code.
 */
import { parseArgs } from 'node:util';
import { Scheduler } from '../lib/scheduler.ts';
import type { Command, CommandContext, CommandInput } from './command.ts';
import { GLOBAL_OPTIONS } from './global-options.ts';
import { COMMANDS, DEPRECATED_COMMANDS } from './commands/index.ts';
import { resolveDeploymentEnv, type DeploymentFlags } from './deployment.ts';
import { EXIT, reportError, UsageError } from './errors.ts';
import { colorsFor } from './format/style.ts';
import { displayZone } from './format/time.ts';
import { processIo, type CliIo } from './io.ts';
import { silenceSdkNodeVersionWarning } from './sdk-warnings.ts';


const GLOBAL_HELP = `Global options
  --json             print JSON (shapes in docs/cli.md) instead of text for people
  --stack NAME       read the deployment from this CloudFormation stack's outputs (or set SUNDIAL_STACK)
  --region R         AWS region, as in the aws CLI (else AWS_REGION)
  --profile P        named profile from ~/.aws, as in the aws CLI (else AWS_PROFILE)
  --tz ZONE          show times in this IANA zone (else TZ, else the system's); UTC is shown too
  --debug            print the stack trace of an error
  -h, --help         this help, or a command's with \`sundial <command> --help\`

Without --stack the deployment comes from the environment: SUNDIAL_TABLE_NAME, SUNDIAL_QUEUES (JSON), AWS_REGION,
credentials, and AWS_ENDPOINT_URL for the local stack (\`sundial dev\` prints them). Exit codes: 0 ok, 1 failure,
2 usage error. Colors only on a terminal, never with NO_COLOR.`;

/**
 * Runs one CLI command and resolves with the process exit code. `io` replaces parts of the process's terminal and
 * environment (tests capture output and force a TTY this way).
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * const lines: string[] = [];
 * await main(['next-runs', '--cron', '0 9 * * MON', '--json'], { out: (l) => lines.push(l), env: {} });
 * ```
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  // Before any SDK client exists: the warning is decided when the first one is built.
  silenceSdkNodeVersionWarning(process.env);
  const cli = processIo(io);
  const debug = argv.includes('--debug');
  try {
    const found = findCommand(argv);
    if (!found) return topLevel(argv, cli);
    const { command, args } = found;
    const parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    const values = parsed.values as CommandInput['values'];
    const positionals = parsed.positionals;
    if (values.help) {
      cli.out(`Usage: ${command.usage}\n\n${command.summary}\n\n${GLOBAL_HELP}`);
      return EXIT.ok;
    }
    const ctx = contextFor(cli, values);
    return (await command.run(ctx, { values, positionals: positionals.slice(command.name.split(' ').length) })) ?? EXIT.ok;
  } catch (error) {
    return reportError(error, { err: cli.err, debug });
  }
}

/** The command named by the first positional (or the first two, for a sub-command), and the arguments it parses. */
function findCommand(argv: readonly string[]): { command: Command; args: string[] } | undefined {
  const { positionals } = parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, allowPositionals: true, strict: false });
  const [first, second] = positionals;
  if (first === undefined) return undefined;
  const known = [...COMMANDS, ...DEPRECATED_COMMANDS];
  const command = known.find((c) => c.name === `${first} ${second}`) ?? known.find((c) => c.name === first);
  if (!command) throw new UsageError(`unknown command "${first}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`);
  return { command, args: [...argv] };
}

function topLevel(argv: readonly string[], cli: CliIo): number {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const help = `Usage: sundial <command> [options]\n\nCommands\n${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\n${GLOBAL_HELP}`;
  if (argv.includes('--help') || argv.includes('-h')) {
    cli.out(help);
    return EXIT.ok;
  }
  cli.err(help);
  return EXIT.usage;
}

function contextFor(io: CliIo, values: CommandInput['values']): CommandContext {
  const json = values.json === true;
  const flags: DeploymentFlags = {
    ...(typeof values.stack === 'string' ? { stack: values.stack } : {}),
    ...(typeof values.region === 'string' ? { region: values.region } : {}),
    ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
  };
  let env: Promise<Record<string, string | undefined>> | undefined;
  let scheduler: Promise<Scheduler> | undefined;
  const ctx: CommandContext = {
    io,
    json,
    // JSON is for scripts: never colored.
    colors: colorsFor({ isTTY: io.isTTY && !json, env: io.env }),
    zone: displayZone(typeof values.tz === 'string' ? values.tz : undefined, io.env),
    deploymentEnv: () => (env ??= resolveDeploymentEnv(io.env, flags)),
    scheduler: () => (scheduler ??= ctx.deploymentEnv().then((e) => Scheduler.fromEnv(e))),
    print: (value, human) => io.out(json ? JSON.stringify(value, null, 2) : human()),
  };
  return ctx;
}
