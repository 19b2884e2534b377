// One jest run over every workspace, so CI gets a single summary line.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const services = readdirSync(join(__dirname, 'services')).map((d) => join(__dirname, 'services', d));
module.exports = {
  projects: [join(__dirname, 'contracts'), join(__dirname, 'workflows'), ...services, join(__dirname, 'test')],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
