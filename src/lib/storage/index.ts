import type { StorageConfig } from '../config';
import { DiskStorage } from './disk.storage';
import { S3Storage } from './s3.storage';
import type { ObjectStorage } from './storage';

export * from './storage';
export { DiskStorage } from './disk.storage';
export { S3Storage } from './s3.storage';

/** The store named by `STORAGE_DRIVER` (not yet initialised: call `init()`). */
export function createStorage(config: StorageConfig, log?: (message: string) => void): ObjectStorage {
  return config.driver === 's3' ? new S3Storage({ ...config, log }) : new DiskStorage(config.uploadDir);
}
