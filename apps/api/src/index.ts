export { startApi, type RunningApi } from './server.js';
