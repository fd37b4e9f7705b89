/**
 * The scanned project's own packages ("applications"): the package a project's manifest declares
 * for itself (`package.json`, `pyproject.toml`, `pom.xml`, `go.mod`, `composer.json`, a workspace
 * crate of `Cargo.lock`, a Go binary's main module), as Syft and Trivy report them. Each is
 * marked `metadata.application = "true"` — the CycloneDX property `portcullis:metadata:application`,
 * component type `application`, SPDX purpose `APPLICATION` — so a reader can tell the application
 * from its dependencies.
 */

/** Metadata key of an application package. */
export const APPLICATION_KEY = 'application';

export const APPLICATION_METADATA: Readonly<Record<string, string>> = { [APPLICATION_KEY]: 'true' };

/**
 * The system's library and data directories, where distributions install their own copies of
 * language packages (Debian's `usr/share/nodejs/<name>/package.json`, `usr/share/maven-repo`):
 * those are OS packages' files, reported by the OS catalogers, not a project.
 */
const SYSTEM_DIRS = ['usr/lib/', 'usr/lib64/', 'usr/libexec/', 'usr/share/', 'lib/', 'lib64/', 'proc/', 'sys/'];

export function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((d) => path.startsWith(d));
}

/** The file name of a root-relative path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
