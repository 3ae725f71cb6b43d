import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { spec } from './generated/router';

describe('embedded OpenAPI spec', () => {
  // The router validates requests against the embedded copy, so a spec edit
  // that is not regenerated would silently stop applying.
  it('is the spec in src/schema/openapi.yaml', () => {
    const source = parse(
      fs.readFileSync(path.resolve(__dirname, '../openapi.yaml'), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(spec))).toEqual(source);
  });
});
