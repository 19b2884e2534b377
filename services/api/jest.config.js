// light-my-request (fastify.inject) requires `cookie` 2, which ships as ES modules only; Jest's
// CommonJS runtime cannot load those untransformed, so that one package goes through swc too.
module.exports = { ...require('../../jest.config.base.js'), displayName: '@custodian/api', transformIgnorePatterns: ['/node_modules/(?!cookie/)'] };
