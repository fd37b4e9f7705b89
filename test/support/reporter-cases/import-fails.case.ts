// @ts-expect-error -- the import that fails is the point of this case
import './nonexistent.js';
import { it } from 'vitest';
it('never', () => {});
