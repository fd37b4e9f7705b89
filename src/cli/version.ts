declare const __PORTCULLIS_VERSION__: string | undefined;

/** The tool version, injected at build time (falls back to the development marker). */
export const TOOL_VERSION: string = typeof __PORTCULLIS_VERSION__ === 'string' ? __PORTCULLIS_VERSION__ : '0.0.0-dev';
