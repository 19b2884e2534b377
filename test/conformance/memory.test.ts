import { memoryPorts } from './adapters';
import { storePortsConformance } from './suites';

storePortsConformance('memory', memoryPorts, { canTamper: true, idempotency: true, archive: true });
