/**
 * Maven coordinates embedded by the build: `META-INF/maven/<g>/<a>/pom.properties` (a Java
 * properties file) and, when an archive only carries `pom.xml`, the project's own coordinates
 * from that file (inheriting groupId/version from `<parent>`, resolving `${…}` from
 * `<properties>` and the `project.*` names).
 */

export interface MavenCoordinates {
  groupId?: string;
  artifactId: string;
  version: string;
  /** License names from `pom.xml` `<licenses>`, when read from there. */
  licenses?: string[];
  name?: string;
}

/** Java `.properties` (the subset Maven writes: `key=value`, `key: value`, `#`/`!` comments, continuations). */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length)
      line = line.slice(0, -1) + lines[++i]!.trimStart();
    const m = /^((?:[^=:\s\\]|\\.)+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out[unescapeProperty(m[1]!)] = unescapeProperty(m[2]!.trimEnd());
    else out[unescapeProperty(line)] = '';
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/** Coordinates from a `pom.properties`; undefined without artifactId and version. */
export function coordinatesFromProperties(text: string): MavenCoordinates | undefined {
  const p = parseProperties(text);
  if (!p.artifactId || !p.version) return undefined;
  return { ...(p.groupId ? { groupId: p.groupId } : {}), artifactId: p.artifactId, version: p.version };
}

interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
      );
    return XML_ENTITIES[e] ?? m;
  });
}

/** A small, tolerant XML tree builder: enough for POMs (no DTDs, namespaces stripped to local names). */
function parseXml(text: string): XmlElement | undefined {
  const root: XmlElement = { name: '#document', text: '', children: [] };
  const stack: XmlElement[] = [root];
  const re =
    /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([\w.:-]+)[^>]*?(\/?)>|([^<]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[5] !== undefined) top.text += decodeXmlText(m[5]);
    else if (m[3] !== undefined) {
      const name = m[3].includes(':') ? m[3].slice(m[3].indexOf(':') + 1) : m[3];
      if (m[2] === '/') {
        // Close the nearest open element of that name (tolerates stray closers).
        const at = stack.map((e) => e.name).lastIndexOf(name);
        if (at > 0) stack.length = at;
      } else {
        const el: XmlElement = { name, text: '', children: [] };
        top.children.push(el);
        if (m[4] !== '/') stack.push(el);
      }
    }
    if (stack.length > 256) return undefined;
  }
  return root.children.find((c) => c.name === 'project');
}

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

function textOf(el: XmlElement | undefined, name: string): string | undefined {
  const t = child(el, name)?.text.trim();
  return t ? t : undefined;
}

/** The project's own coordinates from a `pom.xml`; undefined when they cannot be determined. */
export function coordinatesFromPomXml(text: string): MavenCoordinates | undefined {
  const project = parseXml(text);
  if (!project) return undefined;
  const parent = child(project, 'parent');
  const props: Record<string, string> = {};
  for (const p of child(project, 'properties')?.children ?? []) props[p.name] = p.text.trim();
  const raw = {
    groupId: textOf(project, 'groupId') ?? textOf(parent, 'groupId'),
    artifactId: textOf(project, 'artifactId'),
    version: textOf(project, 'version') ?? textOf(parent, 'version'),
  };
  const names: Record<string, string | undefined> = {
    'project.groupId': raw.groupId,
    'pom.groupId': raw.groupId,
    'project.artifactId': raw.artifactId,
    'project.version': raw.version,
    'pom.version': raw.version,
    'project.parent.version': textOf(parent, 'version'),
    'parent.version': textOf(parent, 'version'),
    'project.parent.groupId': textOf(parent, 'groupId'),
  };
  const resolve = (v: string | undefined): string | undefined => {
    let s = v;
    for (let i = 0; s && s.includes('${') && i < 8; i++)
      s = s.replace(/\$\{([^}]+)\}/g, (m, k: string) => props[k] ?? names[k] ?? m);
    return s && !s.includes('${') ? s : undefined;
  };
  const artifactId = resolve(raw.artifactId);
  const version = resolve(raw.version);
  if (!artifactId || !version) return undefined;
  const groupId = resolve(raw.groupId);
  const licenses = (child(project, 'licenses')?.children ?? [])
    .map((l) => textOf(l, 'name'))
    .filter((n): n is string => n !== undefined);
  const name = textOf(project, 'name');
  return {
    ...(groupId ? { groupId } : {}),
    artifactId,
    version,
    ...(licenses.length ? { licenses } : {}),
    ...(name ? { name } : {}),
  };
}
