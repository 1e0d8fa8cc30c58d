import { EXIT, StartupError } from './prepare';

export const REQUIRED_NODE_MAJOR = 24;

/** Refuses to start on a Node.js older than the LTS line Opora is built and tested on. */
export function checkRuntime(version: string = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (!(major >= REQUIRED_NODE_MAJOR)) {
    throw new StartupError(
      `Node.js ${REQUIRED_NODE_MAJOR} or newer is required, this is ${version}: start Opora through npm (npm start), which uses the Node ${REQUIRED_NODE_MAJOR} installed by npm ci, or install Node ${REQUIRED_NODE_MAJOR}`,
      EXIT.config,
    );
  }
}
