declare module 'spdx-correct' {
  function correct(identifier: string, options?: { upgrade?: boolean }): string | null;
  export default correct;
}
declare module 'spdx-expression-parse' {
  function parse(expression: string): unknown;
  export default parse;
}
declare module 'spdx-license-ids' {
  const ids: string[];
  export default ids;
}
