/** The CLI's only ways to write; core modules never write to the terminal. */
export const out = (text: string): void => {
  process.stdout.write(text);
};
export const errOut = (text: string): void => {
  process.stderr.write(text);
};

/** Exit codes (contract, DESIGN section 3). */
export const EXIT = {ok: 0, stageFailed: 1, usage: 2, locked: 3, interrupted: 130} as const;

export class UsageError extends Error {}
