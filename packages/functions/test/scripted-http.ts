// A request handler for a real SDK client that answers from a script instead of the network: the
// client's whole middleware stack runs (signing, retries, deserializing errors), which
// aws-sdk-client-mock skips by replacing `send`. Each request is recorded by its operation.

export interface ScriptedAnswer {
  readonly status: number;
  /** The error code of an AWS JSON error answer (`__type`), when status is not 200. */
  readonly errorType?: string;
  /** A 200 answer's JSON body. @default {} */
  readonly body?: unknown;
}

export interface ScriptedHttp {
  readonly handler: { handle: (request: { headers: Record<string, string> }) => Promise<{ response: unknown }> };
  /** The operations requested, in order, such as `AWSGlue.CreateDatabase`. */
  readonly requests: string[];
}

/** Answers each request of an AWS JSON protocol service (Glue, Athena) with `answer(operation, attempt)`. */
export function scriptedHttp(answer: (operation: string, attempt: number) => ScriptedAnswer): ScriptedHttp {
  const requests: string[] = [];
  return {
    requests,
    handler: {
      handle: async (request) => {
        const operation = request.headers['x-amz-target'] ?? 'unknown';
        requests.push(operation);
        const { status, errorType, body } = answer(operation, requests.filter((r) => r === operation).length);
        const json = status === 200 ? body ?? {} : { __type: errorType, message: `${errorType} (scripted)` };
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) },
            body: Buffer.from(JSON.stringify(json)),
          },
        };
      },
    },
  };
}

/** What a real client needs besides the handler: a region and static credentials (nothing leaves the process). */
export const offline = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
