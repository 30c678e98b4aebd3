// Piscina worker shell: builds this thread's ServerModel on 'init' and routes every later task to it.
// Nothing else lives here (DESIGN §4: worker entry files only wire a port to a driver).
import { createHostFromInit, handleHostTask } from './worker-driver.js';
import type { HostTask } from './protocol.js';

export default function run(task: HostTask): Promise<unknown> {
  if (task.op === 'init') return createHostFromInit(task);
  return handleHostTask(task);
}
