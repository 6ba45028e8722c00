/**
 * A value made on first use and shared afterwards: for modules and SDK clients a handler needs on
 * every invocation but should not load during the Lambda init phase.
 */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}
