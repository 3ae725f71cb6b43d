/**
 * Decompressed bytes per compressed byte beyond which an answer is taken for
 * a decompression bomb. JSON compresses 5–20×; a run of one repeated byte
 * reaches 1000×.
 */
const MAX_DECOMPRESSION_RATIO = 200;

/**
 * An answer the client refuses to read or follow (too large, a bomb, a
 * redirect elsewhere). Final: trying again would meet the same answer.
 */
export class RefusedAnswer extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/**
 * Reads an answer body as text, at most `maxBytes` of it after
 * decompression, and refuses a compressed body that expands more than
 * {@link MAX_DECOMPRESSION_RATIO} times its announced length. The body is
 * cancelled at the first byte over the limit, so memory stays bounded by
 * the limit whatever the upstream sends.
 */
export async function readBoundedText(
  response: Response,
  maxBytes: number,
): Promise<string> {
  const encoded = Boolean(response.headers.get('content-encoding'));
  const announced = Number(response.headers.get('content-length'));
  const announcedKnown = Number.isFinite(announced) && announced > 0;
  const limit = (): string => `${Math.round(maxBytes / 1024 / 1024)} MiB`;
  if (!encoded && announcedKnown && announced > maxBytes) {
    await response.body?.cancel();
    throw new RefusedAnswer(
      `answer of ${announced} bytes exceeds the ${limit()} limit`,
      response.status,
    );
  }
  if (!response.body) {
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RefusedAnswer(
        `answer exceeds the ${limit()} limit`,
        response.status,
      );
    }
    if (
      encoded &&
      announcedKnown &&
      total > announced * MAX_DECOMPRESSION_RATIO
    ) {
      await reader.cancel();
      throw new RefusedAnswer(
        `compressed answer of ${announced} bytes expands more than ${MAX_DECOMPRESSION_RATIO} times; refused as a decompression bomb`,
        response.status,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
