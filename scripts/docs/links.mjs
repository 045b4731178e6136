// The docs link check: every relative link of the given Markdown files must name a file that
// exists, and every #anchor a heading (or explicit id) of its target page. External links are not
// fetched (CI has no network to depend on).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { anchorsOf, proseLines } from './markdown.mjs';

/** Inline links and images `[text](target "title")`, and reference definitions `[id]: target`. */
function linksOf(text) {
  const links = [];
  for (const { line, number } of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ target: m[1], line: number });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (def) links.push({ target: def[1], line: number });
  }
  return links;
}

/** Problems as `file:line: message`, paths relative to `root`; empty when every link resolves. */
export function checkLinks(files, root) {
  const problems = [];
  const anchorCache = new Map();
  const anchors = (file) => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(file, 'utf8')));
    return anchorCache.get(file);
  };
  for (const file of files) {
    const where = relative(root, file);
    for (const { target, line } of linksOf(readFileSync(file, 'utf8'))) {
      if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:…
      const hash = target.indexOf('#');
      const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
      const dest = pathPart ? resolve(dirname(file), pathPart) : file;
      if (!existsSync(dest)) {
        problems.push(`${where}:${line}: broken link ${target}: ${relative(root, dest)} does not exist`);
        continue;
      }
      if (anchor === null || anchor === '') continue;
      if (statSync(dest).isDirectory() || !dest.endsWith('.md')) {
        problems.push(`${where}:${line}: link ${target}: anchors are checked in Markdown files only`);
        continue;
      }
      if (!anchors(dest).has(anchor))
        problems.push(`${where}:${line}: missing anchor ${target}: ${relative(root, dest)} has no heading #${anchor}`);
    }
  }
  return problems;
}
