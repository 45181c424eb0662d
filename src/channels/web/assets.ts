import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';

/** One static file of the chat page, read once at start-up. */
export interface Asset {
  body: Buffer;
  type: string;
  /** Short content hash: the ?v= query string and the ETag. */
  version: string;
}

export const PUBLIC_DIR = join(import.meta.dirname, 'public');

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** Reads public/<name>; a missing file is a packaging mistake, so it fails at start-up. */
export function loadAsset(name: string): Asset {
  const file = join(PUBLIC_DIR, name);
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch (e) {
    throw new Error(`web chat: cannot read ${file} (${(e as Error).message}); it ships with the source, restore it`);
  }
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return { body, type: TYPES[ext] ?? 'application/octet-stream', version: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
}

/**
 * Serves an asset: cached for a year when asked for with the current ?v=, otherwise
 * revalidated by ETag, so a stale page never keeps an old script for long.
 */
export function serveAsset(asset: Asset) {
  const etag = `"${asset.version}"`;
  return (req: Request, res: Response): void => {
    const current = req.query.v === asset.version;
    res.setHeader('Cache-Control', current ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('ETag', etag);
    res.setHeader('Content-Type', asset.type);
    const seen = (req.get('if-none-match') ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (seen.includes(etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', String(asset.body.length));
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  };
}
