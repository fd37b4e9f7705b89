/** Progress events from a scan; renderers live in the CLI. */
export type ProgressEvent =
  | { type: 'resolved'; layers: { index: number; size?: number; diffId: string }[] }
  | { type: 'layer-start'; index: number; size?: number }
  | { type: 'layer-bytes'; index: number; bytes: number }
  | { type: 'layer-done'; index: number; cached: boolean }
  | { type: 'rootfs-file'; path: string };

export type ProgressListener = (e: ProgressEvent) => void;
