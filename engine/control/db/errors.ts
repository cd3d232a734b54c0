/** A database the engine will not use, with a message meant for a person. The file is left untouched. */
export class DatabaseProblem extends Error {
  constructor(
    readonly kind: 'corrupt' | 'too-new' | 'locked' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseProblem';
  }
}
