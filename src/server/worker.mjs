// Worker threads start without the tsx loader the main thread registered (bin/deleverage.js);
// register it here, then load the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./runWorker.ts");
