// How each service is sized when it runs in a Deployment of its own
// (k8s/overlays/per-service): its requests and limits, how many replicas its
// autoscaler may run, and how long its first start may take. A service not
// named here gets the default.

export interface Sizing {
  /** CPU and memory requested; what the autoscaler's utilization is measured against. */
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  minReplicas: number;
  maxReplicas: number;
  /**
   * Longest first start, in seconds, before the kubelet gives up on it: a new
   * pod replays its service's copies from the stream before it is ready, and
   * a view over a whole system replays more than one aggregate's follower.
   */
  startupSeconds: number;
}

const DEFAULT: Sizing = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "384Mi" },
  minReplicas: 2,
  maxReplicas: 4,
  startupSeconds: 120,
};

/** A view over a whole system: more rows in memory, a longer replay. */
const VIEW: Partial<Sizing> = {
  requests: { cpu: "50m", memory: "192Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
  startupSeconds: 240,
};

/**
 * Services the originals scaled out alone under load: mall's pay (deposit
 * checks take stock synchronously) and cleaning's review; and the order
 * services every flow starts at.
 */
const HOT: Partial<Sizing> = {
  requests: { cpu: "200m", memory: "192Mi" },
  limits: { cpu: "1", memory: "512Mi" },
  maxReplicas: 10,
};

const SIZING: Record<string, Partial<Sizing>> = {
  "mall.order": HOT,
  "mall.pay": HOT,
  "mall.orderStatus": VIEW,
  "sauce.order": HOT,
  "sauce.orderDashboard": VIEW,
  "cleaning.reservation": HOT,
  "cleaning.review": HOT,
  "cleaning.dashboard": VIEW,
  "meetingroom.reserve": HOT,
  "meetingroom.schedule": VIEW,
  "insurance.proposal": HOT,
  "insurance.mypage": VIEW,
};

export const sizingOf = (service: string): Sizing => ({ ...DEFAULT, ...SIZING[service] });

/**
 * The V8 heap a node may grow to in a container with this memory limit
 * (`512Mi`, `1Gi`): 60 % of it, in MiB, a multiple of 16. Left alone, Node
 * sizes the heap from the container's whole limit and collects lazily while
 * far from it, so a node under a burst grows into the memory LevelDB, buffers
 * and code also need (figures: docs/PERFORMANCE.md, "Memory under load").
 */
export function heapLimitMiB(memoryLimit: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(memoryLimit);
  if (!m) throw new Error(`memory limit ${memoryLimit}: expected <n>Mi or <n>Gi`);
  const mib = Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
  return Math.floor((mib * 0.6) / 16) * 16;
}

/** The NODE_OPTIONS of a node container with this memory limit. */
export const nodeOptionsFor = (memoryLimit: string): string => `--max-old-space-size=${heapLimitMiB(memoryLimit)}`;

/** The Kubernetes name of a service's objects: `mall.orderStatus` → `seed-mall-orderstatus`. */
export const objectNameOf = (service: string): string => `seed-${service.replaceAll(".", "-").toLowerCase()}`;
