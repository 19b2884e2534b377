/** A connector cannot be built from its configuration; raised at start-up, never during a deletion. */
export class ConnectorConfigError extends Error {
  override readonly name = 'ConnectorConfigError';
}
