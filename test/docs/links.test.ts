// Every relative link in every tracked Markdown file leads to a file of the
// repository, and a `#anchor` to a heading of the file it names: the
// documents stand on their own.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");

const markdownFiles = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "*.md"], {
  cwd: ROOT,
  encoding: "utf8",
})
  .split("\0")
  .filter((f) => f.length > 0 && existsSync(join(ROOT, f)));

/** Text outside fenced code blocks and inline code spans. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** Link targets: `[text](target)`, `[text]: target` definitions, `<a href>`. */
function linkTargets(text: string): string[] {
  const body = prose(text);
  const out: string[] = [];
  for (const m of body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1] as string);
  for (const m of body.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) out.push(m[1] as string);
  for (const m of body.matchAll(/<a\s[^>]*href="([^"]+)"/g)) out.push(m[1] as string);
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const body = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const m of body.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (m[1] as string)
      .replace(/`/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of body.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(m[1] as string);
  return anchors;
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

describe("Markdown links", () => {
  it("finds the repository's documents", () => {
    expect(markdownFiles).toEqual(expect.arrayContaining(["README.md", "docs/API.md", "packages/mall/README.md"]));
  });

  it("reads links and anchors the way they are written", () => {
    expect(
      linkTargets('see [a](docs/A.md#x)\n[b]: ../b.md\n`[no](c.md)`\n```\n[no](d.md)\n```\n<a href="e.md">e</a>'),
    ).toEqual(["docs/A.md#x", "../b.md", "e.md"]);
    expect([...anchorsOf("# The `saga` (v2)\n## Routes\n## Routes\n")]).toEqual(["the-saga-v2", "routes", "routes-1"]);
  });

  it("names a link that leaves the repository, a missing file and a missing heading", () => {
    const text = "[a](../../../elsewhere/api.md) [b](docs/NOPE.md) [c](docs/API.md#nope) [d](docs/API.md#errors)";
    expect(brokenLinks("README.md", text)).toEqual([
      "../../../elsewhere/api.md (outside the repository)",
      "docs/NOPE.md (no such file)",
      "docs/API.md#nope (no heading #nope)",
    ]);
  });

  for (const file of markdownFiles) {
    it(`${file}: every relative link resolves inside the repository`, () => {
      expect(brokenLinks(file, readFileSync(join(ROOT, file), "utf8"))).toEqual([]);
    });
  }
});

/** The links of `text` (the content of `file`) that do not resolve, each with why. */
function brokenLinks(file: string, text: string): string[] {
  const broken: string[] = [];
  for (const raw of linkTargets(text)) {
    if (isExternal(raw)) continue;
    const [pathPart = "", anchor] = raw.split("#", 2);
    const path = decodeURIComponent(pathPart);
    const target = path === "" ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
    const inside = relative(ROOT, target);
    if (inside.startsWith("..") || inside.startsWith("/")) {
      broken.push(`${raw} (outside the repository)`);
      continue;
    }
    if (!existsSync(target)) {
      broken.push(`${raw} (no such file)`);
      continue;
    }
    if (anchor && target.endsWith(".md") && statSync(target).isFile()) {
      if (!anchorsOf(readFileSync(target, "utf8")).has(anchor)) broken.push(`${raw} (no heading #${anchor})`);
    }
  }
  return broken;
}
