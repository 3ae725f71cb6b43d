// The benchmark starts a whole backend, as packages/backend does: it has
// to import the ITOps backend plugin and its test utilities, which the
// node-library role otherwise forbids.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: { '@backstage/no-mixed-plugin-imports': 'off' },
});
