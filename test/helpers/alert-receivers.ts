import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) in a header value. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text
        .replace(/_/g, ' ')
        .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

/** A message the test SMTP server received: envelope, headers (unfolded) and the raw text. */
export interface ReceivedMail {
  from: string | null;
  to: string[];
  subject: string;
  raw: string;
  user: string | null;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package), on a free port. With `auth`, it offers
 * STARTTLS (its built-in test certificate) and requires that user and password.
 */
export async function startSmtp(options: { auth?: { user: string; password: string } } = {}): Promise<{
  port: number;
  mails: ReceivedMail[];
  close: () => Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const auth = options.auth;
  const server = new SMTPServer({
    logger: false,
    // Without auth, a plain session; with it, STARTTLS (the built-in test certificate) and a login.
    secure: false,
    ...(auth
      ? {
          authMethods: ['PLAIN', 'LOGIN'],
          onAuth(a, _session, cb) {
            if (a.username === auth.user && a.password === auth.password) cb(null, { user: a.username });
            else cb(new Error('Invalid username or password'));
          },
        }
      : { authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'] }),
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        raw += chunk;
      });
      stream.on('end', () => {
        const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeHeader(/^Subject: (.*)$/m.exec(head)?.[1] ?? ''),
          raw,
          user: typeof session.user === 'string' ? session.user : null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

/**
 * A local HTTP receiver on 127.0.0.1. `failures` maps a path to how many requests to it fail (HTTP
 * 500) before it answers 200.
 */
export async function startReceiver(failures: Record<string, number> = {}): Promise<{
  url: string;
  hooks: ReceivedHook[];
  close: () => Promise<void>;
}> {
  const hooks: ReceivedHook[] = [];
  const left = { ...failures };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      const failing = (left[path] ?? 0) > 0;
      if (failing) left[path]! -= 1;
      const status = failing ? 500 : 200;
      hooks.push({ path, headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(failing ? 'receiver down' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hooks,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
