import { ApiError } from "./errors";
import type { UploadTarget } from "./types";

export interface UploadProgress {
  loaded: number;
  total: number;
  /** 0 to 100. */
  percent: number;
}

/** The `XMLHttpRequest` constructor to use (a fake in tests). */
export type XhrFactory = () => XMLHttpRequest;

/** The `<Message>` of an S3 error document, if the body is one. */
export function s3ErrorMessage(body: string): string | undefined {
  const match = /<Message>([\s\S]*?)<\/Message>/.exec(body);
  return match ? match[1].trim() : undefined;
}

/**
 * PUTs `file` to a presigned storage URL with the headers the API returned (it signed the type
 * and length), reporting progress as bytes leave the browser. `fetch` cannot report upload
 * progress, hence `XMLHttpRequest`.
 *
 * Rejects with an `ApiError`: `aborted` when `signal` fires, `network` when storage cannot be
 * reached, `upload_failed` (with storage's reason) when it refuses the file.
 */
export function uploadFile(
  target: UploadTarget,
  file: Blob,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
  makeXhr: XhrFactory = () => new XMLHttpRequest(),
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(ApiError.aborted());
      return;
    }
    const xhr = makeXhr();
    const onAbortSignal = () => xhr.abort();
    const finish = () => signal?.removeEventListener("abort", onAbortSignal);
    xhr.open(target.method || "PUT", target.url, true);
    for (const [name, value] of Object.entries(target.headers)) {
      // The browser sets Content-Length itself and refuses to be told it.
      if (name.toLowerCase() === "content-length" || name.toLowerCase() === "host") continue;
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event: ProgressEvent) => {
      const total = event.lengthComputable && event.total > 0 ? event.total : file.size;
      onProgress({ loaded: event.loaded, total, percent: total > 0 ? Math.min(100, (event.loaded / total) * 100) : 0 });
    };
    xhr.onload = () => {
      finish();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ loaded: file.size, total: file.size, percent: 100 });
        resolve();
      } else {
        const reason = s3ErrorMessage(xhr.responseText || "");
        const message = reason
          ? `Storage refused the file: ${reason}`
          : `Storage refused the file (HTTP ${xhr.status}). Try again.`;
        reject(new ApiError(xhr.status, "upload_failed", message));
      }
    };
    xhr.onerror = () => {
      finish();
      reject(new ApiError(0, "network", "The upload could not reach storage. Check your connection and try again."));
    };
    xhr.onabort = () => {
      finish();
      reject(ApiError.aborted());
    };
    signal?.addEventListener("abort", onAbortSignal);
    xhr.send(file);
  });
}
