module.exports = { ...require('../../jest.config.base.js'), displayName: '@custodian/launch' };
