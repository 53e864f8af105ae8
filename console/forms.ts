import type { FastifyInstance, FastifyRequest } from 'fastify';

/** One uploaded file of a multipart form. */
export interface UploadedFile {
  /** The name the browser gave (not trusted for anything but display and the extension). */
  name: string;
  data: Buffer;
}

/** A parsed form: text fields (last value of a name wins) and files (empty file inputs left out). */
export interface FormBody {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

/** Thrown when a multipart body cannot be read (a 400 for the person). */
export class BadFormError extends Error {}

/**
 * Teaches `app` to read `application/x-www-form-urlencoded` and `multipart/form-data` bodies into
 * a {@link FormBody}, up to `limitBytes` (larger bodies are refused by Fastify with 413
 * `FST_ERR_CTP_BODY_TOO_LARGE`). Multipart is parsed by the platform's own `Response.formData()`.
 */
export function registerFormParsers(app: FastifyInstance, limitBytes: number): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: limitBytes }, (_req, body, done) => {
    const fields: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body as string)) fields[k] = v;
    done(null, { fields, files: {} } satisfies FormBody);
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: limitBytes }, (req, body, done) => {
    const contentType = String(req.headers['content-type']);
    new Response(body as Buffer, { headers: { 'content-type': contentType } })
      .formData()
      .then(async (form) => {
        const out: FormBody = { fields: {}, files: {} };
        for (const [name, value] of form.entries()) {
          if (typeof value === 'string') out.fields[name] = value;
          else if (value.size > 0 || value.name) {
            if (value.size > 0) out.files[name] = { name: value.name, data: Buffer.from(await value.arrayBuffer()) };
          }
        }
        done(null, out);
      })
      .catch((err: unknown) => done(new BadFormError(`the form could not be read (${(err as Error).message})`), undefined));
  });
}

/** The parsed form of a request (an empty one when the body was not a form). */
export function formOf(request: FastifyRequest): FormBody {
  const body = request.body as Partial<FormBody> | undefined;
  return { fields: body?.fields ?? {}, files: body?.files ?? {} };
}
