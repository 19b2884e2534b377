// fastify.inject (light-my-request) requires `cookie` 2, which ships as ES modules only: that one package goes through swc too (as in services/api)
module.exports = { ...require('../jest.config.base.js'), displayName: '@custodian/test', transformIgnorePatterns: ['/node_modules/(?!cookie/)'] };
