/** asl-validator 4 ships no type declarations: the shape of its single CommonJS export. */
declare module 'asl-validator' {
  interface AslValidationError {
    readonly 'Error code': string;
    readonly Message: string;
  }
  interface AslValidationOptions {
    readonly checkPaths?: boolean;
    readonly checkArn?: boolean;
  }
  function aslValidator(
    definition: unknown,
    opts?: AslValidationOptions,
  ): { isValid: boolean; errors: AslValidationError[]; errorsText: (separator?: string) => string };
  export default aslValidator;
}
