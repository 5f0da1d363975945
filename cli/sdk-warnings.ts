/**
 * The AWS SDK prints an 8-line `NodeVersionSupportWarning` on Node < 22 when the first client is built. It is about
 * the SDK's future releases, not about anything the user asked the CLI to do, so the CLI turns off exactly that
 * warning, with the switch the SDK documents for it; every other warning still prints.
 */

/** The SDK's switch for its Node version warning (read when a client is built). */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Turns the SDK's Node version warning off for this process (and the processes it starts), unless the user set the
 * switch themselves.
 *
 * @example
 * ```ts
 * silenceSdkNodeVersionWarning(process.env);
 * ```
 */
export function silenceSdkNodeVersionWarning(env: Record<string, string | undefined>): void {
  env[SDK_NODE_WARNING_SWITCH] ??= 'true';
}
