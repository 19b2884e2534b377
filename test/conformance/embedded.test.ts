import { embeddedPorts } from './adapters';
import { storePortsConformance } from './suites';

storePortsConformance('embedded SQLite', embeddedPorts);
