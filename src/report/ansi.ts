/**
 * ANSI colours for renderers and command output, always on: whether to use them is decided once
 * by the caller (`cli/color.ts`, passed to renderers as `color`), never by picocolors' own
 * detection of this process (which differs on `FORCE_COLOR=0`, `CI` and piped output).
 */
import pc from 'picocolors';

export const ANSI = pc.createColors(true);
