/**
 * Every change carries its undo: the AWS API call that reverses it (as data) and the same call as an AWS
 * CLI command a person can paste. A change that cannot be reversed (terminate) says so instead.
 */

/** The reversing API call: service, operation, region and the exact parameters. */
export interface UndoCall {
  readonly service: 'iam' | 'ec2';
  readonly operation: string;
  readonly region: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export type Undo =
  | { readonly possible: true; readonly command: string; readonly call: UndoCall }
  | { readonly possible: false; readonly reason: string };

/** A word the shell passes through unchanged: no quoting needed (and none wanted, for readability). */
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for a POSIX shell (bash, zsh, sh): bare when it holds only safe characters, otherwise in
 * single quotes, where nothing is special except the single quote itself, written as '\''.
 */
export function shellQuote(value: string): string {
  if (BARE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `aws <service> <command> --flag value...`, every value quoted; objects and arrays as JSON. */
export function awsCommand(service: string, command: string, args: readonly (readonly [string, unknown])[]): string {
  const words = args.flatMap(([flag, value]) => [`--${flag}`, shellQuote(typeof value === 'string' ? value : JSON.stringify(value))]);
  return ['aws', service, command, ...words].join(' ');
}

/** An undo that is an API call; `command` is its AWS CLI form (`args` in CLI flag order). */
export function undoCall(call: UndoCall, command: string, args: readonly (readonly [string, unknown])[]): Undo {
  return { possible: true, call, command: awsCommand(call.service, command, args) };
}

export function noUndo(reason: string): Undo {
  return { possible: false, reason };
}

/** One line for people: the command, or why there is none. */
export function undoText(undo: Undo): string {
  return undo.possible ? undo.command : `cannot be undone: ${undo.reason}`;
}
