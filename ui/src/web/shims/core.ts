// `@tauri-apps/api/core` in the web build: the shared screens' commands are
// answered by the web app (backend.ts) instead of the desktop core.
import { commands } from '../backend';

export async function invoke<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  const command = commands[cmd];
  if (!command) throw new Error(`command ${cmd} is not part of the web app`);
  return (await command(args)) as T;
}
